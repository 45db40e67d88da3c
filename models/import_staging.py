"""A lead import's preparation, before the write lock: its rows in storage form in a staging
table of this connection, matched to stored leads and units, authorized, and its audit lines
made (``models.lead_import`` writes them under the lock)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from models import audit, engine
from models.access import Actor, authorize_rows
from models.ledger_rows import UNCLEAN, LeadInput, Progress, stage_day, unit_ids
from models.search import search_key
from models.store_errors import StoreError
from models.tables import Lead, execute, execute_many, rows, run_sql, sql_value
from models.usertext import clean_fields, clean_text


def _renamed_leads() -> dict[tuple[str, str], int]:
    """Leads an older version stored with controls in a name, by their names as cleaned. Read
    before the write lock: it scans every lead (0.2–0.3 s per 100,000)."""
    unclean = engine.has_any_of(Lead.company, UNCLEAN) | engine.has_any_of(Lead.project, UNCLEAN)
    query = Lead.select(Lead.id, Lead.company, Lead.project).where(unclean)
    return {(clean_text(c), clean_text(p)): int(i) for i, c, p in rows(query)}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# The columns a ledger row sets, in LeadInput's order (``unit`` becomes ``unit_id``).
_ROW_COLUMNS = tuple(
    "unit_id" if f == "unit" else f
    for f in LeadInput.__dataclass_fields__
    if f not in ("unit", "line")
)
LEDGER_COLUMNS = (*_ROW_COLUMNS[:6], "unit_id", *_ROW_COLUMNS[6:])
# What a stored lead is compared on: everything (company and project are how it was found,
# and differ only for a lead an older version stored with controls in its name).
COMPARED = LEDGER_COLUMNS


def staging_table() -> str:
    """The import's staging table, in this connection's temporary schema."""
    return f"{engine.temp_schema()}.import_lead"


def audit_staging_table() -> str:
    """The staging table of the import's audit lines."""
    return f"{engine.temp_schema()}.import_audit"


_IMPORT_LOG_EVERY = 5000


def stage_rows(
    records: Iterable[LeadInput], today: date, progress: Progress
) -> Iterator[tuple[object, ...]]:
    """The rows in storage form (ISO dates, 0/1), with their search keys and stage days."""
    n = 0
    for n, raw in enumerate(records, start=1):
        r = clean_fields(raw)  # the backstop: every import passes here
        yield (
            n,
            r.company,
            r.project,
            r.industry,
            r.amount_wan,
            bool(r.is_industrial),
            r.source,
            r.unit,
            r.stage,
            _iso(r.found_on),
            _iso(r.valid_since),
            _iso(r.signed_on),
            _iso(r.started_on),
            r.dropped_reason,
            search_key(r.company, r.project),
            stage_day(r, today).isoformat(),
            r.line or n,
        )
        if n % _IMPORT_LOG_EVERY == 0:
            progress("read", n)
    progress("read", n)


#: The staging table's columns and, on a server, their types (SQLite's are left untyped).
STAGING_TYPES = (
    ("company", "TEXT"),
    ("project", "TEXT"),
    ("industry", "TEXT"),
    ("amount_wan", "INTEGER"),
    ("is_industrial", "BOOLEAN"),
    ("source", "TEXT"),
    ("unit", "TEXT"),
    ("stage", "TEXT"),
    ("found_on", "DATE"),
    ("valid_since", "DATE"),
    ("signed_on", "DATE"),
    ("started_on", "DATE"),
    ("dropped_reason", "TEXT"),
    ("search_key", "TEXT"),
    ("stage_day", "DATE"),
    ("line", "INTEGER"),
    ("unit_id", "INTEGER"),
    ("lead_id", "INTEGER"),
)


#: The audit lines' staging columns, as above.
AUDIT_STAGING_TYPES = (
    ("pos", "INTEGER"),
    ("lead_id", "INTEGER"),
    ("unit_id", "INTEGER"),
    ("subject", "TEXT"),
    ("field", "TEXT"),
    ("before", "TEXT"),
    ("after", "TEXT"),
    ("new_rank", "INTEGER"),
)


def declared(columns: Sequence[tuple[str, str]]) -> str:
    """A staging table's column declarations: typed on a server, untyped in SQLite (as the
    staging tables always were there)."""
    typed = engine.on_server()
    return ", ".join(f"{name} {kind}" if typed else name for name, kind in columns)


def match_staged() -> int:
    """Each staged row's unit and stored lead (by company and project); how many matched. A
    lead or unit an older version stored with controls in its name is found by the name
    cleaned (and the lead's name is repaired by the write)."""
    execute_many(
        f"UPDATE {staging_table()} SET unit_id = ? WHERE unit = ?",
        [(unit_id, name) for name, unit_id in unit_ids().items()],
    )
    run_sql(
        f"UPDATE {staging_table()} SET lead_id = (SELECT l.id FROM lead l "
        "WHERE l.company = import_lead.company AND l.project = import_lead.project)"
    )
    renamed = _renamed_leads()
    if renamed:
        execute_many(
            f"UPDATE {staging_table()} SET lead_id = ? "
            "WHERE lead_id IS NULL AND company = ? AND project = ?",
            [(lead_id, company, project) for (company, project), lead_id in renamed.items()],
        )
    unknown = sql_value(f"SELECT unit FROM {staging_table()} WHERE unit_id IS NULL LIMIT 1")
    if unknown is not None:
        raise StoreError(
            f"单位不存在（活动配置刚被修改？）/ no such unit (was the campaign just changed?): "
            f"{unknown}"
        )
    return int(sql_value(f"SELECT COUNT(*) FROM {staging_table()} WHERE lead_id IS NOT NULL"))


# the ledger's columns as the audit names them
_AUDITED = tuple("unit" if c == "unit_id" else c for c in COMPARED)


def authorize_staged(actor: Actor) -> None:
    """Refuse the whole import unless every row's unit, and the unit of every stored lead a
    row changes, is the actor's to write (a clerk's rows only for their own unit)."""
    if actor.role == "office":
        return
    other = engine.differs("s.unit", "?")
    query = (
        f"SELECT s.line, CASE WHEN {other} THEN s.unit ELSE u.name END FROM {staging_table()} s "
        "LEFT JOIN lead l ON l.id = s.lead_id LEFT JOIN unit u ON u.id = l.unit_id "
        f"WHERE {other} OR (u.name IS NOT NULL AND {engine.differs('u.name', '?')}) "
        "ORDER BY s.pos"
    )
    found = execute(query, (actor.unit,) * 3).fetchall()
    authorize_rows(actor, "lead", [(int(n), str(unit)) for n, unit in found])


def stage_audit() -> None:
    """The audit lines of the import, made before the lock: for each stored lead a row changes,
    its changed fields (before, after); for each new lead, its fields as one ``*`` line."""
    run_sql(f"DROP TABLE IF EXISTS {audit_staging_table()}")
    # ``seq``: the order the lines were made in, which the write keeps
    seq = engine.column_type("seq INTEGER PRIMARY KEY", "seq SERIAL PRIMARY KEY")
    run_sql(f"CREATE TABLE {audit_staging_table()} ({seq}, {declared(AUDIT_STAGING_TYPES)})")
    names = ", ".join(name for name, _ in AUDIT_STAGING_TYPES)
    flag = {"is_industrial"}
    value = {c: engine.as_text(f"s.{c}", boolean=c in flag) for c in COMPARED}
    stored = {c: engine.as_text(f"l.{c}", boolean=c in flag) for c in COMPARED}
    value["unit_id"], stored["unit_id"] = "s.unit", "u.name"
    changed = " UNION ALL ".join(
        f"SELECT s.pos, l.id, l.unit_id, s.company || ' · ' || s.project, '{name}', "
        f"{stored[c]}, {value[c]}, CAST(NULL AS INTEGER) FROM {staging_table()} s "
        "JOIN lead l ON l.id = s.lead_id "
        f"JOIN unit u ON u.id = l.unit_id WHERE {engine.differs(f's.{c}', f'l.{c}')}"
        for c, name in zip(COMPARED, _AUDITED, strict=True)
    )
    # in the file's order here, so that the write under the lock reads them in storage order
    run_sql(f"INSERT INTO {audit_staging_table()} ({names}) {changed} ORDER BY 1")
    fields = ", ".join(f"'{name}', {value[c]}" for c, name in zip(COMPARED, _AUDITED, strict=True))
    run_sql(
        f"INSERT INTO {audit_staging_table()} ({names}) SELECT s.pos, NULL, s.unit_id, "
        f"s.company || ' · ' || s.project, '{audit.WHOLE}', NULL, "
        f"{engine.json_object(fields)}, "
        f"ROW_NUMBER() OVER (ORDER BY s.pos) FROM {staging_table()} s WHERE s.lead_id IS NULL "
        "ORDER BY s.pos"
    )

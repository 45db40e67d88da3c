"""A lead import (``upsert_leads``): prepared without the lock (``models.import_staging``),
then written in one short transaction of a few bulk statements."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

from models import audit, engine
from models.access import Actor, current_actor
from models.bulk import schema_objects, stored_defaults
from models.db import PRAGMAS
from models.import_staging import (
    COMPARED,
    LEDGER_COLUMNS,
    STAGING_TYPES,
    audit_staging_table,
    authorize_staged,
    declared,
    match_staged,
    stage_audit,
    stage_rows,
    staging_table,
)
from models.ledger_rows import LeadInput, Progress, WriteResult, quiet
from models.search_backlog import index_waiting, wait_for_index
from models.tables import (
    GRAM_TRIGGERS,
    SEARCH_INDEX,
    STAGE_TRIGGERS,
    TOUCH_TRIGGERS,
    Lead,
    database,
    execute,
    execute_many,
    run_sql,
    sql_value,
)
from models.write_lock import write_prepared

#: Row-by-row triggers the bulk insert of new leads does without: the kept totals' (an UPDATE
#: a row: twice as slow as counting the new leads afterwards in one statement) and the search
#: index's (the new leads wait for it anyway: models.search_backlog). All are back before the
#: commit (a crash rolls back all), so no other connection ever sees the store without them.
_ROW_TRIGGERS_SKIPPED = {
    "stage_total_insert": STAGE_TRIGGERS,
    "lead_touch_day_insert": TOUCH_TRIGGERS,
    "lead_fts_insert": SEARCH_INDEX,
    "lead_gram_total_insert": GRAM_TRIGGERS,  # counted as the catch-up indexes them
}
#: The new leads (ids after ``?``) added to the kept totals at once, in place of their triggers.
_TOTALS_ADDED = (
    "INSERT INTO stage_total (stage, leads, amount_wan) "
    "SELECT stage, COUNT(*), TOTAL(amount_wan) FROM lead WHERE id > ? GROUP BY stage "
    "ON CONFLICT (stage) DO UPDATE SET leads = leads + excluded.leads, "
    "amount_wan = amount_wan + excluded.amount_wan",
    "INSERT INTO lead_touch_day (stage, touched_on, unit_id, n) "
    "SELECT stage, touched_on, unit_id, COUNT(*) FROM lead "
    "WHERE id > ? AND touched_on IS NOT NULL GROUP BY stage, touched_on, unit_id "
    "ON CONFLICT (stage, touched_on, unit_id) DO UPDATE SET n = n + excluded.n",
)


def upsert_leads(
    records: Iterable[LeadInput], user: str, today: date, progress: Progress = quiet
) -> WriteResult:
    """Add the rows as leads; a row whose company and project match a stored lead updates it.

    Everything is prepared first without the write lock — the rows in storage form with their
    search keys, in a temporary table of this connection, matched to stored leads and units —
    and then written in one short transaction of a few bulk statements (triggers keep the stage
    totals and the search index). If anyone committed in between, the matching is done again
    under the lock. ``records`` may be a stream: it is read once.
    """
    db = database
    on_file = not engine.on_server()
    if on_file and not db.in_transaction():
        # the rows wait in a file, not in memory: 100,000 of them took ~90 MB
        run_sql("PRAGMA temp_store = FILE", db)
    run_sql(f"DROP TABLE IF EXISTS {staging_table()}", db)
    run_sql(f"DROP TABLE IF EXISTS {audit_staging_table()}", db)
    run_sql(
        f"CREATE TABLE {staging_table()} (pos INTEGER PRIMARY KEY, {declared(STAGING_TYPES)})", db
    )
    try:
        with db.atomic():  # the temporary table only: the store is not locked
            execute_many(
                f"INSERT INTO {staging_table()} VALUES ({', '.join('?' * 17)}, NULL, NULL)",
                stage_rows(records, today, progress),
            )

        def prepare() -> int:
            progress("prepare", 0)
            matched = match_staged()
            authorize_staged(current_actor())
            stage_audit()
            progress("ready", matched)
            return matched

        def write(matched: int) -> WriteResult:
            progress("write", 0)
            return _write_staged(matched, user, today)

        written = write_prepared(prepare, write)
    finally:
        run_sql(f"DROP TABLE IF EXISTS {staging_table()}", db)
        run_sql(f"DROP TABLE IF EXISTS {audit_staging_table()}", db)
        if on_file and not db.in_transaction():
            run_sql(f"PRAGMA temp_store = {PRAGMAS['temp_store']}", db)
    # after the commit, in short transactions: this import's new leads and any a crash left
    progress("index", 0)
    index_waiting(lambda n: progress("index", n))
    return written


def _write_audit(actor: Actor, now: str, last: int, added: int, updated: int) -> None:
    """The import's entry: one batch line, then its rows' lines (the new leads' ids are the ones
    after ``last``, in the file's order)."""
    entry = audit.next_entry()
    head = (entry, now, actor.login, actor.name, "import")
    execute(
        "INSERT INTO audit (entry, at, login, name, action, subject, field) "
        "VALUES (?, ?, ?, ?, ?, ?, '')",
        (*head, f"+{added} ~{updated}"),
    )
    at = engine.column_type("?", "CAST(? AS TIMESTAMP)")
    execute(
        "INSERT INTO audit (entry, at, login, name, action, lead_id, unit_id, subject, "
        f"field, before, after) SELECT ?, {at}, ?, ?, ?, "
        "COALESCE(a.lead_id, CAST(? AS INTEGER) + a.new_rank), a.unit_id, a.subject, "
        f"a.field, a.before, a.after FROM {audit_staging_table()} a ORDER BY a.seq",
        (*head, last),
    )


@contextmanager
def _indexes_built_after(new: int) -> Iterator[None]:
    """Around the insert of ``new`` leads: when they are at least as many as the leads stored,
    the lead table's indexes are dropped and built again after it — sorting all rows once is
    twice as fast as placing each new one in each index. The unique index stays, to refuse a
    duplicate as it is inserted."""
    stored = int(sql_value("SELECT COALESCE(SUM(leads), 0) FROM stage_total"))
    indexes: list[tuple[str, str]] = []
    if new >= max(stored, 1) and not engine.on_server():
        indexes = [
            (name, sql)
            for name, sql in schema_objects("index", ("lead",), "tbl_name")
            if not sql.startswith("CREATE UNIQUE")
        ]
    for name, _ in indexes:
        run_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        run_sql(sql)


def _write_staged(matched: int, user: str, today: date) -> WriteResult:
    """The bulk statements, under the lock: stage history, updates, then the new leads."""
    now = str(datetime.now())
    actor = current_actor()
    server = engine.on_server()
    stamp = engine.column_type("?", "CAST(? AS TIMESTAMP)")
    differs = " OR ".join(engine.differs(f"s.{c}", f"l.{c}") for c in COMPARED)
    # the history of a changed stage, before the update overwrites the old one
    execute(
        'INSERT INTO stage_change (lead_id, from_stage, to_stage, "on", by_user, at) '
        f"SELECT l.id, l.stage, s.stage, s.stage_day, ?, {stamp} FROM {staging_table()} s "
        "JOIN lead l ON l.id = s.lead_id "
        f"WHERE {engine.differs('l.stage', 's.stage')} ORDER BY s.pos",
        (user, now),
    )
    assignments = ", ".join(f"{c} = s.{c}" for c in COMPARED)
    latest = engine.greater("COALESCE(l.touched_on, s.stage_day)", "s.stage_day")
    updated = execute(
        f"UPDATE lead AS l SET {assignments}, "
        # the latest touch stays the latest (the as-of rebuilds rely on it)
        f"touched_on = CASE WHEN {engine.differs('l.stage', 's.stage')} "
        f"THEN {latest} ELSE l.touched_on END, "
        f"updated_at = {stamp}, version = l.version + 1 FROM {staging_table()} s "
        f"WHERE s.lead_id = l.id AND ({differs})",
        (now,),
    ).rowcount
    # a name repaired (stored raw by an older version): its search key too — apart, since
    # naming search_key in an UPDATE re-indexes the lead in the trigram index even unchanged
    run_sql(
        f"UPDATE lead AS l SET search_key = s.search_key FROM {staging_table()} s "
        f"WHERE s.lead_id = l.id AND {engine.differs('l.search_key', 's.search_key')}"
    )
    last = int(sql_value("SELECT COALESCE(MAX(id), 0) FROM lead"))
    new = int(sql_value(f"SELECT COUNT(*) FROM {staging_table()} WHERE lead_id IS NULL"))
    defaults = stored_defaults(Lead, (*LEDGER_COLUMNS, "search_key", "touched_on", "reviewed_on"))
    extra = "".join(f", {c}" for c in defaults)
    marks = "".join(", ?" for _ in defaults)
    columns = ", ".join(LEDGER_COLUMNS)
    if new:
        # found by the filter at once, indexed for search after the commit (models.search_backlog)
        wait_for_index(last + 1, last + new)
    # on a server the row triggers stay: PL/pgSQL keeps the totals, pg_trgm the index
    skipped = {} if server else _ROW_TRIGGERS_SKIPPED
    for name in skipped:
        run_sql(f"DROP TRIGGER {name}")
    with _indexes_built_after(new):
        # a new bare lead waits in triage; one further along was decided already
        added = execute(
            f"INSERT INTO lead ({columns}, search_key, touched_on, reviewed_on{extra}) "
            f"SELECT {columns}, search_key, stage_day, "
            f"CASE WHEN stage = 'lead' THEN NULL ELSE {engine.date_param()} END{marks} "
            f"FROM {staging_table()} WHERE lead_id IS NULL ORDER BY pos",
            (today.isoformat(), *defaults.values()),
        ).rowcount
    for added_up in _TOTALS_ADDED if skipped else ():
        execute(added_up, (last,))
    for name, statements in skipped.items():
        run_sql(next(sql for sql in statements if f" {name} " in sql))
    # we hold the lock: the leads after the last id are the ones just added
    execute(
        'INSERT INTO stage_change (lead_id, from_stage, to_stage, "on", by_user, at) '
        f"SELECT id, NULL, stage, touched_on, ?, {stamp} FROM lead WHERE id > ? ORDER BY id",
        (user, now, last),
    )
    _write_audit(actor, now, last, added, updated)
    return WriteResult(added=added, updated=updated, unchanged=matched - updated)

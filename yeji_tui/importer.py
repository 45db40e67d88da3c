"""Checking ledger files (leads, activities) before anything is written.

The whole file is checked first. Every bad row is reported with its line, column, value and why;
if any row is bad nothing is imported. Stages, kinds and booleans are accepted in English or
Chinese, as staff write them.

The file is read by ledger_files, in the columns and words of ledger_columns; an exported
ledger is written by ledger_export. Their names are importable from here too.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from models.ledger import ActivityInput, LeadInput
from models.records import CampaignSettings
from yeji_tui.ledger_columns import (
    ACTIVITY_COLUMNS,
    BOOL_WORDS,
    CHINESE_HEADERS,
    INDUSTRY_WORDS,
    KIND_WORDS,
    LEAD_COLUMNS,
    SOURCE_WORDS,
    STAGE_WORDS,
    column_key,
)
from yeji_tui.ledger_export import ExportCell, export_table, write_csv, write_table
from yeji_tui.ledger_files import (
    MAX_LINE,
    STRAY,
    Columns,
    FileRefused,
    ImportRefused,
    Problem,
    Rows,
    file_encoding,
    read_table,
)
from yeji_tui.strings import Catalog
from yeji_tui.text import MAX_TEXT, clean_text, parse_day, unquote_formula

# the importer's names as they were before the reading, the columns and the export had modules
# of their own: tests, benches, screens and the CLI import them from here
__all__ = [
    "ACTIVITY_COLUMNS",
    "BOOL_WORDS",
    "CHINESE_HEADERS",
    "INDUSTRY_WORDS",
    "KIND_WORDS",
    "LEAD_COLUMNS",
    "MAX_AMOUNT_WAN",
    "MAX_LINE",
    "SOURCE_WORDS",
    "STAGE_WORDS",
    "STRAY",
    "Columns",
    "ExportCell",
    "FileRefused",
    "ImportRefused",
    "Problem",
    "Rows",
    "check_activities",
    "check_leads",
    "column_key",
    "each_activity",
    "each_lead",
    "export_table",
    "file_encoding",
    "parse_day",
    "read_table",
    "write_csv",
    "write_table",
]

#: The largest amount a lead can have: 1万亿元. A larger one is a typo or an amount in 元.
MAX_AMOUNT_WAN = 100_000_000
_WHOLE = re.compile(r"[0-9]+(?:\.0*)?")
_EXPONENT = re.compile(r"[+-]?[0-9.]+[eE][+-]?[0-9]+")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，．", "0123456789,.")


T = TypeVar("T")


def _check_header(
    fields: Sequence[str], required: tuple[str, ...], optional: tuple[str, ...], t: Catalog
) -> list[Problem]:
    have = set(fields)
    problems = [Problem(1, c, "", t("why.missing_column")) for c in required if c not in have]
    problems += [
        Problem(1, c, c, t("why.unknown_column"))
        for c in sorted(have - set(required) - set(optional))
    ]
    # two columns read as one (企业 and 公司 both mean company): one of them would be lost
    problems += [
        Problem(1, c, c, t("why.duplicate_column")) for c in sorted(have) if fields.count(c) > 1
    ]
    return problems


class _Row:
    """Reads one row's cells, collecting a Problem for every bad one."""

    def __init__(
        self, line: int, cells: dict[str, str], t: Catalog, out: list[Problem], today: date
    ) -> None:
        self.line, self.cells, self.t, self.out, self.today = line, cells, t, out, today
        if cells.get(STRAY):
            self.bad(STRAY, t("why.stray"))

    def bad(self, column: str, why: str) -> None:
        self.out.append(Problem(self.line, column, self.cells.get(column, ""), why))

    def cell(self, column: str) -> str:
        """A text cell as stored: an export's formula guard (``'=``) taken off, controls
        removed. Dates, amounts and yes/no cells are read raw: a control in one is refused,
        and its error line shows it escaped."""
        return clean_text(unquote_formula(self.cells.get(column, "")))

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.cell(column)
        if required and not value:
            self.bad(column, self.t("why.required"))
        elif len(value) > MAX_TEXT:
            self.bad(column, self.t("why.too_long", n=MAX_TEXT))
        return value

    def choice(self, column: str, words: dict[str, T], *, default: T | None = None) -> T | None:
        raw = self.cell(column)
        if not raw and default is not None:
            return default
        value = words.get(raw.lower()) if raw.isascii() else words.get(raw)
        if value is None:
            if not raw:
                self.bad(column, self.t("why.required"))
            else:
                shown = "、".join(dict.fromkeys(k for k in words if k))
                self.bad(column, self.t("why.choice", choices=shown))
        return value

    def flag(self, column: str) -> bool:
        value = BOOL_WORDS.get(self.cells.get(column, "").lower())
        if value is None:
            self.bad(column, self.t("why.bool"))
            return False
        return value

    def day(self, column: str, *, required: bool = False) -> date | None:
        raw = self.cells.get(column, "")
        if not raw:
            if required:
                self.bad(column, self.t("why.required"))
            return None
        day = parse_day(raw)
        if day is None:
            self.bad(column, self.t("why.date"))
        elif day > self.today:  # as the forms refuse it: nothing is recorded before it happens
            self.bad(column, self.t("why.future", today=self.today))
        return day

    def amount(self, column: str) -> int:
        """Whole 万元 up to MAX_AMOUNT_WAN; thousands separators and full-width digits are
        fine, as are trailing zero decimals (``12000.00``)."""
        raw = self.cells.get(column, "").translate(_FULL_WIDTH).replace(",", "")
        if _WHOLE.fullmatch(raw):
            digits = raw.partition(".")[0].lstrip("0") or "0"
            # compare the length first: int() of a 5,000-digit string raises
            if len(digits) <= len(str(MAX_AMOUNT_WAN)) and int(digits) <= MAX_AMOUNT_WAN:
                return int(digits)
            self.bad(column, self.t("why.amount_max", max=f"{MAX_AMOUNT_WAN:,}"))
        elif _EXPONENT.fullmatch(raw):
            self.bad(column, self.t("why.amount_exponent"))
        else:
            self.bad(column, self.t("why.amount"))
        return 0


def _check_all(
    path: Path,
    t: Catalog,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    check_row: Callable[[_Row], T | None],
    today: date | None,
) -> Iterator[T]:
    """The checked rows one by one; at the end, ImportRefused if any row was bad (a caller
    that writes as it reads must write somewhere it can throw away)."""
    fields, rows = read_table(path, t)
    today = today or date.today()
    problems = _check_header(fields, required, optional, t)
    if problems:
        raise ImportRefused(_as_headed(problems, fields))
    for line, cells in rows:
        before = len(problems)
        value = check_row(_Row(line, cells, t, problems, today))
        if value is not None and len(problems) == before and not problems:
            yield value
    if problems:
        raise ImportRefused(_as_headed(problems, fields))


def _as_headed(problems: list[Problem], fields: Sequence[str]) -> list[Problem]:
    """The problems with each column named as the file's header names it."""
    if not isinstance(fields, Columns):
        return problems
    return [replace(p, column=fields.name(p.column)) if p.column else p for p in problems]


def check_leads(
    path: Path, settings: CampaignSettings, t: Catalog, *, today: date | None = None
) -> list[LeadInput]:
    """Every row of a leads file, checked (no date after ``today``, by default the real one);
    raises ImportRefused listing all bad rows."""
    return list(each_lead(path, settings, t, today=today))


def each_lead(
    path: Path, settings: CampaignSettings, t: Catalog, *, today: date | None = None
) -> Iterator[LeadInput]:
    """The rows of a leads file as they are checked (ImportRefused at the end if any was bad;
    no date after ``today``, by default the real one)."""
    units = {clean_text(u.name) for u in settings.units}  # stored raw by an older version?
    # the line each company and project came on, by a 64-bit digest of the pair: a 100,000-row
    # ledger's names as tuples of strings took ~25 MB; two pairs sharing a digest is a chance
    # of about one in 10^9 on such a file (and would only refuse it, naming both lines)
    seen: dict[bytes, int] = {}

    def check(r: _Row) -> LeadInput | None:
        company, project = r.text("company", required=True), r.text("project", required=True)
        if company and project:
            key = hashlib.blake2b(f"{company}\x00{project}".encode(), digest_size=8).digest()
            if key in seen:
                r.bad("project", t("why.duplicate", line=seen[key]))
            seen.setdefault(key, r.line)
        unit = r.text("unit", required=True)
        if unit and unit not in units:
            r.bad("unit", t("why.unit"))
        stage = r.choice("stage", STAGE_WORDS)
        dates = {c: r.day(c) for c in ("found_on", "valid_since", "signed_on", "started_on")}
        if stage:
            _check_stage_dates(r, stage, dates)
        known = [(c, d) for c, d in dates.items() if d is not None]
        for (c1, d1), (c2, d2) in itertools.pairwise(known):
            if d1 > d2:
                r.bad(c2, t("why.order", first=c1, second=c2))
        lead = LeadInput(
            company=company,
            project=project,
            industry=r.choice("industry", INDUSTRY_WORDS, default="其他") or "其他",
            amount_wan=r.amount("amount_wan"),
            is_industrial=r.flag("is_industrial"),
            source=r.choice("source", SOURCE_WORDS, default="其他") or "其他",
            unit=unit,
            stage=stage or "lead",  # type: ignore[arg-type]
            found_on=dates["found_on"],
            valid_since=dates["valid_since"],
            signed_on=dates["signed_on"],
            started_on=dates["started_on"],
            dropped_reason=r.text("dropped_reason"),
            line=r.line,
        )
        return lead

    return _check_all(path, t, LEAD_COLUMNS, (), check, today)


def _check_stage_dates(r: _Row, stage: str, dates: dict[str, date | None]) -> None:
    t = r.t
    stage_name = t(f"stage.{stage}")
    if stage == "signed" and dates["signed_on"] is None:
        r.bad("signed_on", t("why.stage_needs_date", stage=stage_name, column="signed_on"))
    if stage == "started":
        if dates["started_on"] is None:
            r.bad("started_on", t("why.stage_needs_date", stage=stage_name, column="started_on"))
        if dates["signed_on"] is None:
            r.bad("signed_on", t("why.started_needs_signed"))
    later = {
        "lead": ("signed_on", "started_on"),
        "negotiating": ("signed_on", "started_on"),
        "signed": ("started_on",),
    }
    for column in later.get(stage, ()):
        if dates[column] is not None:
            r.bad(column, t("why.stage_has_date", stage=stage_name, column=column))


def check_activities(
    path: Path, settings: CampaignSettings, t: Catalog, *, today: date | None = None
) -> list[ActivityInput]:
    """Every row of an activities file, checked (no date after ``today``, by default the real
    one); raises ImportRefused listing all bad rows."""
    return list(each_activity(path, settings, t, today=today))


def each_activity(
    path: Path, settings: CampaignSettings, t: Catalog, *, today: date | None = None
) -> Iterator[ActivityInput]:
    """The rows of an activities file as they are checked (ImportRefused at the end if any was
    bad; no date after ``today``, by default the real one)."""
    units = {clean_text(u.name) for u in settings.units}

    def check(r: _Row) -> ActivityInput | None:
        on = r.day("date", required=True)
        unit = r.text("unit", required=True)
        if unit and unit not in units:
            r.bad("unit", t("why.unit"))
        kind = r.choice("kind", KIND_WORDS)
        principal = r.flag("led_by_principal")
        if on is None or kind is None:
            return None
        return ActivityInput(
            on=on,
            unit=unit,
            kind=kind,  # type: ignore[arg-type]
            led_by_principal=principal,
            destination=r.text("destination"),
            company=r.text("company"),
            note=r.text("note"),
        )

    return _check_all(path, t, ACTIVITY_COLUMNS, (), check, today)

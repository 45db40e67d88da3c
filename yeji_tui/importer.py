"""Checking ledger files (leads, activities) before anything is written.

The whole file is checked first. Every bad row is reported with its line, column, value and why;
if any row is bad nothing is imported. Stages, kinds and booleans are accepted in English or
Chinese, as staff write them.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from models.ledger import ActivityInput, LeadInput
from models.records import INDUSTRIES, SOURCES, CampaignSettings
from yeji_tui.strings import Catalog
from yeji_tui.text import MAX_TEXT, clean_text, parse_day

LEAD_COLUMNS = (
    "company",
    "project",
    "industry",
    "amount_wan",
    "is_industrial",
    "source",
    "unit",
    "stage",
    "found_on",
    "valid_since",
    "signed_on",
    "started_on",
    "dropped_reason",
)
ACTIVITY_COLUMNS = ("date", "unit", "kind", "led_by_principal", "destination", "company", "note")

STAGE_WORDS = {
    "lead": "lead",
    "线索": "lead",
    "negotiating": "negotiating",
    "洽谈": "negotiating",
    "在谈": "negotiating",
    "signed": "signed",
    "签约": "signed",
    "started": "started",
    "开工": "started",
    "dropped": "dropped",
    "终止": "dropped",
}
KIND_WORDS = {
    "trip": "trip",
    "外出招商": "trip",
    "visit": "visit",
    "接待考察": "visit",
    "接待客商": "visit",
    "promotion": "promotion",
    "推介会": "promotion",
    "training": "training",
    "培训会": "training",
    "培训": "training",
    "exchange": "exchange",
    "经验交流会": "exchange",
    "交流会": "exchange",
    "signing": "signing",
    "集中签约": "signing",
    "签约仪式": "signing",
    "groundbreaking": "groundbreaking",
    "集中开工": "groundbreaking",
    "开工仪式": "groundbreaking",
}
BOOL_WORDS = {
    "true": True,
    "1": True,
    "是": True,
    "yes": True,
    "y": True,
    "false": False,
    "0": False,
    "否": False,
    "no": False,
    "n": False,
    "": False,
}
INDUSTRY_WORDS = {i: i for i in INDUSTRIES} | {
    "smart_home": "智能家居",
    "fine_chemicals": "精细化工",
    "agriculture": "现代农业",
    "commerce": "商贸流通",
    "services": "现代服务业",
    "other": "其他",
}
SOURCE_WORDS = {s: s for s in SOURCES} | {
    "referral": "以商招商",
    "consultant": "委托招商",
    "promotion": "推介会",
    "park_partner": "园区合作",
    "trip": "外出招商",
    "walk_in": "来访",
    "other": "其他",
}

#: The columns' Chinese headers, as exports write them in Chinese and staff's ledgers have them.
CHINESE_HEADERS: dict[str, str] = {
    "company": "企业名称",
    "project": "项目名称",
    "industry": "行业",
    "amount_wan": "投资额(万元)",
    "is_industrial": "工业项目",
    "source": "来源",
    "unit": "责任单位",
    "stage": "阶段",
    "found_on": "发现日期",
    "valid_since": "有效线索日期",
    "signed_on": "签约日期",
    "started_on": "开工日期",
    "dropped_reason": "终止原因",
    "date": "日期",
    "kind": "类型",
    "led_by_principal": "主要负责人带队",
    "destination": "目的地",
    "note": "备注",
}
_HEADER_ALIASES: dict[str, str] = {
    "企业": "company",
    "公司": "company",
    "公司名称": "company",
    "项目": "project",
    "产业": "industry",
    "投资额": "amount_wan",
    "金额(万元)": "amount_wan",
    "投资金额(万元)": "amount_wan",
    "是否工业项目": "is_industrial",
    "线索来源": "source",
    "单位": "unit",
    "项目阶段": "stage",
    "上报日期": "valid_since",
    "活动日期": "date",
    "活动类型": "kind",
    "负责人带队": "led_by_principal",
    "地点": "destination",
    "对接企业": "company",
}
_DATE_COLUMNS = {"found_on", "valid_since", "signed_on", "started_on", "date"}


def column_key(header: str) -> str:
    """The column a header names: an English key, or its Chinese header (full-width brackets
    and spaces as staff type them are fine)."""
    cleaned = header.strip().replace("（", "(").replace("）", ")").replace(" ", "").lower()
    by_chinese = {v: k for k, v in CHINESE_HEADERS.items()} | _HEADER_ALIASES
    return by_chinese.get(cleaned, cleaned)


T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """One bad cell (or a whole-file problem, on line 0)."""

    line: int
    column: str
    value: str
    why: str


class ImportRefused(Exception):
    """A file had bad rows; nothing was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def file_encoding(path: Path) -> str | None:
    """The file's encoding: UTF-8 with or without BOM, else GB18030 (a superset of GBK); None
    if it is none of them. Read in pieces: the file is never held whole."""
    with path.open("rb") as f:
        bom = f.read(3) == b"\xef\xbb\xbf"
    for encoding in ("utf-8-sig",) if bom else ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


Rows = Iterable[tuple[int, dict[str, str]]]


def read_table(path: Path, t: Catalog) -> tuple[list[str], Rows]:
    """A CSV or xlsx file's column keys and its (line, row) pairs; the caller checks both."""
    if path.suffix.lower() == ".xlsx":
        return _xlsx_table(path, t)
    try:
        encoding = file_encoding(path)
        with path.open(encoding=encoding or "ascii", newline="") as f:
            header = next(csv.reader(f), []) if encoding else []
    except OSError as exc:
        raise ImportRefused([Problem(0, "", str(path), t("why.file", error=exc.strerror))]) from exc
    if encoding is None:
        raise ImportRefused([Problem(0, "", str(path), t("why.encoding"))])
    if not header:
        raise ImportRefused([Problem(0, "", str(path), t("why.empty"))])
    fields = [column_key(f) for f in header]
    return fields, _csv_rows(path, encoding, fields)


def _csv_rows(path: Path, encoding: str, fields: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    # one row at a time: a 100,000-row ledger read whole, as dicts, took ~150 MB
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.DictReader(f, fieldnames=fields)
        next(reader, None)  # the header, read already
        for row in reader:
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue  # blank lines, as spreadsheets leave them
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _xlsx_table(path: Path, t: Catalog) -> tuple[list[str], Rows]:
    """The first sheet's rows, numbered as Excel shows them; dates Excel keeps as day numbers
    are read back as dates."""
    from yeji_tui.xlsx import XlsxError, read_workbook, serial_to_date

    try:
        sheets = read_workbook(path)
    except (XlsxError, OSError) as exc:
        raise ImportRefused([Problem(0, "", str(path), t("why.xlsx", error=exc))]) from exc
    table = next(iter(sheets.values()), [])
    if not table or not any(table[0]):
        raise ImportRefused([Problem(0, "", str(path), t("why.empty"))])
    header = [column_key(str(h or "")) for h in table[0]]
    out: list[tuple[int, dict[str, str]]] = []
    for number, cells in enumerate(table[1:], start=2):
        row: dict[str, str] = {}
        for key, value in zip(header, cells, strict=False):
            if not key:
                continue
            if isinstance(value, int | float) and key in _DATE_COLUMNS:
                row[key] = serial_to_date(value).isoformat()
            elif isinstance(value, float):
                row[key] = f"{value:g}"
            else:
                row[key] = "" if value is None else str(value).strip()
        if any(row.values()):
            out.append((number, {k: row.get(k, "") for k in header if k}))
    return [k for k in header if k], out


def _check_header(
    fields: Iterable[str], required: tuple[str, ...], optional: tuple[str, ...], t: Catalog
) -> list[Problem]:
    have = set(fields)
    problems = [Problem(1, c, "", t("why.missing_column")) for c in required if c not in have]
    problems += [
        Problem(1, c, c, t("why.unknown_column"))
        for c in sorted(have - set(required) - set(optional))
    ]
    return problems


class _Row:
    """Reads one row's cells, collecting a Problem for every bad one."""

    def __init__(self, line: int, cells: dict[str, str], t: Catalog, out: list[Problem]) -> None:
        self.line, self.cells, self.t, self.out = line, cells, t, out

    def bad(self, column: str, why: str) -> None:
        self.out.append(Problem(self.line, column, self.cells.get(column, ""), why))

    def text(self, column: str, *, required: bool = False) -> str:
        value = clean_text(self.cells.get(column, ""))
        if required and not value:
            self.bad(column, self.t("why.required"))
        elif len(value) > MAX_TEXT:
            self.bad(column, self.t("why.too_long", n=MAX_TEXT))
        return value

    def choice(self, column: str, words: dict[str, T], *, default: T | None = None) -> T | None:
        raw = self.cells.get(column, "")
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
        return day

    def amount(self, column: str) -> int:
        raw = self.cells.get(column, "").replace(",", "").replace("，", "")
        try:
            value = float(raw) if raw else -1.0
        except ValueError:
            value = -1.0
        if value < 0 or value != int(value):
            self.bad(column, self.t("why.amount"))
            return 0
        return int(value)


def _check_all(
    path: Path,
    t: Catalog,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    check_row: Callable[[_Row], T | None],
) -> Iterator[T]:
    """The checked rows one by one; at the end, ImportRefused if any row was bad (a caller
    that writes as it reads must write somewhere it can throw away)."""
    fields, rows = read_table(path, t)
    problems = _check_header(fields, required, optional, t)
    if problems:
        raise ImportRefused(problems)
    for line, cells in rows:
        before = len(problems)
        value = check_row(_Row(line, cells, t, problems))
        if value is not None and len(problems) == before and not problems:
            yield value
    if problems:
        raise ImportRefused(problems)


def check_leads(path: Path, settings: CampaignSettings, t: Catalog) -> list[LeadInput]:
    """Every row of a leads file, checked; raises ImportRefused listing all bad rows."""
    return list(each_lead(path, settings, t))


def each_lead(path: Path, settings: CampaignSettings, t: Catalog) -> Iterator[LeadInput]:
    """The rows of a leads file as they are checked (ImportRefused at the end if any was bad)."""
    units = {u.name for u in settings.units}
    seen: dict[tuple[str, str], int] = {}

    def check(r: _Row) -> LeadInput | None:
        company, project = r.text("company", required=True), r.text("project", required=True)
        if company and project:
            if (company, project) in seen:
                r.bad("project", t("why.duplicate", line=seen[(company, project)]))
            seen.setdefault((company, project), r.line)
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
        )
        return lead

    return _check_all(path, t, LEAD_COLUMNS, (), check)


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


def check_activities(path: Path, settings: CampaignSettings, t: Catalog) -> list[ActivityInput]:
    """Every row of an activities file, checked; raises ImportRefused listing all bad rows."""
    return list(each_activity(path, settings, t))


def each_activity(path: Path, settings: CampaignSettings, t: Catalog) -> Iterator[ActivityInput]:
    """The rows of an activities file as they are checked (ImportRefused at the end if any was
    bad)."""
    units = {u.name for u in settings.units}

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

    return _check_all(path, t, ACTIVITY_COLUMNS, (), check)


# --- export: the same columns, so an exported file imports again unchanged -----------------

ExportCell = str | int


def export_table(
    items: Sequence[LeadInput] | Sequence[ActivityInput], t: Catalog
) -> tuple[list[str], list[list[ExportCell]]]:
    """Headers and rows of a leads or activities file in the interface's language, in the
    columns the importer reads (Chinese headers and words in Chinese)."""
    zh = t.lang == "zh"
    is_leads = not items or isinstance(items[0], LeadInput)
    columns = LEAD_COLUMNS if is_leads else ACTIVITY_COLUMNS
    headers = [CHINESE_HEADERS[c] if zh else c for c in columns]

    def cell(column: str, value: object) -> ExportCell:
        if isinstance(value, bool):
            return ("是" if value else "否") if zh else str(value).lower()
        if isinstance(value, date):
            return value.isoformat()
        if value is None:
            return ""
        if column == "stage":
            return t(f"stage.{value}") if zh else str(value)
        if column == "kind":
            return t(f"kind.{value}") if zh else str(value)  # words the importer reads
        return value if isinstance(value, int) else str(value)

    attrs = [("on" if c == "date" else c) for c in columns]
    rows = [
        [cell(c, getattr(item, a)) for c, a in zip(columns, attrs, strict=True)] for item in items
    ]
    return headers, rows


def write_table(path: Path, headers: list[str], rows: list[list[ExportCell]]) -> None:
    """A CSV (UTF-8 with BOM, which Excel on Chinese Windows reads) or, for .xlsx, a workbook."""
    if path.suffix.lower() == ".xlsx":
        from yeji_tui.xlsx import write_workbook

        write_workbook(path, [(path.stem, [headers, *rows])])
        return
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)

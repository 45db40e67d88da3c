"""Checking ledger files (leads, activities) before anything is written.

The whole file is checked first. Every bad row is reported with its line, column, value and why;
if any row is bad nothing is imported. Stages, kinds and booleans are accepted in English or
Chinese, as staff write them.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TextIO, TypeVar

from models.ledger import ActivityInput, LeadInput
from models.records import INDUSTRIES, SOURCES, CampaignSettings
from yeji_tui.strings import Catalog
from yeji_tui.text import MAX_TEXT, clean_text, parse_day, spreadsheet_cell, unquote_formula

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
#: The largest amount a lead can have: 1万亿元. A larger one is a typo or an amount in 元.
MAX_AMOUNT_WAN = 100_000_000
_WHOLE = re.compile(r"[0-9]+(?:\.0*)?")
_EXPONENT = re.compile(r"[+-]?[0-9.]+[eE][+-]?[0-9]+")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，．", "0123456789,.")


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


class FileRefused(ImportRefused):
    """The file itself cannot be read as a ledger (missing, not text, damaged): one line."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__([Problem(0, "", str(path), why)])
        self.message = f"{path}: {why}"

    def __str__(self) -> str:
        return self.message


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


class Columns(list[str]):
    """A file's column keys, and the header each was read from: an error names a column as
    the file's header does (企业 for a file headed 企业, company for one headed company)."""

    header: dict[str, str]
    chinese: bool = False  # the file's headers are Chinese: a missing column is named so

    def name(self, key: str) -> str:
        """The column as the file names it (or would, for a missing one)."""
        if key in getattr(self, "header", {}):
            return self.header[key]
        return CHINESE_HEADERS.get(key, key) if self.chinese else key


#: A row's cells outside the named columns, kept under this key to be reported, not dropped.
STRAY = ""
#: No ledger line is this long; it is also the csv module's limit for one cell.
MAX_LINE = 131_072
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"  # .xlsx (a zip) and .xls (an OLE file)


def read_table(path: Path, t: Catalog) -> tuple[list[str], Rows]:
    """A CSV or xlsx file's column keys and its (row, cells) pairs, rows numbered as Excel
    and WPS show them (the header is row 1); the caller checks both. A file that cannot be
    read as a table raises FileRefused (a CSV's rows are read as they are asked for, so a
    damaged row may raise it then). What a file is comes from its content, not its name."""
    head = _read_head(path, t)
    if head.startswith(_ZIP):
        return _xlsx_table(path, t)
    if head.startswith(_OLE):
        raise FileRefused(path, t("why.xls"))
    if path.suffix.lower() == ".xlsx":
        raise FileRefused(path, t("why.xlsx", error=t("why.not_zip")))
    return _csv_table(path, head, t)


def _read_head(path: Path, t: Catalog) -> bytes:
    """The file's first bytes, which tell what kind of file it is."""
    try:
        if path.is_dir():
            raise FileRefused(path, t("why.directory"))
        if path.exists() and not path.is_file():
            raise FileRefused(path, t("why.not_file"))  # a pipe or a device: it may never end
        with path.open("rb") as f:
            return f.read(8)
    except FileNotFoundError as exc:
        raise FileRefused(path, t("why.no_file")) from exc
    except PermissionError as exc:
        raise FileRefused(path, t("why.no_permission")) from exc
    except OSError as exc:
        raise FileRefused(path, t("why.file", error=exc.strerror or exc)) from exc


def _csv_table(path: Path, head: bytes, t: Catalog) -> tuple[list[str], Rows]:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(path, t("why.utf16"))
    encoding = _text_encoding(path, t)
    return _table(path, _csv_records(path, encoding, t), t)


def _text_encoding(path: Path, t: Catalog) -> str:
    """The encoding of a ledger's text, checked in pieces (the file is never held whole): no
    NUL bytes (a binary file), one of the encodings Excel writes, no line over MAX_LINE."""
    encoding = file_encoding(path)
    if encoding is None:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                if b"\x00" in chunk:
                    raise FileRefused(path, t("why.binary"))
        raise FileRefused(path, t("why.encoding"))
    line, length = 1, 0
    with path.open(encoding=encoding, newline="") as f:
        while text := f.read(1 << 20):
            if "\x00" in text:
                raise FileRefused(path, t("why.binary"))
            for piece in text.split("\n")[:-1]:
                if length + len(piece) > MAX_LINE:
                    raise FileRefused(path, t("why.long_line", line=line, n=MAX_LINE))
                line, length = line + 1, 0
            length += len(text) - (text.rfind("\n") + 1)
            if length > MAX_LINE:
                raise FileRefused(path, t("why.long_line", line=line, n=MAX_LINE))
    return encoding


def _csv_records(path: Path, encoding: str, t: Catalog) -> Iterator[tuple[int, list[str]]]:
    """The file's records one at a time (a 100,000-row ledger read whole took ~150 MB),
    numbered by record, not by physical line: a cell with line breaks is one row in Excel,
    and a blank line is an (empty) row there too."""
    number = 0
    with path.open(encoding=encoding, newline="") as f:
        try:
            for number, record in enumerate(csv.reader(f), start=1):
                yield number, record
        except csv.Error as exc:  # a cell over the limit: an unclosed quote swallowed the rest
            raise FileRefused(path, t("why.csv_cell", line=number + 1, n=MAX_LINE)) from exc


def _table(
    path: Path, records: Iterable[tuple[int, list[str]]], t: Catalog
) -> tuple[list[str], Rows]:
    """Column keys from the first non-blank record, and every later non-blank record by key,
    as they are read; cells under no column go under STRAY so that they are reported rather
    than silently dropped."""
    filled = ((n, cells) for n, cells in records if any(c.strip() for c in cells))
    first = next(filled, None)
    if first is None:
        raise FileRefused(path, t("why.empty"))
    keys = [column_key(h) for h in first[1]]
    fields = Columns(k for k in keys if k)
    fields.header = {k: h.strip() for k, h in zip(keys, first[1], strict=False) if k}
    fields.chinese = any(not h.isascii() for h in first[1])

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in filled:
            row = dict.fromkeys(fields, "")
            stray = []
            for i, cell in enumerate(cells):
                key, value = (keys[i] if i < len(keys) else ""), cell.strip()
                if key:
                    row[key] = value
                elif value:
                    stray.append(value)
            if stray:
                row[STRAY] = " | ".join(stray)
            yield number, row

    return fields, rows()


def _xlsx_table(path: Path, t: Catalog) -> tuple[list[str], Rows]:
    """The first sheet's rows, numbered as Excel shows them; dates Excel keeps as day numbers
    (in either date system) are read back as dates."""
    from yeji_tui.xlsx import XlsxError, XlsxMissing, read_first_sheet

    try:
        sheet = read_first_sheet(path)
    except XlsxMissing as exc:
        raise FileRefused(path, t("why.openpyxl")) from exc
    except XlsxError as exc:
        if exc.row:
            raise FileRefused(path, t("why.xlsx_cell", row=exc.row, error=exc)) from exc
        raise FileRefused(path, t("why.xlsx", error=exc)) from exc
    records: list[tuple[int, list[str]]] = []
    keys: list[str] = []
    for number, cells in enumerate(sheet.rows, start=1):
        if not keys:
            texts = [_cell_text(v, date_column=False, date1904=sheet.date1904) for v in cells]
            keys = [column_key(h) for h in texts] if any(texts) else []
        else:
            texts = [
                _cell_text(
                    v,
                    date_column=i < len(keys) and keys[i] in _DATE_COLUMNS,
                    date1904=sheet.date1904,
                )
                for i, v in enumerate(cells)
            ]
        records.append((number, texts))
    return _table(path, records, t)


def _cell_text(value: object, *, date_column: bool, date1904: bool) -> str:
    """A cell as the text a CSV would hold: dates as YYYY-MM-DD, whole numbers without ".0";
    a day number in a date column as its date, if it is one."""
    from yeji_tui.xlsx import serial_to_date

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        day = serial_to_date(value, date1904=date1904) if date_column else None
        if day is not None:
            return day.isoformat()
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)  # 1e30 → all its digits, to be refused as too large
        return str(value) if isinstance(value, int) else repr(value)
    return str(value).strip()


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
        # stored by an older version, a name may still hold controls: export it as the
        # importer would read it, so that importing the export finds the same lead
        return value if isinstance(value, int) else clean_text(str(value))

    attrs = [("on" if c == "date" else c) for c in columns]
    rows = [
        [cell(c, getattr(item, a)) for c, a in zip(columns, attrs, strict=True)] for item in items
    ]
    return headers, rows


def write_table(path: Path, headers: list[str], rows: list[list[ExportCell]]) -> None:
    """A CSV (UTF-8 with BOM, which Excel on Chinese Windows reads) or, for .xlsx, a workbook
    (whose cells are typed: text there is never a formula)."""
    if path.suffix.lower() == ".xlsx":
        from yeji_tui.xlsx import write_workbook

        write_workbook(path, [(path.stem, [headers, *rows])])
        return
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        write_csv(f, headers, rows, lineterminator="\r\n")


def write_csv(
    stream: TextIO, headers: list[str], rows: list[list[ExportCell]], *, lineterminator: str
) -> None:
    """A table as CSV, each text cell that would start a formula guarded with ``'``."""
    writer = csv.writer(stream, lineterminator=lineterminator)
    writer.writerow(headers)
    writer.writerows([spreadsheet_cell(c) for c in row] for row in rows)

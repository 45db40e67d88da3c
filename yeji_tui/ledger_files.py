"""Reading a ledger file as a table: what the file is (CSV or xlsx, from its content, not its
name), its encoding, its header and its rows, numbered as Excel and WPS show them. A file that
cannot be read as a ledger is refused whole, in one line; its rows are checked by the importer.
"""

from __future__ import annotations

import codecs
import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from yeji_tui.ledger_columns import CHINESE_HEADERS, DATE_COLUMNS, column_key
from yeji_tui.strings import Catalog


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
                    date_column=i < len(keys) and keys[i] in DATE_COLUMNS,
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

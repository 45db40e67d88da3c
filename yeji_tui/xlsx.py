"""Excel workbooks (.xlsx): written with the standard library, read with openpyxl.

An .xlsx file is a zip of XML parts. Writing needs a handful of them: one sheet per table, text
as inline strings, a bold header row frozen at the top and columns as wide as their contents.
Reading is another matter: Excel, WPS, LibreOffice and openpyxl each write workbooks their own
way (shared or inline strings, rich text, phonetic runs, the 1904 date system, dates as numbers
with custom formats, wrong dimensions), so workbooks are read with openpyxl, an optional extra
(``pip install 'yeji-tui[xlsx]'``) imported only when a workbook is read.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from yeji_tui.text import cell_width, clean_text, remove_controls

Cell = str | int | float | None
# characters XML 1.0 cannot hold at all: dropped rather than making Excel refuse the file
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class XlsxError(Exception):
    """The file is not a workbook this module can read (``row``: where reading stopped)."""

    def __init__(self, message: str, *, row: int = 0) -> None:
        super().__init__(message)
        self.row = row


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_xml(ref: str, value: Cell, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    # typed as text, a cell is never a formula; controls an older version stored go here
    text = escape(_NOT_XML.sub("", remove_controls(str(value))))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(rows: Sequence[Sequence[Cell]]) -> str:
    widths: dict[int, int] = {}
    for row in rows:
        for i, value in enumerate(row):
            text = "" if value is None else str(value)
            widths[i] = max(widths.get(i, 0), cell_width(text))
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{min(60, max(6, w + 2))}" customWidth="1"/>'
        for i, w in sorted(widths.items())
    )
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            _cell_xml(f"{column_letter(c)}{r}", v, 1 if r == 1 else 0) for c, v in enumerate(row)
        )
        body.append(f'<row r="{r}">{cells}</row>')
    # Excel always writes the used range; without it a streaming reader (openpyxl) scans the
    # whole sheet once just to look for it, a third of its time on a 20,000-row ledger
    last = f"{column_letter(max(widths, default=0))}{max(len(rows), 1)}"
    freeze = (
        f'<dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{freeze}<cols>{cols}</cols><sheetData>{''.join(body)}</sheetData></worksheet>"
        if cols
        else '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData/></worksheet>"
    )


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def write_workbook(path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[Cell]]]]) -> None:
    """Write sheets (name, rows; the first row is the header) to ``path``."""
    names = [_sheet_name(name, i) for i, (name, _) in enumerate(sheets)]
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(len(sheets))
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            "<sheets>"
            + "".join(
                f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                for i, n in enumerate(names)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/worksheet" '
                f'Target="worksheets/sheet{i + 1}.xml"/>'
                for i in range(len(sheets))
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
    }
    for i, (_, rows) in enumerate(sheets):
        parts[f"xl/worksheets/sheet{i + 1}.xml"] = _sheet_xml(rows)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))


def _sheet_name(name: str, index: int) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    cleaned = re.sub(r"[\[\]:*?/\\]", "", clean_text(name))[:31]
    return cleaned or f"Sheet{index + 1}"


# --- reading: openpyxl (the optional extra ``yeji-tui[xlsx]``), imported only here ------------

#: What a read cell holds: openpyxl's value types (a date-formatted number comes as a datetime).
ReadCell = str | int | float | bool | date | time | timedelta | None
#: The day before day 1 of each date system, and where the 1900 system skips 1900-02-29.
_EPOCH_1900, _EPOCH_1904, _LEAP_BUG = date(1899, 12, 31), date(1904, 1, 1), 60


class XlsxMissing(XlsxError):
    """openpyxl, which reads workbooks, is not installed."""


@dataclass(frozen=True)
class Sheet:
    """One sheet's rows, numbered from row 1 as Excel shows them (missing rows are empty),
    and whether its workbook counts days from 1904 (Mac Excel) rather than 1900."""

    rows: list[list[ReadCell]]
    date1904: bool


@contextmanager
def _workbook(path: Path) -> Iterator[Any]:
    """An openpyxl workbook opened for reading values (cached formula results, not formulas),
    streaming; anything a damaged file makes openpyxl raise becomes an XlsxError."""
    try:
        import openpyxl
    except ImportError as exc:
        raise XlsxMissing("openpyxl") from exc
    # openpyxl warns (on stderr) about files without styles and turns a date it cannot show
    # into #VALUE! with a warning: the importer reports such cells itself.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a damaged or foreign file: zip, XML, part and key errors
            raise XlsxError(_why(exc)) from exc
        try:
            yield book
        finally:
            book.close()


def _rows(sheet: Any) -> list[list[ReadCell]]:
    # The <dimension> element is often wrong (some writers put "A1"); read every row there is.
    sheet.reset_dimensions()
    rows: list[list[ReadCell]] = []
    try:
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
    except Exception as exc:  # a bad cell: shared string out of range, a non-number <v>
        raise XlsxError(_why(exc), row=len(rows) + 1) from exc
    return rows


def _why(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def read_first_sheet(path: Path) -> Sheet:
    """The first sheet of a workbook, as staff send their ledgers in."""
    with _workbook(path) as book:
        if not book.worksheets:
            return Sheet([], book.epoch.year == 1904)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Sheet(_rows(book.worksheets[0]), book.epoch.year == 1904)


def read_workbook(path: Path) -> dict[str, list[list[ReadCell]]]:
    """Every sheet of a workbook, by name: rows of values (None when empty)."""
    with _workbook(path) as book, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {sheet.title: _rows(sheet) for sheet in book.worksheets}


def serial_to_date(serial: float, *, date1904: bool = False) -> date | None:
    """The day an Excel day number stands for, or None if it is not a day Excel can show.

    Excel's 1900 system counts 1900-02-29, which never was (serial 60); day 0 is not a day.
    """
    epoch, first = (_EPOCH_1904, 0) if date1904 else (_EPOCH_1900, 1)
    last = (date(9999, 12, 31) - epoch).days + (0 if date1904 else 1)
    if not first <= serial < last + 1 or (not date1904 and int(serial) == _LEAP_BUG):
        return None  # also NaN, which compares false
    days = int(serial)
    return epoch + timedelta(days=days - (not date1904 and days > _LEAP_BUG))

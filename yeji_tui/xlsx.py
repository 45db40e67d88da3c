"""Excel workbooks (.xlsx) written and read with the standard library only.

An .xlsx file is a zip of XML parts. Writing needs a handful of them: one sheet per table, text
as inline strings, a bold header row frozen at the top and columns as wide as their contents.
Reading takes the first sheet of a workbook that Excel or WPS saved (shared strings, inline
strings, numbers, booleans), which is what staff send in.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from yeji_tui.text import cell_width

Cell = str | int | float | None
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# characters XML 1.0 cannot hold at all: dropped rather than making Excel refuse the file
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Excel's day zero (it counts 1900-02-29, which never was: serials from 61 on are off by one)
_EPOCH = date(1899, 12, 30)


class XlsxError(Exception):
    """The file is not a workbook this module can read."""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(ref: str) -> int:
    letters = "".join(ch for ch in ref if ch.isalpha())
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch.upper()) - 64
    return index - 1


def _cell_xml(ref: str, value: Cell, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = escape(_NOT_XML.sub("", str(value)))
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
    freeze = (
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
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
    cleaned = re.sub(r"[\[\]:*?/\\]", "", name)[:31]
    return cleaned or f"Sheet{index + 1}"


def read_workbook(path: Path) -> dict[str, list[list[Cell]]]:
    """Every sheet of a workbook, by name: rows of cells (text, numbers, or None when empty)."""
    try:
        with zipfile.ZipFile(path) as z:
            shared = _shared_strings(z)
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            out: dict[str, list[list[Cell]]] = {}
            for sheet in book.iter(f"{_NS}sheet"):
                target = targets.get(sheet.get(f"{_REL_NS}id"), "").lstrip("/")
                part = target if target.startswith("xl/") else f"xl/{target}"
                out[sheet.get("name", "")] = _read_sheet(z.read(part), shared)
            return out
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
        raise XlsxError(str(exc)) from exc


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{_NS}t")) for si in root.iter(f"{_NS}si")]


def _read_sheet(xml: bytes, shared: list[str]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for row in ElementTree.fromstring(xml).iter(f"{_NS}row"):
        number = int(row.get("r", len(rows) + 1))
        while len(rows) < number - 1:
            rows.append([])  # rows Excel left out are empty rows
        cells: list[Cell] = []
        for c in row.iter(f"{_NS}c"):
            index = _column_index(c.get("r", "")) if c.get("r") else len(cells)
            cells.extend([None] * (index - len(cells)))
            cells.append(_value(c, shared))
        rows.append(cells)
    return rows


def _value(c: ElementTree.Element, shared: list[str]) -> Cell:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(f"{_NS}t"))
    v = c.find(f"{_NS}v")
    if v is None or v.text is None:
        return None
    if kind == "s":
        return shared[int(v.text)]
    if kind in ("str", "e"):
        return v.text
    if kind == "b":
        return int(v.text)
    number = float(v.text)
    return int(number) if number.is_integer() else number


def serial_to_date(serial: float) -> date:
    """A date Excel stored as a day number."""
    return _EPOCH + timedelta(days=int(serial))

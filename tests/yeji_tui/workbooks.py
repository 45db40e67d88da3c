"""Small .xlsx files built from XML strings, shaped the way each producer writes them.

Binary fixtures hide what they test; these say it. A ``Producer`` names the quirks: shared
strings (Excel, WPS, LibreOffice) or inline strings (yeji's own writer), the date format (Excel's
built-in 14, zh-CN Excel's and WPS's built-in 31 that no numFmt element spells out, WPS's custom
``yyyy"年"m"月"d"日"``, LibreOffice's ``YYYY\\-MM\\-DD``), the 1904 date system (Mac Excel), and
a ``<dimension>`` that is wrong (some generators write ``A1`` whatever the sheet holds).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from yeji_tui.xlsx import column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class Rich:
    """Text in formatted runs, with an optional phonetic reading (Excel on CJK systems)."""

    runs: tuple[str, ...]
    phonetic: str = ""


@dataclass(frozen=True)
class Raw:
    """A cell written exactly as given: ``<c r=.. {attrs}>{inner}</c>`` (for damaged files)."""

    attrs: str
    inner: str


Value = str | int | float | bool | date | Rich | Raw | None


@dataclass(frozen=True)
class Producer:
    """How one application writes a workbook."""

    name: str
    shared_strings: bool = True
    date_format_id: int = 14
    date_format_code: str = ""  # a custom format (ids from 164), written in <numFmts>
    date1904: bool = False
    dimension: str | None = None  # None: the true range
    explicit_n: bool = False  # LibreOffice writes t="n" on numbers


EXCEL = Producer("excel")
EXCEL_ZH = Producer("excel-zh", date_format_id=31)  # 2022年8月2日, a built-in of zh-CN Excel
EXCEL_MAC_1904 = Producer("excel-mac-1904", date1904=True)
WPS = Producer("wps", date_format_id=176, date_format_code='yyyy"年"m"月"d"日"')
LIBREOFFICE = Producer(
    "libreoffice", date_format_id=164, date_format_code="YYYY\\-MM\\-DD", explicit_n=True
)
INLINE = Producer("inline-strings", shared_strings=False, dimension="A1")


def _serial(day: date, date1904: bool) -> int:
    return (day - (date(1904, 1, 1) if date1904 else date(1899, 12, 30))).days


def _runs(value: Rich) -> str:
    runs = "".join(
        f'<r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">{escape(r)}</t></r>'
        for r in value.runs
    )
    if value.phonetic:
        runs += f'<rPh sb="0" eb="1"><t>{escape(value.phonetic)}</t></rPh>'
    return runs


class _Strings:
    def __init__(self) -> None:
        self.items: list[str] = []

    def index(self, xml: str) -> int:
        self.items.append(f"<si>{xml}</si>")
        return len(self.items) - 1


def _cell(ref: str, value: Value, p: Producer, strings: _Strings) -> str:
    if isinstance(value, Raw):
        return f'<c r="{ref}" {value.attrs}>{value.inner}</c>'
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="1"><v>{_serial(value, p.date1904)}</v></c>'
    if isinstance(value, int | float):
        n = ' t="n"' if p.explicit_n else ""
        return f'<c r="{ref}"{n}><v>{value}</v></c>'
    xml = _runs(value) if isinstance(value, Rich) else f"<t>{escape(value)}</t>"
    if p.shared_strings:
        return f'<c r="{ref}" t="s"><v>{strings.index(xml)}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is>{xml}</is></c>'


def _sheet(rows: Sequence[Sequence[Value] | None], p: Producer, strings: _Strings) -> str:
    body = []
    for r, row in enumerate(rows, start=1):
        if row is None:
            continue  # a row Excel leaves out entirely
        cells = "".join(_cell(f"{column_letter(c)}{r}", v, p, strings) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    width = max((len(r) for r in rows if r), default=1)
    dimension = p.dimension or f"A1:{column_letter(width - 1)}{max(len(rows), 1)}"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{"".join(body)}</sheetData></worksheet>'
    )


def _styles(p: Producer) -> str:
    custom = (
        f'<numFmts count="1"><numFmt numFmtId="{p.date_format_id}" '
        f'formatCode="{escape(p.date_format_code, {chr(34): "&quot;"})}"/></numFmts>'
        if p.date_format_code
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">{custom}'
        '<fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        f'<xf numFmtId="{p.date_format_id}" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/></cellXfs></styleSheet>'
    )


def build(
    path: Path, sheets: Sequence[Sequence[Sequence[Value] | None]], p: Producer = EXCEL
) -> Path:
    """Write ``sheets`` (each a list of rows; None is a row left out) as ``p`` would."""
    strings = _Strings()
    parts = {f"xl/worksheets/sheet{i + 1}.xml": _sheet(s, p, strings) for i, s in enumerate(sheets)}
    n = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(n)
    )
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        f'sharedStrings+xml"/>{overrides}</Types>'
    )
    parts["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    pr = '<workbookPr date1904="1"/>' if p.date1904 else "<workbookPr/>"
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">{pr}'
        "<sheets>"
        + "".join(
            f'<sheet name="表{i + 1}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i in range(n)
        )
        + "</sheets></workbook>"
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
        + "".join(
            f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(n)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    parts["xl/styles.xml"] = _styles(p)
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(strings.items)}" '
        f'uniqueCount="{len(strings.items)}">{"".join(strings.items)}</sst>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return path

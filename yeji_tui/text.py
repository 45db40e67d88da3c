"""Plain-text helpers shared by the CLI, the importer and the reports (no Textual, no Rich).

CJK characters take two terminal cells; aligning by ``len`` would skew every table.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# cleaning lives with the store, which cleans every write again; the application shares it
from models.usertext import ANY_CONTROL, clean_text, remove_controls

__all__ = ["clean_text", "remove_controls"]

#: characters in a name or a note field
MAX_TEXT = 200
#: How a spreadsheet knows a formula (OWASP "CSV injection"): a cell of user text starting so
#: is written with a leading ``'``, which Excel and WPS show as text and the importer removes.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def escape_controls(value: str) -> str:
    """``value`` with every control, bidi and zero-width character written as an escape
    (``\\x1b``, ``\\u202e``): for error lines, which must show what a bad cell held without
    letting it act on the terminal."""

    def escaped(m: re.Match[str]) -> str:
        code = ord(m[0])
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return ANY_CONTROL.sub(escaped, value)


def spreadsheet_cell(value: str | int | float) -> str | int | float:
    """A CSV cell as written: text without controls, and with a leading ``'`` when a
    spreadsheet would run it as a formula. Numbers the program wrote stay numbers."""
    if not isinstance(value, str):
        return value
    value = remove_controls(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def unquote_formula(value: str) -> str:
    """A cell as it was before ``spreadsheet_cell`` kept it from running as a formula."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def char_width(ch: str) -> int:
    """Terminal cells one character takes."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Terminal cells a string takes."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


def fit(text: str, width: int, *, align: str = "left") -> str:
    """Pad or cut ``text`` to exactly ``width`` cells (a cut ends with …)."""
    w = cell_width(text)
    if w > width:
        out, used = [], 0
        for ch in text:
            cw = char_width(ch)
            if used + cw > width - 1:
                break
            out.append(ch)
            used += cw
        text, w = "".join(out) + "…", used + 1
    pad = " " * (width - w)
    return pad + text if align == "right" else text + pad


def yi(amount_wan: int) -> str:
    """An amount in 万元 written in 亿元 (1亿 = 10,000 万元), trimmed: 12000 → 1.2."""
    return f"{amount_wan / 10000:.2f}".rstrip("0").rstrip(".")


def parse_day(raw: str) -> date | None:
    """A date as staff write it: 2022-09-06, 2022/9/6, 2022.9.6 or 2022年9月6日."""
    m = _DATE.match(raw.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None

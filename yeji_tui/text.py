"""Plain-text helpers shared by the CLI, the importer and the reports (no Textual, no Rich).

CJK characters take two terminal cells; aligning by ``len`` would skew every table.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# C0 controls except tab and newline, DEL, and C1 controls: ESC/CSI/OSC sequences in a company
# name or a note would otherwise reach the user's terminal. Bidi embeddings, overrides and
# isolates (U+202A–U+202E, U+2066–U+2069), marks (U+200E/F, U+061C) and zero-width characters
# (U+200B–U+200D, U+2060, U+FEFF) change what a reader sees without being seen themselves.
_UNSEEN = "\u200b-\u200f\u202a-\u202e\u2060-\u2069\u061c\ufeff"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_UNSEEN}]")
# The same plus tab and newline: for showing a value inside one line of a message.
_ANY_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_UNSEEN}]")


#: characters in a name or a note field
MAX_TEXT = 200
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def clean_text(value: str, *, single_line: bool = True) -> str:
    """User text with terminal control characters removed (and line breaks, if single-line)."""
    value = _CONTROL.sub("", value)
    if single_line:
        value = value.replace("\t", " ").replace("\n", " ")
    return value.strip()


def escape_controls(value: str) -> str:
    """``value`` with every control, bidi and zero-width character written as an escape
    (``\\x1b``, ``\\u202e``): for error lines, which must show what a bad cell held without
    letting it act on the terminal."""

    def escaped(m: re.Match[str]) -> str:
        code = ord(m[0])
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _ANY_CONTROL.sub(escaped, value)


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

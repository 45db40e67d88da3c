"""Markdown tables that read well as plain text: columns padded by display width, numbers to
the right, and — for a terminal narrower than the table — the widest text columns wrapped
inside their cells (a row then takes several lines; numbers are never cut).

No Textual: the CLI imports it.
"""

from __future__ import annotations

from collections.abc import Sequence

from yeji_tui.text import cell_width, char_width

Cell = str | int | float
#: a wrapped text column keeps three CJK characters a line, two only if that is not enough
TEXT_WIDTHS = (6, 4)
MIN_NUMBER_WIDTH = 4  # two CJK characters of the header a line


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces where it can, else
    between characters (Chinese has no spaces)."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split(" "):
        piece = word if not line else " " + word
        if used + cell_width(piece) <= width:
            line, used = line + piece, used + cell_width(piece)
            continue
        if line:
            lines.append(line)
            line, used, piece = "", 0, word
        for ch in piece:
            if used + char_width(ch) > width:
                lines.append(line)
                line, used = "", 0
            line, used = line + ch, used + char_width(ch)
    lines.append(line)
    return lines


def fit_widths(widths: list[int], least: list[int], width: int) -> list[int]:
    """Column widths that fit ``width`` terminal cells (borders counted), taking a cell at a
    time from the widest column that can give one (down to its ``least``); as narrow as they
    can go if even that is too wide."""
    fitted = list(widths)
    while sum(fitted) + 3 * len(fitted) + 1 > width:
        can_give = [i for i, w in enumerate(fitted) if w > least[i]]
        if not can_give:
            break
        fitted[max(can_give, key=lambda i: fitted[i])] -= 1
    return fitted


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: list[bool], width: int | None
) -> list[str]:
    """The table's lines (and a blank one after); ``width`` None keeps every row on one line."""
    cells = [list(headers), *(list(r) for r in rows)]
    columns = range(len(headers))
    widths = [max(cell_width(row[i]) for row in cells) for i in columns]
    if width is not None:
        # a number is never cut (its header wraps above it); text keeps 3 CJK characters a line
        for text_width in TEXT_WIDTHS:
            least = [
                max([MIN_NUMBER_WIDTH, *(cell_width(r[i]) for r in cells[1:])])
                if numeric[i]
                else text_width
                for i in columns
            ]
            widths = fit_widths(widths, least, width)

    def lines(row: list[str]) -> list[str]:
        wrapped = [_wrap(c, widths[i]) for i, c in enumerate(row)]
        height = max(len(w) for w in wrapped)
        out = []
        for k in range(height):
            parts = [w[k] if k < len(w) else "" for w in wrapped]
            padded = [
                " " * (widths[i] - cell_width(c)) + c
                if numeric[i]
                else c + " " * (widths[i] - cell_width(c))
                for i, c in enumerate(parts)
            ]
            out.append("| " + " | ".join(padded) + " |")
        return out

    rule = "|".join(
        ("-" * (w + 1) + ":") if n else "-" * (w + 2) for w, n in zip(widths, numeric, strict=True)
    )
    body = [line for row in cells[1:] for line in lines(row)]
    return [*lines(cells[0]), f"|{rule}|", *body, ""]

"""Writing a ledger (``yeji export``): the importer's columns, headers and words in the
interface's language, so that an exported file imports again unchanged."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from models.ledger import ActivityInput, LeadInput
from yeji_tui.ledger_columns import ACTIVITY_COLUMNS, CHINESE_HEADERS, LEAD_COLUMNS
from yeji_tui.strings import Catalog
from yeji_tui.text import clean_text, spreadsheet_cell

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

"""The units ranking as a table: rank, unit and score first and fixed, the other columns
scroll beside them (``h``/``l``, the arrows, the mouse); sortable by any column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from yeji_tui import targets as calc
from yeji_tui.reports import ranking_headers, ranking_row
from yeji_tui.strings import Catalog
from yeji_tui.text import clean_text
from yeji_tui.widgets.quiet_table import QuietTable

#: the report's columns (``ranking_row``) in the order shown: rank, unit, score, then the rest
SHOWN = (0, 1, 10, 2, 3, 4, 5, 6, 7, 8, 9)
FIXED = 3  # rank, unit and score stay while the rest scroll
NAME_COLUMNS = (1, 2)  # unit and group: sorted A→Z first, the numbers largest first


def _sort_key(value: object) -> Any:
    text = str(value.plain if isinstance(value, Text) else value)
    if "/" in text:  # quota months "8/12"
        text = text.split("/")[0]
    try:
        return (0, float(text))
    except ValueError:
        return (1, text)


class RankingTable(QuietTable):
    """Arrows or h/j/k/l move the cell cursor; ``s`` or a header click sorts by that column;
    Enter asks for the unit's page."""

    BINDINGS = [
        Binding("h", "cursor_left", show=False),
        Binding("l", "cursor_right", show=False),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    class UnitPicked(Message):
        """Enter on a line: that unit's page."""

        def __init__(self, unit: str) -> None:
            super().__init__()
            self.unit = unit

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True, fixed_columns=FIXED)
        self.sort_column: int | None = None  # a report column (``ranking_row``'s index)
        self.sort_reverse = True

    def fill(self, ranked: Sequence[calc.RankRow], t: Catalog) -> None:
        """The units, highest score first (or in the order last asked for)."""
        headers = ranking_headers(t)
        self.clear(columns=True)
        for i in SHOWN:
            self.add_column(headers[i], key=str(i))
        for place, r in enumerate(ranked, start=1):
            cells = ranking_row(place, r)
            self.add_row(
                *(
                    Text(clean_text(c)) if isinstance(c, str) else Text(f"{c:g}", justify="right")
                    for c in (cells[i] for i in SHOWN)
                ),
                key=r.unit,
            )
        if self.sort_column is not None:
            self.sort(str(self.sort_column), key=_sort_key, reverse=self.sort_reverse)

    def sort_by_shown(self, shown_column: int) -> None:
        """Sort by a column as shown (the cursor's, a clicked header); the same column again
        turns the order round."""
        column = SHOWN[shown_column]
        same = column == self.sort_column
        self.sort_reverse = not self.sort_reverse if same else column not in NAME_COLUMNS
        self.sort_column = column
        self.sort(str(column), key=_sort_key, reverse=self.sort_reverse)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """A click on a header sorts by that column, as ``s`` does."""
        event.stop()
        self.sort_by_shown(event.column_index)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        """Enter on a line: ask for the unit's page."""
        event.stop()
        self.post_message(self.UnitPicked(str(event.cell_key.row_key.value)))

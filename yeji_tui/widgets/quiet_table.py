"""A DataTable for the ranking, without the hover highlight (imported when first shown)."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import DataTable


class QuietTable(DataTable[Any]):
    """A DataTable without the mouse-hover highlight: over SSH every mouse move would rewrite
    the table's cells; the keyboard cursor is what counts here."""

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        pass

"""A section whose screen comes with a later version: says so, and how to get back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from screens.base import YejiScreen, session
from yeji_tui.widgets.footer import KeyBar


class ComingSection(YejiScreen):
    """Stands in for the pipeline, units and triage sections until they are built."""

    def __init__(self, section: str) -> None:
        super().__init__()
        self.section = section

    def compose(self) -> ComposeResult:
        t = session(self).t
        yield Static(Content(t("section.not_yet", name=t(f"section.{self.section}"))), id="coming")
        yield KeyBar()

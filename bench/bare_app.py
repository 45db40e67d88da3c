"""The yardstick: a bare Textual app (Header, one Static, Footer)."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("READY 1234")
        yield Footer()


if __name__ == "__main__":
    Bare().run()

"""The dispatch review (``d``) and the assessment (``x``) from the units screen: a dialog asks
which folder to write them to (the current directory offered, the file names shown), then each
file is written whole (``yeji_tui.output.replacing``) and the report is shown."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Label, Static

from models.records import CampaignSettings
from screens.base import YejiScreen, plain, session, store_session
from screens.dialogs import Dialog
from yeji_tui.strings import Catalog
from yeji_tui.widgets.user_text import TextInput

SUFFIXES = (".md", ".xlsx")


def report_files(kind: str, today: date, t: Catalog) -> tuple[str, ...]:
    """The names a report is written under, like ``双周调度-2022-09-10.md`` and ``.xlsx``."""
    stem = f"{t(f'units.{kind}_file')}-{today.isoformat()}"
    return tuple(stem + suffix for suffix in SUFFIXES)


class ReportPlaceDialog(Dialog):
    """Where to write a report: a folder (the current one offered) and the names it will
    write there. Enter writes, Esc writes nothing; a folder that is not there says so."""

    def __init__(self, title: str, folder: Path, files: tuple[str, ...]) -> None:
        super().__init__(title)
        self.folder = folder
        self.files = files

    def compose(self) -> ComposeResult:
        t = session(self).t
        with self.box():
            yield Label(t("units.report_where"))
            yield TextInput(str(self.folder), id="folder")
            yield Static("", id="folder-error", classes="error")
            yield Static(plain(t("units.report_files", files="、".join(self.files))))
            yield Static(Content(t("form.enter_esc")), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        folder = Path(event.value.strip() or ".").expanduser()
        if not folder.is_dir():
            self.error("folder-error", session(self).t("units.report_no_folder", folder=folder))
            return
        self.dismiss(folder.resolve())


def write_report(
    kind: str,
    folder: Path,
    settings: CampaignSettings,
    today: date,
    t: Catalog,
    *,
    stale_days: int,
) -> tuple[list[str], list[Path]]:
    """Compute the report and write it as Markdown and xlsx into ``folder``, each file whole
    or not at all; its Markdown lines and the paths written (reads the store: in a thread)."""
    from yeji_tui import reports
    from yeji_tui.output import replacing

    with store_session():
        if kind == "dispatch":
            since = today - timedelta(days=13)
            report = reports.dispatch(settings, since, today, t, stale_days=stale_days)
        else:
            report = reports.assessment(settings, today, t, stale_days=stale_days)
    paths = [folder / name for name in report_files(kind, today, t)]
    for path in paths:
        with replacing(path, t) as scratch:
            reports.write(report, "md" if path.suffix == ".md" else "xlsx", scratch)
    return reports.to_markdown(report).splitlines(), paths


async def write_from(screen: YejiScreen, kind: str) -> None:
    """Ask the folder, write the report there (in a thread), say where, and show it."""
    import asyncio

    from screens.unit_lists import ListDialog

    data = getattr(screen, "data", None)
    if data is None:
        return
    app = session(screen)
    settings, t, today = data.status.settings, app.t, app.today
    files = report_files(kind, today, t)
    folder = await screen.ask(ReportPlaceDialog(t(f"key.{kind}"), Path.cwd(), files))
    if folder is None:
        return  # Esc: nothing written
    try:
        lines, paths = await asyncio.to_thread(
            write_report, kind, folder, settings, today, t, stale_days=app.stale_days
        )
    except OSError as exc:
        screen.app.notify(t("units.report_failed", error=exc), severity="error", markup=False)
        return
    written = t("units.report_written", paths="、".join(str(p) for p in paths))
    screen.app.notify(written, markup=False)
    await screen.ask(ListDialog(t(f"key.{kind}"), lines))

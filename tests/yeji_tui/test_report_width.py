"""``yeji report`` on a terminal: the Markdown tables fit its width (the widest columns wrap
inside their cells, numbers never cut); ``--wide`` and ``--out`` keep the full table."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.yeji_tui import test_cli
from yeji_tui.md_table import markdown_table
from yeji_tui.text import cell_width

yeji = test_cli.yeji  # the fixtures: a store in tmp_path, the worked example imported
sample = test_cli.sample


def table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("kind", ["dispatch", "assessment"])
def test_report_tables_on_stdout_fit_the_terminal_width(
    sample,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    width: int,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, _ = sample("--today", "2022-12-31", "report", kind)
    assert code == 0
    lines = table_lines(out)
    assert lines and max(cell_width(line) for line in lines) <= width
    code, wide, _ = sample("--today", "2022-12-31", "report", kind, "--wide")
    assert code == 0
    assert max(cell_width(line) for line in table_lines(wide)) > 120  # today's full table
    # every number of the full table is still there, whole
    numbers = {c.strip() for line in table_lines(wide) for c in line.split("|")}
    numbers = {n for n in numbers if n.replace(".", "").isdigit()}
    shown = {c.strip() for line in lines for c in line.split("|")}
    assert numbers <= shown


def test_a_report_written_to_a_file_keeps_the_full_table(
    sample,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = tmp_path / "dispatch.md"
    assert sample("--today", "2022-12-31", "report", "dispatch", "--out", str(out))[0] == 0
    _, wide, _ = sample("--today", "2022-12-31", "report", "dispatch", "--wide")
    assert out.read_text(encoding="utf-8") == wide


def test_a_narrow_table_wraps_names_in_their_cell_and_keeps_numbers_right_aligned() -> None:
    lines = markdown_table(
        ["单位", "签约项目"], [["叶集经济开发区管委会", "12"]], [False, True], width=16
    )
    assert max(cell_width(line) for line in lines) <= 16
    assert lines[3].startswith("| 叶集") and lines[3].endswith("12 |")
    body = "".join(line.split("|")[1].strip() for line in lines[3:] if line)
    assert body == "叶集经济开发区管委会"

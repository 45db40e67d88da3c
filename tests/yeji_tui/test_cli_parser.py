"""The command line read the quick way (global options only: the TUI) and the full way agree."""

from __future__ import annotations

import pytest

from yeji_tui.cli_parser import GLOBAL_OPTIONS, build_parser, parse_command_line


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "x.sqlite3"],
        ["--db=postgresql://u@h/db", "--section", "units"],
        ["--read-only", "--lang", "en", "--today", "2022-09-10", "--section=pipeline"],
        ["--db", "status"],  # a value, even one spelt like a command
    ],
)
def test_global_options_alone_read_as_the_full_parser_reads_them(argv: list[str]) -> None:
    assert parse_command_line(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["status"],
        ["--db", "x", "report", "dispatch"],
        ["--sec", "units"],  # an abbreviation: the full parser decides
    ],
)
def test_a_command_or_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    args = parse_command_line(argv)
    assert args == build_parser().parse_args(argv)
    assert argv[0] != "--sec" or args.section == "units"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["statsu"], "invalid choice: 'statsu'"),  # a mistyped command is named as such
        (["--section", "nowhere"], "invalid choice: 'nowhere'"),
        (["--db"], "expected one argument"),
    ],
)
def test_mistakes_are_told_as_before(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        parse_command_line(argv)
    assert ended.value.code == 2
    assert said in capsys.readouterr().err


def test_help_still_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_command_line(["--help"])
    shown = capsys.readouterr().out
    assert "status" in shown and "migrate" in shown


def test_the_quick_list_names_every_global_option_of_the_full_parser() -> None:
    full = {
        option
        for action in build_parser()._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    assert set(GLOBAL_OPTIONS) == full

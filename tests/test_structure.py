"""Screens split into parts (issue 11): no class in screens/ or yeji_tui/ has more than 25
methods and no module more than 400 lines, read from the source (AST), not by running it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent
MAX_METHODS = 25
MAX_LINES = 400
#: over the limits when the check came in, each to be split by whoever owns it (and then taken
#: off this list); the message catalog is exempt by the issue's own words
NOT_YET = {
    "screens/pipeline.py",
    "yeji_tui/cli.py",
    "yeji_tui/demo.py",
    "yeji_tui/importer.py",
    "yeji_tui/targets.py",
}
EXEMPT = {"yeji_tui/strings.py"}


def modules() -> list[Path]:
    """Every module of the screens and the application."""
    return sorted([*ROOT.glob("screens/**/*.py"), *ROOT.glob("yeji_tui/**/*.py")])


def test_no_module_is_over_400_lines() -> None:
    over = {
        str(path.relative_to(ROOT)): n
        for path in modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(over) - NOT_YET - EXEMPT == set(), over


def test_no_class_has_more_than_25_methods() -> None:
    over = {}
    for path in modules():
        name = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                methods = [
                    f for f in node.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                ]
                if len(methods) > MAX_METHODS and name not in NOT_YET:
                    over[f"{name}:{node.name}"] = len(methods)
    assert over == {}


def test_the_units_screen_is_split_below_the_limits() -> None:
    source = (ROOT / "screens/units.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) <= MAX_LINES
    screen = next(
        n
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.ClassDef) and n.name == "UnitsScreen"
    )
    assert (
        len([f for f in screen.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)])
        <= MAX_METHODS
    )

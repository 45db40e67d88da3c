"""Imports point one way: the store, the calculator and the CLI's status never load Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "module",
    [
        "models.db",
        "models.queries",
        "models.ledger",
        "models.campaigns",
        "yeji_tui.targets",
        "yeji_tui.status",
        "yeji_tui.importer",
        "yeji_tui.config",
        "yeji_tui.cli",
        "yeji_tui.demo",
        "models.reports",
        "yeji_tui.reports",
        "yeji_tui.xlsx",
        "yeji_tui.units_view",
    ],
)
def test_module_imports_no_textual_or_rich(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def imported_packages(folder: str) -> set[str]:
    names: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
    return names


def test_models_import_nothing_of_the_application() -> None:
    assert not imported_packages("models") & {"yeji_tui", "screens", "textual"}


def test_screens_never_build_sql() -> None:
    # screens ask the query layer; they never import Peewee or the tables
    for path in (ROOT / "screens").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert (
            "peewee" not in text and "models.tables" not in text and "models.queries" not in text
        ), path


def test_calculator_is_pure() -> None:
    tree = ast.parse((ROOT / "yeji_tui" / "targets.py").read_text(encoding="utf-8"))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert modules <= {
        "__future__",
        "calendar",
        "collections",
        "collections.abc",
        "dataclasses",
        "datetime",
        "math",
        "typing",
        "models.records",
    }

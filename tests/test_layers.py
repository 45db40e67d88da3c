"""Imports point one way: the store, the calculator and the CLI's status never load Textual."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
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
        "yeji_tui.cli_status",
        "yeji_tui.cli_reports",
        "yeji_tui.cli_store",
        "yeji_tui.demo",
        "yeji_tui.demo_rows",
        "yeji_tui.serve",
        "models.reports",
        "yeji_tui.reports",
        "yeji_tui.xlsx",
        "yeji_tui.units_view",
        "models.presence",
        "yeji_tui.presence",
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


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` over the packages found in ``root`` with the contracts in its pyproject."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=120,
    )


def test_the_layer_contracts_hold_on_the_real_import_graph() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_every_core_module_is_under_the_core_contract() -> None:
    # a module added to yeji_tui must be named in the "core" contract (or be the app or a widget)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (core,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "core"]
    modules = {
        f"yeji_tui.{path.stem}"
        for path in (ROOT / "yeji_tui").glob("*.py")
        if path.stem not in ("__init__", "__main__", "app")
    }
    assert modules == set(core["source_modules"])


# Each line breaks one contract: the store importing a screen, a screen importing the tables,
# the calculator importing Textual, and a cycle inside the screens package.
VIOLATIONS = {
    "models/records.py": ("import screens.changes", "The store (models)"),
    "screens/changes.py": ("from models.tables import Lead", "Screens ask the service layer"),
    "yeji_tui/targets.py": ("import textual", "The core (calculator"),
    "screens/base.py": (
        "def _cycle() -> None:\n    from screens.activity_form import log_activity",
        "No import cycles",
    ),
}


def test_the_contracts_fail_on_injected_violations(tmp_path: Path) -> None:
    for package in ("models", "yeji_tui", "screens"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for module, (line, _) in VIOLATIONS.items():
        path = tmp_path / module
        path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode == 1
    broken = done.stdout.split("Broken contracts")[1]
    for _, contract in VIOLATIONS.values():
        assert contract in broken, contract


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
        "models.frozen",
        "models.records",
    }


def _defines_tables(path: Path) -> bool:
    """Whether a module defines a Peewee model (a class whose base is ``Model`` or ``BaseModel``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(base, ast.Name) and base.id in ("Model", "BaseModel")
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        for base in node.bases
    )


def test_every_module_of_tables_is_forbidden_to_screens_widgets_and_the_calculator() -> None:
    # the store's tables live in several modules: a new one must be named where the tables are
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}
    tables = {
        f"models.{path.stem}" for path in (ROOT / "models").glob("*.py") if _defines_tables(path)
    }
    assert "models.lead_tables" in tables
    for contract in ("screens", "widgets", "calculator"):
        assert tables <= set(contracts[contract]["forbidden_modules"]), contract

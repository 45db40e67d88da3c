"""The store's commands on either engine: ``yeji migrate --to``, ``backup``, ``restore``, who
else is here under ``status``, and the server driver kept out of a file's commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from models.store_url import StorePlace, StoreUrl

pytestmark = pytest.mark.both_engines


def test_migrate_to_a_new_file_prints_each_tables_counts_and_the_copy_reads_the_same(
    sample, tmp_path: Path, store_place: StorePlace
) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "moved" / "yeji.sqlite3"
    code, out, err = sample("migrate", "--to", str(copy))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split("\t") == ["数据表", "原库", "副本"]
    assert "lead\t45\t45" in lines and "audit" in out
    assert lines[-1].startswith(f"已复制到 {copy}") and "每张表行数一致" in lines[-1]
    assert "复制数据" in err  # the steps, on stderr
    _, here, _ = sample("--today", "2022-09-10", "status", "--json")
    _, there, _ = sample("--db", str(copy), "--today", "2022-09-10", "status", "--json")
    assert here == there


def test_migrate_over_an_existing_file_exits_1_and_leaves_it(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    there = tmp_path / "there.sqlite3"
    there.write_bytes(b"theirs")
    code, out, err = sample("migrate", "--to", str(there))
    assert code == 1 and out == ""
    assert "已存在" in err and "Traceback" not in err
    assert there.read_bytes() == b"theirs"


def test_backup_writes_a_file_that_opens_as_a_store(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = sample("backup", str(tmp_path))
    assert code == 0, err
    (made,) = tmp_path.glob("*backup-*.sqlite3")
    _, here, _ = sample("--today", "2022-12-31", "status", "--json")
    _, there, _ = sample("--db", str(made), "--today", "2022-12-31", "status", "--json")
    assert here == there


def test_restore_on_a_server_is_refused_saying_how(  # type: ignore[no-untyped-def]
    sample, tmp_path: Path, store_place: StorePlace
) -> None:
    if not isinstance(store_place, StoreUrl):
        pytest.skip("a file is restored in place (test_maintenance)")
    code, _, err = sample("restore", str(tmp_path / "x.sqlite3"))
    assert code == 1 and "migrate --to" in err


@pytest.mark.sqlite_only
def test_a_files_commands_leave_the_server_driver_out(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from yeji_tui.cli import leave_out_server_driver\n"
        "leave_out_server_driver(sys.argv[1:], '')\n"
        "import peewee\n"
        "print(peewee.psycopg is None)\n"
    )
    for argv, kept_out in (
        (["--db", str(tmp_path / "s.sqlite3"), "status"], True),
        (["--db", "postgresql://u@/db", "status"], False),
        (["migrate", "--to=postgresql://u@/db"], False),
    ):
        shown = subprocess.run(
            [sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True
        ).stdout.strip()
        installed = subprocess.run(
            [
                sys.executable,
                "-c",
                "import importlib.util as u; print(bool(u.find_spec('psycopg')))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert shown == str(kept_out or installed == "False")


def test_status_ends_with_who_else_has_the_tui_open(sample, store_place: StorePlace) -> None:  # type: ignore[no-untyped-def]
    from models.presence import Heartbeat

    beating = Heartbeat(store_place, login="zhangsan", name="张三")
    try:
        beating.beat()
        code, out, _ = sample("status")
        assert code == 0
        assert out.rstrip().splitlines()[-1] == "另有 1 人在用：张三"
    finally:
        beating.leave()
    assert "人在用" not in sample("status")[1]

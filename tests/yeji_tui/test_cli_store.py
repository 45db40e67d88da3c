"""``yeji backup``, ``check``, ``restore``, ``--read-only`` and the store's files refused or
upgraded, end to end: what the user reads and the exit code."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from models.db import SCHEMA_VERSION
from tests.conftest import FIXTURES, SAMPLE
from tests.yeji_tui.test_cli import sample, yeji

__all__ = ["sample", "yeji"]  # the fixtures, shared with the CLI's tests

ROOT = Path(__file__).resolve().parents[2]


def test_backup_check_and_restore_from_the_command_line(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "backup.sqlite3"
    code, out, err = sample("backup", str(copy))
    assert (code, err) == (0, "") and "完整性检查通过" in out and str(copy) in out
    assert sample("backup", str(copy)) == (
        1,
        "",
        f"yeji: {copy} 已存在，未覆盖；用 --force 覆盖，或换一个文件名\n",
    )
    assert sample("backup", str(copy), "--force")[0] == 0
    assert sample("check") == (0, "无问题\n", "")
    assert sample("--lang", "en", "check") == (0, "all good\n", "")
    code, out, err = sample("restore", str(copy))
    assert code == 0 and "原数据库保存在" in out
    aside = out.rsplit("原数据库保存在 ", 1)[1].strip()
    assert Path(aside).exists() and Path(aside).name.startswith("store.sqlite3.before-restore-")


def test_check_prints_one_line_per_problem_and_exits_1(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with closing(sqlite3.connect(tmp_path / "store.sqlite3")) as conn:
        conn.execute("UPDATE stage_total SET leads = leads + 2 WHERE stage = 'signed'")
        conn.execute(
            "UPDATE activity_day SET n = n + 1 WHERE day = (SELECT MIN(day) FROM activity_day)"
        )
        conn.commit()
    code, out, _ = sample("check")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("阶段汇总有误：signed 记为")
    assert lines[1].startswith("活动日汇总有误：")
    assert lines[2] == "发现 2 处问题；可用 yeji restore 从备份恢复"


def test_restore_while_the_store_is_open_elsewhere_exits_4(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "backup.sqlite3"
    assert sample("backup", str(copy))[0] == 0
    holder = sqlite3.connect(tmp_path / "store.sqlite3")  # a second connection, as a window
    holder.execute("SELECT COUNT(*) FROM lead").fetchone()
    try:
        code, _, err = sample("restore", str(copy))
    finally:
        holder.close()
    assert code == 4 and "数据库正被其他程序使用" in err


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "是空文件（0 字节），不是数据库，未作改动"), (b"a,b\n1,2\n", "不是 SQLite 数据库")],
)
def test_an_empty_or_foreign_db_file_is_refused_with_what_to_do(
    yeji, tmp_path: Path, content: bytes, words: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.sqlite3"
    path.write_bytes(content)
    for command in (["status"], ["init", "--config", str(SAMPLE / "campaign.toml")]):
        code, out, err = yeji("--db", str(path), *command)
        assert (code, out) == (1, "") and words in err and err.count("\n") == 1
    assert path.read_bytes() == content


def test_read_only_reads_and_refuses_writes_with_exit_3(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store.sqlite3"
    before = store.read_bytes()
    assert sample("--read-only", "status")[0] == 0
    assert sample("--read-only", "check")[0] == 0
    assert sample("--read-only", "export", "leads")[0] == 0
    assert sample("--read-only", "backup", str(tmp_path / "b.sqlite3"))[0] == 0
    for command in (
        ["init", "--config", str(SAMPLE / "campaign.toml")],
        ["import", "activities", str(SAMPLE / "activities.csv")],
        ["restore", str(tmp_path / "b.sqlite3")],
    ):
        code, out, err = sample("--read-only", *command)
        assert (code, out) == (3, "") and err.startswith("yeji: 数据库为只读（--read-only）")
    assert store.read_bytes() == before


def test_an_upgrade_says_where_the_copy_from_before_is(yeji, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store.sqlite3"
    with closing(sqlite3.connect(store)) as conn:
        conn.executescript((FIXTURES / "store-v1.sql").read_text(encoding="utf-8"))
    code, out, err = yeji("status")
    assert code == 0 and "旧版活动" in out
    begun, done = err.splitlines()  # said as it begins (a large store takes a while), then
    assert begun.startswith(
        f"yeji: 正在把数据库从架构 1 升级到 {SCHEMA_VERSION}（先在旁边留一份副本）"
    )
    assert done.startswith(f"yeji: 数据库已从架构 1 升级到 {SCHEMA_VERSION}；升级前的副本：")
    assert Path(done.rsplit("：", 1)[1].strip()).exists()
    assert yeji("status")[2] == ""  # once


def _as_another_user() -> list[str] | None:
    """How to run a command as a user who cannot write what root made (None: no way here)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        return None
    try:
        import pwd

        pwd.getpwnam("nobody")
    except KeyError:
        return None
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.fixture
def locked_store() -> Iterator[Path]:
    """The worked example in a directory that neither it nor its file is writable to others
    (made outside pytest's own temporary directory, which only its owner may enter)."""
    with tempfile.TemporaryDirectory() as place:
        folder = Path(place) / "shared"
        env = {**os.environ, "YEJI_DB": str(folder / "store.sqlite3")}
        for command in (
            ["init", "--config", str(SAMPLE / "campaign.toml")],
            ["import", "leads", str(SAMPLE / "leads.csv")],
        ):
            subprocess.run([sys.executable, "-m", "yeji_tui", *command], env=env, check=True)
        os.chmod(place, 0o755)
        folder.chmod(0o755)
        (folder / "store.sqlite3").chmod(0o644)
        yield folder / "store.sqlite3"
        folder.chmod(0o700)


def test_a_store_in_a_directory_the_user_cannot_write_reads_and_refuses_writes(
    locked_store: Path,
) -> None:
    prefix = _as_another_user()
    if prefix is None:
        pytest.skip("running as root with no way to become another user (setpriv, nobody)")
    before = locked_store.read_bytes()
    env = {
        **os.environ,
        "YEJI_DB": str(locked_store),
        "YEJI_SETTINGS": str(locked_store.parent / "none.toml"),
        "HOME": "/nonexistent",
        "PYTHONDONTWRITEBYTECODE": "1",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "yeji_tui", "--today", "2022-09-10", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )

    status = run("status")
    assert status.returncode == 0 and "新签约亿元以上项目" in status.stdout, status.stderr
    assert run("check").returncode == 0
    refused = run("init", "--config", str(SAMPLE / "campaign.toml"))
    assert refused.returncode == 3 and "数据库为只读" in refused.stderr
    assert locked_store.read_bytes() == before
    assert sorted(p.name for p in locked_store.parent.iterdir()) == ["store.sqlite3"]


def test_status_says_who_else_has_the_store_open_in_one_line_and_json_stays_as_documented(
    sample, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from models.presence import Heartbeat

    assert "在用" not in sample("status")[1]  # nobody yet
    Heartbeat(tmp_path / "store.sqlite3", login="zhangsan", name="张三").beat()
    code, out, _ = sample("status")
    assert code == 0 and out.endswith("\n另有 1 人在用：张三\n")
    assert "在用" not in sample("status", "--json")[1]

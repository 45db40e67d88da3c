"""The ``yeji`` command run as three real OS accounts sharing one store (office, clerk, leader):
identity comes from the account, not the environment; each role may do what the campaign file
says and no more; the audit names who did what. Needs root to make the accounts (and a Python
the accounts can run); elsewhere it is skipped with one line saying why."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

ROOT = Path(__file__).resolve().parents[2]
GROUP = "yejitest"
ACCOUNTS = {"office": "yjoffice", "clerk": "yjclerk", "leader": "yjleader"}
CLERK_UNIT = "姚李镇"
USERS = f"""
[[users]]
login = "yjoffice"
name = "王主任"
role = "office"

[[users]]
login = "yjclerk"
name = "张三"
role = "clerk"
unit = "{CLERK_UNIT}"

[[users]]
login = "yjleader"
name = "区长"
role = "leader"
"""
HEADER = (
    "company,project,industry,amount_wan,is_industrial,source,unit,stage,found_on,"
    "valid_since,signed_on,started_on,dropped_reason\n"
)


def _interpreter() -> str | None:
    """A Python the test accounts can run: this one unless it lives under a private home."""
    for candidate in (sys.executable, shutil.which("python3.11"), "/usr/bin/python3"):
        if candidate and Path(candidate).exists():
            probe = subprocess.run(
                ["runuser", "-u", "nobody", "--", candidate, "-c", "import sqlite3"],
                capture_output=True,
                check=False,
            )
            if probe.returncode == 0:
                return candidate
    return None


def _why_not() -> str | None:
    if sys.platform != "linux" or os.geteuid() != 0:
        return "creating OS accounts needs root on Linux"
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


@pytest.fixture(scope="module")
def accounts() -> Iterator[str]:
    """The three accounts in one group; yields the interpreter they run."""
    why = _why_not()
    if why is not None:
        pytest.skip(f"real OS accounts not tested: {why}")
    made: list[str] = []
    group_made = False
    try:
        if subprocess.run(["groupadd", "-f", GROUP], check=False).returncode != 0:
            pytest.skip("real OS accounts not tested: groupadd failed")
        group_made = True
        for login in ACCOUNTS.values():
            with_home = ["useradd", "-M", "-N", "-g", GROUP, "-s", "/bin/sh", login]
            if login not in {p.pw_name for p in pwd.getpwall()}:
                if subprocess.run(with_home, check=False).returncode != 0:
                    pytest.skip(f"real OS accounts not tested: useradd {login} failed")
                made.append(login)
        python = _interpreter()
        if python is None:
            pytest.skip("real OS accounts not tested: no Python the test accounts can run")
        yield python
    finally:
        for login in made:
            subprocess.run(["userdel", login], check=False)
        if group_made and not {p.pw_name for p in pwd.getpwall()} & set(ACCOUNTS.values()):
            subprocess.run(["groupdel", GROUP], check=False, capture_output=True)


@pytest.fixture
def shared_dir(tmp_path_factory: pytest.TempPathFactory, accounts: str) -> Path:
    """The store's directory as the README sets it up: the shared group's, mode 2770."""
    place = Path("/tmp") / f"yeji-shared-{os.getpid()}-{tmp_path_factory.getbasetemp().name}"
    place.mkdir()
    os.chown(place, 0, grp.getgrnam(GROUP).gr_gid)
    place.chmod(0o2770)
    yield place
    shutil.rmtree(place, ignore_errors=True)


def run_as(
    python: str, role: str, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """``yeji`` as the account of ``role``; returns (exit code, stdout, stderr)."""
    paths = os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"]])
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": paths, "LANG": "C.UTF-8"}
    environment.update(env or {})
    command = [
        "runuser",
        "-u",
        ACCOUNTS[role],
        "--",
        "env",
        *(f"{k}={v}" for k, v in environment.items()),
    ]
    done = subprocess.run(
        [*command, python, "-m", "yeji_tui", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd="/tmp",
        check=False,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


def dump(store: Path) -> list[str]:
    with sqlite3.connect(store) as conn:
        return list(conn.iterdump())


def test_three_accounts_share_a_store_each_within_its_role(accounts: str, shared_dir: Path) -> None:
    python, store = accounts, shared_dir / "yeji.db"
    campaign = shared_dir / "campaign.toml"
    campaign.write_text((SAMPLE / "campaign.toml").read_text(encoding="utf-8") + USERS, "utf-8")
    own = shared_dir / "own.csv"
    own.write_text(
        HEADER + f"甲公司,甲项目,智能家居,5000,1,以商招商,{CLERK_UNIT},线索,2022-09-01,,,,\n",
        "utf-8",
    )
    mixed = shared_dir / "mixed.csv"
    mixed.write_text(
        HEADER
        + f"乙公司,乙项目,智能家居,5000,1,以商招商,{CLERK_UNIT},线索,2022-09-01,,,,\n"
        + "丙公司,丙项目,智能家居,5000,1,以商招商,平岗街道,线索,2022-09-01,,,,\n",
        "utf-8",
    )
    for made in (campaign, own, mixed):
        made.chmod(0o644)
    base = ("--db", str(store), "--today", "2022-09-10", "--lang", "zh")

    code, _, err = run_as(python, "office", *base, "init", "--config", str(campaign))
    assert code == 0, err
    assert (
        store.stat().st_mode & 0o777 == 0o660 and store.stat().st_gid == grp.getgrnam(GROUP).gr_gid
    )

    # the clerk: their own unit's rows go in; a file with another unit's rows is refused whole
    assert run_as(python, "clerk", *base, "import", "leads", str(own))[0] == 0
    before = dump(store)
    code, _, err = run_as(python, "clerk", *base, "import", "leads", str(mixed))
    assert code == 3 and "张三" in err and "第 3 行" in err and "平岗街道" in err
    assert dump(store) == before

    # the leader reads, writes nothing — and naming the office in the environment changes nothing
    code, _, err = run_as(
        python,
        "leader",
        *base,
        "import",
        "leads",
        str(own),
        env={"LOGNAME": "yjoffice", "USER": "yjoffice"},
    )
    assert code == 3 and "区长" in err and "领导" in err
    assert dump(store) == before
    code, out, _ = run_as(python, "leader", *base, "status")
    assert code == 0 and "百日攻坚" in out

    # the audit names who did what, in the UI's words
    code, out, err = run_as(python, "leader", *base, "audit", "--format", "csv")
    assert code == 0, err
    lines = out.splitlines()
    header = lines.index("时间,用户,操作,对象,字段,原值,新值")  # under the report's title
    lines = lines[header + 1 :]
    # the first load, before the store had users: its runner was the office, named by the file
    assert any(",王主任 (yjoffice),活动配置," in line and line.endswith(",新增") for line in lines)
    assert any("张三 (yjclerk)" in line and "导入" in line for line in lines)
    assert any("张三 (yjclerk)" in line and "甲公司" in line for line in lines)
    assert not any("yjleader" in line.split(",")[1] for line in lines)  # refused: nothing theirs

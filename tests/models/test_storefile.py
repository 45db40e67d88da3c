"""Where a store may live and what opening one does to the files: local disks only, modes for a
shared group, SQLite files only, read-only stores, and the copy kept before an upgrade."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from models.campaigns import save_campaign
from models.db import (
    SCHEMA_VERSION,
    NotAllowed,
    StoreError,
    close_store,
    open_store,
    schema_version,
)
from models.leads import LeadFilter, board, save_view, set_valid
from models.ledger import upsert_leads
from models.storefile import filesystem_type, refused_filesystem
from models.tables import Lead, database
from tests.conftest import FIXTURES, lead, small_campaign

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/nfs nfs4 rw,vers=4.2 0 0
/dev/sdb1 /mnt/nfsdata xfs rw 0 0
//nas/share /mnt/my\\040share cifs rw 0 0
/dev/sdc1 /media/usb fuseblk rw 0 0
remote: /srv/cloud fuse.rclone rw 0 0
/dev/sdd1 /srv/cloud ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "fs"),
    [
        ("/home/clerk/yeji.sqlite3", "ext4"),
        ("/mnt/nfs/yeji.sqlite3", "nfs4"),
        ("/mnt/nfs", "nfs4"),
        ("/mnt/nfsdata/yeji.sqlite3", "xfs"),  # a prefix must match whole components
        ("/mnt/my share/yeji.sqlite3", "cifs"),  # \040 in the table is a space
        ("/media/usb/yeji.sqlite3", "fuseblk"),
        ("/srv/cloud/yeji.sqlite3", "ext4"),  # the later mount on the same point hides the first
    ],
    ids=["root", "nfs", "nfs-itself", "nfsdata-not-nfs", "escaped-space", "fuseblk", "remounted"],
)
def test_filesystem_type_takes_the_longest_whole_component_mount(path: str, fs: str) -> None:
    assert filesystem_type(Path(path), MOUNTS) == fs


@pytest.mark.parametrize(
    "fs",
    [
        *("nfs", "nfs4", "cifs", "smb3", "sshfs", "fuse.sshfs", "9p", "ceph", "glusterfs"),
        *("lustre", "gpfs", "davfs", "vboxsf", "virtiofs", "fuse.rclone", "fuse.s3fs"),
        *("fuse.juicefs", "fuse.gvfsd-fuse", "fuse"),
    ],
)
def test_network_and_fuse_file_systems_are_refused(fs: str) -> None:
    assert refused_filesystem(fs)


@pytest.mark.parametrize("fs", ["ext4", "xfs", "btrfs", "zfs", "tmpfs", "overlay", "fuseblk", None])
def test_local_file_systems_are_allowed(fs: str | None) -> None:
    assert not refused_filesystem(fs)


def test_a_store_on_a_network_file_system_is_refused_before_anything_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("models.store_place.filesystem_type", lambda path: "fuse.s3fs")
    with pytest.raises(StoreError) as refused:
        open_store(tmp_path / "new" / "s.sqlite3")
    assert refused.value.key == "store.network_fs" and refused.value.values["fs"] == "fuse.s3fs"
    assert not (tmp_path / "new").exists()


@pytest.fixture
def strict_umask() -> Iterator[None]:
    old = os.umask(0o077)
    yield
    os.umask(old)


def test_a_new_store_and_its_directories_are_for_owner_and_group_whatever_the_umask(
    tmp_path: Path, strict_umask: None
) -> None:
    path = tmp_path / "shared" / "yeji" / "store.sqlite3"
    open_store(path)
    save_campaign(small_campaign())  # a write: the -wal and -shm exist while open
    modes = {
        p.name: stat.S_IMODE(p.stat().st_mode)
        for p in (path.parent.parent, path.parent, *path.parent.iterdir())
    }
    close_store()
    assert modes == {
        "shared": 0o2770,
        "yeji": 0o2770,
        "store.sqlite3": 0o660,
        "store.sqlite3-wal": 0o660,
        "store.sqlite3-shm": 0o660,
    }
    assert sorted(p.name for p in path.parent.iterdir()) == ["store.sqlite3"]  # no temp left


@pytest.mark.parametrize(
    ("content", "key"), [(b"", "store.empty"), (b"name,amount\n", "store.not_sqlite")]
)
def test_an_empty_or_non_sqlite_file_is_refused_and_left_as_it_was(
    tmp_path: Path, content: bytes, key: str
) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StoreError) as refused:
        open_store(path)
    assert refused.value.key == key
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite3"]


def test_an_sqlite_file_of_something_else_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        open_store(path)
    assert refused.value.key == "store.not_ours"
    assert path.read_bytes() == before


def v1_store(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "store-v1.sql").read_text(encoding="utf-8"))
    conn.close()
    return path


def test_an_upgrade_first_keeps_a_whole_copy_of_the_old_file_beside_it(tmp_path: Path) -> None:
    old = v1_store(tmp_path / "store.sqlite3")
    opened = open_store(old)
    assert schema_version(database) == SCHEMA_VERSION
    backup = opened.upgrade_backup
    assert opened.upgraded_from == 1 and backup is not None
    assert backup.parent == tmp_path and backup.name.startswith("store.sqlite3.schema-1-")
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM lead").fetchone()[0] == 3
    close_store()
    assert open_store(old).upgrade_backup is None  # nothing to upgrade the second time


@pytest.fixture
def filled_store(campaign_store: Path) -> Path:
    upsert_leads([lead("甲公司", stage="lead", signed_on=None)], "clerk", date(2022, 9, 1))
    close_store()
    return campaign_store


def test_a_read_only_store_reads_and_refuses_every_write_in_one_place(filled_store: Path) -> None:
    before = filled_store.read_bytes()
    opened = open_store(filled_store, read_only=True)
    assert opened.read_only == "flag"
    cards = board(LeadFilter(), date(2022, 9, 1), {"lead": 0}, 10).pages["lead"][1]
    assert [c.company for c in cards] == ["甲公司"]
    writes = [
        lambda: set_valid(cards[0].id, 1, True, date(2022, 9, 1), "clerk", date(2022, 9, 1)),
        lambda: save_view("mine", LeadFilter(text="甲"), "clerk"),
        lambda: save_campaign(small_campaign()),
    ]
    for write in writes:
        with pytest.raises(NotAllowed) as refused:
            write()
        assert refused.value.key == "store.read_only.flag"
    # and SQLite itself refuses what would bypass the service layer
    with pytest.raises(Exception, match="readonly"):
        Lead.update(amount_wan=1).execute()
    close_store()
    assert filled_store.read_bytes() == before


def test_a_store_needing_an_upgrade_is_not_upgraded_read_only(tmp_path: Path) -> None:
    old = v1_store(tmp_path / "store.sqlite3")
    with pytest.raises(NotAllowed) as refused:
        open_store(old, read_only=True)
    assert refused.value.key == "store.needs_upgrade"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite3"]


def test_a_missing_store_is_not_created_read_only(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as refused:
        open_store(tmp_path / "none.sqlite3", read_only=True)
    assert refused.value.key == "store.not_found"
    assert not (tmp_path / "none.sqlite3").exists()

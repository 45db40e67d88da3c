"""Where the store lives, and whether it may be opened there: not on a network or FUSE file
system (SQLite's WAL corrupts there), not a file of someone else's, and for writing only when
the file and its directory are writable."""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

from models.store_errors import StoreError
from models.store_url import StorePlace, place_of
from models.storefile import (
    connect_read_only,
    filesystem_type,
    not_a_store_file,
    refused_filesystem,
    user_dir,
)


def default_store_path() -> Path:
    """Where the store lives when neither ``--db`` nor ``YEJI_DB`` says otherwise."""
    return user_dir("data") / "yeji.sqlite3"


def resolve_store_path(cli_value: str | None) -> StorePlace:
    """``--db`` first, then ``YEJI_DB``, then the user data directory. A ``postgresql://`` URL
    names a database on a server; anything else is a file."""
    if cli_value:
        return place_of(cli_value)
    env = os.environ.get("YEJI_DB")
    if env:
        return place_of(env)
    return default_store_path()


def read_only_reason(path: Path, asked: bool = False) -> str | None:
    """Why the store at ``path`` can only be read (``flag``: asked for, ``file`` or
    ``directory``: not writable for this user), or None."""
    if asked:
        return "flag"
    if path.exists() and not os.access(path, os.W_OK):
        return "file"
    if path.parent.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        return "directory"  # no -wal, -shm or journal can be made there
    return None


def check_place(path: Path) -> None:
    """Refuse a store path on a network or FUSE file system (SQLite's WAL corrupts there)."""
    fs = filesystem_type(path)
    if refused_filesystem(fs):
        raise StoreError(key="store.network_fs", path=path, fs=fs)


def check_file(path: Path) -> None:
    """Refuse a file that is not a yeji store, before anything (a pragma) writes to it."""
    why = not_a_store_file(path)
    if why is None:
        with closing(connect_read_only(path)) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        # before schema 2 the version was not recorded: such a store has these tables
        if version == 0 and tables and not {"campaign", "lead"} <= tables:
            why = "not_ours"
    if why is not None:
        raise StoreError(key=f"store.{why}", path=path)

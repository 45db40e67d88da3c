"""The store's files: on which file systems they may live, the modes they are made with, what
counts as a store file, how one is opened read-only, copied whole, and held by one process.

Plain ``sqlite3`` and ``os``: no Peewee, no messages (callers turn the answers into errors).
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

#: File systems on which SQLite's WAL (shared memory and locks between processes) is unsafe:
#: network and cluster file systems, and virtual machines' shared folders.
NETWORK_FILESYSTEMS = frozenset(
    {
        *("nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "fuse.sshfs", "afs"),
        *("9p", "ceph", "glusterfs", "lustre", "gpfs", "beegfs", "ocfs2", "gfs2", "davfs"),
        *("vboxsf", "virtiofs", "vmhgfs", "prl_fs", "fuse.rclone", "fuse.s3fs", "fuse.juicefs"),
    }
)
#: FUSE file systems known to sit on a local disk (ntfs-3g and exFAT drives appear as
#: ``fuseblk``); every other ``fuse.*`` type is refused, since most are network storage.
LOCAL_FUSE = frozenset({"fuseblk"})

#: Modes of what we create: the owner and the group read and write (clerks on one server share
#: a group), others nothing; directories keep their group for what is made in them (setgid).
FILE_MODE = 0o660
DIR_MODE = 0o2770

SQLITE_HEADER = b"SQLite format 3\x00"

_ESCAPE = re.compile(r"\\([0-7]{3})")


def read_mounts() -> str | None:
    """The mount table (Linux), or None where there is none."""
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def filesystem_type(path: Path, mounts: str | None = None) -> str | None:
    """The type of the file system holding ``path``, from a mount table (``/proc/mounts``
    unless given); None when unknown."""
    if mounts is None:
        mounts = read_mounts()
        if mounts is None:
            return None
    target = str(path.expanduser().resolve())
    best, best_type = "", None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        # the table escapes space, tab, newline and backslash in octal (\040)
        mount_point = _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), parts[1])
        prefix = mount_point.rstrip("/") + "/"  # whole components: /mnt/nfs is not /mnt/nfsdata
        inside = target == mount_point or target.startswith(prefix)
        # ``>=``: a later mount on the same point hides the earlier one
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, parts[2]
    return best_type


def refused_filesystem(fs: str | None) -> bool:
    """True for a file system a store must not live on (network, cluster, FUSE)."""
    if fs is None or fs in LOCAL_FUSE:
        return False
    return fs in NETWORK_FILESYSTEMS or fs == "fuse" or fs.startswith("fuse.")


def make_dirs(directory: Path) -> None:
    """Create ``directory`` and missing parents, each with DIR_MODE whatever the umask."""
    missing = []
    for d in (directory, *directory.parents):
        if d.exists():
            break
        missing.append(d)
    for d in reversed(missing):
        with suppress(FileExistsError):
            d.mkdir(mode=DIR_MODE)
            with suppress(OSError):  # a file system without modes (FAT) keeps its own
                d.chmod(DIR_MODE)


def new_file(path: Path) -> None:
    """Create an empty file with FILE_MODE whatever the umask; FileExistsError if it exists."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    try:
        with suppress(OSError):
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def not_a_store_file(path: Path) -> str | None:
    """Why an existing file cannot be a store: ``"empty"``, ``"not_sqlite"``, or None."""
    with path.open("rb") as f:
        head = f.read(len(SQLITE_HEADER))
    if not head:
        return "empty"
    return None if head == SQLITE_HEADER else "not_sqlite"


def stamp() -> str:
    """Now, for file names: 20260504-101500."""
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def beside(path: Path, tag: str) -> Path:
    """A file name next to ``path`` that does not exist yet: ``store.sqlite3.<tag>-<time>``."""
    base = path.with_name(f"{path.name}.{tag}-{stamp()}")
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}.{n}")
    return candidate


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(str(path.expanduser().absolute()))}?{query}"


def read_only_uri(path: Path) -> str:
    """How to open ``path`` for reading only (an SQLite URI).

    In WAL mode a reader needs the ``-shm`` file; in a directory it cannot write, and with no
    one else having the store open, that file cannot be made. The store is then whole in its
    main file (the last connection to close checkpointed it), and SQLite's ``immutable`` mode
    reads it without the ``-shm``. With a ``-wal`` beside it, ``mode=ro`` is the only choice.
    """
    wal = path.with_name(path.name + "-wal")
    wal_empty = not wal.exists() or wal.stat().st_size == 0
    if wal_empty and not os.access(path.parent, os.W_OK | os.X_OK):
        return _uri(path, immutable="1")
    return _uri(path, mode="ro")


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection that can only read ``path``."""
    return sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)


def copy_database(
    source: sqlite3.Connection, dest: Path, *, replace: bool = False, verify: bool = True
) -> Path:
    """Copy a whole database with SQLite's backup API into ``dest`` (FILE_MODE, a plain file
    in rollback-journal mode), consistent as of one moment while others keep writing.

    The copy is made under a temporary name beside ``dest`` and takes its name only once it
    passed ``PRAGMA integrity_check`` (unless not ``verify``): a crash leaves no half copy.
    FileExistsError when ``dest`` exists and ``replace`` is not set; ValueError with SQLite's
    words when the copy is not whole.
    """
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    with suppress(FileNotFoundError):
        tmp.unlink()
    new_file(tmp)
    try:
        with closing(sqlite3.connect(tmp)) as target:
            source.backup(target)  # one step: a single read transaction, others keep writing
            target.execute("PRAGMA journal_mode = DELETE")  # one file, readable anywhere
            problems = integrity_problems(target) if verify else []
        if problems:
            raise ValueError("; ".join(problems))
        install(tmp, dest, replace=replace)
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()
    return dest


def install(tmp: Path, dest: Path, *, replace: bool) -> None:
    """Give ``tmp`` the name ``dest`` in one step; without ``replace``, never over a file."""
    if replace:
        os.replace(tmp, dest)
        return
    try:
        os.link(tmp, dest)  # fails if dest exists, unlike rename
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, some FUSE)
        if dest.exists():
            raise FileExistsError(dest) from None
        os.rename(tmp, dest)


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA integrity_check`` finds (an empty list when the file is whole)."""
    found = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    return [] if found == ["ok"] else found


@contextmanager
def held_alone(path: Path) -> Iterator[None]:
    """Hold the store so that no other connection has it open, for swapping its file.

    Raises sqlite3.OperationalError ("database is locked") when another connection has it
    open: in WAL mode every connection that has read the store holds a shared lock on it
    until it closes, and leaving WAL mode needs all of them gone. Leaving WAL checkpoints
    the store into its main file and removes the ``-wal`` and ``-shm``; the exclusive lock
    then keeps newcomers waiting until the file has been swapped. Nothing else is written.
    """
    conn = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise sqlite3.OperationalError("database is locked")
        conn.execute("BEGIN EXCLUSIVE")  # no page is written, so no journal is made
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


#: The XDG variable and its default, per kind of user directory (Linux and the BSDs).
_XDG = {"data": ("XDG_DATA_HOME", "~/.local/share"), "config": ("XDG_CONFIG_HOME", "~/.config")}


def user_dir(kind: str) -> Path:
    """yeji-tui's user ``data`` or ``config`` directory, as platformdirs gives it. On Linux it is
    worked out here, as platformdirs does, because importing platformdirs costs the TUI's first
    paint ~10 ms; elsewhere platformdirs answers."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        variable, default = _XDG[kind]
        base = os.environ.get(variable, "").strip() or os.path.expanduser(default)
        return Path(base) / "yeji-tui"
    import platformdirs

    found = platformdirs.user_data_dir if kind == "data" else platformdirs.user_config_dir
    return Path(found("yeji-tui", appauthor=False))

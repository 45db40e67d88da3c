"""PostgreSQL servers for the tests: a throwaway cluster, or a server named by the environment.

The PostgreSQL half of the suite runs where a server can be had, and is skipped with one line
saying why where it cannot:

* ``YEJI_TEST_PG=postgresql://USER@/postgres?host=SOCKETDIR&port=PORT`` names a running server,
  by an admin URL whose user may create databases (its database must not be ``template1``);
* ``YEJI_TEST_PG_START=1`` starts a throwaway cluster for the session (needs ``initdb``);
* ``python -m tests.pg_server start [BASE]`` starts one and prints its admin URL,
  ``python -m tests.pg_server stop URL`` stops it and removes its directory (``.ci/run``).

Each test gets a fresh, empty database of its own (``pg_url``), made from ``template1``, where
``pg_trgm`` is installed. The cluster listens on a unix socket only, in its own directory, with
fsync off: its data is not meant to outlive the run. PostgreSQL refuses to run as root, so when
we are root the cluster runs as the system user ``yejipg`` (created if missing) or ``nobody``.

psycopg is imported only when a server is used: the suite runs without the ``[postgres]`` extra.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

import pytest

if TYPE_CHECKING:
    import psycopg

ENV_URL = "YEJI_TEST_PG"
ENV_START = "YEJI_TEST_PG_START"
#: the cluster's superuser (trust authentication: no password)
SUPERUSER = "postgres"
#: the socket's name only (``.s.PGSQL.5432``): the socket directory is the cluster's own
PORT = 5432
#: who runs the cluster when we are root
RUN_AS = "yejipg"
#: a unix socket's path must fit ``sun_path`` (108 bytes on Linux, with its NUL)
SOCKET_PATH_MAX = 107
#: the data directory's settings: speed over durability, no TCP
SETTINGS = {
    "listen_addresses": "''",
    "port": str(PORT),
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
}
START_TIMEOUT_S = 60
#: /dev/shm is the default base where it has this much room (Docker gives it 64 MB)
SHM_MIN_FREE = 1 << 30
SKIP_REASON = (
    f"no PostgreSQL server: set {ENV_URL}=postgresql://USER@/postgres?host=SOCKETDIR&port=PORT,"
    f" or {ENV_START}=1 to start a throwaway cluster (needs initdb and pip install -e"
    " '.[postgres]')"
)


class PgUnavailable(RuntimeError):
    """No server can be had; the message says why in one line."""


def _require_psycopg() -> None:
    """PgUnavailable saying how to install psycopg where it is missing."""
    try:
        import psycopg  # noqa: F401
    except ImportError as e:
        raise PgUnavailable("psycopg is not installed: pip install -e '.[postgres]'") from e


def _connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection to `url` (CREATE and DROP DATABASE refuse transactions)."""
    _require_psycopg()
    import psycopg

    return psycopg.connect(url, autocommit=True)


def find_bindir() -> Path:
    """The directory of ``initdb`` and ``pg_ctl``: on PATH, else the newest Debian install."""
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", p.parent.name))

    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(debian, key=version, reverse=True)
    candidates.append(Path("/usr/local/pgsql/bin"))
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    raise PgUnavailable("no initdb found (on PATH or in /usr/lib/postgresql/*/bin)")


def default_base() -> Path:
    """Where a cluster goes by default: /dev/shm where it has room, else the temp directory.

    Measured on the 2-CPU VM: a new database takes 10 to 12 ms on tmpfs; on its ext4, 45 ms
    for the first cluster, then more and more (250 ms by the eighth) as writeback queues up.
    """
    shm = Path("/dev/shm")
    with contextlib.suppress(OSError):
        if os.access(shm, os.W_OK | os.X_OK) and shutil.disk_usage(shm).free >= SHM_MIN_FREE:
            return shm
    return Path(tempfile.gettempdir())


def _cluster_user() -> pwd.struct_passwd | None:
    """Who runs the cluster: nobody else when we are not root, else ``yejipg`` or ``nobody``."""
    if os.geteuid() != 0:
        return None
    for attempt in range(2):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(RUN_AS)
        if attempt == 0 and shutil.which("useradd"):
            subprocess.run(["useradd", "--system", "--no-create-home", RUN_AS], capture_output=True)
    try:
        return pwd.getpwnam("nobody")
    except KeyError as e:
        raise PgUnavailable(f"we are root and there is no user {RUN_AS} or nobody") from e


def _run(cmd: Sequence[str | Path], uid: int | None, cwd: Path) -> None:
    """Run a server program, as `uid` when given; PgUnavailable with its last line if it fails."""
    gid = None if uid is None else pwd.getpwuid(uid).pw_gid
    done = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,  # the user may not be able to read ours
        capture_output=True,
        text=True,
        user=uid,
        group=gid,
        extra_groups=None if uid is None else [],
    )
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines() or [f"exit {done.returncode}"]
        raise PgUnavailable(f"{Path(cmd[0]).name} failed: {said[-1]}")


def _url(user: str, dbname: str, socketdir: Path, port: int = PORT) -> str:
    """A libpq URL to a unix socket, also understood by ``playhouse.db_url.connect``."""
    return f"postgresql://{user}@/{dbname}?host={quote(str(socketdir), safe='/')}&port={port}"


class Server:
    """A running server we may create databases on, by its admin URL."""

    #: CREATE DATABASE … STRATEGY FILE_COPY where the server has it (15 and later): its two
    #: checkpoints are cheap with fsync off (10 to 12 ms a database on tmpfs, WAL_LOG's 14.5)
    file_copy = False

    def __init__(self, admin_url: str, *, trgm_in_template: bool = False) -> None:
        """`admin_url` names a database other than template1, the template of new ones."""
        if urlsplit(admin_url).path.strip("/") == "template1":
            raise PgUnavailable("the admin URL must not name template1 (new databases copy it)")
        self.admin_url = admin_url
        #: False: each new database gets ``CREATE EXTENSION pg_trgm`` itself
        self.trgm_in_template = trgm_in_template
        self._admin: psycopg.Connection[tuple[object, ...]] | None = None

    def url(self, dbname: str) -> str:
        """The URL of database `dbname` on this server: the admin URL with its name replaced."""
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + quote(dbname)))

    def _admin_connection(self) -> psycopg.Connection[tuple[object, ...]]:
        """One autocommit connection to the admin database, kept: 4 ms saved a database."""
        if self._admin is None or self._admin.closed:
            self._admin = _connect(self.admin_url)
        return self._admin

    def new_database(self) -> str:
        """A fresh, empty database with pg_trgm and a name of its own: its URL."""
        from psycopg import sql

        name = f"yeji_test_{os.getpid()}_{secrets.token_hex(4)}"
        admin = self._admin_connection()
        create = "CREATE DATABASE {} TEMPLATE template1"
        if self.file_copy and admin.info.server_version >= 150000:
            create += " STRATEGY FILE_COPY"
        admin.execute(sql.SQL(create).format(sql.Identifier(name)))
        url = self.url(name)
        if not self.trgm_in_template:
            with _connect(url) as db:
                db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        return url

    def drop_database(self, url: str) -> None:
        """Drop the database of `url`, made by `new_database`, whoever is still connected."""
        from psycopg import sql

        name = urlsplit(url).path.strip("/")
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        self._admin_connection().execute(drop)

    def close(self) -> None:
        """Close the admin connection (the server goes on)."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None


class Cluster(Server):
    """A throwaway cluster of our own: ``root/data``, its socket in ``root/sock``, ``root/log``."""

    file_copy = True

    def __init__(self, root: Path, bindir: Path) -> None:
        """A cluster already running in `root`, started by the programs of `bindir`."""
        super().__init__(_url(SUPERUSER, "postgres", root / "sock"), trgm_in_template=True)
        self.root = root
        self.bindir = bindir

    @classmethod
    def from_url(cls, admin_url: str) -> Cluster:
        """The cluster `start_cluster` started whose admin URL is `admin_url`."""
        host = parse_qs(urlsplit(admin_url).query).get("host", [""])[0]
        root = Path(host).parent
        if not root.name.startswith("yeji-pg-") or not (root / "data" / "PG_VERSION").exists():
            raise PgUnavailable(f"{admin_url} is no cluster started by tests.pg_server")
        return cls(root, find_bindir())

    def stop(self) -> None:
        """Stop the server at once (nothing in it is kept) and remove its directory."""
        self.close()
        data = self.root / "data"
        if (data / "postmaster.pid").exists():
            owner = data.stat().st_uid if os.geteuid() == 0 else None
            with contextlib.suppress(PgUnavailable):
                _run([self.bindir / "pg_ctl", "stop", "-D", data, "-m", "immediate", "-w"],
                     owner, self.root)  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(base: Path) -> Cluster:
    """Start a fresh cluster in a new directory under `base`; it accepts connections on return.

    When we are root, the cluster's user must be able to reach `base`: every directory above it
    needs o+x (``/tmp`` and ``/dev/shm`` do; pytest's ``tmp_path``, 0700 under root, does not).
    """
    bindir = find_bindir()
    user = _cluster_user()
    uid = None if user is None else user.pw_uid
    root = Path(tempfile.mkdtemp(prefix="yeji-pg-", dir=base))
    cluster = Cluster(root, bindir)
    try:
        socket = root / "sock" / f".s.PGSQL.{PORT}"
        if len(str(socket)) > SOCKET_PATH_MAX:
            raise PgUnavailable(f"{socket} is too long for a unix socket: use a shorter base")
        (root / "sock").mkdir()
        if user is not None:
            for path in (root, root / "sock"):
                os.chown(path, user.pw_uid, user.pw_gid)
            try:
                _run(["test", "-w", root], uid, Path("/"))
            except PgUnavailable as e:
                raise PgUnavailable(f"user {user.pw_name} cannot reach {root}: o+x above it") from e
        _initdb(bindir, root / "data", uid, root)
        with (root / "data" / "postgresql.conf").open("a", encoding="utf-8") as conf:
            settings = {**SETTINGS, "unix_socket_directories": f"'{root / 'sock'}'"}
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
        log = root / "log"
        start: list[str | Path] = [bindir / "pg_ctl", "start", "-D", root / "data", "-l", log, "-w"]
        try:
            # -w: pg_ctl polls until the server accepts connections, for -t seconds at most
            _run([*start, "-t", str(START_TIMEOUT_S)], uid, root)
        except PgUnavailable as e:
            said = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
            raise PgUnavailable(f"{e} ({said[-1] if said else 'no log'})") from e
        with _connect(cluster.url("template1")) as template:
            template.execute("CREATE EXTENSION pg_trgm")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _initdb(bindir: Path, data: Path, uid: int | None, cwd: Path) -> None:
    """initdb with C.UTF-8 (pg_trgm's words need a UTF-8 ctype: with C, CJK has no trigrams)."""
    base: list[str | Path] = [
        bindir / "initdb",
        "-D",
        data,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "-U",
        SUPERUSER,
        "-N",
    ]
    try:
        _run([*base, "--locale=C.UTF-8"], uid, cwd)
    except PgUnavailable as e:
        if "locale" not in str(e).lower():
            raise
        shutil.rmtree(data, ignore_errors=True)  # no C.UTF-8 (macOS): C, CJK unsearchable
        _run([*base, "--locale=C"], uid, cwd)


_started: Cluster | None = None


def _reachable(server: Server) -> Server:
    """`server`, connected; PgUnavailable with the driver's first line where it cannot be."""
    import psycopg

    try:
        server._admin_connection()
    except psycopg.Error as e:
        raise PgUnavailable(
            f"cannot connect to {server.admin_url}: {str(e).splitlines()[0]}"
        ) from e
    return server


def _server_or_reason() -> tuple[Server | None, str]:
    """The server the environment asks for (a cluster started once a process), or why none."""
    global _started
    url = os.environ.get(ENV_URL)
    start = os.environ.get(ENV_START) == "1"
    if not url and not start:
        return None, SKIP_REASON
    try:
        _require_psycopg()
        if url:
            return _reachable(Server(url)), f"PostgreSQL server from {ENV_URL}"
        if _started is None or not _started.root.exists():
            _started = start_cluster(default_base())
        return _started, "a throwaway PostgreSQL cluster"
    except PgUnavailable as e:
        return None, f"{ENV_URL if url else ENV_START} is set but: {e}"


def server_url_or_reason() -> tuple[str | None, str]:
    """An admin URL to create databases on, or None and one line saying why and what to set.

    A cluster started for ``YEJI_TEST_PG_START=1`` is stopped when the process exits.
    """
    server, reason = _server_or_reason()
    if isinstance(server, Cluster):
        atexit.register(server.stop)
    return (server.admin_url if server else None), reason


# The pytest part: ``from tests.pg_server import pg_admin, pg_url`` in a conftest or test module.


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Server]:
    """The session's server; skipped where none is asked for, an error where one fails."""
    server, reason = _server_or_reason()
    if server is None:
        if os.environ.get(ENV_URL) or os.environ.get(ENV_START) == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    yield server
    if isinstance(server, Cluster):
        server.stop()  # once: a second fixture definition finds it stopped
    else:
        server.close()


@pytest.fixture
def pg_url(pg_admin: Server) -> Iterator[str]:
    """A fresh, empty database of this test's own, with pg_trgm: its URL; dropped afterwards."""
    url = pg_admin.new_database()
    yield url
    pg_admin.drop_database(url)


def main(argv: Sequence[str]) -> int:
    """``start [BASE]`` prints a new cluster's admin URL; ``stop URL`` stops it; ``bindir``."""
    try:
        match list(argv):
            case ["start", *base] if len(base) <= 1:
                cluster = start_cluster(Path(base[0]) if base else default_base())
                print(cluster.admin_url)
            case ["stop", url]:
                Cluster.from_url(url).stop()
            case ["bindir"]:
                print(find_bindir())
            case _:
                print("usage: python -m tests.pg_server start [BASE] | stop URL | bindir")
                return 2
    except PgUnavailable as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

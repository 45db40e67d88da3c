"""``yeji serve``: the same TUI in a browser, served by textual-serve (an optional extra).

Each browser tab that opens the page starts its own ``yeji`` process on the same store, drawn
into the page over a websocket. The server binds to this machine only unless told otherwise,
and the TUIs it starts open the store read-only unless ``--writable`` is given: a login and
TLS belong to a reverse proxy in front of it (README, "In a browser").
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from yeji_tui.strings import Catalog

#: What to install when textual-serve is missing.
EXTRA = "yeji-tui[serve]"


class ServeMissing(Exception):
    """textual-serve is not installed."""


@dataclass(frozen=True)
class ServeOptions:
    """Where to listen, which store to show, and whether the TUIs may change it."""

    #: a file, or a PostgreSQL URL (handed on in YEJI_DB: never on a command line ps shows)
    db_path: Path | str
    host: str = "127.0.0.1"
    port: int = 8000
    writable: bool = False
    lang: str = "zh"
    #: ``--today`` as given (none: each TUI takes the day it starts on)
    today: str | None = None
    #: the address browsers reach the server by (behind a proxy: its https:// address)
    public_url: str | None = None


def tui_command(options: ServeOptions) -> str:
    """The shell command each browser session runs: this Python's ``yeji`` on the store."""
    argv = [sys.executable, "-m", "yeji_tui"]
    if isinstance(options.db_path, Path):
        argv += ["--db", str(options.db_path.resolve())]
    else:
        os.environ["YEJI_DB"] = options.db_path  # the sessions are this process's children
    argv += ["--lang", options.lang]
    if options.today:
        argv += ["--today", options.today]
    if not options.writable:
        argv.append("--read-only")
    return shlex.join(argv)


def public_url(options: ServeOptions) -> str:
    """The page's own address, which it gives the browser for the websocket."""
    if options.public_url:
        return options.public_url.rstrip("/")
    host = f"[{options.host}]" if ":" in options.host else options.host
    return f"http://{host}:{options.port}"


def serve(options: ServeOptions, t: Catalog) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM)."""
    try:
        from textual_serve.server import Server
    except ImportError as exc:
        raise ServeMissing(EXTRA) from exc
    server = Server(
        tui_command(options),
        host=options.host,
        port=options.port,
        title=t("serve.title"),
        public_url=public_url(options),
    )
    server.serve()

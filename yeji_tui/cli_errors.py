"""How ``yeji`` tells the user that something stopped a command: one line on stderr,
``yeji: <what, where, what to do>``, and an exit code a script can tell apart.

Imported on every command, ``yeji status`` included: the store's errors are imported only when
one is to be explained.
"""

from __future__ import annotations

import contextlib
import os
import sys

from yeji_tui.strings import Catalog

#: Exit codes: what a script calling ``yeji`` can tell apart.
EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_NOT_ALLOWED, EXIT_BUSY = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_PIPE = 130, 141


class CliError(Exception):
    """A failure to report in one line, without a traceback (exit 1 unless told otherwise)."""

    def __init__(self, message: str, code: int = EXIT_DATA) -> None:
        super().__init__(message)
        self.code = code


def explain(exc: Exception, t: Catalog) -> tuple[str, int]:
    """One line for the user, and the exit code, for anything that stopped a command."""
    from models.db import NotAllowed, StoreBusy, StoreError

    if isinstance(exc, CliError):
        return str(exc), exc.code
    if isinstance(exc, StoreBusy):
        return exc.message(t), EXIT_BUSY
    if isinstance(exc, NotAllowed):
        return exc.message(t), EXIT_NOT_ALLOWED
    if isinstance(exc, StoreError):
        return exc.message(t), EXIT_DATA
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}", EXIT_DATA
    return (
        f"意外错误 / unexpected error: {type(exc).__name__}: {exc} "
        "(YEJI_DEBUG=1 显示详情 / shows the details)",
        EXIT_DATA,
    )


def say(message: str) -> None:
    """An error line on stderr, with anything that could act on the terminal escaped."""
    from yeji_tui.text import escape_controls

    lines = [escape_controls(line) for line in message.splitlines()] or [""]
    with contextlib.suppress(OSError):
        print("yeji: " + "\n".join(lines), file=sys.stderr)


def tell_when_waiting(t: Catalog) -> None:
    """A write that must wait for another writer says so on stderr (models.db waits up to
    BUSY_WAIT_S, then raises StoreBusy: exit 4)."""
    from models.db import set_busy_notice

    def notice() -> None:
        clear = "\r\x1b[K" if sys.stderr.isatty() else ""  # over a progress line
        with contextlib.suppress(OSError):
            print(clear + t("busy.waiting"), file=sys.stderr)

    set_busy_notice(notice)


def silence_stdout() -> None:
    """After the reader of stdout went away (``yeji export leads | head -1``)."""
    # Python flushes stdout at exit; once the pipe is closed that flush raises again.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

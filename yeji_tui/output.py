"""Files the commands write (reports, ledger exports, the campaign file): whole or not at all.

A report that fails half-way (a full disk, a bug, Ctrl+C) must not leave half a file where the
last good one was, and ``--out`` into a directory that does not exist must say so in one line.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from yeji_tui.strings import Catalog


def check_target(path: Path, t: Catalog) -> None:
    """Raise an OSError that says what to do if ``path`` cannot be written as a file; the CLI
    prints it as ``<path>: <why>`` (exit 1)."""
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, t("out.no_dir", folder=folder), str(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, t("out.is_dir"), str(path))


@contextmanager
def replacing(path: Path, t: Catalog) -> Iterator[Path]:
    """A path to write ``path``'s new content to. Only once the block ends without an error
    does it take ``path``'s place (a rename, in the same directory); otherwise nothing is left
    and an older file stays as it was. The scratch file has ``path``'s own name, in a hidden
    directory beside it, since writers take the sheet name and the format from the name."""
    check_target(path, t)
    try:
        scratch = Path(tempfile.mkdtemp(prefix=".yeji-", dir=path.parent))
    except OSError as exc:  # a read-only or special directory
        why = t("out.cannot_write", folder=path.parent, error=exc.strerror or exc)
        raise OSError(exc.errno, why, str(path)) from exc
    try:
        written = scratch / path.name
        yield written
        os.replace(written, path)
    except OSError as exc:
        if exc.filename is None or Path(exc.filename).parent != scratch:
            raise
        # a full disk, say: name the file the user asked for, not the scratch one
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

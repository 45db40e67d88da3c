"""What this process opened: the store's place and whether it may write there (every write
asks ``refuse_if_read_only``)."""

from __future__ import annotations

from pathlib import Path

from models.frozen import Record, record
from models.store_errors import NotAllowed
from models.store_url import StorePlace, StoreUrl


@record
class OpenedStore(Record):
    """What opening the store found."""

    path: StorePlace
    #: why only reading is possible (``flag``: --read-only, ``file``, ``directory``: not
    #: writable), or None
    read_only: str | None = None
    #: the schema version the file had, when this opening upgraded it
    upgraded_from: int | None = None
    #: the copy of the file as it was before that upgrade
    upgrade_backup: Path | None = None


_opened: OpenedStore | None = None


def opened_store() -> OpenedStore | None:
    """The store this process opened last."""
    return _opened


def refuse_if_read_only() -> None:
    """Raise NotAllowed when the store was opened for reading only (every write asks)."""
    if _opened is not None and _opened.read_only:
        where = _opened.path
        raise NotAllowed(
            key=f"store.read_only.{_opened.read_only}",
            path=where.shown if isinstance(where, StoreUrl) else where,
        )


def remember(opened: OpenedStore | None) -> None:
    """Record what ``models.db.open_store`` opened (None while it is opening)."""
    global _opened
    _opened = opened

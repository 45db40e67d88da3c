"""Where a store is named: a path (an SQLite file) or a URL ``postgresql://user:password@host:port/db``
(a PostgreSQL database). Nothing here imports Peewee: the TUI reads ``--db`` before the first
frame, and the store is opened (Peewee imported) in a child process meanwhile.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from models.store_errors import StoreError


class StoreUrl(str):
    """A PostgreSQL store's address, as given (``--db`` or ``YEJI_DB``)."""

    @property
    def shown(self) -> str:
        """The address without its password, for messages and the audit."""
        parts = urlsplit(self)
        if parts.password is None:
            return str(self)
        host = parts.netloc.rsplit("@", 1)[1]
        user = parts.username or ""
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


#: Where a store lives: a file, or a database on a server.
StorePlace = Path | StoreUrl

_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
#: a scheme of two letters or more (``C:`` is a drive): a URL, if not one we know
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_PASSWORD = re.compile(r"([:/]+[^:/@]*:)[^@/]*@")


def place_of(text: str) -> StorePlace:
    """A ``--db`` value as a store place: a URL stays a URL, anything else is a path. A
    mistyped URL (``postgresql:/…``) is refused, not taken for a new SQLite file of that name."""
    if _URL.match(text):
        return StoreUrl(text)
    if _SCHEME.match(text):
        raise StoreError(key="store.not_a_url", path=_PASSWORD.sub(r"\1***@", text))
    return Path(text).expanduser()


def shown(place: StorePlace) -> str:
    """A store place as the user may see it (never a password)."""
    return place.shown if isinstance(place, StoreUrl) else str(place)

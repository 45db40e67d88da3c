"""The store's errors: each carries a catalog key for the user's words (the CLI's exit codes
tell them apart)."""

from __future__ import annotations

from collections.abc import Callable


class StoreError(Exception):
    """The store cannot be opened or used; the message says why, for the user.

    Raised with ``key`` (and values), the words are ``yeji_tui.strings``' message of that key
    in the user's language (``message``); the plain text is then for logs.
    """

    def __init__(self, text: str = "", *, key: str = "", **values: object) -> None:
        super().__init__(text or " ".join([key, *(f"{k}={v}" for k, v in values.items())]))
        self.key, self.values = key, values

    def message(self, translate: Callable[..., str]) -> str:
        """The words for the user, given the catalog of their language."""
        return translate(self.key, **self.values) if self.key else str(self)


class StoreBusy(StoreError):
    """Another process held the write lock for longer than we wait (the CLI exits with 4)."""


class NotAllowed(StoreError):
    """A write this user, or this store opened read-only, may not make (the CLI exits with 3)."""

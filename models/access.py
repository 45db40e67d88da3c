"""Who may do what: the one place every write asks (DOMAIN.md "Who may change what").

The person is the OS account of the process (``identity.os_login``), never an environment
variable; the campaign file's ``[[users]]`` (stored in ``app_user``) give their name, role and
unit. With no users listed everyone is the office; once there are users, an account not listed
is a leader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from models import identity
from models.records import Actor, Role
from models.store_errors import NotAllowed

#: What a write is: the campaign file, a lead, an activity, saved views, backup and restore.
Action = Literal["campaign", "lead", "activity", "view", "backup", "restore"]
#: What a clerk may do, for their own unit; a leader may do none of them.
_CLERK_MAY: frozenset[str] = frozenset({"lead", "activity", "view"})
#: At most this many refused rows are named in one refusal.
NAMED_ROWS = 20


def _role(value: str) -> Role:
    return "office" if value == "office" else "clerk" if value == "clerk" else "leader"


def actor_for(login: str, users: Iterable[tuple[str, str, str, str]]) -> Actor:
    """The actor of ``login`` among ``(login, name, role, unit)`` rows."""
    listed = list(users)
    if not listed:
        return Actor(login, login, "office", listed=False)
    for user_login, name, role, unit in listed:
        if user_login == login:
            return Actor(login, name or login, _role(role), unit)
    return Actor(login, login, "leader")


def current_actor(login: str | None = None) -> Actor:
    """Who this process is, by the open store's users (``login``: for tests only)."""
    # here, not above: the TUI's first frame asks ``allows`` before Peewee is imported
    from models.tables import AppUser, rows

    query = AppUser.select(AppUser.login, AppUser.name, AppUser.role, AppUser.unit)
    return actor_for(
        login or identity.os_login(),
        ((str(a), str(b), str(c), str(d)) for a, b, c, d in rows(query)),
    )


def allows(actor: Actor, action: Action, unit: str | None = None) -> bool:
    """Whether ``actor`` may make this write (on a lead or activity of ``unit``)."""
    if actor.role == "office":
        return True
    if actor.role == "clerk" and action in _CLERK_MAY:
        return action == "view" or unit is None or unit == actor.unit
    return False


class AccessRefused(NotAllowed):
    """A write the user's role does not allow; nothing was written (the CLI exits with 3)."""

    def __init__(self, actor: Actor, action: Action, unit: str = "", where: str = "") -> None:
        super().__init__(
            key="access.refused", user=actor.shown, role=actor.role, action=action, unit=unit
        )
        self.actor, self.action, self.unit, self.where = actor, action, unit, where

    def message(self, translate: Callable[..., str]) -> str:
        """One line: the user, their role (and unit), and what was refused."""
        role = translate(f"role.{self.actor.role}")
        if self.actor.role == "clerk":
            role = f"{role} {self.actor.unit}"
        what = translate(f"access.what.{self.action}")
        if self.unit:
            what = translate("access.of_unit", what=what, unit=self.unit)
        if self.where:
            what = translate("access.rows", what=what, rows=self.where)
        return translate("access.refused", user=self.actor.shown, role=role, what=what)


def authorize(actor: Actor, action: Action, unit: str | None = None) -> None:
    """Raise AccessRefused unless ``actor`` may make this write."""
    if not allows(actor, action, unit):
        raise AccessRefused(actor, action, unit or "")


def authorize_rows(actor: Actor, action: Action, units: Iterable[tuple[int, str]]) -> None:
    """Refuse a whole batch (an import) if any row's unit is not the actor's to write, naming
    the rows (``(row number, unit)``: the first NAMED_ROWS of them)."""
    if actor.role == "office":
        return
    refused = [(n, unit) for n, unit in units if not allows(actor, action, unit)]
    if refused or actor.role != "clerk":
        shown = ", ".join(str(n) for n, _ in refused[:NAMED_ROWS])
        more = " …" if len(refused) > NAMED_ROWS else ""
        unit = refused[0][1] if refused else ""
        raise AccessRefused(actor, action, unit, shown + more)


__all__ = [
    "AccessRefused",
    "Action",
    "Actor",
    "actor_for",
    "allows",
    "authorize",
    "authorize_rows",
    "current_actor",
]

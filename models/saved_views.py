"""The pipeline's saved views: named filters, kept across restarts."""

from __future__ import annotations

from models.access import authorize, current_actor
from models.board import LeadFilter
from models.tables import SavedView, rows
from models.usertext import clean_fields, clean_text
from models.write_lock import immediate


def save_view(name: str, f: LeadFilter, user: str) -> None:
    """Keep a filter under a name (replacing one of that name)."""
    name, f = clean_text(name), clean_fields(f)  # the store's backstop
    with immediate():
        authorize(current_actor(), "view")
        SavedView.delete().where(SavedView.name == name).execute()
        SavedView.insert(name=name, filter_json=f.to_json(), by_user=user).execute()


def saved_views() -> list[tuple[str, LeadFilter]]:
    """Every saved view, by name."""
    return [
        (name, LeadFilter.from_json(text))
        for name, text in rows(
            SavedView.select(SavedView.name, SavedView.filter_json).order_by(SavedView.name)
        )
    ]


def delete_view(name: str) -> None:
    """Forget a saved view."""
    with immediate():
        authorize(current_actor(), "view")
        SavedView.delete().where(SavedView.name == name).execute()

"""The lead service: what the pipeline and triage read, and every change they make.

Reads return frozen records; counts and sums happen in SQL. Each change is one IMMEDIATE
transaction that checks the lead's version (an edit that waited on a person is refused if someone
else changed the lead meanwhile), applies the pipeline's rules, records stage history with the OS
user, and returns a Change that ``undo`` can reverse.

The service is gathered here from its parts: ``models.lead_reads`` (the pipeline, a lead's
detail, triage's queue), ``models.lead_writes`` (the one path of every change, the form, undo),
``models.lead_moves`` (stage moves and triage decisions) and ``models.saved_views``. The plain
records (``models.board``, ``models.lead_change``, ``models.lead_pages``) are here at once;
each part is imported when one of its names is first asked for, so a screen that holds
``leads`` loads Peewee only when it first reads or writes — after the TUI's first frame, not
before it (``yeji_tui.prefetch``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from models.board import BoardData, LeadFilter
from models.lead_change import Change, LeadChanged, LeadFields, Refused
from models.lead_pages import FollowUpEntry, HistoryEntry, LeadDetail, TriageItem, TriageStart

if TYPE_CHECKING:
    from models.lead_moves import add_follow_up, drop, move, review, set_valid
    from models.lead_reads import (
        board,
        consultant_names,
        group_names,
        lead_detail,
        lead_record,
        shows,
        stage_page,
        stage_totals,
        triage_queue,
        triage_start,
        unit_names,
    )
    from models.lead_writes import AUDIT_ACTIONS, create_lead, lead_fields, undo, update_lead
    from models.saved_views import delete_view, save_view, saved_views

#: Which part holds each name of the service that is not a plain record.
PARTS = {
    "models.lead_moves": ("add_follow_up", "drop", "move", "review", "set_valid"),
    "models.lead_reads": (
        "board",
        "consultant_names",
        "group_names",
        "lead_detail",
        "lead_record",
        "shows",
        "stage_page",
        "stage_totals",
        "triage_queue",
        "triage_start",
        "unit_names",
    ),
    "models.lead_writes": ("AUDIT_ACTIONS", "create_lead", "lead_fields", "undo", "update_lead"),
    "models.saved_views": ("delete_view", "save_view", "saved_views"),
}
_HOME = {name: part for part, names in PARTS.items() for name in names}


def __getattr__(name: str) -> Any:
    """A name of the service's parts, its part imported on first use (then kept here)."""
    part = _HOME.get(name)
    if part is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(part), name)
    globals()[name] = value
    return value


__all__ = [
    "AUDIT_ACTIONS",
    "BoardData",
    "Change",
    "FollowUpEntry",
    "HistoryEntry",
    "LeadChanged",
    "LeadDetail",
    "LeadFields",
    "LeadFilter",
    "Refused",
    "TriageItem",
    "TriageStart",
    "add_follow_up",
    "board",
    "consultant_names",
    "create_lead",
    "delete_view",
    "drop",
    "group_names",
    "lead_detail",
    "lead_fields",
    "lead_record",
    "move",
    "review",
    "save_view",
    "saved_views",
    "set_valid",
    "shows",
    "stage_page",
    "stage_totals",
    "triage_queue",
    "triage_start",
    "undo",
    "unit_names",
    "update_lead",
]

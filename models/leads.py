"""The lead service: what the pipeline and triage read, and every change they make.

Reads return frozen records; counts and sums happen in SQL. Each change is one IMMEDIATE
transaction that checks the lead's version (an edit that waited on a person is refused if someone
else changed the lead meanwhile), applies the pipeline's rules, records stage history with the OS
user, and returns a Change that ``undo`` can reverse.

The service is gathered here from its parts: ``models.lead_reads`` (the pipeline, a lead's
detail, triage's queue), ``models.lead_writes`` (the one path of every change, the form, undo),
``models.lead_moves`` (stage moves and triage decisions) and ``models.saved_views``.
"""

from __future__ import annotations

from models.lead_moves import add_follow_up, drop, move, review, set_valid
from models.lead_reads import (
    BoardData,
    FollowUpEntry,
    HistoryEntry,
    LeadDetail,
    LeadFilter,
    TriageItem,
    board,
    consultant_names,
    group_names,
    lead_detail,
    lead_record,
    shows,
    stage_page,
    stage_totals,
    triage_queue,
    unit_names,
)
from models.lead_writes import (
    AUDIT_ACTIONS,
    Change,
    LeadChanged,
    LeadFields,
    Refused,
    create_lead,
    lead_fields,
    undo,
    update_lead,
)
from models.saved_views import delete_view, save_view, saved_views

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
    "undo",
    "unit_names",
    "update_lead",
]

"""Writing checked ledger rows (leads and activities) into the store, all or nothing.

The importer checks a whole file first; the store only writes rows that passed, in one short
transaction prepared beforehand, and records stage history for every lead whose stage it sets
or changes.

Gathered here from its parts: ``models.ledger_rows`` (the rows, results, names to ids, the
export's reads), ``models.import_staging`` and ``models.lead_import`` (a lead import, before and
under the lock), ``models.activity_writes`` (activities imported and logged) and
``models.bulk`` (``bulk_insert``).
"""

from __future__ import annotations

from models.activity_writes import ACTIVITY_EVENTS, UnknownCompanies, add_activities, log_activity
from models.bulk import bulk_insert
from models.lead_import import upsert_leads
from models.ledger_rows import (
    ACTIVITY_COLUMNS,
    ActivityInput,
    LeadInput,
    Progress,
    WriteResult,
    all_activities,
    all_leads,
    ids_by_name,
    stage_day,
    unit_ids,
)

__all__ = [
    "ACTIVITY_COLUMNS",
    "ACTIVITY_EVENTS",
    "ActivityInput",
    "LeadInput",
    "Progress",
    "UnknownCompanies",
    "WriteResult",
    "add_activities",
    "all_activities",
    "all_leads",
    "bulk_insert",
    "ids_by_name",
    "log_activity",
    "stage_day",
    "unit_ids",
    "upsert_leads",
]

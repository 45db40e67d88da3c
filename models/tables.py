"""Peewee models: the schema of the store, gathered from the modules that define it.

``models.campaign_tables`` (the campaign file's setup and users), ``models.lead_tables`` (leads,
their history, follow-ups and saved views), ``models.activity_tables`` (activities and events),
``models.kept_tables`` (what triggers keep: summaries and the search index),
``models.gram_totals`` (the leads per one- and two-character piece of their names),
``models.audit_table`` (the append-only audit) and ``models.store_database`` (the database they
are bound to, and raw SQL); every name is importable from here, as before.
"""

from __future__ import annotations

from peewee import Model

from models.activity_tables import Activity, ActivityLead, Event, EventLead
from models.audit_table import APPEND_ONLY, APPEND_ONLY_NAMES, Audit
from models.campaign_tables import AppUser, Campaign, Consultant, Group, ParkPartner, Target, Unit
from models.followed_ahead import VALID_BY_ID
from models.gram_totals import GRAM_TRIGGERS, LeadGramTotal
from models.kept_tables import (
    SEARCH_INDEX,
    SEARCH_REBUILD,
    SEARCH_TRIGGERS,
    STAGE_BACKFILL,
    STAGE_TRIGGERS,
    SUMMARY_BACKFILL,
    SUMMARY_TRIGGERS,
    TOUCH_ADD,
    TOUCH_BACKFILL,
    TOUCH_COLUMNS,
    TOUCH_REMOVE,
    TOUCH_TRIGGERS,
    ActivityDay,
    LeadTouchDay,
    StageTotal,
)
from models.lead_tables import (
    LEAD_DAY_INDEXES,
    FollowUp,
    Lead,
    SavedView,
    StageChange,
)
from models.store_database import (
    BaseModel,
    database,
    execute,
    execute_many,
    rows,
    run_sql,
    sql_value,
    sqlite_database,
    use_database,
)

ALL_TABLES: tuple[type[Model], ...] = (
    Campaign,
    Target,
    Group,
    Unit,
    Consultant,
    ParkPartner,
    Lead,
    SavedView,
    StageChange,
    FollowUp,
    Event,
    EventLead,
    Activity,
    ActivityLead,
    ActivityDay,
    StageTotal,
    LeadTouchDay,
    LeadGramTotal,
    AppUser,
    Audit,
)


__all__ = [
    "ALL_TABLES",
    "APPEND_ONLY",
    "APPEND_ONLY_NAMES",
    "GRAM_TRIGGERS",
    "LEAD_DAY_INDEXES",
    "SEARCH_INDEX",
    "SEARCH_REBUILD",
    "SEARCH_TRIGGERS",
    "STAGE_BACKFILL",
    "STAGE_TRIGGERS",
    "SUMMARY_BACKFILL",
    "SUMMARY_TRIGGERS",
    "TOUCH_ADD",
    "TOUCH_BACKFILL",
    "TOUCH_COLUMNS",
    "TOUCH_REMOVE",
    "TOUCH_TRIGGERS",
    "VALID_BY_ID",
    "Activity",
    "ActivityDay",
    "ActivityLead",
    "AppUser",
    "Audit",
    "BaseModel",
    "Campaign",
    "Consultant",
    "Event",
    "EventLead",
    "FollowUp",
    "Group",
    "Lead",
    "LeadGramTotal",
    "LeadTouchDay",
    "ParkPartner",
    "SavedView",
    "StageChange",
    "StageTotal",
    "Target",
    "Unit",
    "database",
    "execute",
    "execute_many",
    "rows",
    "run_sql",
    "sql_value",
    "sqlite_database",
    "use_database",
]

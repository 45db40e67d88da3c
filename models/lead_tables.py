"""Peewee models of the leads: the lead itself (with the indexes the pipeline, the targets and
reports count from), its stage history and follow-ups, and the pipeline's saved views.

Amounts are integer 万元 (1亿 = 10,000). Dates are ISO strings in SQLite (Peewee's DateField), so
range filters and ``strftime('%Y-%m', ...)`` work in SQL and the indexes below serve them.
"""

from __future__ import annotations

from datetime import date, datetime

from peewee import BooleanField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.campaign_tables import Consultant, Unit
from models.store_database import BaseModel


class Lead(BaseModel):
    """A lead (项目线索) and, once signed, the project it became."""

    company = TextField()
    project = TextField()
    industry = TextField(default="其他")
    amount_wan = IntegerField(default=0)
    is_industrial = BooleanField(default=False)
    is_head_enterprise = BooleanField(default=False)
    is_listed = BooleanField(default=False)
    source = TextField(default="其他")
    # no index of its own: (unit, stage) below serves every lookup by unit
    unit = ForeignKeyField(Unit, backref="leads", on_delete="RESTRICT", index=False)
    consultant = ForeignKeyField(Consultant, null=True, backref="leads", on_delete="SET NULL")
    task_force = TextField(null=True)  # negotiating | signed (在谈 / 签约 攻坚组)
    stage = TextField(default="lead")
    found_on = DateField(null=True)
    valid_since = DateField(null=True)
    signed_on = DateField(null=True)
    started_on = DateField(null=True)
    dropped_on = DateField(null=True)
    dropped_reason = TextField(default="")
    next_follow_up = DateField(null=True)
    created_at = DateTimeField(default=datetime.now)
    updated_at = DateTimeField(default=datetime.now)
    # Bumped on every write, so an edit that waited on a person can tell it was overtaken.
    version = IntegerField(default=1)
    #: names, pinyin and initials (models.search), for the pipeline's filter
    search_key = TextField(default="")
    #: the day of the last stage change or follow-up: how stale a lead is
    touched_on = DateField(null=True)
    #: when a person last decided on the lead in triage; None for a new, unreviewed lead
    reviewed_on = DateField(null=True)

    class Meta:
        indexes = (
            # the pipeline's totals and pages read only an index: the narrow one unfiltered,
            # the one with the search key when filtering by text
            (("stage", "amount_wan"), False),
            (("stage", "amount_wan", "search_key"), False),
            # stale leads by stage, and per unit for the dispatch review, from the index alone
            (("stage", "touched_on", "unit"), False),
            (("company", "project"), True),
            (("unit", "stage"), False),
            # the dispatch review's valid leads followed up: a lead's valid day and unit by
            # its id without reading the wide row (SQLite is told to: models.engine.indexed_by)
            (("id", "valid_since", "unit"), False),
        )


# Targets and reports count signings, starts and valid leads from these alone (covering).
# Partial: most leads are never signed, so each holds only the leads with the day it starts
# with — smaller to build and keep (an import's write lock), and the same to every query, whose
# range on that day implies it is not NULL.
LEAD_DAY_INDEXES = (
    ("signed_on", "amount_wan", "is_industrial", "stage", "dropped_on", "unit"),
    ("started_on", "amount_wan", "is_industrial", "stage", "dropped_on", "unit"),
    ("valid_since", "unit"),
)
for _columns in LEAD_DAY_INDEXES:
    _fields = [getattr(Lead, c) for c in _columns]
    Lead.add_index(Lead.index(*_fields).where(_fields[0].is_null(False)))

# Triage's queue, oldest first, without reading every lead (a million leads: 1.7 s → 3 ms): the
# leads not yet reviewed by the day found, the leads with a follow-up day by that day. Partial:
# each holds only the leads it serves (schema 11; models.upgrades spells out the same).
Lead.add_index(Lead.index(Lead.found_on).where(Lead.reviewed_on.is_null()))
Lead.add_index(Lead.index(Lead.next_follow_up).where(Lead.next_follow_up.is_null(False)))


class SavedView(BaseModel):
    """A named pipeline filter, kept across restarts."""

    name = TextField(unique=True)
    filter_json = TextField()
    by_user = TextField()
    at = DateTimeField(default=datetime.now)


class StageChange(BaseModel):
    """One move of a lead along the pipeline: from, to, the day it counts for, and who."""

    lead = ForeignKeyField(Lead, backref="stage_changes", on_delete="CASCADE")
    from_stage = TextField(null=True)
    to_stage = TextField()
    on = DateField()
    by_user = TextField()
    at = DateTimeField(default=datetime.now)
    #: the change this one undid (history is never deleted: an undo is a change back)
    reverses = IntegerField(null=True)


class FollowUp(BaseModel):
    """A dated follow-up note on a lead."""

    lead = ForeignKeyField(Lead, backref="follow_ups", on_delete="CASCADE")
    on = DateField(default=date.today)
    note = TextField()
    by_user = TextField()
    at = DateTimeField(default=datetime.now)

    class Meta:
        # the dispatch review counts valid leads followed up in a fortnight from this alone
        indexes = ((("on", "lead"), False),)

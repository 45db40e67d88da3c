"""The append-only audit's Peewee model, and the triggers that make it and the stage history
append-only."""

from __future__ import annotations

from datetime import datetime

from peewee import DateTimeField, IntegerField, TextField

from models.store_database import BaseModel


class Audit(BaseModel):
    """One line of the append-only audit: who did what to which lead or unit, one changed field
    with its value before and after. The lines of one action share ``entry``; triggers refuse
    UPDATE and DELETE (``APPEND_ONLY``)."""

    entry = IntegerField()
    at = DateTimeField(default=datetime.now)
    login = TextField()
    name = TextField(default="")
    action = TextField()
    lead_id = IntegerField(null=True)  # no foreign key: the audit outlives what it names
    unit_id = IntegerField(null=True)
    subject = TextField(default="")
    field = TextField(default="")
    before = TextField(null=True)
    after = TextField(null=True)

    class Meta:
        indexes = (
            (("at",), False),
            (("login", "at"), False),
            (("unit_id", "at"), False),
            (("lead_id", "at"), False),
            (("entry",), False),
        )


#: Triggers that make the audit and the stage history append-only. A lead's stage history goes
#: with the lead only (undoing a lead's creation deletes the lead; the audit keeps both).
APPEND_ONLY: tuple[str, ...] = (
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS stage_change_no_update BEFORE UPDATE ON stage_change "
    "BEGIN SELECT RAISE(ABORT, 'stage history is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS stage_change_no_delete BEFORE DELETE ON stage_change "
    "WHEN EXISTS (SELECT 1 FROM lead WHERE id = OLD.lead_id) "
    "BEGIN SELECT RAISE(ABORT, 'stage history is append-only'); END",
)
#: Their names, for the one place that drops them: rebuilding the demo from nothing.
APPEND_ONLY_NAMES = (
    "audit_no_update",
    "audit_no_delete",
    "stage_change_no_update",
    "stage_change_no_delete",
)

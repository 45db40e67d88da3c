"""Peewee models of the campaign's activities (trips, visits received) and events, with the
leads each concerned."""

from __future__ import annotations

from peewee import BooleanField, DateField, ForeignKeyField, TextField

from models.campaign_tables import Unit
from models.lead_tables import Lead
from models.store_database import BaseModel


class Event(BaseModel):
    """A campaign event: mobilisation, training, exchange, promotion, signing, groundbreaking."""

    kind = TextField()
    title = TextField()
    planned_on = DateField(null=True)
    held_on = DateField(null=True)
    place = TextField(default="")
    note = TextField(default="")
    #: planned in the campaign file (kept in step with it); else logged as held from the TUI
    from_plan = BooleanField(default=False)


class EventLead(BaseModel):
    """A lead signed or started at an event."""

    event = ForeignKeyField(Event, backref="leads", on_delete="CASCADE")
    lead = ForeignKeyField(Lead, backref="events", on_delete="CASCADE")


class Activity(BaseModel):
    """One unit's trip, visit received, or other campaign activity (one record per unit)."""

    on = DateField(column_name="date")
    unit = ForeignKeyField(Unit, backref="activities", on_delete="RESTRICT")
    kind = TextField()
    led_by_principal = BooleanField(default=False)
    destination = TextField(default="")
    company = TextField(default="")
    note = TextField(default="")
    event = ForeignKeyField(Event, null=True, backref="activities", on_delete="SET NULL")

    class Meta:
        # Covering index: the monthly quota counts read only the index, never the table.
        indexes = ((("on", "unit", "kind", "led_by_principal"), False),)


class ActivityLead(BaseModel):
    """A lead an activity concerned (the company met on a trip, say)."""

    activity = ForeignKeyField(Activity, backref="leads", on_delete="CASCADE")
    lead = ForeignKeyField(Lead, backref="activities", on_delete="CASCADE")

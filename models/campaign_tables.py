"""Peewee models of what the campaign file sets up: the campaign, its targets, groups, units,
consultants, partner parks, and its users."""

from __future__ import annotations

from peewee import BooleanField, DateField, ForeignKeyField, IntegerField, TextField

from models.store_database import BaseModel


class Campaign(BaseModel):
    """The one campaign a store holds: its window and monthly quotas."""

    name = TextField()
    start = DateField()
    end = DateField()
    quota_trips = IntegerField(default=2)
    quota_principal_trips = IntegerField(default=1)
    quota_visits = IntegerField(default=2)
    quota_valid_leads = IntegerField(default=1)
    is_demo = BooleanField(default=False)
    nominee_min_signed = IntegerField(default=1)
    nominee_all_quota_months = BooleanField(default=True)


class Target(BaseModel):
    """A campaign target (工作目标); ``key`` is the campaign file's ``id``."""

    key = TextField(unique=True)
    label = TextField()
    stage = TextField()  # signed | started: which date counts
    min_amount_wan = IntegerField(default=0)
    count = IntegerField()
    industrial_count = IntegerField(null=True)
    position = IntegerField(default=0)


class Group(BaseModel):
    """An investment group (招商小组)."""

    name = TextField(unique=True)
    leader = TextField(default="")
    lead_unit = TextField(default="")
    position = IntegerField(default=0)
    signed_task = IntegerField(default=0)
    started_task = IntegerField(default=0)

    class Meta:
        table_name = "investment_group"


class Unit(BaseModel):
    """A responsible unit (department, township, park) or an outpost centre."""

    name = TextField(unique=True)
    kind = TextField()
    principal = TextField(default="")
    group = ForeignKeyField(Group, null=True, backref="units", on_delete="SET NULL")
    position = IntegerField(default=0)


class Consultant(BaseModel):
    """An investment consultant (招商顾问) or a development adviser (社会经济发展顾问)."""

    name = TextField()
    role = TextField(default="consultant")  # consultant | adviser
    organisation = TextField(default="")
    note = TextField(default="")
    position = IntegerField(default=0)


class ParkPartner(BaseModel):
    """A partner park for exchanges and co-built parks (园区合作)."""

    name = TextField(unique=True)
    place = TextField(default="")
    note = TextField(default="")


class AppUser(BaseModel):
    """A person of the campaign file's ``[[users]]`` (models.access reads them)."""

    login = TextField(unique=True)
    name = TextField()
    role = TextField()  # office | clerk | leader
    unit = TextField(default="")  # a clerk's unit, by name

    class Meta:
        table_name = "app_user"

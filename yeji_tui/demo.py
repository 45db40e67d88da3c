"""A realistic, deterministic demo campaign, placed so that today is about day 60 of 100.

The notice's targets, quotas and the sample organisation; Chinese company names weighted to the
district's two lead industries (智能家居, 精细化工); trips and visits across the window, with some
units diligent and some lagging. The headline projects are a fixed handful whatever ``--leads``
says, so the board shows a campaign in progress: some targets behind, this month in progress.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

from peewee import Value

from models import audit
from models.access import current_actor
from models.bulk import BATCH, bulk_load
from models.campaigns import clear_campaign_data, save_campaign
from models.db import current_user, immediate, opened_store
from models.ledger import bulk_insert, unit_ids
from models.records import CampaignSettings
from models.search_backlog import index_waiting, wait_for_index
from models.side_index import SideIndex
from models.tables import (
    Activity,
    BaseModel,
    Consultant,
    Event,
    EventLead,
    FollowUp,
    Lead,
    StageChange,
    rows,
)
from yeji_tui.config import builtin_campaign
from yeji_tui.demo_rows import (
    ACTIVITY_FIELDS,
    LEAD_FIELDS,
    NOTE_FIELDS,
    STAGE_FIELDS,
    DemoPlan,
    Row,
    activity_rows,
    lead_batches,
)
from yeji_tui.targets import demo_window

#: Told how far the demo has got: a phase (``leads``, ``activities``: rows written so far;
#: ``index``: the indexes, the search index and the totals are being built) and a count.
DemoProgress = Callable[[str, int], None]
T = TypeVar("T")
#: From this many rows (leads and activities) on, the rows are made in a child process.
ASIDE_FROM = 50_000
# Where a demo lead's id and search key stand in its row.
_ID, _KEY = LEAD_FIELDS.index("id"), LEAD_FIELDS.index("search_key")
_STAGE, _AMOUNT = LEAD_FIELDS.index("stage"), LEAD_FIELDS.index("amount_wan")


def _quiet(phase: str, n: int) -> None:
    """No progress to show."""


@dataclass(frozen=True)
class DemoMade:
    """What the demo put in the store."""

    leads: int
    activities: int


def demo_settings(today: date) -> CampaignSettings:
    """The built-in campaign, its 100-day window placed so that today is day 60."""
    base = builtin_campaign()
    start, end = demo_window(today)
    shift = start - base.start  # the planned events move with the window
    events = tuple(replace(e, planned_on=e.planned_on + shift) for e in base.events)
    return replace(
        base, name=base.name + "（演示）", start=start, end=end, events=events, is_demo=True
    )


def build_demo(
    today: date,
    *,
    leads: int = 600,
    seed: int = 2022,
    activities: int | None = None,
    progress: DemoProgress = _quiet,
    batch: int = BATCH,
    aside: bool | None = None,
) -> DemoMade:
    """Replace the store's contents with the demo campaign as of ``today``.

    The rows are made a batch at a time and written as they come, in one transaction with the
    indexes and totals built once at the end (``models.bulk``): memory stays flat whatever the
    number of leads. ``activities`` defaults to half the leads (at least 200); ``batch`` is how
    many rows of a table are made and written at a time, ``aside`` whether in a child process
    (by default, for ``ASIDE_FROM`` rows or more); the rows are the same either way.
    """
    settings = demo_settings(today)
    clear_campaign_data()
    save_campaign(settings)
    plan = DemoPlan(
        settings=settings,
        today=today,
        units=unit_ids(),
        consultants=[int(i) for (i,) in rows(Consultant.select(Consultant.id))],
        user=current_user(),
        now=datetime.now().isoformat(sep=" "),
    )
    n_activities = activities if activities is not None else max(200, leads // 2)
    written = {"leads": 0, "activities": 0}
    if aside is None:  # a child process costs ~0.5 s to start: worth it for large demos
        aside = leads + n_activities >= ASIDE_FROM
    store = opened_store()
    # large demos: the search index is built by a third process (models.side_index)
    on_file = store is not None and isinstance(store.path, Path)
    side = SideIndex.start(store.path) if aside and leads and on_file else None  # type: ignore[union-attr,arg-type]
    try:
        with bulk_load():
            first_id = int(Lead.select(Lead.id).order_by(Lead.id.desc()).limit(1).scalar() or 0)
            waiting = (first_id + 1, first_id + leads)
            if side is not None:
                wait_for_index(*waiting)  # the index's triggers leave them to the side index
            args = (plan, seed, (leads, n_activities, batch), first_id + 1)
            for phase, tables in made_aside(_batches, *args) if aside else _batches(*args):
                counted, *beside = tables  # the leads (or activities), their history and notes
                written[phase] += bulk_insert(*counted)
                if side is not None and phase == "leads":
                    side.add([(r[_ID], r[_KEY], r[_STAGE], r[_AMOUNT]) for r in counted[2]])  # type: ignore[misc]
                for table in beside:
                    bulk_insert(*table)
                progress(phase, written[phase])
            progress("index", 0)
        if side is not None:
            with suppress(sqlite3.Error, OSError):  # else the catch-up below indexes them
                if side.finish():
                    side.install(*waiting)
    finally:
        if side is not None:
            side.discard()
    index_waiting(lambda n: progress("index", n))
    with immediate():
        _hold_past_events(today)
        # one entry says who made the demo and how much (a line per lead, every field, would be
        # 40 MB at 100,000 leads); ``yeji check`` replays the leads changed after it
        audit.record(current_actor(), "demo", subject=f"+{written['leads']}")
    return DemoMade(leads=written["leads"], activities=written["activities"])


#: A batch of rows for some tables — (table, its columns, the rows), the counted table first —
#: and what they count toward.
Batch = tuple[str, list[tuple[type[BaseModel], Sequence[str], list[Row]]]]


def _batches(
    plan: DemoPlan, seed: int, counts: tuple[int, int, int], first_id: int
) -> Iterator[Batch]:
    """The demo's rows, a batch at a time: the leads with their history and notes, then the
    activities. Made without the store, so another process can make them."""
    leads, activities, batch = counts
    rng = random.Random(seed)
    for lead in lead_batches(plan, rng, leads, first_id, batch):
        yield (
            "leads",
            [
                (Lead, LEAD_FIELDS, lead.leads),
                (StageChange, STAGE_FIELDS, lead.history),
                (FollowUp, NOTE_FIELDS, lead.notes),
            ],
        )
    stream = activity_rows(plan, rng, activities)
    while chunk := list(islice(stream, batch)):
        yield "activities", [(Activity, ACTIVITY_FIELDS, chunk)]


def made_aside(make: Callable[..., Iterator[T]], *args: object) -> Iterator[T]:
    """What ``make(*args)`` yields, made in a child process a step ahead: while the store
    writes one batch (mostly tokenising names for the search index), the next is made on the
    other core. A thread would not do: it would hold Python's lock while the writer waits for
    it after every row. The child is a fresh interpreter (spawned, not forked), so it carries
    no copy of this process's open store and its write transaction. An error in the child is
    raised here; leaving early stops the child."""
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")
    receive, send = spawn.Pipe(duplex=False)
    child = spawn.Process(target=_send_all, args=(send, make, args), daemon=True)
    child.start()
    send.close()  # the child's end: a child that dies leaves EOF here, not a hang
    try:
        while True:
            try:
                kind, item = receive.recv()
            except EOFError:
                raise RuntimeError("demo rows: the child process ended early") from None
            if kind == "end":
                return
            if kind == "error":
                raise RuntimeError(f"demo rows: {item}")
            yield item
    finally:
        receive.close()
        child.terminate()
        child.join()


def _send_all(
    send: Connection, make: Callable[..., Iterator[object]], args: tuple[object, ...]
) -> None:
    """In the child: send every item ``make(*args)`` yields, then ``end`` (or the error)."""
    try:
        for item in make(*args):
            send.send(("item", item))
        send.send(("end", None))
    except Exception as error:  # told to the parent, which raises it
        send.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        send.close()


def _hold_past_events(today: date) -> None:
    """Planned events before today were held on their day; the ceremonies carry the projects
    signed or started within a week of them."""
    for event in Event.select().where(Event.from_plan, Event.planned_on < today):
        Event.update(held_on=event.planned_on).where(Event.id == event.id).execute()
        day = {"signing": Lead.signed_on, "groundbreaking": Lead.started_on}.get(event.kind)
        if day is None:
            continue
        planned = event.planned_on or today  # selected by planned_on: never None
        week = (planned - timedelta(days=7), planned + timedelta(days=7))
        carried = Lead.select(Value(event.id), Lead.id).where(day.between(*week))
        EventLead.insert_from(carried, [EventLead.event, EventLead.lead]).execute()

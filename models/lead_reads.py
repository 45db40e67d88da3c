"""The lead service's reads: what the pipeline shows (totals and pages under a filter), a lead
with its history, the triage queue, and the names the forms offer. Counts and sums happen in
SQL; everything returned is a frozen record."""

from __future__ import annotations

import heapq
import itertools
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from peewee import JOIN, SQL, fn

from models import aside, audit, engine, gram_totals, rare_words
from models.audit_line import AuditQuery
from models.board import BoardData, LeadFilter
from models.lead_pages import FollowUpEntry, HistoryEntry, LeadDetail, TriageItem, TriageStart
from models.queries import CARD_COLUMNS, card
from models.records import STAGES, LeadCard, LeadRecord, stage_name
from models.search import query_words
from models.search_backlog import waiting_ranges
from models.tables import Consultant, FollowUp, Group, Lead, StageChange, StageTotal, Unit, rows

# --- reading --------------------------------------------------------------------------------


def _indexed(match: str, word: str, waiting: list[tuple[int, int]]) -> Any:
    """The leads the trigram index finds for ``match`` (an FTS5 query), or waiting for the
    index and holding ``word`` (read directly)."""
    condition = Lead.id.in_(SQL("(SELECT rowid FROM lead_fts WHERE lead_fts MATCH ?)", [match]))
    for first, last in waiting:  # leads an import has not indexed yet: read directly
        condition |= Lead.id.between(first, last) & (engine.contains(Lead.search_key, word))
    return condition


def _has_rare_word(f: LeadFilter) -> bool:
    """Whether a short word of the filter is found through the trigram index (rare_words)."""
    return not engine.on_server() and any(
        len(w) <= gram_totals.LONGEST and rare_words.rare_match(w) for w in query_words(f.text)
    )


def _filtered(query: Any, f: LeadFilter, today: date) -> Any:
    conditions = []
    words = query_words(f.text)
    on_file = not engine.on_server()
    waiting = waiting_ranges() if words else []
    for word in words:  # every word must match (``csqy 018``)
        if len(word) >= 3 and on_file:
            # The trigram index answers 3+ characters without reading every lead: the leads
            # that hold each of the word's trigrams. (``LIKE '%word%'`` on the index did the
            # same and then read every candidate's key again through the lead table, one
            # statement each: 106 ms for ``hjj`` on a million leads, 2 ms so.)
            conditions.append(_indexed(_trigrams(word), word, waiting))
            if len(word) > 3:  # its trigrams need not stand together: the word must
                conditions.append(engine.contains(Lead.search_key, word))
            continue
        rare = rare_words.rare_match(word) if on_file else None
        if rare is not None:  # the few leads that may hold it, through the index
            conditions.append(_indexed(rare, word, waiting))
        conditions.append(engine.contains(Lead.search_key, word))
    if f.unit:
        conditions.append(Unit.name == f.unit)
    if f.group:
        conditions.append(Group.name == f.group)
    if f.industry:
        conditions.append(Lead.industry == f.industry)
    if f.min_amount_wan:
        conditions.append(Lead.amount_wan >= f.min_amount_wan)
    if f.valid_only:
        conditions.append(Lead.valid_since.is_null(False))
    if f.industrial_only:
        conditions.append(Lead.is_industrial == True)  # noqa: E712
    if f.stale_days:
        since = today - timedelta(days=f.stale_days)
        conditions.append(Lead.touched_on.is_null() | (Lead.touched_on <= since))
    return query.where(*conditions) if conditions else query


def _trigrams(word: str) -> str:
    """An FTS5 query for the leads holding every trigram of ``word``, each quoted (a ``"`` in
    the word doubled), so no character of the word is read as query syntax."""
    grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
    return " AND ".join('"{}"'.format(gram.replace('"', '""')) for gram in grams)


def _joined(query: Any, f: LeadFilter, *, always: bool = False) -> Any:
    # Join the units only when needed: unfiltered totals then read the (stage, amount) index
    # alone instead of every row (200 ms → 20 ms on 100k leads).
    if always or f.unit or f.group:
        query = query.join(Unit, on=(Lead.unit == Unit.id))
    if f.group:
        query = query.join(Group, JOIN.LEFT_OUTER, on=(Unit.group == Group.id))
    return query


def _short_word(f: LeadFilter) -> str | None:
    """The filter's one word, when it is all the filter is and short enough for the gram
    totals (``h``, ``hj``, ``恒嘉``)."""
    words = query_words(f.text)
    if len(words) != 1 or len(words[0]) > gram_totals.LONGEST:
        return None
    return words[0] if replace(f, text="") == LeadFilter() else None


def _gram_totals(word: str) -> dict[str, tuple[int, int]]:
    """Per stage: the leads whose key holds ``word`` and their amount, as the triggers keep
    them, with the leads still waiting for the search index (uncounted) read directly."""
    total = gram_totals.LeadGramTotal
    found = rows(total.select(total.stage, total.leads, total.amount_wan).where(total.gram == word))
    for first, last in waiting_ranges():
        waiting = Lead.select(Lead.stage, fn.COUNT(Lead.id), engine.total(Lead.amount_wan))
        where = Lead.id.between(first, last) & engine.contains(Lead.search_key, word)
        found += rows(waiting.where(where).group_by(Lead.stage))
    summed: dict[str, tuple[int, int]] = {}
    for stage, n, amount in found:
        before = summed.get(stage, (0, 0))
        summed[stage] = (before[0] + int(n), before[1] + int(amount))
    return {stage: summed.get(stage, (0, 0)) for stage in STAGES}


def stage_totals(f: LeadFilter, today: date) -> dict[str, tuple[int, int]]:
    """Per stage: how many leads the filter shows, and their total amount in 万元."""
    if not f.active:  # the summary the triggers keep
        kept = {stage: (int(n), int(total)) for stage, n, total in rows(StageTotal.select())}
        return {stage: kept.get(stage, (0, 0)) for stage in STAGES}
    word = _short_word(f)
    if word is not None:  # the totals the triggers keep per piece of one or two characters
        return _gram_totals(word)
    query = _joined(Lead.select(Lead.stage, fn.COUNT(Lead.id), engine.total(Lead.amount_wan)), f)
    query = _filtered(query, f, today)
    words = query_words(f.text)
    if words and all(len(word) < 3 for word in words) and aside.cheap():
        # Words of one or two characters are looked for in every lead's key (the trigram
        # index needs three): the 线索 column, about half the leads, is counted on the other
        # core meanwhile. (With a longer word the index finds the few leads to count: split by
        # stage, SQLite would read the stages instead — 36 ms became 340.)
        first = query.where(Lead.stage == "lead").group_by(Lead.stage)
        counted = aside.read_aside(*first.sql())
        others = [s for s in STAGES if s != "lead"]
        found_rows = rows(query.where(Lead.stage.in_(others)).group_by(Lead.stage))
        found_rows += counted.result()
    else:
        found_rows = rows(query.group_by(Lead.stage))
    found = {stage: (int(n), int(total)) for stage, n, total in found_rows}
    return {stage: found.get(stage, (0, 0)) for stage in STAGES}


def stage_page(stage: str, f: LeadFilter, today: date, offset: int, limit: int) -> list[LeadCard]:
    """One window of a stage's column: largest amount first."""
    query = _joined(Lead.select(*CARD_COLUMNS), f, always=True)
    # a rare word's few candidates are read by id, then sorted: not the whole stage through
    # its amount index, each lead checked against them (``26`` on a million leads: 72 → 1 ms)
    stage_of = Lead.stage.concat("") if _has_rare_word(f) else Lead.stage
    query = _filtered(query.where(stage_of == stage), f, today)
    query = query.order_by(Lead.amount_wan.desc(), Lead.id.desc()).offset(offset).limit(limit)
    return [card(row) for row in rows(query)]


def board(f: LeadFilter, today: date, offsets: dict[str, int], limit: int) -> BoardData:
    """Totals and, per stage in ``offsets``, the page of cards starting there (no query for a
    stage the totals show has nothing there: a selective filter then scans once, not five times)."""
    totals = stage_totals(f, today)
    return BoardData(
        totals=totals,
        pages={
            stage: (
                offset,
                stage_page(stage, f, today, offset, limit) if totals[stage][0] > offset else [],
            )
            for stage, offset in offsets.items()
        },
    )


def record_of(row: Lead, unit_name: str) -> LeadRecord:
    return LeadRecord(
        id=row.id,
        company=row.company,
        project=row.project,
        industry=row.industry,
        amount_wan=row.amount_wan,
        is_industrial=row.is_industrial,
        source=row.source,
        unit=unit_name,
        stage=stage_name(row.stage),
        found_on=row.found_on,
        valid_since=row.valid_since,
        signed_on=row.signed_on,
        started_on=row.started_on,
        dropped_on=row.dropped_on,
        dropped_reason=row.dropped_reason,
        version=row.version,
        next_follow_up=row.next_follow_up,
        touched_on=row.touched_on,
        reviewed_on=row.reviewed_on,
        is_head_enterprise=row.is_head_enterprise,
        is_listed=row.is_listed,
        task_force=row.task_force,
        consultant=_consultant_name(row),
    )


def unit_name_of(row: Lead) -> str:
    unit_id = row.__data__["unit"]  # the raw id: reading row.unit would fetch the Unit
    return str(Unit.get_by_id(unit_id).name)


def _consultant_name(row: Lead) -> str:
    consultant_id = row.__data__.get("consultant")
    if consultant_id is None:
        return ""
    found = Consultant.get_or_none(Consultant.id == consultant_id)
    return str(found.name) if found else ""


def lead_record(lead_id: int) -> LeadRecord | None:
    """One lead, or None if it is gone."""
    row = Lead.get_or_none(Lead.id == lead_id)
    if row is None:
        return None
    return record_of(row, unit_name_of(row))


def lead_detail(lead_id: int) -> LeadDetail | None:
    """A lead with its history (stage changes, follow-ups), newest first."""
    lead = lead_record(lead_id)
    if lead is None:
        return None
    history = tuple(
        HistoryEntry(f, t, on, who)
        for f, t, on, who in rows(
            StageChange.select(
                StageChange.from_stage, StageChange.to_stage, StageChange.on, StageChange.by_user
            )
            .where(StageChange.lead == lead_id)
            .order_by(StageChange.on.desc(), StageChange.id.desc())
        )
    )
    notes = tuple(
        FollowUpEntry(on, note, who)
        for on, note, who in rows(
            FollowUp.select(FollowUp.on, FollowUp.note, FollowUp.by_user)
            .where(FollowUp.lead == lead_id)
            .order_by(FollowUp.on.desc(), FollowUp.id.desc())
        )
    )
    lines = tuple(audit.audit_lines(AuditQuery(lead_id=lead_id)))
    return LeadDetail(lead=lead, history=history, follow_ups=notes, audit=lines)


def triage_queue(today: date, stale_days: int, limit: int = 500) -> list[TriageItem]:
    """Leads that need a decision: new ones not yet reviewed, then follow-ups past due (oldest
    first), then leads with no change for ``stale_days`` (oldest first). Each lead once."""
    items: list[TriageItem] = []
    seen: set[int] = set()
    for reason, queries in triage_reads(today, stale_days, limit):
        # a reason read in parts (one per stage) is merged back into one order
        found = heapq.merge(*(rows(q) for q in queries), key=lambda row: (row[1], row[0]))
        for lead_id, since in itertools.islice(found, limit):
            if lead_id not in seen:
                seen.add(lead_id)
                items.append(TriageItem(int(lead_id), reason, since))
    return items[:limit]


def triage_start(today: date, stale_days: int) -> TriageStart:
    """Triage's queue and its first lead's page: what the screen opens on."""
    queue = triage_queue(today, stale_days)
    return TriageStart(queue, lead_detail(queue[0].lead_id) if queue else None)


def triage_reads(today: date, stale_days: int, limit: int) -> list[tuple[str, list[Any]]]:
    """Each reason of triage's queue with the queries of its first ``limit`` leads (id, day),
    oldest first, each read in order from an index, not every lead sorted (a million leads:
    2 s → 10 ms): the new leads' and the follow-up days' (schema 11), the stale leads' per
    stage (the two open stages' ranges of one index, read together, were sorted whole)."""
    open_stages = ("lead", "negotiating")
    stale_before = today - timedelta(days=stale_days)
    # the stage as an expression: SQLite would read all open leads through the stage's index
    # and sort them; the follow-up days' index gives the first in order at once
    overdue = (Lead.next_follow_up <= today) & Lead.stage.concat("").in_(open_stages)
    reads: tuple[tuple[str, Any, list[Any]], ...] = (
        ("new", Lead.found_on, [Lead.reviewed_on.is_null() & (Lead.stage != "dropped")]),
        ("overdue", Lead.next_follow_up, [overdue]),
        (
            "stale",
            Lead.touched_on,
            [(Lead.stage == stage) & (Lead.touched_on <= stale_before) for stage in open_stages],
        ),
    )
    return [
        (
            reason,
            [
                Lead.select(Lead.id, day).where(where).order_by(day.asc(), Lead.id).limit(limit)
                for where in wheres
            ],
        )
        for reason, day, wheres in reads
    ]


def consultant_names() -> list[str]:
    """The campaign's consultants and advisers, in the campaign file's order (for the form)."""
    query = Consultant.select(Consultant.name).order_by(Consultant.position, Consultant.id)
    return [str(n) for (n,) in rows(query)]


def unit_names() -> list[str]:
    """Every unit, in the campaign file's order (for reassigning a lead)."""
    return [str(n) for (n,) in rows(Unit.select(Unit.name).order_by(Unit.position, Unit.id))]


def group_names() -> list[str]:
    """Every group (攻坚组), in the campaign file's order (the filter line's ``组:``)."""
    return [str(n) for (n,) in rows(Group.select(Group.name).order_by(Group.position, Group.id))]


def shows(lead_id: int, f: LeadFilter, today: date) -> bool:
    """Whether the filter shows the lead (a lead just saved may be out of sight)."""
    query = _joined(Lead.select(Lead.id), f).where(Lead.id == lead_id)
    return bool(_filtered(query, f, today).exists())

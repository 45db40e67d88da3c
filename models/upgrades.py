"""The in-place upgrades of an older store, one step per schema version (``models.schema``
runs them in order, in one transaction)."""

from __future__ import annotations

from collections.abc import Callable

from peewee import Database

from models import engine, gram_totals, postgres
from models.tables import (
    APPEND_ONLY,
    SEARCH_INDEX,
    SEARCH_REBUILD,
    SEARCH_TRIGGERS,
    STAGE_BACKFILL,
    STAGE_TRIGGERS,
    SUMMARY_BACKFILL,
    SUMMARY_TRIGGERS,
    TOUCH_BACKFILL,
    TOUCH_TRIGGERS,
    VALID_BY_ID,
    Lead,
    rows,
    run_sql,
)

# Upgrades spell out their own SQL: today's models describe today's schema, and creating
# their indexes on an older table once made an index on a column that did not exist yet
# (SQLite read the double-quoted name as a string) and broke the file.


def _upgrade_1_to_2(db: Database) -> None:
    """Version 2: a version per lead (edits that waited on a person), a dropped date, better
    indexes, and the per-day activity summary the monthly quota counts read."""
    for sql in (
        'ALTER TABLE "lead" ADD COLUMN "dropped_on" DATE',
        'ALTER TABLE "lead" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1',
        'DROP INDEX IF EXISTS "activity_date"',
        'DROP INDEX IF EXISTS "lead_signed_on"',
        'DROP INDEX IF EXISTS "lead_started_on"',
        'DROP INDEX IF EXISTS "lead_valid_since"',
        'CREATE INDEX "activity_date_unit_id_kind_led_by_principal" ON "activity" '
        '("date", "unit_id", "kind", "led_by_principal")',
        'CREATE INDEX "lead_signed_on_amount_wan_is_industrial" ON "lead" '
        '("signed_on", "amount_wan", "is_industrial")',
        'CREATE INDEX "lead_started_on_amount_wan_is_industrial" ON "lead" '
        '("started_on", "amount_wan", "is_industrial")',
        'CREATE INDEX "lead_valid_since_unit_id" ON "lead" ("valid_since", "unit_id")',
        'CREATE INDEX "lead_unit_id_stage" ON "lead" ("unit_id", "stage")',
        'CREATE TABLE "activity_day" ("day" DATE NOT NULL, "unit_id" INTEGER NOT NULL, '
        '"kind" TEXT NOT NULL, "led_by_principal" INTEGER NOT NULL, "n" INTEGER NOT NULL, '
        'PRIMARY KEY ("day", "unit_id", "kind", "led_by_principal")) WITHOUT ROWID',
        *SUMMARY_TRIGGERS,
        SUMMARY_BACKFILL,
    ):
        run_sql(sql, db)


def _upgrade_2_to_3(db: Database) -> None:
    """Version 3: the pipeline's search key (pinyin), a touched day for staleness, the triage
    review mark, and saved views."""
    from models.search import search_key

    for sql in (
        'ALTER TABLE "lead" ADD COLUMN "search_key" TEXT NOT NULL DEFAULT \'\'',
        'ALTER TABLE "lead" ADD COLUMN "touched_on" DATE',
        'ALTER TABLE "lead" ADD COLUMN "reviewed_on" DATE',
        'CREATE INDEX "lead_stage_amount_wan" ON "lead" ("stage", "amount_wan")',
        'CREATE INDEX "lead_stage_amount_wan_search_key" ON "lead" '
        '("stage", "amount_wan", "search_key")',
        'CREATE INDEX "lead_stage_touched_on" ON "lead" ("stage", "touched_on")',
        'CREATE TABLE "saved_view" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, '
        '"filter_json" TEXT NOT NULL, "by_user" TEXT NOT NULL, "at" DATETIME NOT NULL)',
        'CREATE UNIQUE INDEX "saved_view_name" ON "saved_view" ("name")',
        # leads from before were decided on already; each is as fresh as its latest dated event
        'UPDATE "lead" SET "reviewed_on" = COALESCE("found_on", DATE("created_at"))',
        'UPDATE "lead" SET "touched_on" = t."day" FROM (SELECT "lead_id", MAX("on") AS "day" '
        'FROM (SELECT "lead_id", "on" FROM "stage_change" UNION ALL '
        'SELECT "lead_id", "on" FROM "follow_up") GROUP BY "lead_id") AS t '
        'WHERE t."lead_id" = "lead"."id"',
        'UPDATE "lead" SET "touched_on" = "found_on" WHERE "touched_on" IS NULL '
        'OR "touched_on" < "found_on"',
    ):
        run_sql(sql, db)
    keys = [
        (search_key(company, project), lead_id)
        for lead_id, company, project in rows(Lead.select(Lead.id, Lead.company, Lead.project))
    ]
    db.cursor().executemany(  # type: ignore[no-untyped-call]
        'UPDATE "lead" SET "search_key" = ? WHERE "id" = ?', keys
    )
    for sql in (*SEARCH_INDEX, SEARCH_REBUILD):
        run_sql(sql, db)


def _upgrade_3_to_4(db: Database) -> None:
    """Version 4: leads and amounts per stage, kept by triggers (the pipeline's totals)."""
    for sql in (
        'CREATE TABLE "stage_total" ("stage" TEXT NOT NULL PRIMARY KEY, '
        '"leads" INTEGER NOT NULL, "amount_wan" INTEGER NOT NULL) WITHOUT ROWID',
        *STAGE_TRIGGERS,
        STAGE_BACKFILL,
    ):
        run_sql(sql, db)


def _upgrade_4_to_5(db: Database) -> None:
    """Version 5: the groups' annual tasks, the advanced-unit rule, the consultants' order,
    planned events, the leads an activity concerned,
    follow-ups by day, stale leads per unit, and signings and starts counted from their indexes
    alone (the dispatch review, the units screen)."""
    for sql in (
        'ALTER TABLE "investment_group" ADD COLUMN "signed_task" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "investment_group" ADD COLUMN "started_task" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "campaign" ADD COLUMN "nominee_min_signed" INTEGER NOT NULL DEFAULT 1',
        'ALTER TABLE "campaign" ADD COLUMN "nominee_all_quota_months" INTEGER NOT NULL DEFAULT 1',
        'ALTER TABLE "consultant" ADD COLUMN "position" INTEGER NOT NULL DEFAULT 0',
        'CREATE INDEX "follow_up_on_lead_id" ON "follow_up" ("on", "lead_id")',
        'DROP INDEX IF EXISTS "lead_stage_touched_on"',
        'CREATE INDEX "lead_stage_touched_on_unit_id" ON "lead" ("stage", "touched_on", "unit_id")',
        'ALTER TABLE "event" ADD COLUMN "from_plan" INTEGER NOT NULL DEFAULT 0',
        'CREATE TABLE "activity_lead" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"activity_id" INTEGER NOT NULL, "lead_id" INTEGER NOT NULL, '
        'FOREIGN KEY ("activity_id") REFERENCES "activity" ("id") ON DELETE CASCADE, '
        'FOREIGN KEY ("lead_id") REFERENCES "lead" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "activity_lead_activity_id" ON "activity_lead" ("activity_id")',
        'CREATE INDEX "activity_lead_lead_id" ON "activity_lead" ("lead_id")',
        'DROP INDEX IF EXISTS "lead_signed_on_amount_wan_is_industrial"',
        'DROP INDEX IF EXISTS "lead_started_on_amount_wan_is_industrial"',
        'CREATE INDEX "lead_signed_on_amount_wan_is_industrial_stage_dropped_on_unit_id" ON "lead" '
        '("signed_on", "amount_wan", "is_industrial", "stage", "dropped_on", "unit_id")',
        # the name Peewee gives it (it shortens names over 64 characters)
        'CREATE INDEX "lead_started_on_amount_wan_is_industrial_stage_dropped_o_729ead9" '
        'ON "lead" ("started_on", "amount_wan", "is_industrial", "stage", "dropped_on", "unit_id")',
    ):
        run_sql(sql, db)


def _upgrade_5_to_6(db: Database) -> None:
    """Version 6: search keys whose initials keep digits and Latin letters as typed
    (测试企业018 → csqy018), computed again for every lead and indexed again."""
    from models.search import search_key

    keys = [
        (search_key(company, project), lead_id)
        for lead_id, company, project in rows(Lead.select(Lead.id, Lead.company, Lead.project))
    ]
    # one rebuild of the trigram index is faster than its trigger run once per lead
    run_sql("DROP TRIGGER IF EXISTS lead_fts_update", db)
    db.cursor().executemany(  # type: ignore[no-untyped-call]
        'UPDATE "lead" SET "search_key" = ? WHERE "id" = ?', keys
    )
    for sql in (*SEARCH_INDEX, SEARCH_REBUILD):
        run_sql(sql, db)


def _upgrade_6_to_7(db: Database) -> None:
    """Version 7: a big import indexes its new leads for search after its write, not under its
    lock (the search backlog; the triggers leave waiting leads alone); no index on a lead's
    unit alone, which (unit, stage) serves; and the signed, started and valid days' indexes
    hold only the leads that have that day."""
    for name in SEARCH_TRIGGERS:
        run_sql(f'DROP TRIGGER IF EXISTS "{name}"', db)
    for sql in (*SEARCH_INDEX, 'DROP INDEX IF EXISTS "lead_unit_id"'):
        run_sql(sql, db)
    # the day indexes become partial: only the leads that have the day
    for index in Lead._meta.fields_to_index():
        if index._where is not None:
            run_sql(f'DROP INDEX IF EXISTS "{index._name}"', db)
    Lead._schema.create_indexes(safe=True)  # type: ignore[attr-defined]


def _upgrade_7_to_8(db: Database) -> None:
    """Version 8: the campaign file's users (roles), the append-only audit with a baseline
    entry for every lead from before it, and stage history that an undo reverses instead of
    deleting (triggers refuse UPDATE and DELETE on both)."""
    from datetime import datetime

    from models.audit import BASELINE_SQL

    for sql in (
        'CREATE TABLE IF NOT EXISTS "app_user" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"login" TEXT NOT NULL, "name" TEXT NOT NULL, "role" TEXT NOT NULL, "unit" TEXT NOT NULL)',
        'CREATE UNIQUE INDEX IF NOT EXISTS "app_user_login" ON "app_user" ("login")',
        'CREATE TABLE IF NOT EXISTS "audit" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"entry" INTEGER NOT NULL, "at" DATETIME NOT NULL, "login" TEXT NOT NULL, '
        '"name" TEXT NOT NULL, '
        '"action" TEXT NOT NULL, "lead_id" INTEGER, "unit_id" INTEGER, "subject" TEXT NOT NULL, '
        '"field" TEXT NOT NULL, "before" TEXT, "after" TEXT)',
        'CREATE INDEX IF NOT EXISTS "audit_at" ON "audit" ("at")',
        'CREATE INDEX IF NOT EXISTS "audit_login_at" ON "audit" ("login", "at")',
        'CREATE INDEX IF NOT EXISTS "audit_unit_id_at" ON "audit" ("unit_id", "at")',
        'CREATE INDEX IF NOT EXISTS "audit_lead_id_at" ON "audit" ("lead_id", "at")',
        'CREATE INDEX IF NOT EXISTS "audit_entry" ON "audit" ("entry")',
    ):
        run_sql(sql, db)
    columns = {c.name for c in db.get_columns("stage_change")}
    if "reverses" not in columns:
        run_sql('ALTER TABLE "stage_change" ADD COLUMN "reverses" INTEGER', db)
    # a step is run again after a crash between its work and the version mark: baseline once
    if db.execute_sql('SELECT 1 FROM "audit" LIMIT 1').fetchone() is None:  # type: ignore[no-untyped-call]
        db.execute_sql(BASELINE_SQL, (str(datetime.now()),))  # type: ignore[no-untyped-call]
    for sql in APPEND_ONLY:
        run_sql(sql, db)


_TOUCH_DAYS = (
    'CREATE TABLE IF NOT EXISTS "lead_touch_day" ("stage" TEXT NOT NULL, '
    '"touched_on" DATE NOT NULL, "unit_id" INTEGER NOT NULL, "n" INTEGER NOT NULL, '
    'PRIMARY KEY ("stage", "touched_on", "unit_id"))'
)


def _upgrade_8_to_9(db: Database) -> None:
    """Version 9 (either engine): leads per stage, touched day and unit, kept by triggers (the
    dispatch review's stale leads), and an (id, valid day, unit) index of the leads (its valid
    leads followed up). Whole again when run a second time: the totals counted afresh."""
    server = engine.on_server()
    table = _TOUCH_DAYS if server else f"{_TOUCH_DAYS} WITHOUT ROWID"
    for sql in (
        table,
        *(postgres.TOUCH_UPKEEP if server else TOUCH_TRIGGERS),
        'DELETE FROM "lead_touch_day"',
        TOUCH_BACKFILL,
        f'CREATE INDEX IF NOT EXISTS "{VALID_BY_ID}" ON "lead" ("id", "valid_since", "unit_id")',
    ):
        run_sql(sql, db)


def _upgrade_9_to_10(db: Database) -> None:
    """Version 10 (either engine): leads and amounts per stage for every one- and two-character
    piece of their search keys, kept by triggers (a short filter word). Whole again when run a
    second time: the totals counted afresh."""
    server = engine.on_server()
    table = gram_totals.GRAM_TABLE if server else f"{gram_totals.GRAM_TABLE} WITHOUT ROWID"
    run_sql(table, db)
    gram_totals.recount(db)
    if server:
        run_sql(f"DROP TRIGGER IF EXISTS {postgres.GRAM_TRIGGER} ON lead", db)
    for sql in postgres.GRAM_UPKEEP if server else gram_totals.GRAM_TRIGGERS:
        run_sql(sql, db)


def _upgrade_10_to_11(db: Database) -> None:
    """Version 11 (either engine): triage's queue read in order from two small indexes, the
    leads not yet reviewed by the day found and the leads with a follow-up day by that day."""
    for sql in (
        'CREATE INDEX IF NOT EXISTS "lead_found_on" ON "lead" ("found_on") '
        'WHERE ("reviewed_on" IS NULL)',
        'CREATE INDEX IF NOT EXISTS "lead_next_follow_up" ON "lead" ("next_follow_up") '
        'WHERE ("next_follow_up" IS NOT NULL)',
    ):
        run_sql(sql, db)


UPGRADES: dict[int, Callable[[Database], None]] = {
    1: _upgrade_1_to_2,
    2: _upgrade_2_to_3,
    3: _upgrade_3_to_4,
    4: _upgrade_4_to_5,
    5: _upgrade_5_to_6,
    6: _upgrade_6_to_7,
    7: _upgrade_7_to_8,
    8: _upgrade_8_to_9,
    9: _upgrade_9_to_10,
    10: _upgrade_10_to_11,
}

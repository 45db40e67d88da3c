"""Shared fixtures: a fresh store per test (never a mock), the worked example, builders.

A test module marked ``both_engines`` runs each of its store tests twice, through the one
fixture parameter ``engine_name``: on a fresh SQLite file, and on a fresh PostgreSQL database
(marked ``postgres``) when a server is named (``YEJI_TEST_PG``) or may be started
(``YEJI_TEST_PG_START=1``; ``tests.pg_server``). Without either the PostgreSQL half is not
collected, and the run's header says so in one line.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from models.campaigns import save_campaign
from models.db import close_store, open_store
from models.ledger import ActivityInput, LeadInput, add_activities, upsert_leads
from models.records import (
    CampaignSettings,
    ConsultantSpec,
    GroupSpec,
    Quotas,
    TargetSpec,
    UnitSpec,
)
from models.store_url import StorePlace, StoreUrl
from tests.pg_server import ENV_START, ENV_URL, pg_admin, pg_url  # noqa: F401 (fixtures)
from yeji_tui.config import load_campaign_file
from yeji_tui.importer import check_activities, check_leads
from yeji_tui.strings import Catalog

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "notice-2022"


def postgres_wanted() -> bool:
    """Whether this run includes the PostgreSQL half."""
    return bool(os.environ.get(ENV_URL) or os.environ.get(ENV_START))


def pytest_report_header(config: pytest.Config) -> str:
    if postgres_wanted():
        return "PostgreSQL half: included (tests marked both_engines run on a server too)"
    return (
        f'PostgreSQL half: not run here (set {ENV_URL}=URL or {ENV_START}=1; README "PostgreSQL")'
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_name" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("both_engines") is None:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    engines: list[object] = ["sqlite"]
    if postgres_wanted():
        engines.append(pytest.param("postgres", marks=pytest.mark.postgres))
    metafunc.parametrize("engine_name", engines, indirect=True)


@pytest.fixture
def engine_name(request: pytest.FixtureRequest) -> str:
    """The engine this test's store is on (``sqlite`` unless the module runs on both)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def store_place(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> StorePlace:
    """Where this test's store goes (not opened): a file in tmp_path, or a fresh database."""
    if engine_name == "postgres":
        return StoreUrl(request.getfixturevalue("pg_url"))
    return tmp_path / "store.sqlite3"


def store_dump(place: StorePlace) -> str:
    """Everything in a store, as SQL text: a refusal must leave it exactly the same."""
    if isinstance(place, StoreUrl):
        return _server_dump(place)
    with closing(sqlite3.connect(place)) as db:
        return "\n".join(db.iterdump())


def _server_dump(url: StoreUrl) -> str:
    import psycopg

    lines: list[str] = []
    with psycopg.connect(str(url)) as conn:
        tables = [
            str(r[0])
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                lines.append(f"{table} {row!r}")
    return "\n".join(lines)


def other_connection(place: StorePlace, *, autocommit: bool = False) -> Any:
    """A DB-API connection of another client to the store (``execute``, ``commit``); with
    ``autocommit``, each statement commits alone and ``BEGIN`` starts a transaction."""
    if isinstance(place, StoreUrl):
        import psycopg

        return psycopg.connect(str(place), autocommit=autocommit)
    if autocommit:
        return sqlite3.connect(place, isolation_level=None, check_same_thread=False)
    return sqlite3.connect(place)


def begin_write(conn: Any, place: StorePlace, *, wait_s: float = 0.0) -> None:
    """On an ``autocommit`` connection of ``other_connection``: begin a write transaction
    holding the store's write lock, as another yeji process does (SQLite's ``BEGIN
    IMMEDIATE``, a server's advisory lock), waiting at most ``wait_s``. Raises the driver's
    error (SQLite: "database is locked", a server: "lock timeout") and begins nothing when
    another holds the lock."""
    if isinstance(place, StoreUrl):
        from models.postgres import WRITE_LOCK_KEY

        conn.execute("BEGIN")
        try:
            conn.execute(f"SET LOCAL lock_timeout = {max(1, int(wait_s * 1000))}")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        except Exception:
            conn.execute("ROLLBACK")
            raise
        return
    conn.execute(f"PRAGMA busy_timeout = {int(wait_s * 1000)}")
    conn.execute("BEGIN IMMEDIATE")


def write_lock_refusal(place: StorePlace) -> tuple[type[BaseException], str]:
    """The error ``begin_write`` raises when another holds the write lock, and its words."""
    if isinstance(place, StoreUrl):
        import psycopg

        return psycopg.errors.LockNotAvailable, "lock timeout"
    return sqlite3.OperationalError, "database is locked"


def commit_write(conn: Any, place: StorePlace) -> None:
    """Commit a transaction of ``begin_write`` as yeji's own writes do: a server's change
    counter moved first (SQLite's ``data_version`` moves by itself)."""
    if isinstance(place, StoreUrl):
        conn.execute("UPDATE yeji_schema SET data_version = data_version + 1")
    conn.execute("COMMIT")


def other_writer(place: StorePlace) -> Any:
    """Another client's connection holding the write lock, as another process's import would
    (``execute("COMMIT")`` or ``execute("ROLLBACK")`` lets it go)."""
    conn = other_connection(place, autocommit=True)
    begin_write(conn, place)
    return conn


@pytest.fixture
def store_path(store_place: StorePlace) -> Iterator[StorePlace]:
    """An opened, empty store in this test's own directory (or database)."""
    open_store(store_place)
    yield store_place
    close_store()


def small_campaign() -> CampaignSettings:
    """A small campaign: 2022's window, two groups, three units and an outpost."""
    return CampaignSettings(
        name="测试活动",
        start=date(2022, 7, 15),
        end=date(2022, 10, 22),
        quotas=Quotas(),
        targets=(
            TargetSpec("signed_100m", "新签约亿元以上项目", "signed", 15, 10000, 10),
            TargetSpec("signed_500m", "其中5亿元以上项目", "signed", 5, 50000, 3),
            TargetSpec("started", "新开工项目", "started", 10),
        ),
        groups=(GroupSpec("一组", "张副区长", "区经信局"), GroupSpec("二组", "李副区长", "姚李镇")),
        units=(
            UnitSpec("区经信局", "department", "赵局长", "一组"),
            UnitSpec("平岗街道", "township", "高主任", "一组"),
            UnitSpec("姚李镇", "township", "梁书记", "二组"),
            UnitSpec("上海招商中心", "outpost", "谢主任", "二组"),
        ),
        consultants=(
            ConsultantSpec("王顾问", "consultant", "上海某咨询公司"),
            ConsultantSpec("李顾问", "adviser", "某高校"),
        ),
    )


@pytest.fixture
def campaign_store(store_path: Path) -> Path:
    """A store holding the small campaign and no leads yet."""
    save_campaign(small_campaign())
    return store_path


@pytest.fixture
def sample_store(store_path: Path) -> Path:
    """A store holding the worked example of shared/samples/notice-2022."""
    settings = load_campaign_file(SAMPLE / "campaign.toml")
    save_campaign(settings)
    t = Catalog("zh")
    upsert_leads(check_leads(SAMPLE / "leads.csv", settings, t), "test", date(2022, 12, 31))
    add_activities(check_activities(SAMPLE / "activities.csv", settings, t))
    return store_path


def lead(
    company: str = "恒嘉家居有限公司",
    project: str = "定制家居项目",
    *,
    unit: str = "区经信局",
    amount_wan: int = 12000,
    is_industrial: bool = True,
    stage: str = "signed",
    found_on: date | None = date(2022, 7, 1),
    valid_since: date | None = None,
    signed_on: date | None = date(2022, 8, 1),
    started_on: date | None = None,
    industry: str = "智能家居",
) -> LeadInput:
    """A checked lead row with sensible defaults (a signed 1.2亿 industrial project)."""
    return LeadInput(
        company=company,
        project=project,
        industry=industry,
        amount_wan=amount_wan,
        is_industrial=is_industrial,
        source="以商招商",
        unit=unit,
        stage=stage,  # type: ignore[arg-type]
        found_on=found_on,
        valid_since=valid_since,
        signed_on=signed_on,
        started_on=started_on,
        dropped_reason="",
    )


def activity(
    on: date, unit: str = "区经信局", kind: str = "trip", principal: bool = False
) -> ActivityInput:
    """A checked activity row."""
    return ActivityInput(
        on=on,
        unit=unit,
        kind=kind,  # type: ignore[arg-type]
        led_by_principal=principal,
        destination="上海" if kind == "trip" else "",
        company="",
        note="",
    )

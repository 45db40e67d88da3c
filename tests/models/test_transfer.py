"""Moving a store between engines (``yeji migrate --to``): whole, counted, all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models import transfer
from models.db import StoreError, close_store, open_store
from models.ledger import all_leads
from models.queries import load_campaign
from models.store_url import StorePlace, StoreUrl
from models.transfer import CountMismatch, copy_store
from tests.conftest import postgres_wanted
from yeji_tui.status import gather

pytestmark = pytest.mark.both_engines

AS_OF = date(2022, 9, 10)


def _picture() -> tuple[object, ...]:
    """What the open store says: every lead, and the campaign's status as of a day."""
    settings = load_campaign()
    assert settings is not None
    status = gather(settings, AS_OF)
    return (tuple(all_leads()), tuple((t.spec.id, t.total.actual) for t in status.targets))


def test_a_store_copied_to_a_new_file_counts_and_reads_the_same(
    sample_store: StorePlace, tmp_path: Path
) -> None:
    before = _picture()
    copy = tmp_path / "copy" / "yeji.sqlite3"
    counts = copy_store(copy)
    assert {c.table for c in counts} >= {"lead", "audit", "stage_total", "activity_day"}
    assert all(c.source == c.copy for c in counts)
    assert next(c for c in counts if c.table == "lead").copy == 45
    close_store()
    open_store(copy, create=False)
    assert _picture() == before
    assert not list(copy.parent.glob(".*.new"))  # no temporary file is left


def test_a_copy_over_an_existing_file_is_refused_and_the_file_kept(
    sample_store: StorePlace, tmp_path: Path
) -> None:
    there = tmp_path / "there.sqlite3"
    there.write_bytes(b"mine")
    with pytest.raises(StoreError) as refused:
        copy_store(there)
    assert refused.value.key == "backup.exists"
    assert there.read_bytes() == b"mine"


def test_counts_that_differ_undo_the_copy(
    sample_store: StorePlace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = transfer._count

    def short_of_one(db: object, table: str) -> int:
        n = real(db, table)  # type: ignore[arg-type]
        return n - 1 if table == "audit" and db is not transfer.database else n

    monkeypatch.setattr(transfer, "_count", short_of_one)
    copy = tmp_path / "copy.sqlite3"
    with pytest.raises(CountMismatch) as undone:
        copy_store(copy)
    assert "audit" in str(undone.value.values["tables"])
    assert not copy.exists() and not list(tmp_path.glob(".copy.sqlite3.*"))


@pytest.mark.skipif(not postgres_wanted(), reason="no PostgreSQL server for this run")
@pytest.mark.postgres
@pytest.mark.sqlite_only  # from a file, through a fresh database of its own
def test_a_round_trip_through_a_server_keeps_everything(
    sample_store: StorePlace, tmp_path: Path, pg_url: str
) -> None:
    before = _picture()
    server = StoreUrl(pg_url)
    copy_store(server)
    close_store()
    opened = open_store(server, create=False)
    assert opened.path == server
    assert _picture() == before
    back = tmp_path / "back.sqlite3"
    counts = copy_store(back)
    assert all(c.source == c.copy for c in counts)
    close_store()
    open_store(back, create=False)
    assert _picture() == before


@pytest.mark.skipif(not postgres_wanted(), reason="no PostgreSQL server for this run")
@pytest.mark.postgres
@pytest.mark.sqlite_only
def test_a_server_database_that_holds_tables_is_refused(
    sample_store: StorePlace, pg_url: str
) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE theirs (x INTEGER)")
    with pytest.raises(StoreError) as refused:
        copy_store(StoreUrl(pg_url))
    assert refused.value.key == "migrate.not_empty"
    with psycopg.connect(pg_url) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
    assert tables == ["theirs"]

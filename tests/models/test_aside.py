"""A read run aside (models.aside): on a connection of its own, on a thread, the same rows the
store's own connection gives, and its errors handed back, on either engine."""

from __future__ import annotations

from datetime import date

import pytest

from models.aside import cheap, read_aside
from models.db import close_store
from models.engine import date_param
from models.ledger import upsert_leads
from models.opened import remember
from models.store_url import StorePlace
from models.tables import execute
from tests.conftest import lead

pytestmark = pytest.mark.both_engines

TODAY = date(2022, 9, 10)


def test_the_rows_read_aside_are_those_of_the_stores_own_connection(
    campaign_store: StorePlace,
) -> None:
    upsert_leads(
        [lead(), lead("另一家有限公司", unit="姚李镇"), lead("第三家有限公司", unit="姚李镇")],
        "clerk",
        TODAY,
    )
    sql = (
        f"SELECT unit_id, COUNT(*) FROM lead WHERE signed_on <= {date_param()} "
        "GROUP BY unit_id ORDER BY unit_id"
    )
    here = [tuple(row) for row in execute(sql, (TODAY.isoformat(),)).fetchall()]
    aside = read_aside(sql, (TODAY.isoformat(),)).result(timeout=30)
    assert aside == here and sorted(n for _, n in aside) == [1, 2]


def test_a_read_aside_that_fails_hands_its_error_back(campaign_store: StorePlace) -> None:
    future = read_aside("SELECT no_such_column FROM lead")
    with pytest.raises(Exception, match="no_such_column"):
        future.result(timeout=30)


def test_a_read_aside_needs_an_open_store(campaign_store: StorePlace) -> None:
    close_store()
    remember(None)
    with pytest.raises(RuntimeError, match="no store"):
        read_aside("SELECT 1")


def test_a_read_aside_is_cheap_on_a_file_outside_a_transaction_only(
    campaign_store: StorePlace,
) -> None:
    from models.db import database, immediate
    from models.store_url import StoreUrl

    assert cheap() is not isinstance(campaign_store, StoreUrl)
    with immediate():
        assert database.in_transaction() and not cheap()  # its own writes: not seen aside

"""The store's promises at their edges, on real SQLite files (never a mock)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from models.db import StoreError, close_store, open_store


@pytest.fixture(autouse=True)
def closed() -> Iterator[None]:
    """Every test leaves the shared connection closed (tests open stores of their own)."""
    yield
    close_store()


@pytest.mark.parametrize(
    ("under", "where"),
    [
        pytest.param("file/sub", "file/sub", id="directory-cannot-be-made"),
        pytest.param("file", "file/yeji.sqlite3", id="file-cannot-be-made"),
    ],
)
def test_a_store_that_cannot_be_made_says_where(tmp_path: Path, under: str, where: str) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError) as refused:
        open_store(tmp_path / under / "yeji.sqlite3")
    assert refused.value.key == "store.cannot_create"
    assert refused.value.values == {"path": tmp_path / where, "error": "Not a directory"}

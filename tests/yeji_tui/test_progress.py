"""Progress of long work: on a terminal, in the user's language; silent anywhere else."""

from __future__ import annotations

import io

from yeji_tui.progress import Progress
from yeji_tui.strings import Catalog


class Terminal(io.StringIO):
    """A stderr that is a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_counts_in_the_users_language_and_clears_its_line() -> None:
    out = Terminal()
    with Progress(Catalog("en"), out, delay=0) as progress:
        progress.ledger("read", 5000)
        progress.ledger("read", 10000)  # within a tenth of a second: not redrawn
        progress.ledger("write", 0)
    text = out.getvalue()
    assert "reading and checking: 5000 rows" in text and "10000" not in text
    assert "writing to the store…" in text
    assert text.endswith("\r\x1b[K")  # the command's own output starts on a clean line


def test_progress_in_chinese_by_default() -> None:
    out = Terminal()
    with Progress(Catalog("zh"), out, delay=0) as progress:
        progress.ledger("read", 100)
        progress.ledger("index", 0)
    assert "读取并检查：100 行" in out.getvalue()
    assert "建立检索索引：0 条" in out.getvalue()  # after the write, the search catch-up


def test_progress_is_silent_when_stderr_is_not_a_terminal_or_the_work_is_quick() -> None:
    piped = io.StringIO()
    with Progress(Catalog("zh"), piped, delay=0) as progress:
        progress.phase("progress.report")
        progress.count(3)
    assert piped.getvalue() == ""
    quick = Terminal()
    with Progress(Catalog("zh"), quick, delay=60) as progress:
        progress.phase("progress.report")
    assert quick.getvalue() == ""

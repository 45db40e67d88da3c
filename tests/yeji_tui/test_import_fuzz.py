"""Property-based: whatever a CSV or xlsx ledger holds (CJK, quotes, newlines, formula prefixes,
three encodings, huge and odd numbers, odd and impossible dates, damaged cells), the importer
either accepts rows it has checked or raises its own ImportRefused, and a refused import leaves
the store exactly as it was. Derandomized and bounded, so the suite stays fast and stable."""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.db import close_store
from models.queries import load_campaign
from tests.conftest import SAMPLE, store_dump
from tests.yeji_tui.workbooks import EXCEL, INLINE, LIBREOFFICE, WPS, Raw, build
from yeji_tui.cli import main
from yeji_tui.importer import (
    ACTIVITY_COLUMNS,
    CHINESE_HEADERS,
    LEAD_COLUMNS,
    MAX_AMOUNT_WAN,
    ImportRefused,
    check_activities,
    check_leads,
)
from yeji_tui.strings import Catalog
from yeji_tui.text import MAX_TEXT

TODAY = date(2022, 9, 10)
FUZZ = settings(
    max_examples=int(os.environ.get("YEJI_FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize="YEJI_FUZZ_EXAMPLES" not in os.environ,  # the same examples on every run in CI
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

words = st.sampled_from(
    ["恒嘉家居有限公司", "平岗街道", "区科技商务经信局", "史河街道", "线索", "洽谈", "签约", "开工",
     "终止", "外出招商", "接待考察", "是", "否", "true", "智能家居", "以商招商", "上海", ""]
)  # fmt: skip
formulas = st.sampled_from(
    ["=1+1", "+1", "-1", "@SUM(A1)", "'=x", "\t=cmd|' /C calc'!A0", '=HYPERLINK("x")']
)
punctuation = st.sampled_from(
    ['"', '""', 'a"b', "a\nb", "\r\n", ",", ";", "\x1b]52;c;eA==\x07", "\u202e", "[/]"]
)
numbers = st.one_of(
    st.integers(-(10**25), 10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "12,000",
            "1e3",
            "1E+30",
            "nan",
            "-inf",
            "-0",
            "１２０００",
            "1_000",
            "12000.00",
            "9" * 400,
        ]
    ),
)
dates = st.one_of(
    st.dates().map(str),
    st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.sampled_from(
        [
            "2022-02-30",
            "2022/13/1",
            "2022.9.6",
            "20220906",
            "44775",
            "0000-01-01",
            "9999-12-31",
            "2022-09-11",
        ]
    ),
)
free_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
cells = st.one_of(words, formulas, punctuation, numbers, dates, free_text)


def headers(columns: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    """The real header (in English or Chinese, in any order), now and then one column off."""
    names = st.lists(
        st.sampled_from(columns), min_size=len(columns), max_size=len(columns), unique=True
    )
    chinese = names.map(lambda ns: [CHINESE_HEADERS[n] for n in ns])
    broken = st.lists(st.one_of(st.sampled_from(columns), cells), max_size=len(columns) + 2)
    return st.one_of(names, names, chinese, broken)


def ledgers(columns: tuple[str, ...]) -> st.SearchStrategy[list[list[str]]]:
    row = st.lists(cells, min_size=0, max_size=len(columns) + 2)
    return st.tuples(headers(columns), st.lists(row, max_size=6)).map(lambda hr: [hr[0], *hr[1]])


def csv_bytes(rows: list[list[str]], encoding: str, quoted: bool) -> bytes:
    if quoted:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        text = out.getvalue()
    else:  # as a careless script writes it: commas and quotes unescaped
        text = "\n".join(",".join(r) for r in rows) + "\n"
    return text.encode(encoding)


def accepted_or_refused(path: Path, what: str) -> str:
    """The checker either refuses the file with its own problems, or accepts rows the store
    may hold: amounts within the limit, no date after today, text cleaned and short. Any other
    exception fails the test. Returns which it was."""
    settings_ = load_campaign()
    assert settings_ is not None
    check = check_leads if what == "leads" else check_activities
    try:
        items: list[object] = list(check(path, settings_, Catalog("zh"), today=TODAY))
    except ImportRefused as refused:
        assert refused.problems
        return "refused"
    assert_checked(items)
    return "accepted"


def assert_checked(items: list[object]) -> None:
    for item in items:
        amount = getattr(item, "amount_wan", 0)
        assert 0 <= amount <= MAX_AMOUNT_WAN
        for name in ("found_on", "valid_since", "signed_on", "started_on", "on"):
            day = getattr(item, name, None)
            assert day is None or day <= TODAY
        for name in ("company", "project", "unit", "note", "destination"):
            text = getattr(item, name, "")
            assert len(text) <= MAX_TEXT and "\x1b" not in text and "\n" not in text


@pytest.mark.parametrize("what", ["leads", "activities"])
@FUZZ
@given(data=st.data())
def test_the_checkers_accept_or_refuse_and_never_crash(
    sample_store: Path, tmp_path: Path, what: str, data: st.DataObject
) -> None:
    columns = LEAD_COLUMNS if what == "leads" else ACTIVITY_COLUMNS
    rows = data.draw(ledgers(columns))
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    path = tmp_path / "fuzz.csv"
    path.write_bytes(csv_bytes(rows, encoding, data.draw(st.booleans())))
    assert accepted_or_refused(path, what) in ("accepted", "refused")


def xlsx_cells() -> st.SearchStrategy[object]:
    """Cells as producers write them, and as damaged files hold them."""
    raw = st.builds(
        lambda attrs, v: Raw(attrs, f"<v>{escape(v)}</v>"),
        st.sampled_from(['t="s"', 't="n"', 't="b"', 't="e"', 't="str"', 's="1"', ""]),
        st.one_of(numbers, st.integers(-3, 50).map(str), free_text),
    )
    typed = st.one_of(
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(),
        st.booleans(),
        st.none(),
    )
    return st.one_of(cells, typed, raw)


@FUZZ
@given(data=st.data())
def test_the_xlsx_reader_accepts_or_refuses_and_never_crashes(
    sample_store: Path, tmp_path: Path, data: st.DataObject
) -> None:
    header = data.draw(headers(ACTIVITY_COLUMNS))
    rows = data.draw(st.lists(st.lists(xlsx_cells(), max_size=9), max_size=5))
    producer = data.draw(st.sampled_from([EXCEL, WPS, LIBREOFFICE, INLINE]))
    path = build(tmp_path / "fuzz.xlsx", [[header, *rows]], producer)  # type: ignore[list-item]
    assert accepted_or_refused(path, "activities") in ("accepted", "refused")


@FUZZ
@given(data=st.data())
def test_a_refused_yeji_import_leaves_the_store_as_it_was(
    sample: object,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    data: st.DataObject,
) -> None:
    what = data.draw(st.sampled_from(["leads", "activities"]))
    columns = LEAD_COLUMNS if what == "leads" else ACTIVITY_COLUMNS
    # the sample's own rows with fuzz mixed in: some imports pass, most are refused
    good = (SAMPLE / f"{what}.csv").read_text(encoding="utf-8").splitlines()
    rows = [r.split(",") for r in good[: data.draw(st.integers(1, 6))]]
    rows += data.draw(ledgers(columns))[1:]
    path = tmp_path / "fuzz.csv"
    path.write_bytes(csv_bytes(rows, data.draw(st.sampled_from(["utf-8", "gb18030"])), True))
    db = Path(os.environ["YEJI_DB"])
    before = store_dump(db)
    code = main(["--today", str(TODAY), "import", what, str(path)])
    close_store()
    err = capsys.readouterr().err
    assert code in (0, 1)
    assert "意外错误" not in err and "Traceback" not in err  # only the importer's own refusals
    if code == 1:
        assert store_dump(db) == before

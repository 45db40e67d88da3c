"""Importing ledgers: all rows or none, every bad row named with line, column, value and why."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models.ledger import upsert_leads
from models.queries import load_campaign, valid_lead_counts
from models.tables import Activity, Lead, StageChange
from tests.conftest import SAMPLE
from yeji_tui.importer import ImportRefused, check_activities, check_leads, parse_day
from yeji_tui.strings import Catalog

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

HEADER = "company,project,industry,amount_wan,is_industrial,source,unit,stage,found_on,valid_since,signed_on,started_on,dropped_reason\n"
T = Catalog("zh")


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "leads.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(path: Path, *, activities: bool = False) -> list[tuple[int, str, str]]:
    settings = load_campaign()
    assert settings is not None
    with pytest.raises(ImportRefused) as caught:
        (check_activities if activities else check_leads)(path, settings, T)
    return [(p.line, p.column, p.value) for p in caught.value.problems]


def test_sample_bad_file_names_lines_9_and_11_and_nothing_else(sample_store: Path) -> None:
    assert problems(SAMPLE / "bad_leads.csv") == [
        (9, "amount_wan", "十二万"),
        (11, "unit", "不存在的单位"),
    ]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        pytest.param(
            "甲,项目,智能家居,12000,1,以商招商,区经信局,signed,2022-07-01,,,,",
            "signed_on",
            id="signed-needs-date",
        ),
        pytest.param(
            "甲,项目,智能家居,12000,1,以商招商,区经信局,started,2022-07-01,,2022-08-01,,",
            "started_on",
            id="started-needs-date",
        ),
        pytest.param(
            "甲,项目,智能家居,12000,1,以商招商,区经信局,开工,2022-07-01,,,2022-08-01,",
            "signed_on",
            id="started-needs-signing",
        ),
        pytest.param(
            "甲,项目,智能家居,12000,1,以商招商,区经信局,洽谈,2022-07-01,,2022-08-01,,",
            "signed_on",
            id="negotiating-cannot-be-signed",
        ),
        pytest.param(
            "甲,项目,智能家居,12000,1,以商招商,区经信局,signed,2022-09-01,,2022-08-01,,",
            "signed_on",
            id="signed-before-found",
        ),
        pytest.param(
            "甲,项目,智能家居,12000,1,以商招商,区经信局,signed,2022-07-01,2022-08-05,2022-08-01,,",
            "signed_on",
            id="signed-before-valid",
        ),
        pytest.param(
            "甲,项目,智能家居,12000,1,以商招商,区经信局,signed,2022-07-01,,2022-13-01,,",
            "signed_on",
            id="month-13",
        ),
        pytest.param(
            "甲,项目,智能家居,-5,1,以商招商,区经信局,lead,2022-07-01,,,,",
            "amount_wan",
            id="negative-amount",
        ),
        pytest.param(
            "甲,项目,智能家居,1.5,1,以商招商,区经信局,lead,2022-07-01,,,,",
            "amount_wan",
            id="fraction-of-wan",
        ),
        pytest.param(
            "甲,项目,智能家居,100,maybe,以商招商,区经信局,lead,2022-07-01,,,,",
            "is_industrial",
            id="bad-boolean",
        ),
        pytest.param(
            "甲,项目,智能家居,100,1,以商招商,区经信局,won,2022-07-01,,,,", "stage", id="bad-stage"
        ),
        pytest.param(
            "甲,项目,家纺,100,1,以商招商,区经信局,lead,2022-07-01,,,,",
            "industry",
            id="unknown-industry",
        ),
        pytest.param(
            ",项目,智能家居,100,1,以商招商,区经信局,lead,2022-07-01,,,,", "company", id="no-company"
        ),
    ],
)
def test_bad_lead_rows_are_named(
    campaign_store: Path, tmp_path: Path, row: str, column: str
) -> None:
    found = problems(write(tmp_path, HEADER + row + "\n"))
    assert (2, column) in [(line, col) for line, col, _ in found]


def test_missing_and_unknown_columns_are_named(campaign_store: Path, tmp_path: Path) -> None:
    text = (
        HEADER.replace(",dropped_reason", ",remark")
        + "甲,项目,智能家居,1,1,以商招商,区经信局,lead,,,,,\n"
    )
    found = problems(write(tmp_path, text))
    assert (1, "dropped_reason", "") in found
    assert (1, "remark", "remark") in found


def test_every_bad_row_is_listed_not_just_the_first(campaign_store: Path, tmp_path: Path) -> None:
    good = "甲{n},项目,智能家居,100,1,以商招商,区经信局,lead,2022-07-01,,,,\n"
    bad = "乙{n},项目,智能家居,many,1,以商招商,区经信局,lead,2022-07-01,,,,\n"
    text = HEADER + good.format(n=1) + bad.format(n=2) + good.format(n=3) + bad.format(n=4)
    assert [line for line, _, _ in problems(write(tmp_path, text))] == [3, 5]


def test_same_lead_twice_in_one_file_is_refused(campaign_store: Path, tmp_path: Path) -> None:
    row = "甲,项目,智能家居,100,1,以商招商,区经信局,lead,2022-07-01,,,,\n"
    assert problems(write(tmp_path, HEADER + row + row)) == [(3, "project", "项目")]


def test_gbk_and_bom_files_read_the_same(campaign_store: Path, tmp_path: Path) -> None:
    row = "恒嘉家居有限公司,定制家居,智能家居,12000,是,以商招商,区经信局,签约,2022/7/1,,2022年8月1日,,\n"
    settings = load_campaign()
    assert settings is not None
    gbk = check_leads(write(tmp_path, HEADER + row, "gbk", "gbk.csv"), settings, T)
    bom = check_leads(write(tmp_path, HEADER + row, "utf-8-sig", "bom.csv"), settings, T)
    assert gbk == bom
    assert gbk[0].company == "恒嘉家居有限公司"
    assert gbk[0].signed_on == date(2022, 8, 1)


def test_escape_sequences_are_removed_from_text_whole(campaign_store: Path, tmp_path: Path) -> None:
    row = "\x1b[31m恒嘉\x07,项目\x9b2J,智能家居,100,1,以商招商,区经信局,lead,,,,,\n"
    settings = load_campaign()
    assert settings is not None
    (checked,) = check_leads(write(tmp_path, HEADER + row), settings, T)
    assert checked.company == "恒嘉"
    assert checked.project == "项目"


def test_a_matching_row_updates_the_stored_lead_and_records_the_stage_change(
    campaign_store: Path, tmp_path: Path
) -> None:
    settings = load_campaign()
    assert settings is not None
    first = HEADER + "甲,项目,智能家居,12000,1,以商招商,区经信局,洽谈,2022-07-01,2022-07-20,,,\n"
    upsert_leads(check_leads(write(tmp_path, first), settings, T), "clerk", date(2022, 8, 1))
    second = (
        HEADER
        + "甲,项目,智能家居,15000,1,以商招商,区经信局,签约,2022-07-01,2022-07-20,2022-08-01,,\n"
    )
    result = upsert_leads(
        check_leads(write(tmp_path, second), settings, T), "clerk", date(2022, 8, 2)
    )
    assert (result.added, result.updated) == (0, 1)
    stored = Lead.get()
    assert (stored.amount_wan, stored.stage, stored.version) == (15000, "signed", 2)
    moves = [
        (c.from_stage, c.to_stage, c.on) for c in StageChange.select().order_by(StageChange.id)
    ]
    assert moves == [
        (None, "negotiating", date(2022, 7, 20)),
        ("negotiating", "signed", date(2022, 8, 1)),
    ]
    again = upsert_leads(
        check_leads(write(tmp_path, second), settings, T), "clerk", date(2022, 8, 3)
    )
    assert (again.updated, again.unchanged) == (0, 1)


def test_activities_accept_chinese_kinds_and_refuse_unknown_units(
    campaign_store: Path, tmp_path: Path
) -> None:
    text = (
        "date,unit,kind,led_by_principal,destination,company,note\n"
        "2022-07-20,区经信局,外出招商,是,上海,,\n"
        "2022-07-21,区经信局,接待考察,,,恒嘉,\n"
        "2022-07-22,不存在,trip,false,,,\n"
        "2022-07-23,区经信局,party,false,,,\n"
    )
    found = problems(write(tmp_path, text, name="acts.csv"), activities=True)
    assert [(line, col) for line, col, _ in found] == [(4, "unit"), (5, "kind")]
    assert Activity.select().count() == 0


def test_valid_lead_counts_for_its_month_even_if_dropped_later(
    campaign_store: Path, tmp_path: Path
) -> None:
    settings = load_campaign()
    assert settings is not None
    text = (
        HEADER
        + "甲,项目,智能家居,100,1,以商招商,平岗街道,终止,2022-07-01,2022-07-20,,,资金未落实\n"
    )
    upsert_leads(check_leads(write(tmp_path, text), settings, T), "clerk", date(2022, 9, 1))
    assert valid_lead_counts(date(2022, 7, 15), date(2022, 9, 1)) == {("平岗街道", "2022-07"): 1}


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2022-09-06", date(2022, 9, 6)),
        ("2022/9/6", date(2022, 9, 6)),
        ("2022.09.06", date(2022, 9, 6)),
        ("2022年9月6日", date(2022, 9, 6)),
        ("2022-02-30", None),
        ("9/6/2022", None),
        ("yesterday", None),
    ],
)
def test_parse_day_accepts_what_staff_write(raw: str, day: date | None) -> None:
    assert parse_day(raw) == day


def test_an_error_names_the_column_as_the_files_chinese_header_does(
    campaign_store: Path, tmp_path: Path
) -> None:
    header = "企业,项目名称,行业,投资额,工业项目,来源,单位,阶段,发现日期,有效线索日期,签约日期,开工日期,终止原因\n"
    found = problems(
        write(
            tmp_path, header + "甲,项目,智能家居,很多,1,以商招商,没有的单位,lead,2022-07-01,,,,\n"
        )
    )
    assert (2, "投资额", "很多") in found  # the file's own header, not amount_wan
    assert (2, "单位", "没有的单位") in found
    missing = problems(
        write(
            tmp_path,
            header.replace(",终止原因", "")
            + "甲,项目,智能家居,1,1,以商招商,区经信局,lead,2022-07-01,,,\n",
        )
    )
    assert (1, "终止原因", "") in missing  # a Chinese file hears of a missing column in Chinese

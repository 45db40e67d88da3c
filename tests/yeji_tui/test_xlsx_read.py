"""Reading .xlsx ledgers as Excel, WPS, LibreOffice and openpyxl write them (1904 dates, custom
date formats, shared and inline strings, rich text, empty rows, several sheets), and the
standard-library writer's workbooks read back by openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from models.ledger import ActivityInput
from models.queries import load_campaign
from tests.yeji_tui.workbooks import (
    EXCEL,
    EXCEL_MAC_1904,
    EXCEL_ZH,
    INLINE,
    LIBREOFFICE,
    WPS,
    Producer,
    Rich,
    build,
)
from yeji_tui.importer import LEAD_COLUMNS, check_activities, check_leads
from yeji_tui.strings import Catalog
from yeji_tui.xlsx import serial_to_date, write_workbook

T = Catalog("zh")
TODAY = date(2026, 12, 31)
HEADER = ["日期", "责任单位", "类型", "主要负责人带队", Rich(("目的", "地")), "对接企业", "备注"]
LEDGER = [
    HEADER,
    [date(2022, 8, 2), "平岗街道", "外出招商", True, Rich(("上", "海"), "シャンハイ"), "恒嘉", ""],
    None,  # a row the producer left out
    ["", None, "", None, "", "", ""],  # a row of empty cells
    ["2022年8月3日", "姚李镇", "接待考察", "否", None, "", 12000],  # a date typed as text
    [date(2026, 10, 3), "区经信局", "trip", 0, "深圳", None, "1904 的考验"],
]
EXPECTED = [
    ActivityInput(date(2022, 8, 2), "平岗街道", "trip", True, "上海", "恒嘉", ""),
    ActivityInput(date(2022, 8, 3), "姚李镇", "visit", False, "", "", "12000"),
    ActivityInput(date(2026, 10, 3), "区经信局", "trip", False, "深圳", "", "1904 的考验"),
]
OTHER_SHEET = [["这张表不是台账"], ["不该被读到"]]


def activities(path: Path) -> list[ActivityInput]:
    settings = load_campaign()
    assert settings is not None
    return check_activities(path, settings, T, today=TODAY)


@pytest.mark.parametrize(
    "producer",
    [
        EXCEL,
        EXCEL_ZH,
        EXCEL_MAC_1904,
        Producer("excel-zh-mac-1904", date_format_id=31, date1904=True),
        WPS,
        LIBREOFFICE,
        INLINE,
    ],
    ids=lambda p: p.name,
)
def test_the_same_ledger_reads_the_same_whoever_saved_it(
    campaign_store: Path, tmp_path: Path, producer: Producer
) -> None:
    path = build(tmp_path / f"{producer.name}.xlsx", [LEDGER, OTHER_SHEET], producer)
    assert activities(path) == EXPECTED


def test_a_1904_workbook_no_longer_reads_every_date_four_years_and_a_day_early(
    campaign_store: Path, tmp_path: Path
) -> None:
    path = build(tmp_path / "mac.xlsx", [LEDGER], EXCEL_MAC_1904)
    assert [a.on for a in activities(path)][-1] == date(2026, 10, 3)  # not 2022-10-02


def test_a_workbook_written_by_openpyxl_reads_the_same(
    campaign_store: Path, tmp_path: Path
) -> None:
    for epoch in (
        openpyxl.utils.datetime.CALENDAR_WINDOWS_1900,
        openpyxl.utils.datetime.CALENDAR_MAC_1904,
    ):
        book = openpyxl.Workbook()
        book.epoch = epoch
        sheet = book.active
        assert sheet is not None
        sheet.append(["日期", "责任单位", "类型", "主要负责人带队", "目的地", "对接企业", "备注"])
        sheet.append(
            [datetime(2022, 8, 2, 9, 30), "平岗街道", "外出招商", True, "上海", "恒嘉", None]
        )
        sheet.append([])
        sheet.append(["2022年8月3日", "姚李镇", "接待考察", "否", None, None, 12000])
        sheet.append([date(2026, 10, 3), "区经信局", "trip", False, "深圳", None, "1904 的考验"])
        sheet["A5"].number_format = 'yyyy"年"m"月"d"日"'
        sheet["G2"] = "=1+1"  # a formula without a cached value reads as empty, never as text
        book.create_sheet("其他").append(["不该被读到"])
        path = tmp_path / f"openpyxl-{epoch.year}.xlsx"
        book.save(path)
        assert activities(path) == EXPECTED, epoch


def test_lead_amounts_typed_as_numbers_or_text_read_as_whole_wan(
    campaign_store: Path, tmp_path: Path
) -> None:
    header = list(LEAD_COLUMNS)
    row = [
        "甲",
        "项目{}",
        "",
        0,
        "是",
        "",
        "区经信局",
        "线索",
        date(2022, 7, 1),
        None,
        None,
        None,
        None,
    ]
    amounts = [12000, 12000.0, "12,000", "１２０００"]
    rows = [[*row[:1], f"项目{i}", *row[2:3], a, *row[4:]] for i, a in enumerate(amounts)]
    settings = load_campaign()
    assert settings is not None
    path = build(tmp_path / "leads.xlsx", [[header, *rows]], LIBREOFFICE)
    leads = check_leads(path, settings, T, today=TODAY)
    assert [lead.amount_wan for lead in leads] == [12000] * 4
    assert {lead.found_on for lead in leads} == {date(2022, 7, 1)}


@pytest.mark.parametrize(
    ("serial", "date1904", "day"),
    [
        pytest.param(1, False, date(1900, 1, 1), id="day-1"),
        pytest.param(59, False, date(1900, 2, 28), id="before-the-leap-bug"),
        pytest.param(60, False, None, id="1900-02-29-never-was"),
        pytest.param(61, False, date(1900, 3, 1), id="after-the-leap-bug"),
        pytest.param(44775, False, date(2022, 8, 2), id="2022"),
        pytest.param(43313, True, date(2022, 8, 2), id="2022-in-1904"),
        pytest.param(0, True, date(1904, 1, 1), id="day-0-in-1904"),
        pytest.param(0, False, None, id="day-0"),
        pytest.param(-5, False, None, id="negative"),
        pytest.param(2958465, False, date(9999, 12, 31), id="last-day"),
        pytest.param(10**12, False, None, id="10^12"),
        pytest.param(float("inf"), False, None, id="inf"),
        pytest.param(float("nan"), False, None, id="nan"),
    ],
)
def test_excel_day_numbers_in_both_date_systems(
    serial: float, date1904: bool, day: date | None
) -> None:
    assert serial_to_date(serial, date1904=date1904) == day


def test_the_writers_workbooks_read_back_with_openpyxl_typed_and_formatted(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    rows = [
        ["企业", "金额", "比例", "备注"],
        ["恒嘉", 12000, 1.5, '=HYPERLINK("x")'],
        ["乙\x1b", None, 0, "12000"],
    ]
    write_workbook(path, [("线索台账", rows), ("第二张/表:*", [["a"]])])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["线索台账", "第二张表"]
    sheet = book["线索台账"]
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [
        ["企业", "金额", "比例", "备注"],
        ["恒嘉", 12000, 1.5, '=HYPERLINK("x")'],
        ["乙", None, 0, "12000"],
    ]
    assert sheet["D2"].data_type == "s"  # text that looks like a formula stays text
    assert sheet["D3"].data_type == "s"  # and text that looks like a number stays text
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    # the used range is written, as Excel writes it: streaming readers need not scan for it
    streamed = openpyxl.load_workbook(path, read_only=True)["线索台账"]
    assert (streamed.max_row, streamed.max_column) == (3, 4)

"""The importer's documented leniencies and refusals, cell by cell, table-driven.

Checking a file needs only the campaign's settings, not a store: every test here reads a small
file from ``tmp_path`` and compares what the importer made of it (a ``LeadInput``, or the exact
problem: line, column, value and the words of why). The one store test, an export of what a
store holds read back unchanged, runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from models.ledger import (
    ActivityInput,
    LeadInput,
    add_activities,
    all_activities,
    all_leads,
    upsert_leads,
)
from tests.conftest import small_campaign
from yeji_tui.importer import (
    ACTIVITY_COLUMNS,
    LEAD_COLUMNS,
    MAX_LINE,
    FileRefused,
    ImportRefused,
    Problem,
    check_activities,
    check_leads,
    column_key,
    each_lead,
    export_table,
    file_encoding,
    read_table,
    write_table,
)
from yeji_tui.strings import Catalog
from yeji_tui.text import MAX_TEXT

# the store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

T = Catalog("en")
TODAY = date(2022, 9, 10)
SETTINGS = small_campaign()
HEADER = ",".join(LEAD_COLUMNS)
ACT_HEADER = ",".join(ACTIVITY_COLUMNS)
#: A good lead row; tests replace one column at a time.
BASE = {
    "company": "甲公司",
    "project": "甲项目",
    "industry": "智能家居",
    "amount_wan": "12000",
    "is_industrial": "1",
    "source": "以商招商",
    "unit": "平岗街道",
    "stage": "lead",
    "found_on": "2022-07-01",
    "valid_since": "",
    "signed_on": "",
    "started_on": "",
    "dropped_reason": "",
}
BASE_LEAD = LeadInput(
    company="甲公司",
    project="甲项目",
    industry="智能家居",
    amount_wan=12000,
    is_industrial=True,
    source="以商招商",
    unit="平岗街道",
    stage="lead",
    found_on=date(2022, 7, 1),
    valid_since=None,
    signed_on=None,
    started_on=None,
    dropped_reason="",
)


def row(**cells: str) -> str:
    """A lead row: the good one with some columns changed."""
    return ",".join({**BASE, **cells}[c] for c in LEAD_COLUMNS)


def leads_file(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def lead_of(tmp_path: Path, text: str) -> LeadInput:
    """The one lead a one-row file holds."""
    (only,) = check_leads(leads_file(tmp_path, text), SETTINGS, T, today=TODAY)
    return only


def refused(path: Path, *, activities: bool = False) -> list[Problem]:
    check = check_activities if activities else check_leads
    with pytest.raises(ImportRefused) as caught:
        check(path, SETTINGS, T, today=TODAY)
    return caught.value.problems


# --- leniencies: what staff write is read as they mean it ----------------------------------


@pytest.mark.parametrize(
    ("amount", "wan"),
    [
        pytest.param("12,000", 12000, id="thousands-separator"),
        pytest.param("1,000,000", 1000000, id="two-separators"),
        pytest.param("12000.00", 12000, id="zero-decimals"),
        pytest.param("12000.", 12000, id="trailing-point"),
        pytest.param("１２，０００", 12000, id="full-width-digits-and-comma"),
        pytest.param("１２０００．０", 12000, id="full-width-point"),
        pytest.param("0", 0, id="zero"),
        pytest.param("000", 0, id="only-zeros"),
        pytest.param("0007", 7, id="leading-zeros"),
        pytest.param("0000000000000000100000000", 100_000_000, id="maximum-behind-zeros"),
        pytest.param("100000000", 100_000_000, id="exactly-the-maximum"),
        pytest.param("99999999", 99_999_999, id="one-digit-fewer"),
    ],
)
def test_amounts_as_staff_write_them_are_whole_wan(tmp_path: Path, amount: str, wan: int) -> None:
    assert lead_of(tmp_path, row(amount_wan=f'"{amount}"')).amount_wan == wan


@pytest.mark.parametrize(
    ("amount", "key", "values"),
    [
        pytest.param("100000001", "why.amount_max", {"max": "100,000,000"}, id="maximum+1"),
        pytest.param("999999999", "why.amount_max", {"max": "100,000,000"}, id="nine-digits"),
        pytest.param("1000000000", "why.amount_max", {"max": "100,000,000"}, id="ten-digits"),
        pytest.param("9" * 5000, "why.amount_max", {"max": "100,000,000"}, id="5000-digits"),
        pytest.param("1.2E+11", "why.amount_exponent", {}, id="excel-scientific"),
        pytest.param("-1e3", "why.amount_exponent", {}, id="signed-exponent"),
        pytest.param("1.5", "why.amount", {}, id="fraction"),
        pytest.param("12000.01", "why.amount", {}, id="non-zero-decimals"),
        pytest.param("-5", "why.amount", {}, id="negative"),
        pytest.param("+5", "why.amount", {}, id="plus-sign"),
        pytest.param("", "why.amount", {}, id="empty"),
        pytest.param("nan", "why.amount", {}, id="nan"),
        pytest.param("12 000", "why.amount", {}, id="space-separator"),
        pytest.param("十二万", "why.amount", {}, id="words"),
    ],
)
def test_amounts_that_are_refused_say_why(
    tmp_path: Path, amount: str, key: str, values: dict[str, str]
) -> None:
    assert refused(leads_file(tmp_path, row(amount_wan=amount))) == [
        Problem(2, "amount_wan", amount, T(key, **values))
    ]


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        pytest.param("是", True, id="是"),
        pytest.param("否", False, id="否"),
        pytest.param("Yes", True, id="Yes"),
        pytest.param("YES", True, id="YES"),
        pytest.param("y", True, id="y"),
        pytest.param("No", False, id="No"),
        pytest.param("n", False, id="n"),
        pytest.param("TRUE", True, id="TRUE"),
        pytest.param("True", True, id="True"),
        pytest.param("false", False, id="false"),
        pytest.param("1", True, id="1"),
        pytest.param("0", False, id="0"),
        pytest.param("", False, id="empty-is-no"),
    ],
)
def test_yes_and_no_in_either_language_and_any_case(tmp_path: Path, word: str, meant: bool) -> None:
    assert lead_of(tmp_path, row(is_industrial=word)).is_industrial is meant


@pytest.mark.parametrize("word", ["maybe", "2", "对", "yes!"])
def test_other_yes_no_words_are_refused(tmp_path: Path, word: str) -> None:
    assert refused(leads_file(tmp_path, row(is_industrial=word))) == [
        Problem(2, "is_industrial", word, T("why.bool"))
    ]


@pytest.mark.parametrize(
    ("cells", "changed"),
    [
        pytest.param(
            {"stage": "SIGNED", "signed_on": "2022-08-01"},
            {"stage": "signed", "signed_on": date(2022, 8, 1)},
            id="stage-upper",
        ),
        pytest.param({"stage": "在谈"}, {"stage": "negotiating"}, id="stage-在谈"),
        pytest.param({"stage": "终止"}, {"stage": "dropped"}, id="stage-终止"),
        pytest.param({"stage": " 洽谈 "}, {"stage": "negotiating"}, id="stage-padded"),
        pytest.param({"industry": ""}, {"industry": "其他"}, id="industry-empty-is-其他"),
        pytest.param(
            {"industry": "Smart_Home"}, {"industry": "智能家居"}, id="industry-key-any-case"
        ),
        pytest.param({"industry": "精细化工"}, {"industry": "精细化工"}, id="industry-chinese"),
        pytest.param({"source": ""}, {"source": "其他"}, id="source-empty-is-其他"),
        pytest.param({"source": "WALK_IN"}, {"source": "来访"}, id="source-key-upper"),
        pytest.param(
            {"dropped_reason": "'=外迁"}, {"dropped_reason": "=外迁"}, id="formula-guard-off"
        ),
        pytest.param({"company": "甲\x1b[2J公司"}, {"company": "甲公司"}, id="escape-removed"),
        pytest.param(
            {"stage": "signed", "signed_on": "2022-08-01"},
            {"stage": "signed", "signed_on": date(2022, 8, 1)},
            id="signed-without-start-date",
        ),
        pytest.param(
            {"stage": "开工", "signed_on": "2022/8/1", "started_on": "2022年9月10日"},
            {"stage": "started", "signed_on": date(2022, 8, 1), "started_on": TODAY},
            id="started-on-today-in-chinese",
        ),
        pytest.param(
            {"valid_since": "2022.7.1", "found_on": "2022-07-01"},
            {"valid_since": date(2022, 7, 1)},
            id="valid-on-the-day-found",
        ),
        pytest.param(
            {"found_on": "", "valid_since": "2022-07-02"},
            {"found_on": None, "valid_since": date(2022, 7, 2)},
            id="no-found-date",
        ),
        pytest.param(
            {"company": "名" * MAX_TEXT}, {"company": "名" * MAX_TEXT}, id="name-at-the-limit"
        ),
        pytest.param(
            {"dropped_reason": "因" * MAX_TEXT},
            {"dropped_reason": "因" * MAX_TEXT},
            id="reason-at-the-limit",
        ),
    ],
)
def test_lenient_cells_are_read_as_meant(
    tmp_path: Path, cells: dict[str, str], changed: dict[str, object]
) -> None:
    assert lead_of(tmp_path, row(**cells)) == replace(BASE_LEAD, **changed)  # type: ignore[arg-type]


def test_blank_lines_are_skipped_but_keep_their_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    lines = [
        "",
        " , ,",
        HEADER,
        "",
        row(company="甲"),
        ",,,",
        "  ",
        row(company="乙", amount_wan="x"),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refused(path) == [Problem(8, "amount_wan", "x", T("why.amount"))]
    path.write_text("\n".join([*lines[:-1], row(company="乙")]) + "\n", encoding="utf-8")
    assert [lead.company for lead in check_leads(path, SETTINGS, T, today=TODAY)] == ["甲", "乙"]


def test_chinese_headers_with_full_width_brackets_and_spaces_name_the_columns() -> None:
    assert column_key(" 投资额（万元） ") == "amount_wan"
    assert column_key("投资 额(万元)") == "amount_wan"
    assert column_key("公司") == "company"
    assert column_key("Amount_Wan") == "amount_wan"
    assert column_key("备注") == "note"


# --- refusals: every bad cell named, nothing imported ---------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "key", "values"),
    [
        pytest.param(
            {"company": "名" * (MAX_TEXT + 1)},
            "company",
            "why.too_long",
            {"n": MAX_TEXT},
            id="name-over-the-limit",
        ),
        pytest.param(
            {"dropped_reason": "因" * (MAX_TEXT + 1)},
            "dropped_reason",
            "why.too_long",
            {"n": MAX_TEXT},
            id="reason-over-the-limit",
        ),
        pytest.param(
            {"company": "\x1b[2J"}, "company", "why.required", {}, id="name-only-controls"
        ),
        pytest.param({"project": ""}, "project", "why.required", {}, id="no-project"),
        pytest.param({"unit": ""}, "unit", "why.required", {}, id="no-unit"),
        pytest.param({"unit": "别的镇"}, "unit", "why.unit", {}, id="unknown-unit"),
        pytest.param({"stage": ""}, "stage", "why.required", {}, id="no-stage"),
        pytest.param(
            {"found_on": "2022-09-11"},
            "found_on",
            "why.future",
            {"today": TODAY},
            id="found-tomorrow",
        ),
        pytest.param({"found_on": "2022-02-30"}, "found_on", "why.date", {}, id="february-30"),
        pytest.param(
            {"found_on": "2022-07-01\x07"}, "found_on", "why.date", {}, id="control-in-a-date"
        ),
        pytest.param(
            {"is_industrial": "1\x1b"}, "is_industrial", "why.bool", {}, id="control-in-a-flag"
        ),
        pytest.param(
            {"signed_on": "2022-08-01"},
            "signed_on",
            "why.stage_has_date",
            {"stage": "lead", "column": "signed_on"},
            id="lead-with-signing",
        ),
        pytest.param(
            {"started_on": "2022-08-01"},
            "started_on",
            "why.stage_has_date",
            {"stage": "lead", "column": "started_on"},
            id="lead-with-start",
        ),
        pytest.param(
            {"stage": "negotiating", "started_on": "2022-08-01"},
            "started_on",
            "why.stage_has_date",
            {"stage": "negotiating", "column": "started_on"},
            id="negotiating-with-start",
        ),
        pytest.param(
            {"stage": "signed", "signed_on": "2022-08-01", "started_on": "2022-08-02"},
            "started_on",
            "why.stage_has_date",
            {"stage": "signed", "column": "started_on"},
            id="signed-with-start",
        ),
        pytest.param(
            {"stage": "signed"},
            "signed_on",
            "why.stage_needs_date",
            {"stage": "signed", "column": "signed_on"},
            id="signed-without-signing",
        ),
        pytest.param(
            {"stage": "started", "signed_on": "2022-08-01"},
            "started_on",
            "why.stage_needs_date",
            {"stage": "started", "column": "started_on"},
            id="started-without-start",
        ),
        pytest.param(
            {"stage": "started", "started_on": "2022-08-01"},
            "signed_on",
            "why.started_needs_signed",
            {},
            id="started-without-signing",
        ),
        pytest.param(
            {"valid_since": "2022-06-30"},
            "valid_since",
            "why.order",
            {"first": "found_on", "second": "valid_since"},
            id="valid-before-found",
        ),
        pytest.param(
            {"stage": "started", "signed_on": "2022-08-02", "started_on": "2022-08-01"},
            "started_on",
            "why.order",
            {"first": "signed_on", "second": "started_on"},
            id="started-before-signed",
        ),
        pytest.param(
            {
                "found_on": "",
                "stage": "started",
                "valid_since": "2022-08-03",
                "signed_on": "2022-08-02",
                "started_on": "2022-08-04",
            },
            "signed_on",
            "why.order",
            {"first": "valid_since", "second": "signed_on"},
            id="signed-before-valid-no-found",
        ),
    ],
)
def test_a_bad_cell_is_named_with_its_reason(
    tmp_path: Path, cells: dict[str, str], column: str, key: str, values: dict[str, object]
) -> None:
    if "stage" in values:
        values = {**values, "stage": T(f"stage.{values['stage']}")}
    value = {**BASE, **cells}[column]
    assert refused(leads_file(tmp_path, row(**cells))) == [
        Problem(2, column, value, T(key, **values))
    ]


def test_an_unknown_choice_lists_the_words_accepted_once_each(tmp_path: Path) -> None:
    (problem,) = refused(leads_file(tmp_path, row(stage="won")))
    assert problem == Problem(
        2,
        "stage",
        "won",
        T(
            "why.choice",
            choices="lead、线索、negotiating、洽谈、在谈、signed、签约、started、开工、dropped、终止",
        ),
    )


@pytest.mark.parametrize(
    ("second", "problems"),
    [
        pytest.param(
            row(amount_wan="500"),
            [Problem(3, "project", "甲项目", T("why.duplicate", line=2))],
            id="same-lead-again-refused-naming-the-first",
        ),
        pytest.param(row(project="乙项目"), [], id="same-company-other-project"),
        pytest.param(row(company="乙公司"), [], id="other-company-same-project"),
        pytest.param(
            row(project="甲项目\u200b"),
            [Problem(3, "project", "甲项目\u200b", T("why.duplicate", line=2))],
            id="same-once-cleaned",
        ),
    ],
)
def test_a_row_that_repeats_a_lead_is_refused_so_no_value_silently_wins(
    tmp_path: Path, second: str, problems: list[Problem]
) -> None:
    path = leads_file(tmp_path, row(), second)
    if problems:
        assert refused(path) == problems
    else:
        assert len(check_leads(path, SETTINGS, T, today=TODAY)) == 2


def test_a_repeat_names_the_first_line_even_when_repeated_twice(tmp_path: Path) -> None:
    path = leads_file(tmp_path, row(), row(company="乙公司"), row(), row())
    assert [(p.line, p.why) for p in refused(path)] == [
        (4, T("why.duplicate", line=2)),
        (5, T("why.duplicate", line=2)),
    ]


def test_no_row_is_handed_out_after_the_first_bad_one(tmp_path: Path) -> None:
    path = leads_file(tmp_path, row(), row(company="乙", amount_wan="x"), row(company="丙"))
    handed: list[str] = []
    with pytest.raises(ImportRefused) as caught:
        for lead in each_lead(path, SETTINGS, T, today=TODAY):
            handed.append(lead.company)
    assert handed == ["甲公司"]
    assert [p.line for p in caught.value.problems] == [3]


@pytest.mark.parametrize(
    ("header", "problems"),
    [
        pytest.param(
            HEADER.replace(",dropped_reason", ""),
            [Problem(1, "dropped_reason", "", T("why.missing_column"))],
            id="missing",
        ),
        pytest.param(
            HEADER + ",remark",
            [Problem(1, "remark", "remark", T("why.unknown_column"))],
            id="unknown",
        ),
        pytest.param(
            HEADER + ",公司",
            # named as the file's header names it (the second one, 公司)
            [Problem(1, "公司", "company", T("why.duplicate_column"))],
            id="company-twice-as-公司",
        ),
    ],
)
def test_a_bad_header_is_refused_before_any_row(
    tmp_path: Path, header: str, problems: list[Problem]
) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(header + "\n" + row(amount_wan="bad") + "\n", encoding="utf-8")
    assert refused(path) == problems


def test_a_cell_under_no_column_is_reported_not_dropped(tmp_path: Path) -> None:
    path = leads_file(tmp_path, row() + ",多余, 一格 ,")
    assert refused(path) == [Problem(2, "", "多余 | 一格", T("why.stray"))]
    assert check_leads(leads_file(tmp_path, row() + ", ,"), SETTINGS, T, today=TODAY) == [BASE_LEAD]


# --- activities -----------------------------------------------------------------------------


def activities_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "activities.csv"
    path.write_text("\n".join([ACT_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_activity_rows_are_read_with_their_words_and_flags(tmp_path: Path) -> None:
    path = activities_file(
        tmp_path,
        "2022-08-01,姚李镇,外出招商,是,上海, 乙公司 ,'+洽谈",
        "2022/8/2,区经信局,VISIT,,,,",
    )
    assert check_activities(path, SETTINGS, T, today=TODAY) == [
        ActivityInput(date(2022, 8, 1), "姚李镇", "trip", True, "上海", "乙公司", "+洽谈"),
        ActivityInput(date(2022, 8, 2), "区经信局", "visit", False, "", "", ""),
    ]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        pytest.param(",姚李镇,trip,1,,,", [(2, "date", T("why.required"))], id="no-date"),
        pytest.param("2022-08-01,,trip,1,,,", [(2, "unit", T("why.required"))], id="no-unit"),
        pytest.param("2022-08-01,别处,trip,1,,,", [(2, "unit", T("why.unit"))], id="unknown-unit"),
        pytest.param("2022-08-01,姚李镇,,1,,,", [(2, "kind", T("why.required"))], id="no-kind"),
        pytest.param(
            "2022-08-01,姚李镇,trip,maybe,,,",
            [(2, "led_by_principal", T("why.bool"))],
            id="bad-flag",
        ),
        pytest.param(
            "2022-09-11,姚李镇,trip,1,,,",
            [(2, "date", T("why.future", today=TODAY))],
            id="tomorrow",
        ),
        pytest.param(
            "2022-08-01,姚李镇,trip,1,,," + "注" * (MAX_TEXT + 1),
            [(2, "note", T("why.too_long", n=MAX_TEXT))],
            id="note-too-long",
        ),
    ],
)
def test_bad_activity_cells_are_named(
    tmp_path: Path, text: str, problems: list[tuple[int, str, str]]
) -> None:
    found = [
        (p.line, p.column, p.why) for p in refused(activities_file(tmp_path, text), activities=True)
    ]
    assert found == problems


def test_every_bad_cell_of_an_activity_is_named_not_just_the_first(tmp_path: Path) -> None:
    found = refused(activities_file(tmp_path, ",别处,飞,x,,,"), activities=True)
    assert [(p.line, p.column, p.value) for p in found] == [
        (2, "date", ""),
        (2, "unit", "别处"),
        (2, "kind", "飞"),
        (2, "led_by_principal", "x"),
    ]


# --- files that are not ledgers -------------------------------------------------------------


def written(tmp_path: Path, data: bytes, name: str = "leads.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param("企业名称\n".encode(), "utf-8", id="utf-8"),
        pytest.param("\ufeff企业名称\n".encode(), "utf-8-sig", id="utf-8-with-bom"),
        pytest.param("企业名称\n".encode("gb18030"), "gb18030", id="gbk"),
        pytest.param(b"\xef\xbb\xbf\xff\xfe", None, id="bom-then-not-utf-8"),
        pytest.param(b"ab\x80\xff", None, id="neither"),
        pytest.param(b"", "utf-8", id="empty"),
    ],
)
def test_the_encoding_is_told_from_the_bytes(
    tmp_path: Path, data: bytes, encoding: str | None
) -> None:
    assert file_encoding(written(tmp_path, data)) == encoding


def reason(path: Path) -> str:
    with pytest.raises(FileRefused) as caught:
        _fields, rows = read_table(path, T)
        list(rows)
    assert str(caught.value) == f"{path}: {caught.value.problems[0].why}"
    return caught.value.problems[0].why


def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("make", "why"),
    [
        pytest.param(lambda p: p, T("why.directory"), id="directory"),
        pytest.param(lambda p: p / "none.csv", T("why.no_file"), id="missing"),
        pytest.param(fifo, T("why.not_file"), id="pipe"),
        pytest.param(lambda p: written(p, b"\xd0\xcf\x11\xe0rest"), T("why.xls"), id="old-xls"),
        pytest.param(
            lambda p: written(p, b"a,b\n", "x.XLSX"),
            T("why.xlsx", error=T("why.not_zip")),
            id="xlsx-not-zip",
        ),
        pytest.param(lambda p: written(p, "a,b".encode("utf-16")), T("why.utf16"), id="utf-16-le"),
        pytest.param(lambda p: written(p, b"\xfe\xff\x00a"), T("why.utf16"), id="utf-16-be"),
        pytest.param(lambda p: written(p, b"a,b\x00\n"), T("why.binary"), id="nul-byte"),
        pytest.param(
            lambda p: written(p, b"\x80\x00\xff"), T("why.binary"), id="nul-in-bad-encoding"
        ),
        pytest.param(lambda p: written(p, b"a,\x80\xff\n"), T("why.encoding"), id="bad-encoding"),
        pytest.param(lambda p: written(p, b"\n \n,,\n"), T("why.empty"), id="only-blank-lines"),
        pytest.param(
            lambda p: written(p, b"a\n" + b"x" * (MAX_LINE + 1)),
            T("why.long_line", line=2, n=MAX_LINE),
            id="last-line-too-long",
        ),
        pytest.param(
            lambda p: written(p, b"a\n" + b"x" * (MAX_LINE + 1) + b"\n"),
            T("why.long_line", line=2, n=MAX_LINE),
            id="line-too-long",
        ),
        pytest.param(
            lambda p: written(p, b'a\nb\n"' + b"x\n" * (MAX_LINE // 2 + 10)),
            T("why.csv_cell", line=3, n=MAX_LINE),
            id="unclosed-quote",
        ),
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused_whole(
    tmp_path: Path, make: object, why: str
) -> None:
    assert reason(make(tmp_path)) == why  # type: ignore[operator]


def test_lines_exactly_at_the_limit_are_read(tmp_path: Path) -> None:
    cell = "x" * MAX_LINE
    path = written(tmp_path, f"a\n{cell}\n{cell}".encode())
    fields, rows = read_table(path, T)
    assert fields == ["a"] and [n for n, _ in rows] == [2, 3]


# --- export: what it writes imports again unchanged ----------------------------------------


#: leads and activities with every kind of cell: flags both ways, days and none, a
#: formula-like text
ROUND_TRIP_LEADS = [
    BASE_LEAD,
    replace(
        BASE_LEAD,
        project="乙",
        stage="started",
        is_industrial=False,
        signed_on=date(2022, 8, 1),
        started_on=date(2022, 8, 2),
        dropped_reason="=1+1",
    ),
]
ROUND_TRIP_ACTIVITIES = [
    ActivityInput(date(2022, 8, 1), "姚李镇", "promotion", True, "@上海", "", "-"),
    ActivityInput(date(2022, 8, 3), "平岗街道", "trip", False, "上海", "", ""),
]


def exported_and_read_again(
    items: list[LeadInput] | list[ActivityInput], path: Path, lang: str
) -> list[LeadInput] | list[ActivityInput]:
    """``items`` written as ``yeji export`` writes them, and read by the importer."""
    t = Catalog(lang)  # type: ignore[arg-type]
    headers, rows = export_table(items, t)
    write_table(path, headers, rows)
    check = check_leads if path.name.startswith("l") else check_activities
    return check(path, SETTINGS, t, today=TODAY)  # type: ignore[operator, no-any-return]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_exported_ledger_imports_again_unchanged(tmp_path: Path, lang: str) -> None:
    t = Catalog(lang)  # type: ignore[arg-type]
    leads = ROUND_TRIP_LEADS
    activities = ROUND_TRIP_ACTIVITIES[:1]
    for items, check, name in (
        (leads, check_leads, "l.csv"),
        (activities, check_activities, "a.csv"),
    ):
        headers, rows = export_table(items, t)
        assert headers[0] == ("企业名称" if lang == "zh" and items is leads else headers[0])
        path = tmp_path / name
        write_table(path, headers, rows)
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        assert check(path, SETTINGS, t, today=TODAY) == items  # type: ignore[operator]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_a_store_holds_exports_and_imports_again_unchanged(
    campaign_store: Path, tmp_path: Path, lang: str
) -> None:
    upsert_leads(ROUND_TRIP_LEADS, "t", TODAY)
    add_activities(ROUND_TRIP_ACTIVITIES)
    stored_leads, stored_activities = all_leads(), all_activities()
    assert stored_leads == ROUND_TRIP_LEADS  # oldest first, as imported
    assert stored_activities == ROUND_TRIP_ACTIVITIES  # by date
    assert exported_and_read_again(stored_leads, tmp_path / "l.csv", lang) == stored_leads
    assert exported_and_read_again(stored_activities, tmp_path / "a.csv", lang) == stored_activities


def test_export_writes_the_interface_language(tmp_path: Path) -> None:
    lead = replace(BASE_LEAD, stage="signed", signed_on=date(2022, 8, 1))
    zh_headers, [zh_row] = export_table([lead], Catalog("zh"))
    en_headers, [en_row] = export_table([lead], Catalog("en"))
    assert zh_headers[:2] == ["企业名称", "项目名称"] and en_headers == list(LEAD_COLUMNS)
    assert zh_row[3:5] == [12000, "是"] and en_row[3:5] == [12000, "true"]
    assert zh_row[7] == "签约" and en_row[7] == "signed"
    assert zh_row[10:12] == ["2022-08-01", ""]
    act = ActivityInput(date(2022, 8, 1), "姚李镇", "trip", False, "", "", "")
    assert export_table([act], Catalog("zh"))[1] == [
        ["2022-08-01", "姚李镇", "外出招商", "否", "", "", ""]
    ]
    assert export_table([act], Catalog("en"))[1] == [
        ["2022-08-01", "姚李镇", "trip", "false", "", "", ""]
    ]
    assert export_table([], Catalog("en"))[0] == list(LEAD_COLUMNS)

"""Every bad input ends in clear lines on stderr, the right exit code and the store unchanged:
amounts, future dates, files that are not ledgers, damaged workbooks, ``--out`` into a missing
directory, and a reader that goes away (``yeji export leads | head -1``)."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from models.db import close_store, open_store
from models.ledger import upsert_leads
from tests.conftest import SAMPLE, lead, store_dump
from tests.yeji_tui.workbooks import EXCEL, Raw, build
from yeji_tui.cli import main
from yeji_tui.importer import MAX_AMOUNT_WAN
from yeji_tui.output import replacing
from yeji_tui.strings import Catalog

LEADS = SAMPLE / "leads.csv"
LEAD_HEADER = LEADS.read_text(encoding="utf-8").splitlines()[0]
GOOD_LEAD = "甲公司,甲项目,智能家居,{amount},1,以商招商,平岗街道,{stage},{found},{valid},{signed},{started},"
ACTIVITY_HEADER = "date,unit,kind,led_by_principal,destination,company,note"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def worked_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worked example, initialised and imported once for the module."""
    path = tmp_path_factory.mktemp("sample") / "store.sqlite3"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("YEJI_DB", str(path))
        env.setenv("YEJI_SETTINGS", str(path.with_name("settings.toml")))
        for args in (
            ["init", "--config", str(SAMPLE / "campaign.toml")],
            ["import", "leads", str(LEADS)],
            ["import", "activities", str(SAMPLE / "activities.csv")],
        ):
            assert main(args) == 0
            close_store()
    return path


@pytest.fixture
def ledger(yeji: Run, worked_example: Path) -> Run:
    """``yeji`` on this test's own copy of the worked example (a fresh file per test)."""
    source, copy = sqlite3.connect(worked_example), sqlite3.connect(os.environ["YEJI_DB"])
    source.backup(copy)
    source.close()
    copy.close()
    return yeji


def dump() -> str:
    """Everything in the store the CLI uses, as SQL."""
    return store_dump(Path(os.environ["YEJI_DB"]))


def refused(run: Run, *args: str) -> str:
    """Run a command that must fail with exit 1, no traceback and no change; its stderr."""
    before = dump()
    code, out, err = run(*args)
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    assert dump() == before
    return err


def lead_row(amount: str = "12000", stage: str = "签约", **dates: str) -> str:
    days = {"found": "2022-07-01", "valid": "", "signed": "2022-08-01", "started": ""} | dates
    return GOOD_LEAD.format(amount=amount, stage=stage, **days)


@pytest.mark.parametrize(
    ("amount", "why"),
    [
        pytest.param("nan", "金额应为整数", id="nan"),
        pytest.param("inf", "金额应为整数", id="inf"),
        pytest.param("-inf", "金额应为整数", id="-inf"),
        pytest.param("1e30", "科学计数法", id="1e30"),
        pytest.param("1e3", "科学计数法", id="1e3"),
        pytest.param("1.2E+11", "科学计数法", id="excel-scientific"),
        pytest.param("12345678901234567890", "超过上限", id="20-digits"),
        pytest.param("9" * 5000, "超过上限", id="5000-digits"),
        pytest.param(f"{MAX_AMOUNT_WAN + 1}", "超过上限 100,000,000 万元", id="max+1"),
        pytest.param("1_000", "金额应为整数", id="underscore"),
        pytest.param("十二万", "金额应为整数", id="words"),
    ],
)
def test_a_bad_amount_is_a_row_problem(ledger: Run, tmp_path: Path, amount: str, why: str) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(f"{LEAD_HEADER}\n{lead_row(amount)}\n", encoding="utf-8")
    err = refused(ledger, "import", "leads", str(path))
    assert f"第 2 行，amount_wan 列（{amount[:20]}" in err and why in err


def test_thousands_separators_and_the_maximum_are_fine(ledger: Run, tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    rows = [lead_row('"12,000"'), lead_row('"100,000,000"').replace("甲项目", "乙项目")]
    path.write_text("\n".join([LEAD_HEADER, *rows]) + "\n", encoding="utf-8")
    code, out, err = ledger("import", "leads", str(path))
    assert code == 0 and "新增 2" in out, err


@pytest.mark.parametrize(
    ("what", "row", "column"),
    [
        pytest.param(
            "leads",
            lead_row(stage="线索", found="2022-09-11", signed=""),
            "found_on",
            id="found_on",
        ),
        pytest.param(
            "leads",
            lead_row(stage="线索", valid="2022-09-11", signed=""),
            "valid_since",
            id="valid_since",
        ),
        pytest.param("leads", lead_row(signed="2022-09-11"), "signed_on", id="signed_on"),
        pytest.param(
            "leads", lead_row(stage="开工", started="2022-09-11"), "started_on", id="started_on"
        ),
        pytest.param(
            "activities", "2022-09-11,平岗街道,外出招商,否,上海,,", "date", id="activity-date"
        ),
    ],
)
def test_dates_after_today_are_refused_as_the_forms_refuse_them(
    ledger: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
    row: str,
    column: str,
) -> None:
    header = LEAD_HEADER if what == "leads" else ACTIVITY_HEADER
    path = tmp_path / f"{what}.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    err = refused(ledger, "--today", "2022-09-10", "import", what, str(path))
    assert f"第 2 行，{column} 列（2022-09-11）：晚于今天（2022-09-10）" in err
    monkeypatch.setenv("YEJI_TODAY", "2022-09-11")  # the same day is fine
    code, _, err = ledger("import", what, str(path))
    assert code == 0, err


def _workbook(tmp_path: Path, cell: Raw, column: int = 0) -> Path:
    header = ["date", "unit", "kind", "led_by_principal", "destination", "company", "note"]
    row: list[object] = ["2022-08-02", "平岗街道", "外出招商", "否", "", "", ""]
    row[column] = cell
    return build(tmp_path / "bad.xlsx", [[header, row]], EXCEL)  # type: ignore[list-item]


def _zip_of_nothing(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return path


FILE_CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("missing", lambda d: d / "nowhere.csv", "文件不存在"),
    ("directory", lambda d: d, "这是一个目录"),
    ("binary", lambda d: _bytes(d / "x.csv", bytes(range(256)) * 64), "不是文本文件"),
    ("utf-16", lambda d: _bytes(d / "x.csv", "日期,单位\n".encode("utf-16")), "UTF-16"),
    (
        "xls",
        lambda d: _bytes(d / "x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
        ".xls",
    ),
    (
        "not-utf8-nor-gbk",
        lambda d: _bytes(d / "x.csv", b"date\n\xff\xfe\xfd\x81\n"),
        "无法识别编码",
    ),
    ("empty", lambda d: _bytes(d / "x.csv", b"\n\n"), "文件为空"),
    (
        "long-cell",
        lambda d: _bytes(
            d / "x.csv", (ACTIVITY_HEADER + "\n2022-08-01," + "长" * 131_073).encode()
        ),
        "第 2 行超过 131072 个字符",
    ),
    (
        "50-MB-one-line",
        lambda d: _bytes(d / "x.csv", b"a" * 50_000_000),
        "第 1 行超过 131072 个字符",
    ),
    (
        "unclosed-quote",
        lambda d: _bytes(
            d / "x.csv", (ACTIVITY_HEADER + '\n2022-08-01,"' + "很长的备注\n" * 30_000).encode()
        ),
        "从第 2 行起有一格超过 131072 个字符",
    ),
    ("xlsx-not-a-zip", lambda d: _bytes(d / "x.xlsx", b"date,unit\n"), "文件已损坏，或并非 .xlsx"),
    (
        "xlsx-truncated",
        lambda d: _bytes(d / "x.xlsx", _workbook(d, Raw("", "")).read_bytes()[:300]),
        "不是完好的 Excel 工作簿",
    ),
    ("zip-not-a-workbook", lambda d: _zip_of_nothing(d / "x.xlsx"), "不是完好的 Excel 工作簿"),
    (
        "shared-string-out-of-range",
        lambda d: _workbook(d, Raw('t="s"', "<v>999</v>")),
        "第 2 行起的单元格无法读取",
    ),
    (
        "non-number-v",
        lambda d: _workbook(d, Raw("", "<v>十二</v>"), column=3),
        "第 2 行起的单元格无法读取",
    ),
]


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "why"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES]
)
def test_a_file_that_is_not_a_ledger_is_one_line_naming_it(
    ledger: Run,
    tmp_path: Path,
    make: Callable[[Path], Path],
    why: str,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = make(folder)
    err = refused(ledger, "import", "activities", str(path))
    assert err.startswith(f"yeji: {path}: ") and why in err, err
    assert len(err.splitlines()) == 1, err


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        pytest.param(
            Raw('s="1"', "<v>1000000000000</v>"), "#VALUE!", id="date-serial-10^12-formatted"
        ),
        pytest.param(
            Raw("", "<v>1000000000000</v>"), "1000000000000", id="date-serial-10^12-plain"
        ),
        pytest.param(Raw("", "<v>-3</v>"), "-3", id="negative-serial"),
        pytest.param(Raw("", "<v>1E+400</v>"), "inf", id="infinite-serial"),
    ],
)
def test_a_date_excel_cannot_show_is_a_row_problem(
    ledger: Run,
    tmp_path: Path,
    cell: Raw,
    shown: str,
) -> None:
    err = refused(ledger, "import", "activities", str(_workbook(tmp_path, cell)))
    assert f"第 2 行，date 列（{shown}）：日期应为" in err


def test_without_openpyxl_an_xlsx_import_says_what_to_install(
    ledger: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _workbook(tmp_path, Raw("", "<v>44775</v>"))
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises ImportError
    err = refused(ledger, "import", "activities", str(path))
    assert "pip install 'yeji-tui[xlsx]'" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("report", "dispatch", "--out"), id="report-md"),
        pytest.param(("report", "assessment", "--format", "xlsx", "--out"), id="report-xlsx"),
        pytest.param(("export", "leads", "--out"), id="export-csv"),
        pytest.param(("export", "activities", "--format", "xlsx", "--out"), id="export-xlsx"),
        pytest.param(("config", "export"), id="config-export"),
    ],
)
def test_out_into_a_missing_directory_is_one_line_and_writes_nothing(
    ledger: Run,
    tmp_path: Path,
    args: tuple[str, ...],
) -> None:
    target = tmp_path / "out" / "no-such-dir" / "out.file"
    target.parent.parent.mkdir()
    err = refused(ledger, *args, str(target))
    assert err == f"yeji: {target}: 目录不存在：{target.parent}（请先创建它，或换一个路径）\n"
    assert list(target.parent.parent.iterdir()) == []


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_scratch(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("the last good report", encoding="utf-8")
    with pytest.raises(OSError, match="No space"), replacing(path, Catalog("zh")) as scratch:
        scratch.write_text("half a rep", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert path.read_text(encoding="utf-8") == "the last good report"
    assert list(tmp_path.iterdir()) == [path]
    with replacing(path, Catalog("zh")) as scratch:
        scratch.write_text("the new report", encoding="utf-8")
    assert path.read_text(encoding="utf-8") == "the new report"
    assert list(tmp_path.iterdir()) == [path]


def test_out_onto_a_directory_says_so(ledger: Run, tmp_path: Path) -> None:
    err = refused(ledger, "export", "leads", "--out", str(tmp_path))
    assert err == f"yeji: {tmp_path}: 这是一个目录：请给出文件名\n"


def test_export_into_head_1_stops_quietly_with_a_real_pipe(tmp_path: Path) -> None:
    from tests.conftest import small_campaign

    store = tmp_path / "big.sqlite3"
    open_store(store)
    from models.campaigns import save_campaign

    save_campaign(small_campaign())
    upsert_leads(
        [lead(f"企业{i:05d}", f"项目{i:05d}", stage="lead", signed_on=None) for i in range(3000)],
        "test",
        date(2022, 9, 1),
    )
    close_store()
    env = dict(os.environ, YEJI_DB=str(store), YEJI_SETTINGS=str(tmp_path / "s.toml"))
    done = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$0" -m yeji_tui export leads | head -1', sys.executable],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.startswith("企业名称,项目名称") and done.stdout.count("\n") == 1
    assert done.stderr == ""  # no traceback, no "Exception ignored"
    assert done.returncode == 141  # what a shell reports for a writer stopped by SIGPIPE


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("postgresql:/yeji:secret@/db?host=/tmp/pg", "postgresql:/yeji:***@/db?host=/tmp/pg"),
        ("postgresl://u@h/db", "postgresl://u@h/db"),
        ("mysql://u:pw@h/db", "mysql://u:***@h/db"),
    ],
)
def test_a_mistyped_server_address_is_refused_not_made_a_file(
    given: str,
    shown: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--db", given, "status"]) == 1
    said = capsys.readouterr().err
    assert (
        f"yeji: {shown} 不是可用的数据库地址" in said and "secret" not in said and "pw@" not in said
    )
    assert list(tmp_path.iterdir()) == []  # no SQLite file named like the address


def test_a_file_name_with_a_colon_is_a_file_when_written_as_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        main(["--db", "./notes:2022.sqlite3", "init", "--config", str(SAMPLE / "campaign.toml")])
        == 0
    )
    assert (tmp_path / "notes:2022.sqlite3").exists()

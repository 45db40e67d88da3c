"""Every way in cleans: the campaign file, CSV and xlsx imports (text and choice columns) and
the CLI. Then the outputs of what came in that way hold no control either."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from models.db import close_store
from models.tables import Activity, Campaign, Consultant, Event, Group, Lead, Target, Unit
from tests.hostile.hostile import EVIL, SHOWN, assert_clean, assert_clean_bytes
from tests.yeji_tui.test_cli import yeji
from yeji_tui.text import MAX_TEXT

__all__ = ["yeji"]
DAY = ("--today", "2022-09-10")
LEAD_HEADER = (
    "company,project,industry,amount_wan,is_industrial,source,unit,stage,"
    "found_on,valid_since,signed_on,started_on,dropped_reason\n"
)


REPORTS = (("report", "dispatch"), ("report", "assessment"))


def outputs_are_clean(yeji, *commands: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Each command succeeds, and nothing it prints holds a control."""
    for args in commands:
        code, out, err = yeji(*DAY, *args)
        assert code == 0, err
        assert_clean(out, " ".join(args))
        assert_clean(err, " ".join(args))


def hostile_campaign(unit_name: str = "区经信局" + EVIL) -> dict[str, Any]:
    """A campaign file with EVIL in every name it has (references too: they must still meet)."""
    return {
        "campaign": {"name": "测试活动" + EVIL, "start": _day("07-15"), "end": _day("10-22")},
        "targets": [
            {"id": "signed_100m", "label": "亿元项目" + EVIL, "stage": "signed", "count": 3}
        ],
        "groups": [{"name": "一组" + EVIL, "leader": "张" + EVIL, "lead_unit": unit_name}],
        "units": [
            {
                "name": unit_name,
                "kind": "department",
                "principal": "赵" + EVIL,
                "group": "一组" + EVIL,
            }
        ],
        "consultants": [
            {"name": "王顾问" + EVIL, "role": "consultant", "organisation": "某" + EVIL}
        ],
        "events": [
            {
                "kind": "signing",
                "title": "集中签约" + EVIL,
                "planned_on": _day("09-30"),
                "place": "区" + EVIL,
            }
        ],
    }


def _day(month_day: str) -> Any:
    from datetime import date

    return date.fromisoformat(f"2022-{month_day}")


def write_toml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(tomli_w.dumps(data), encoding="utf-8")  # tomli_w writes \u001b escapes
    return path


def test_the_campaign_file_is_stored_cleaned_and_every_output_of_it_is_clean(
    yeji, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    code, out, err = yeji(
        "init", "--config", str(write_toml(tmp_path / "c.toml", hostile_campaign()))
    )
    assert code == 0, err
    from models.db import open_store

    open_store(tmp_path / "store.sqlite3")
    stored = [
        Campaign.get().name,
        Target.get().label,
        Group.get().name,
        Group.get().leader,
        Group.get().lead_unit,
        Unit.get().name,
        Unit.get().principal,
        Consultant.get().name,
        Consultant.get().organisation,
        Event.get().title,
        Event.get().place,
    ]
    close_store()
    for value in stored:
        assert_clean(value, "stored")
        assert value.endswith(SHOWN)
    # loading the same file again changes nothing: it is read as it was stored
    code, out, _ = yeji("init", "--config", str(tmp_path / "c.toml"))
    assert code == 0 and "无需改动" in out, out
    outputs_are_clean(yeji, ("status",), *REPORTS, ("config", "export"))


def test_a_name_in_the_campaign_file_longer_than_imported_names_may_be_is_refused_by_key(
    yeji, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = write_toml(tmp_path / "long.toml", hostile_campaign("局" * (MAX_TEXT + 1)))
    code, out, err = yeji("init", "--config", str(path))
    assert code == 1 and out == ""
    assert f"{path}: units[0].name: 超过 {MAX_TEXT} 个字符" in err
    assert f"{path}: groups[0].lead_unit: 超过 {MAX_TEXT} 个字符" in err


def test_a_hostile_ledger_imports_cleaned_and_its_outputs_are_clean(yeji, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert (
        yeji("init", "--config", str(write_toml(tmp_path / "c.toml", hostile_campaign())))[0] == 0
    )
    unit = "区经信局" + EVIL  # as a clerk's ledger names it: it is the cleaned unit
    leads = tmp_path / "leads.csv"
    leads.write_text(
        LEAD_HEADER
        + f'"恒嘉{EVIL}","家居{EVIL}",智能家居,12000,1,以商招商,"{unit}",签约\u200b,2022-08-01,,2022-09-01,,\n'
        + f'"顺达{EVIL}",板材,其他,100,0,其他,"{unit}",终止,2022-08-01,,,,"资金{EVIL}"\n',
        encoding="utf-8",
    )
    activities = tmp_path / "acts.csv"
    activities.write_text(
        "date,unit,kind,led_by_principal,destination,company,note\n"
        f'2022-09-02,"{unit}",外出招商,是,"上海{EVIL}","恒嘉{EVIL}","洽谈{EVIL}"\n',
        encoding="utf-8",
    )
    code, _, err = yeji(*DAY, "import", "leads", str(leads))
    assert code == 0, err
    assert yeji(*DAY, "import", "activities", str(activities))[0] == 0
    from models.db import open_store

    open_store(tmp_path / "store.sqlite3")
    names = [v for lead in Lead.select() for v in (lead.company, lead.project, lead.dropped_reason)]
    names += [v for a in Activity.select() for v in (a.destination, a.company, a.note)]
    close_store()
    for value in names:
        assert_clean(value, "stored")
    outputs_are_clean(yeji, ("status",), *REPORTS, ("export", "leads"), ("export", "activities"))
    assert f"恒嘉{SHOWN}" in yeji(*DAY, "export", "leads")[1]


def test_an_xlsx_ledger_is_cleaned_too(yeji, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """XML cannot hold ESC, but it holds C1 controls (U+009B is CSI, U+009D OSC) and U+202E."""
    openpyxl = pytest.importorskip("openpyxl")
    assert (
        yeji("init", "--config", str(write_toml(tmp_path / "c.toml", hostile_campaign())))[0] == 0
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(LEAD_HEADER.strip().split(","))
    c1 = "[/]\x9b2J\x9d52;c;aGk=\x9c\u202e"
    sheet.append(
        [
            "恒嘉" + c1,
            "家居" + c1,
            "智能家居",
            100,
            1,
            "其他",
            f"区经信局{SHOWN}\x9b2J\u202e",
            "线索",
            "2022-08-01",
        ]
    )
    book.save(tmp_path / "leads.xlsx")
    code, _, err = yeji(*DAY, "import", "leads", str(tmp_path / "leads.xlsx"))
    assert code == 0, err
    out = yeji(*DAY, "export", "leads")[1]
    assert_clean(out, "export")
    assert "恒嘉[/]," in out


def test_csv_cells_that_would_run_as_formulas_are_guarded_and_import_back_unchanged(
    yeji, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    unit = "=区经信局"  # a unit name is user text too: it is in the reports
    assert (
        yeji("init", "--config", str(write_toml(tmp_path / "c.toml", hostile_campaign(unit))))[0]
        == 0
    )
    formulas = ['=HYPERLINK("http://x","点")', "+1+1", "-2+3", "@SUM(A1)"]
    leads = tmp_path / "leads.csv"
    with leads.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(LEAD_HEADER.strip().split(","))
        for i, formula in enumerate(formulas):
            writer.writerow(
                [formula, f"项目{i}", "其他", 100 + i, 0, "其他", unit, "lead", "2022-08-01"]
            )
    assert yeji(*DAY, "import", "leads", str(leads))[0] == 0
    exported = tmp_path / "export.csv"
    assert yeji("export", "leads", "--out", str(exported))[0] == 0
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'" + f for f in formulas]
    assert [r[6] for r in rows[1:]] == ["'" + unit] * 4
    assert [r[3] for r in rows[1:]] == ["100", "101", "102", "103"]  # amounts stay numbers
    stdout = list(csv.reader(io.StringIO(yeji("export", "leads")[1])))
    assert stdout[1][0] == "'" + formulas[0]  # on stdout too
    code, out, _ = yeji(*DAY, "import", "leads", str(exported))
    assert code == 0 and "新增 0，更新 0，未变 4" in out  # export → import changes nothing
    for kind in ("dispatch", "assessment"):
        report = yeji(*DAY, "report", kind, "--format", "csv")[1]
        cells = [c for row in csv.reader(io.StringIO(report)) for c in row]
        assert cells and not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
        # a bare name is guarded; the dispatch review indents its units (a cell starting
        # with a space is text to a spreadsheet already)
        assert "'=区经信局" in cells or "  =区经信局" in cells, kind
    xlsx = tmp_path / "export.xlsx"
    assert yeji("export", "leads", "--out", str(xlsx))[0] == 0
    with zipfile.ZipFile(xlsx) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    # typed as text, the cell is never a formula: no guard needed, none added
    assert '<t xml:space="preserve">=HYPERLINK("http://x","点")</t>' in sheet
    assert "<f>" not in sheet
    assert_clean_bytes(sheet.encode("utf-8"), "sheet1.xml")

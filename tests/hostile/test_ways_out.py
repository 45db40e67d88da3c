"""Every way out of a store an older version filled with hostile text: ``status`` (text and
JSON), the reports (md, csv, xlsx: the XML inside), the exports (csv, xlsx) and import error
lines. Each is checked on its raw characters, and the names still read as names."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from models.db import close_store
from tests.hostile.hostile import (
    EVIL,
    SHOWN,
    assert_clean,
    assert_clean_bytes,
    assert_no_control,
    write_as_an_older_version,
)
from tests.yeji_tui.test_cli import yeji

__all__ = ["yeji"]
DAY = ("--today", "2022-09-10")


@pytest.fixture
def older(campaign_store: Path, yeji):  # type: ignore[no-untyped-def]
    """``yeji`` on the small campaign's store, after an older version wrote hostile text."""
    write_as_an_older_version(campaign_store)
    return yeji


def test_status_text_shows_the_names_without_a_control(older) -> None:  # type: ignore[no-untyped-def]
    code, out, err = older(*DAY, "status")
    assert code == 0
    assert_clean(out, "status")
    assert_clean(err, "status stderr")
    assert f"测试活动{SHOWN}" in out and "新签约亿元以上项目[/]…" in out


def test_config_export_writes_the_names_as_a_campaign_file_reads_them(older) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = older("config", "export")
    assert code == 0
    assert_clean(out, "config export")
    assert f'name = "测试活动{SHOWN}"' in out


def test_status_json_escapes_every_control_and_keeps_the_data(older) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = older(*DAY, "status", "--json")
    assert code == 0
    assert not [c for c in out if c not in "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)]
    assert "\u202e" not in out and "\\u202e" in out
    data = json.loads(out)
    assert data["campaign"]["name"] == "测试活动" + EVIL  # escaped, not lost: JSON is data


@pytest.mark.parametrize("kind", ["dispatch", "assessment"])
@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_reports_on_stdout_and_in_files_hold_no_control(
    older, tmp_path: Path, kind: str, fmt: str
) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = older(*DAY, "report", kind, "--format", fmt)
    assert code == 0
    assert_clean(out.replace("\r\n", "\n"), f"{kind} {fmt} stdout")
    assert SHOWN in out  # the names are still there, markup and all, literally
    path = tmp_path / f"{kind}.{fmt}"
    assert older(*DAY, "report", kind, "--out", str(path))[0] == 0
    assert_clean_bytes(path.read_bytes(), path.name)


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()}


@pytest.mark.parametrize("kind", ["dispatch", "assessment"])
def test_xlsx_reports_hold_no_control_and_every_name_is_typed_text(
    older, tmp_path: Path, kind: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"{kind}.xlsx"
    assert older(*DAY, "report", kind, "--out", str(path))[0] == 0
    parts = xml_parts(path)
    for name, xml in parts.items():
        assert_clean_bytes(xml.encode("utf-8"), f"{path.name}/{name}")
        assert "<f>" not in xml  # no formula anywhere: text is inline text
    sheets = "".join(xml for name, xml in parts.items() if "worksheets/" in name)
    assert f'<t xml:space="preserve">  区经信局{SHOWN}' in sheets or f">区经信局{SHOWN}<" in sheets


@pytest.mark.parametrize("what", ["leads", "activities"])
def test_exports_hold_no_control_in_csv_on_stdout_in_a_file_and_in_xlsx(
    older, tmp_path: Path, what: str
) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = older("export", what)
    assert code == 0
    assert_clean(out, f"export {what} stdout")
    assert SHOWN in out
    csv_path, xlsx_path = tmp_path / f"{what}.csv", tmp_path / f"{what}.xlsx"
    assert older("export", what, "--out", str(csv_path))[0] == 0
    assert older("export", what, "--out", str(xlsx_path))[0] == 0
    assert_clean_bytes(csv_path.read_bytes(), csv_path.name)
    for name, xml in xml_parts(xlsx_path).items():
        assert_clean_bytes(xml.encode("utf-8"), f"{xlsx_path.name}/{name}")


def test_an_import_error_line_shows_the_bad_cell_escaped(older, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    header = "company,project,industry,amount_wan,is_industrial,source,unit,stage,found_on,valid_since,signed_on,started_on,dropped_reason\n"
    bad.write_text(
        header + f"甲,乙,智能家居,12{EVIL},1,其他,区经信局,lead,2022-08-01,,,,\n", encoding="utf-8"
    )
    code, _, err = older(*DAY, "import", "leads", str(bad))
    assert code == 1
    assert_no_control(err, "import error lines")  # escaped: \x1b]52… is shown, as text
    assert "12[/][@click=app.quit]x\\x1b]52;c;aGk=\\x07" in err  # what the cell held, readable


def test_export_then_import_changes_nothing_even_for_names_stored_with_controls(
    older, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    for what in ("leads", "activities"):
        path = tmp_path / f"{what}.csv"
        assert older("export", what, "--out", str(path))[0] == 0
        code, out, _ = older(*DAY, "import", what, str(path))
        assert code == 0, out
        assert "新增 0，" in out, out  # matched, not duplicated
        # the names are repaired now; a second round finds every row as it is
        assert older("export", what, "--out", str(path))[0] == 0
        code, out, _ = older(*DAY, "import", what, str(path))
        assert code == 0 and "更新 0，" in out, out
    close_store()

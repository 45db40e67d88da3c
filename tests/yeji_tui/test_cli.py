"""The ``yeji`` command end to end, in-process, on a fresh store per test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.db import close_store
from models.store_url import StorePlace
from tests.conftest import SAMPLE
from yeji_tui.cli import main
from yeji_tui.text import cell_width

# every store test here runs on SQLite and on PostgreSQL (tests/conftest.py)
pytestmark = pytest.mark.both_engines

CHECKER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "check_sample.py"
YEJI = Path(sys.executable).parent / "yeji"


@pytest.fixture
def yeji(  # type: ignore[no-untyped-def]
    tmp_path: Path,
    store_place: StorePlace,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    """Run ``yeji ARGS`` against a store in tmp_path (or a fresh database); returns (exit code,
    stdout, stderr)."""
    monkeypatch.setenv("YEJI_DB", str(store_place))
    monkeypatch.setenv("YEJI_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.delenv("YEJI_TODAY", raising=False)
    monkeypatch.delenv("YEJI_LANG", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        close_store()
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def sample(yeji):  # type: ignore[no-untyped-def]
    assert yeji("init", "--config", str(SAMPLE / "campaign.toml"))[0] == 0
    assert yeji("import", "leads", str(SAMPLE / "leads.csv"))[0] == 0
    assert yeji("import", "activities", str(SAMPLE / "activities.csv"))[0] == 0
    return yeji


@pytest.mark.parametrize("today", ["2022-09-10", "2022-12-31"])
def test_worked_example_status_json_agrees_field_by_field(sample, today: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = sample("--today", today, "status", "--json")
    assert code == 0
    got = json.loads(out)
    want = json.loads((SAMPLE / f"expected-{today}.json").read_text(encoding="utf-8"))
    for key, value in want["campaign"].items():
        assert str(got["campaign"][key]) == str(value), key
    targets = {t["id"]: t for t in got["targets"]}
    for t in want["targets"]:
        g = targets[t["id"]]
        assert (g["target"], g["actual"], g["status"]) == (t["target"], t["actual"], t["status"])
        assert g["expected"] == pytest.approx(t["expected"], abs=0.01)
        if t["industrial"] is None:
            assert g["industrial"] is None
        else:
            gi, ti = g["industrial"], t["industrial"]
            assert (gi["target"], gi["actual"], gi["status"]) == (
                ti["target"],
                ti["actual"],
                ti["status"],
            )
    key = lambda q: (q["month"], q["subject"], q["quota"])  # noqa: E731
    got_rows = {key(q): q for q in got["quotas"]}
    assert set(got_rows) == {key(q) for q in want["quotas"]}
    for q in want["quotas"]:
        g = got_rows[key(q)]
        assert {k: g[k] for k in ("subject_kind", "required", "actual", "status")} == {
            k: q[k] for k in ("subject_kind", "required", "actual", "status")
        }, key(q)


def test_bad_file_is_refused_whole_without_traceback_and_store_unchanged(sample) -> None:  # type: ignore[no-untyped-def]
    before = sample("--today", "2022-09-10", "status", "--json")[1]
    code, out, err = sample("import", "leads", str(SAMPLE / "bad_leads.csv"))
    assert code == 1
    assert "Traceback" not in out + err
    assert "第 9 行，amount_wan 列（十二万）" in err
    assert "第 11 行，unit 列（不存在的单位）" in err
    assert sample("--today", "2022-09-10", "status", "--json")[1] == before


def test_dry_run_checks_and_writes_nothing(sample) -> None:  # type: ignore[no-untyped-def]
    before = sample("--today", "2022-12-31", "status", "--json")[1]
    extra = SAMPLE / "leads.csv"
    code, out, _ = sample("import", "leads", str(extra), "--dry-run")
    assert code == 0 and "45" in out
    assert sample("--today", "2022-12-31", "status", "--json")[1] == before


def test_init_twice_changes_nothing(yeji) -> None:  # type: ignore[no-untyped-def]
    assert yeji("init", "--config", str(SAMPLE / "campaign.toml"))[0] == 0
    code, out, _ = yeji("init", "--config", str(SAMPLE / "campaign.toml"))
    assert code == 0 and "无需改动" in out


def test_config_export_reloads_to_the_same_campaign(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    exported = tmp_path / "exported.toml"
    assert sample("config", "export", str(exported))[0] == 0
    before = sample("--today", "2022-12-31", "status", "--json")[1]
    code, out, _ = sample("init", "--config", str(exported))
    assert code == 0 and "无需改动" in out
    assert sample("--today", "2022-12-31", "status", "--json")[1] == before


def test_init_with_a_bad_file_names_file_and_key(yeji, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (SAMPLE / "campaign.toml")
        .read_text(encoding="utf-8")
        .replace("count = 15", "count = 15\nfoo = 1"),
        encoding="utf-8",
    )
    code, _, err = yeji("init", "--config", str(bad))
    assert code == 1
    assert f"{bad}: targets[0].foo" in err


def test_status_text_fits_80_columns_and_has_no_colour_when_piped(sample) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = sample("--today", "2022-09-10", "status")
    assert code == 0
    assert "\x1b[" not in out
    assert "已过 57/100 天" in out
    assert "6/15" in out and "落后" in out
    assert all(cell_width(line) <= 80 for line in out.splitlines())


def test_status_in_english(sample) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = sample("--lang", "en", "--today", "2022-09-10", "status")
    assert code == 0
    assert "57 of 100 days over" in out and "behind" in out


def test_status_without_a_campaign_says_what_to_do(yeji, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert yeji("init", "--config", str(SAMPLE / "campaign.toml"))[0] == 0
    empty = yeji("--db", str(tmp_path / "other.sqlite3"), "status")
    assert empty[0] == 1 and "数据库不存在" in empty[2]


def test_bad_today_is_a_clear_message(yeji) -> None:  # type: ignore[no-untyped-def]
    code, _, err = yeji("--today", "2022-13-01", "status")
    assert code == 1 and "YYYY-MM-DD" in err


def test_demo_refuses_a_store_with_a_real_campaign(sample) -> None:  # type: ignore[no-untyped-def]
    code, _, err = sample("demo", "--leads", "20")
    assert code == 1 and "非演示" in err


def test_status_does_not_import_textual(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite3"
    env = dict(os.environ, YEJI_DB=str(store))
    subprocess.run(
        [sys.executable, "-m", "yeji_tui", "demo", "--leads", "30"],
        env=env,
        check=True,
        capture_output=True,
    )
    probe = (
        "import sys; from yeji_tui.cli import main; main(['status', '--json']);"
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stderr.strip() == "[]"
    assert json.loads(done.stdout)["campaign"]["days_total"] == 100


@pytest.mark.skipif(not CHECKER.exists() or not YEJI.exists(), reason="needs ../shared/tools")
def test_shared_sample_checker_agrees() -> None:
    done = subprocess.run(
        [sys.executable, str(CHECKER), str(YEJI)], capture_output=True, text=True, timeout=120
    )
    last = done.stdout.strip().splitlines()[-1]
    n, m = last.split()[0].split("/")
    assert n == m, done.stdout


def test_status_is_coloured_on_a_terminal_unless_no_color(
    sample, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[31m▼ 落后\x1b[0m" in sample("--today", "2022-09-10", "status")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in sample("--today", "2022-09-10", "status")[1]


def test_report_dispatch_and_assessment_from_the_command_line(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = sample(
        "--today", "2022-09-10", "report", "dispatch", "--from", "2022-08-29", "--to", "2022-09-10"
    )
    assert code == 0 and "统计期间 2022-08-29 至 2022-09-10" in out and "全区合计" in out
    code, _, err = sample("report", "dispatch", "--format", "xlsx")
    assert code == 1 and "--out" in err
    code, _, err = sample("report", "dispatch", "--from", "2022-13-01")
    assert code == 1 and "--from" in err
    book = tmp_path / "考核.xlsx"
    code, _, err = sample("--today", "2022-10-23", "report", "assessment", "--out", str(book))
    assert code == 0 and str(book) in err
    from yeji_tui.xlsx import read_workbook

    sheets = read_workbook(book)
    assert list(sheets)[:2] == ["单位排名", "先进单位提名"]
    assert sheets["单位排名"][0][:2] == ["名次", "单位"] and sheets["单位排名"][1][0] == 1


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_exported_ledgers_import_again_unchanged(sample, tmp_path: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    for what in ("leads", "activities"):
        path = tmp_path / f"{what}.{suffix}"
        code, _, _ = sample("export", what, "--out", str(path))
        assert code == 0 and path.exists()
        code, out, err = sample("import", what, str(path))
        assert code == 0, err
        assert "新增 0" in out, out  # every row already there


def test_a_gbk_csv_with_chinese_headers_imports(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "台账.csv"
    path.write_bytes(
        "日期,责任单位,类型,主要负责人带队,目的地,对接企业,备注\n"
        "2022-08-02,平岗街道,外出招商,是,上海,某公司,\n".encode("gbk")
    )
    code, out, err = sample("import", "activities", str(path))
    assert code == 0 and "新增 1" in out, err


def test_a_bad_xlsx_row_is_reported_by_its_excel_row_and_nothing_is_written(
    sample, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from yeji_tui.xlsx import write_workbook

    path = tmp_path / "bad.xlsx"
    write_workbook(
        path,
        [
            (
                "活动",
                [
                    ["日期", "单位", "类型", "主要负责人带队", "目的地", "对接企业", "备注"],
                    [
                        44775,
                        "平岗街道",
                        "外出招商",
                        "否",
                        "",
                        "",
                        "",
                    ],  # 2022-08-02 as Excel keeps it
                    ["2022-08-03", "不存在的局", "外出招商", "否", "", "", ""],
                ],
            )
        ],
    )
    before = sample("export", "activities")[1]
    code, _, err = sample("import", "activities", str(path))
    assert code == 1 and "第 3 行" in err and "不存在的局" in err and "第 2 行" not in err
    assert sample("export", "activities")[1] == before

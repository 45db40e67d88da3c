"""The rule every way in applies (``clean_text``), the CSV formula guard, and the service
layer's backstop: each write function stores hostile text cleaned, whoever calls it."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from models import leads
from models.campaigns import save_campaign
from models.ledger import ActivityInput, log_activity, upsert_leads
from models.tables import Activity, Campaign, FollowUp, Lead, SavedView, Unit
from models.usertext import clean_fields
from tests.conftest import lead, small_campaign
from tests.hostile.hostile import EVIL, SHOWN, TODAY
from yeji_tui.text import clean_text, escape_controls, spreadsheet_cell, unquote_formula


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        pytest.param("a\x1b]52;c;aGk=\x07b", "ab", id="OSC 52 ended by BEL: all of it"),
        pytest.param("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link", id="OSC 8: the text"),
        pytest.param("\x1b]0;title\x1b\\x", "x", id="OSC 0 ended by ST"),
        pytest.param("\x1b[2J\x1b[31;1m红", "红", id="CSI"),
        pytest.param("\x9b2J\x9d0;t\x9c恒", "恒", id="C1 CSI and OSC"),
        pytest.param("\x1bP1$r\x1b\\ok", "ok", id="DCS"),
        pytest.param("\x1b_apc\x07\x1b^pm\x07\x1bXsos\x07ok", "ok", id="APC PM SOS"),
        pytest.param("\x1bc\x1b(B\x1b7ok", "ok", id="other escapes"),
        pytest.param("a\x1b]52;c;aGk=", "a]52;c;aGk=", id="never ended: only its ESC"),
        pytest.param("\x1b[恒嘉", "[恒嘉", id="broken CSI: only its ESC"),
        pytest.param("a\u202eb\u2066c\u200bd\ufeffe\u061cf", "abcdef", id="bidi and zero-width"),
        pytest.param(" a\tb\nc\r\x00 ", "a b c", id="tab and newline as spaces, ends stripped"),
        pytest.param("[/][@click=app.quit]x", "[/][@click=app.quit]x", id="markup is text"),
    ],
)
def test_clean_text_removes_whole_sequences_and_keeps_what_a_reader_sees(
    raw: str, cleaned: str
) -> None:
    assert clean_text(raw) == cleaned
    assert clean_text(cleaned) == cleaned  # cleaning twice is cleaning once


def test_a_string_of_unended_sequences_is_cleaned_in_linear_time() -> None:
    start = time.perf_counter()
    assert clean_text("\x9d" * 131_072 + "x") == "x"
    assert clean_text("\x1b]" * 65_536) == "]" * 65_536
    assert time.perf_counter() - start < 1  # one scan each, not one per character


def test_escape_controls_shows_every_one_as_text() -> None:
    assert escape_controls("a\x1b]0;t\x07\u202e\n") == "a\\x1b]0;t\\x07\\u202e\\x0a"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_would_run_as_a_formula_is_guarded_and_read_back_as_it_was(cell: str) -> None:
    written = spreadsheet_cell(cell)
    assert isinstance(written, str) and written.startswith("'")
    assert unquote_formula(written) == cell.replace("\r", "")  # CR is a control: removed


def test_numbers_and_plain_text_are_written_as_they_are() -> None:
    assert spreadsheet_cell(-5) == -5 and spreadsheet_cell(1.5) == 1.5
    assert spreadsheet_cell("恒嘉") == "恒嘉" and unquote_formula("'恒嘉") == "'恒嘉"


def test_clean_fields_cleans_nested_records_and_keeps_a_clean_one_as_it_is() -> None:
    settings = small_campaign()
    assert clean_fields(settings) is settings
    dirty = replace(settings, name=EVIL, units=(replace(settings.units[0], principal=EVIL),))
    cleaned = clean_fields(dirty)
    assert cleaned.name == SHOWN and cleaned.units[0].principal == SHOWN


def test_every_write_function_stores_text_cleaned(campaign_store: Path) -> None:
    settings = small_campaign()
    save_campaign(replace(settings, name="活动" + EVIL))
    upsert_leads([lead("恒嘉" + EVIL, "家居" + EVIL, stage="lead", signed_on=None)], "c", TODAY)
    stored = Lead.get()
    change = leads.add_follow_up(stored.id, stored.version, "电话" + EVIL, TODAY, None, "c")
    leads.save_view("视图" + EVIL, leads.LeadFilter(text="恒嘉" + EVIL), "c")
    fields = leads.LeadFields("新锐" + EVIL, "园" + EVIL, "其他", 100, False, "其他", "区经信局")
    created = leads.create_lead(fields, "c", TODAY)
    leads.drop(created.lead_id, 1, "撤资" + EVIL, TODAY, "c")
    log_activity(
        ActivityInput(TODAY, "区经信局", "trip", False, "上海" + EVIL, "", "洽谈" + EVIL),
        ["恒嘉" + EVIL],
    )
    assert Campaign.get().name == "活动" + SHOWN
    assert (Lead.get_by_id(change.lead_id).company, Lead.get_by_id(change.lead_id).project) == (
        "恒嘉" + SHOWN,
        "家居" + SHOWN,
    )
    assert FollowUp.get().note == "电话" + SHOWN
    view = SavedView.get()
    assert view.name == "视图" + SHOWN and leads.saved_views()[0][1].text == "恒嘉" + SHOWN
    dropped = Lead.get_by_id(created.lead_id)
    assert (dropped.company, dropped.dropped_reason) == ("新锐" + SHOWN, "撤资" + SHOWN)
    act = Activity.get()
    assert (act.destination, act.note) == ("上海" + SHOWN, "洽谈" + SHOWN)
    assert act.leads.count() == 1  # the lead named with controls is the lead stored cleaned


def test_loading_the_campaign_again_renames_a_unit_an_older_version_stored_raw(
    campaign_store: Path,
) -> None:
    upsert_leads([lead("恒嘉", stage="lead", signed_on=None)], "c", TODAY)
    controls = "\x1b]52;c;aGk=\x07\u202e"  # nothing a reader sees: the same name to them
    Unit.update(name=Unit.name + controls).where(Unit.name == "区经信局").execute()
    changes = save_campaign(small_campaign())  # the unit has a lead: it could not be replaced
    assert changes.updated == ["unit 区经信局"] and not changes.removed
    assert Lead.get().unit.name == "区经信局"

"""The campaign file: the issue's exact shape loads; mistakes name the file and the key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from yeji_tui.config import (
    ConfigError,
    builtin_campaign,
    campaign_to_toml,
    load_campaign_file,
    parse_campaign,
)

ISSUE_SHAPE = """
[campaign]
name = "叶集区2022年“双招双引”百日攻坚行动"
start = 2022-07-15
end = 2022-10-22

[quotas]            # per month, see DOMAIN.md
trips = 2
principal_trips = 1
visits = 2
valid_leads = 1

[[targets]]
id = "signed_100m"
label = "新签约亿元以上项目"
stage = "signed"    # signed | started: which date counts
min_amount_wan = 10000      # optional, default 0
count = 15
industrial_count = 10       # optional

[[groups]]
name = "工业招商一组"
leader = "张副区长"
lead_unit = "区经信局"

[[units]]
name = "区经信局"
kind = "department"         # department | township | park | outpost
principal = "赵局长"
group = "工业招商一组"        # optional for outposts
"""


def test_the_issue_shape_loads() -> None:
    s = parse_campaign(ISSUE_SHAPE, "campaign.toml")
    assert s.start == date(2022, 7, 15) and s.end == date(2022, 10, 22)
    assert s.quotas.principal_trips == 1
    assert s.targets[0].min_amount_wan == 10000 and s.targets[0].industrial_count == 10
    assert s.units[0].group == "工业招商一组"
    assert s.groups[0].lead_unit == "区经信局"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        pytest.param(
            ("count = 15", "count = 15\ncolour = 1"), "targets[0].colour", id="unknown-target-key"
        ),
        pytest.param(("[quotas]", "[quotas]\ntrip = 3"), "quotas.trip", id="unknown-quota-key"),
        pytest.param(("[campaign]", "[campagin]\n[campaign]"), "campagin", id="unknown-table"),
        pytest.param(('stage = "signed"', 'stage = "won"'), "targets[0].stage", id="bad-stage"),
        pytest.param(('kind = "department"', 'kind = "bureau"'), "units[0].kind", id="bad-kind"),
        pytest.param(
            ("count = 15", 'count = "fifteen"'), "targets[0].count", id="count-not-number"
        ),
        pytest.param(
            ("end = 2022-10-22", "end = 2022-07-01"), "campaign.end", id="end-before-start"
        ),
        pytest.param(
            ('group = "工业招商一组"', 'group = "二组"'), "units[0].group", id="unknown-group"
        ),
        pytest.param(
            ('lead_unit = "区经信局"', 'lead_unit = "无"'),
            "groups[0].lead_unit",
            id="unknown-lead-unit",
        ),
        pytest.param(
            ("start = 2022-07-15", 'start = "July"'), "campaign.start", id="start-not-a-date"
        ),
        pytest.param(
            ("industrial_count = 10", "industrial_count = 20"),
            "targets[0].industrial_count",
            id="industrial-over-count",
        ),
        pytest.param(
            ('lead_unit = "区经信局"', 'lead_unit = "区经信局"\nsigned_task = -1'),
            "groups[0].signed_task",
            id="negative-group-task",
        ),
        pytest.param(
            ("[quotas]", '[[consultants]]\nname = "甲"\nrole = "agent"\n[quotas]'),
            "consultants[0].role",
            id="bad-consultant-role",
        ),
        pytest.param(
            ("[quotas]", '[[consultants]]\nname = "甲"\n[[consultants]]\nname = "甲"\n[quotas]'),
            "consultants[1].name",
            id="duplicate-consultant",
        ),
        pytest.param(
            (
                "[quotas]",
                '[[events]]\nkind = "party"\ntitle = "x"\nplanned_on = 2022-07-28\n[quotas]',
            ),
            "events[0].kind",
            id="bad-event-kind",
        ),
        pytest.param(
            ("[quotas]", '[assessment]\nall_quota_months = "yes"\n[quotas]'),
            "assessment.all_quota_months",
            id="assessment-not-bool",
        ),
    ],
)
def test_mistakes_name_the_file_and_the_key(change: tuple[str, str], where: str) -> None:
    text = ISSUE_SHAPE.replace(*change, 1)
    with pytest.raises(ConfigError) as caught:
        parse_campaign(text, "campaign.toml")
    assert any(p.startswith(f"campaign.toml: {where}:") for p in caught.value.problems), (
        caught.value.problems
    )


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[campaign\nname = 1", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_campaign_file(path)
    assert str(path) in caught.value.problems[0]


def test_outpost_may_have_no_group_but_a_department_may_not() -> None:
    ok = (
        ISSUE_SHAPE + '\n[[units]]\nname = "佛山招商中心"\nkind = "outpost"\nprincipal = "彭主任"\n'
    )
    assert parse_campaign(ok).units[1].group is None
    bad = ISSUE_SHAPE + '\n[[units]]\nname = "孙岗镇"\nkind = "township"\n'
    with pytest.raises(ConfigError, match=r"units\[1\]\.group"):
        parse_campaign(bad)


def test_export_then_load_gives_the_same_campaign() -> None:
    original = builtin_campaign()
    again = parse_campaign(campaign_to_toml(original))
    assert again == original


def test_builtin_campaign_is_the_notice() -> None:
    s = builtin_campaign()
    roles = [c.role for c in s.consultants]
    assert 5 <= roles.count("consultant") <= 10 and 3 <= roles.count("adviser") <= 5
    assert sum(g.signed_task for g in s.groups) == 15 and s.assessment.min_signed == 1
    assert (s.start, s.end) == (date(2022, 7, 15), date(2022, 10, 22))
    assert {t.id: (t.count, t.industrial_count) for t in s.targets} == {
        "signed_100m": (15, 10),
        "signed_500m": (5, 3),
        "started": (10, None),
    }
    outposts = {u.name for u in s.units if u.kind == "outpost"}
    assert outposts == {"上海招商中心", "南浔招商中心", "佛山招商中心"}
    assert any(u.kind == "park" for u in s.units)

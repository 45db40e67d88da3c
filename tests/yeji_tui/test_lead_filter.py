"""The filter line: free text and tokens, read both ways."""

from __future__ import annotations

import pytest

from models.leads import LeadFilter
from yeji_tui.lead_filter import FilterError, filter_line, parse_filter


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("hjjj", LeadFilter(text="hjjj")),
        ("恒嘉 单位:区经信局", LeadFilter(text="恒嘉", unit="区经信局")),
        (
            "unit:姚李镇 group:一组 industry:智能家居",
            LeadFilter(unit="姚李镇", group="一组", industry="智能家居"),
        ),
        (">1亿 有效 工业", LeadFilter(min_amount_wan=10000, valid_only=True, industrial_only=True)),
        (">5000 valid stale:14", LeadFilter(min_amount_wan=5000, valid_only=True, stale_days=14)),
        ("组：一组 停滞：7", LeadFilter(group="一组", stale_days=7)),
        (">0.5亿", LeadFilter(min_amount_wan=5000)),
        ("", LeadFilter()),
    ],
)
def test_parse_filter(line: str, expected: LeadFilter) -> None:
    assert parse_filter(line) == expected
    assert parse_filter(filter_line(expected)) == expected


@pytest.mark.parametrize("line", ["停滞:abc", "单位:", "stale:"])
def test_bad_tokens_are_named(line: str) -> None:
    with pytest.raises(FilterError):
        parse_filter(line)

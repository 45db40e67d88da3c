"""The catalog: every message in both languages, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yeji_tui.strings import MESSAGES, Catalog, parse_lang
from yeji_tui.text import cell_width, clean_text, fit, yi

PLACEHOLDER = re.compile(r"{(\w+)}")


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    zh, en = MESSAGES[key]
    assert zh and en
    assert set(PLACEHOLDER.findall(zh)) == set(PLACEHOLDER.findall(en))


def test_every_key_used_in_the_code_exists() -> None:
    root = Path(__file__).resolve().parents[2]
    used: set[str] = set()
    for folder in ("yeji_tui", "screens"):
        for path in (root / folder).rglob("*.py"):
            used |= set(
                re.findall(
                    r"""\bt\(\s*["']([a-z_]+\.?[a-z_.]*)["']""", path.read_text(encoding="utf-8")
                )
            )
    assert used, "no keys found"
    assert used - set(MESSAGES) == set()


def test_every_key_in_the_catalog_is_used_in_the_code() -> None:
    """A key is used when the code names it, or builds it (``f"stage.{stage}"``,
    ``f"units.{kind}_file"``) and names what fills it somewhere (the ``"negotiating"`` of
    STAGES, the ``14`` of a tuple of days)."""
    root = Path(__file__).resolve().parents[2]
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("models", "yeji_tui", "screens")
        for path in (root / folder).rglob("*.py")
        if path != root / "yeji_tui" / "strings.py"
    )
    named = set(re.findall(r"""["']([\w.]+)["']""", code))
    built = [
        re.compile(re.sub(r"\\{[^}]*\\}", r"(\\w+)", re.escape(template)))
        for template in re.findall(r"""\bf(?:"|')([a-z_]+\.[\w.]*\{[^"']*)(?:"|')""", code)
    ]
    words = set(re.findall(r"\w+", code))

    def used(key: str) -> bool:
        return key in named or any(
            (found := pattern.fullmatch(key)) and set(found.groups()) <= words for pattern in built
        )

    assert built, "no keys built from templates found"
    assert sorted(key for key in MESSAGES if not used(key)) == []


def test_catalog_formats_in_each_language() -> None:
    assert Catalog("zh")("day_of", e=57, d=100) == "已过 57/100 天"
    assert Catalog("en")("day_of", e=57, d=100) == "57 of 100 days over"
    assert parse_lang("en_US.UTF-8") == "en" and parse_lang(None) == "zh"


@pytest.mark.parametrize(
    ("text", "width"),
    [("abc", 3), ("叶集", 4), ("叶集ab", 6), ("（样例）", 8), ("", 0)],
)
def test_cell_width_counts_cjk_as_two(text: str, width: int) -> None:
    assert cell_width(text) == width


def test_fit_pads_and_cuts_by_display_width() -> None:
    assert fit("叶集", 6) == "叶集  "
    assert cell_width(fit("区文化旅游体育局", 9)) == 9
    assert fit("区文化旅游体育局", 9).endswith("…")
    assert fit("7", 3, align="right") == "  7"


def test_clean_text_strips_terminal_controls_but_keeps_text() -> None:
    assert clean_text("\x1b[2J恒嘉\x9b家居\x7f") == "恒嘉家居"
    assert clean_text("a\tb\nc") == "a b c"
    assert clean_text("line\nbreak", single_line=False) == "line\nbreak"


def test_yi_writes_wan_as_yi() -> None:
    assert (yi(12000), yi(100000), yi(800), yi(0)) == ("1.2", "10", "0.08", "0")

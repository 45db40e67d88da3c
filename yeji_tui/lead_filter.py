"""The pipeline's filter line: free text plus a few tokens, typed in one input.

    hjjj 单位:区经信局 组:一组 行业:智能家居 >1亿 有效 停滞:14

Free text matches company and project names, their pinyin and initials. Tokens (Chinese
or English): ``单位:``/``unit:``, ``组:``/``group:``, ``行业:``/``industry:``, ``>N`` (万元)
or ``>N亿``, ``有效``/``valid``, ``工业``/``industrial``, ``停滞:N``/``stale:N`` (days without a
change or follow-up).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from models.board import LeadFilter
from yeji_tui.text import clean_text

_KEYS = {
    "单位": "unit",
    "unit": "unit",
    "u": "unit",
    "组": "group",
    "小组": "group",
    "group": "group",
    "g": "group",
    "行业": "industry",
    "industry": "industry",
    "i": "industry",
    "停滞": "stale",
    "stale": "stale",
}
_AMOUNT = re.compile(r"^[>＞](\d+(?:\.\d+)?)(亿|万)?$")


class FilterError(ValueError):
    """A token of the filter line is wrong; ``key`` and ``values`` say why, in the catalog."""

    def __init__(self, token: str, key: str = "filter.bad", **values: object) -> None:
        super().__init__(token)
        self.key = key
        self.values: dict[str, object] = {"token": token, **values}


def parse_filter(line: str) -> LeadFilter:
    """The filter a line of text asks for."""
    text: list[str] = []
    found: dict[str, object] = {}
    for token in clean_text(line).replace("：", ":").split():
        amount = _AMOUNT.match(token)
        if amount:
            wan = float(amount[1]) * (10000 if amount[2] == "亿" else 1)
            found["min_amount_wan"] = int(wan)
        elif token[0] in ">＞":  # an amount that is not one (">abc") narrows nothing: say so
            raise FilterError(token)
        elif token.lower() in ("有效", "valid"):
            found["valid_only"] = True
        elif token.lower() in ("工业", "industrial"):
            found["industrial_only"] = True
        elif ":" in token and token.split(":", 1)[0].lower() in _KEYS:
            key, value = token.split(":", 1)
            field = _KEYS[key.lower()]
            if not value:
                raise FilterError(token)
            if field == "stale":
                if not value.isdigit():
                    raise FilterError(token)
                found["stale_days"] = int(value)
            else:
                found[field] = value
        else:
            text.append(token)
    return LeadFilter(text=" ".join(text), **found)  # type: ignore[arg-type]


def resolve_names(f: LeadFilter, units: Sequence[str], groups: Sequence[str]) -> LeadFilter:
    """``f`` with its unit and group named as the campaign names them: a token may give a
    name, its pinyin or its initials, as the forms' pickers take them (``单位:qjx`` → 区经信局).

    Raises FilterError when no name matches, or several do and none exactly.
    """
    found: dict[str, str] = {}
    for field, names in (("unit", units), ("group", groups)):
        value: str = getattr(f, field)
        if value and value not in names:
            found[field] = _one_name(field, value, names)
    return replace(f, unit=found.get("unit", f.unit), group=found.get("group", f.group))


def _one_name(field: str, value: str, names: Sequence[str]) -> str:
    from models.search import normalise_query, search_key  # pypinyin: only when asked

    query = normalise_query(value)
    matches = [name for name in names if query in search_key(name, "")]
    token = f"{'单位' if field == 'unit' else '组'}:{value}"
    if not matches:
        raise FilterError(token, f"filter.no_{field}")
    if len(matches) > 1:
        raise FilterError(token, "filter.many", names="、".join(matches[:3]), n=len(matches))
    return matches[0]


def filter_line(f: LeadFilter) -> str:
    """The line that ``parse_filter`` reads back to ``f`` (for saved views and the status line)."""
    parts = [f.text] if f.text else []
    if f.unit:
        parts.append(f"单位:{f.unit}")
    if f.group:
        parts.append(f"组:{f.group}")
    if f.industry:
        parts.append(f"行业:{f.industry}")
    if f.min_amount_wan:
        yi = f.min_amount_wan / 10000
        parts.append(f">{yi:g}亿" if f.min_amount_wan % 1000 == 0 else f">{f.min_amount_wan}")
    if f.valid_only:
        parts.append("有效")
    if f.industrial_only:
        parts.append("工业")
    if f.stale_days:
        parts.append(f"停滞:{f.stale_days}")
    return " ".join(parts)

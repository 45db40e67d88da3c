"""The audit as lines of a page: a lead's whole audit on its page, a unit's latest on its."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from models.audit_line import AuditLine
from screens.base import plain
from yeji_tui.audit_view import audit_row
from yeji_tui.strings import Catalog


def audit_block(
    t: Catalog, title: str, lines: Sequence[AuditLine], *, with_subject: bool = False
) -> list[Content]:
    """A heading, then one line per audit line: when, who, what, (which), field, change.
    Names, companies and values are user text: shown literally, never as markup."""
    block = [Content(""), Content.assemble((title, "bold $text-accent"))]
    if not lines:
        block.append(Content.assemble((t("detail.none"), "$text-muted")))
    for line in lines:
        when, who, action, subject, field, before, after = audit_row(line, t)
        change = f"{before} → {after}" if before else after
        parts: list[Content | str | tuple[str, str]] = [(f"{when[:16]}  ", "$text-muted")]
        parts += [plain(who), f"  {action}  "]
        if with_subject:
            parts += [plain(subject), "  "]
        parts += [plain(field), "  " if field else "", plain(change)]
        block.append(Content.assemble(*parts))
    return block

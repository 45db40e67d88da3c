"""The audit as a report (``yeji audit``) and as lines for the lead and unit pages, in the UI
language: actions and the campaign file's markers translated, user text as typed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from models.audit_line import AuditLine
from models.records import STAGES
from yeji_tui.strings import MESSAGES, Catalog

if TYPE_CHECKING:  # the report's writers load with the CLI's report
    from yeji_tui.reports import Report

#: The columns, in order (their header words are ``audit.<column>``).
COLUMNS = ("time", "user", "action", "subject", "field", "before", "after")
#: What the store writes for a change to the campaign file: the item was added, changed, removed.
_CAMPAIGN_MARKS = {"+": "audit.added", "~": "audit.changed", "-": "audit.removed"}
# An import's batch line: "+3 ~1" (leads added, changed) or "+3" (activities added).
_BATCH = re.compile(r"\+(\d+)(?: ~(\d+))?")


def audit_row(line: AuditLine, t: Catalog) -> tuple[str, ...]:
    """One line as the table's cells."""
    who = line.login if line.name in ("", line.login) else f"{line.name} ({line.login})"
    done = line.action.replace("-", "_")  # follow-up → audit.do.follow_up
    action = t(f"audit.do.{done}") if f"audit.do.{done}" in MESSAGES else line.action
    subject = line.subject if line.lead_id is None else f"#{line.lead_id} {line.subject}"
    after = line.after or ""
    if line.action == "campaign" and after in _CAMPAIGN_MARKS:
        after = t(_CAMPAIGN_MARKS[after])
    batch = _BATCH.fullmatch(subject) if line.field == "" else None
    if batch:
        added, updated = batch.groups()
        subject = t("audit.batch", added=added, updated=updated or "0")
    before = line.before or ""
    if line.field == "stage":  # the stage words of the interface, not the stored names
        before, after = (t(f"stage.{v}") if v in STAGES else v for v in (before, after))
    field = t(f"audit.f.{line.field}") if f"audit.f.{line.field}" in MESSAGES else line.field
    return (
        line.at.strftime("%Y-%m-%d %H:%M:%S"),
        who,
        action,
        subject,
        field,
        before,
        after,
    )


def audit_headers(t: Catalog) -> tuple[str, ...]:
    """The header words in the UI language."""
    return tuple(t(f"audit.{c}") for c in COLUMNS)


def audit_report(lines: Sequence[AuditLine], t: Catalog, subtitle: str = "") -> Report:
    """The lines as a one-table report (md fits like the other reports; csv/xlsx formula-safe
    through the same writers)."""
    from yeji_tui.reports import Report, Table  # the pages' lines need neither (nor Peewee)

    rows = tuple(audit_row(x, t) for x in lines)
    table = Table(t("audit.count", n=len(rows)), audit_headers(t), rows)
    return Report(t("audit.title"), subtitle, (table,))

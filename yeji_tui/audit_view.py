"""The audit as a report (``yeji audit``) and as lines for the lead and unit pages."""

from __future__ import annotations

from collections.abc import Sequence

from models.audit import AuditLine
from yeji_tui.reports import Report, Table
from yeji_tui.strings import Catalog

#: The columns, in order (their header words are ``audit.<column>``).
COLUMNS = ("time", "user", "action", "subject", "field", "before", "after")


def audit_row(line: AuditLine) -> tuple[str, ...]:
    """One line as the table's cells."""
    who = line.login if line.name in ("", line.login) else f"{line.name} ({line.login})"
    return (
        line.at.strftime("%Y-%m-%d %H:%M:%S"),
        who,
        line.action,
        line.subject if line.lead_id is None else f"#{line.lead_id} {line.subject}",
        line.field,
        line.before or "",
        line.after or "",
    )


def audit_headers(t: Catalog) -> tuple[str, ...]:
    """The header words in the UI language."""
    return tuple(t(f"audit.{c}") for c in COLUMNS)


def audit_report(lines: Sequence[AuditLine], t: Catalog, subtitle: str = "") -> Report:
    """The lines as a one-table report (md fits like the other reports; csv/xlsx formula-safe
    through the same writers)."""
    table = Table(t("audit.title"), audit_headers(t), tuple(audit_row(x) for x in lines))
    return Report(t("audit.title"), subtitle, (table,))

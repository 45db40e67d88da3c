"""``yeji report`` and ``yeji audit``: the dispatch, the assessment and the audit's lines as
tables, on the terminal (fitted to its width) or written whole to ``--out``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from yeji_tui.cli_context import (
    Context,
    campaign,
    open_store,
    out_path,
    output_format,
    parse_day_flag,
)
from yeji_tui.cli_errors import CliError

if TYPE_CHECKING:
    from yeji_tui.reports import Report


def cmd_report(ctx: Context, args: argparse.Namespace) -> int:
    """``yeji report dispatch|assessment [--from D --to D] [--format md|csv|xlsx] [--out F]``."""
    from datetime import timedelta

    fmt = output_format(args.format, args.out, "md")
    if fmt == "xlsx" and not args.out:
        raise CliError(ctx.t("rep.xlsx_needs_out"))
    out = out_path(ctx, args.out)
    since = until = None
    ahead = None
    if args.kind == "dispatch":
        until = parse_day_flag("--to", args.until) or ctx.today
        since = parse_day_flag("--from", args.since) or until - timedelta(days=13)
        if since > until:
            raise CliError("--from > --to")
        if isinstance(ctx.db_path, Path):
            # its slowest count, begun before Peewee loads (models.followed_ahead)
            from models import followed_ahead

            ahead = followed_ahead.start(ctx.db_path, since, until)

    from yeji_tui import reports
    from yeji_tui.progress import Progress

    open_store(ctx, create=False)
    settings = campaign(ctx)
    stale = ctx.settings.stale_days
    with Progress(ctx.t) as progress:
        progress.phase("progress.report")  # shown only if it takes a while
        if since is not None and until is not None:
            report = reports.dispatch(settings, since, until, ctx.t, stale_days=stale, ahead=ahead)
        else:
            report = reports.assessment(settings, ctx.today, ctx.t, stale_days=stale)
        width = None if args.wide else terminal_width()
        text = write_report(ctx, report, fmt, out, width)
    if out is None:
        sys.stdout.write(text or "")
    else:
        print(ctx.t("rep.written", path=out), file=sys.stderr)
    return 0


def write_report(
    ctx: Context, report: Report, fmt: str, out: Path | None, width: int | None
) -> str | None:
    """A report's text (no ``out``; its tables fitted to ``width``), or the report written to
    ``out`` whole or not at all."""
    from yeji_tui import reports

    if out is None:
        return reports.write(report, fmt, None, width=width)  # type: ignore[arg-type]
    from yeji_tui.output import replacing

    with replacing(out, ctx.t) as scratch:
        reports.write(report, fmt, scratch)  # type: ignore[arg-type]
    return None


def cmd_audit(ctx: Context, args: argparse.Namespace) -> int:
    """``yeji audit [--since D] [--until D] [--user L] [--unit U] [--lead ID] [--format F]
    [--out FILE]``: the audit's lines, oldest first."""
    from models.audit import audit_lines
    from models.audit_line import AuditQuery
    from yeji_tui.audit_view import audit_report
    from yeji_tui.text import clean_text

    fmt = output_format(args.format, args.out, "md")
    if fmt == "xlsx" and not args.out:
        raise CliError(ctx.t("rep.xlsx_needs_out"))
    out = out_path(ctx, args.out)
    query = AuditQuery(
        since=parse_day_flag("--since", args.since),
        until=parse_day_flag("--until", args.until),
        login=clean_text(args.user or ""),
        unit=clean_text(args.unit or ""),
        lead_id=args.lead,
    )
    open_store(ctx, create=False)
    given = [
        f"{flag} {value}"
        for flag, value in (
            ("--since", args.since),
            ("--until", args.until),
            ("--user", query.login),
            ("--unit", query.unit),
            ("--lead", args.lead),
        )
        if value
    ]
    report = audit_report(audit_lines(query), ctx.t, " ".join(given) or ctx.t("audit.all"))
    text = write_report(ctx, report, fmt, out, None if args.wide else terminal_width())
    if out is None:
        sys.stdout.write(text or "")
    else:
        print(ctx.t("rep.written", path=out), file=sys.stderr)
    return 0


def terminal_width() -> int | None:
    """The columns a table on stdout may take: the terminal's (``COLUMNS`` first, as
    ``shutil.get_terminal_size`` reads it); None — the full table — when stdout is a pipe or a
    file and ``COLUMNS`` is not set, since a file is read in an editor, not at 80 columns."""
    import shutil

    if not sys.stdout.isatty() and not os.environ.get("COLUMNS"):
        return None
    return shutil.get_terminal_size().columns

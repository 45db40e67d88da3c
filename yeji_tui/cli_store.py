"""The commands that fill, copy and look after the store: ``init``, ``config export``,
``import``, ``export``, ``demo``, ``backup``, ``check``, ``migrate`` and ``restore``."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from yeji_tui.cli_context import Context, campaign, open_store, out_path, output_format
from yeji_tui.cli_errors import EXIT_DATA, EXIT_OK, CliError, say

if TYPE_CHECKING:
    from yeji_tui.progress import Progress


def cmd_init(ctx: Context, config: Path) -> int:
    """``yeji init --config FILE``: create the store, load or update the campaign."""
    from models.campaigns import save_campaign
    from yeji_tui.config import ConfigError, load_campaign_file

    try:
        settings = load_campaign_file(config)
    except ConfigError as exc:
        raise CliError("\n".join(exc.problems)) from exc
    open_store(ctx)
    changes = save_campaign(settings)
    if changes.changed:
        summary = f"+{len(changes.added)} ~{len(changes.updated)} -{len(changes.removed)}"
        print(ctx.t("cli.init_done", changes=summary))
    else:
        print(ctx.t("cli.init_same"))
    return 0


def cmd_export(ctx: Context, out: Path | None) -> int:
    """``yeji config export [FILE]``."""
    from yeji_tui.config import campaign_to_toml

    out_path(ctx, str(out) if out else None)
    open_store(ctx, create=False)
    text = campaign_to_toml(campaign(ctx))
    if out is None:
        sys.stdout.write(text)
    else:
        from yeji_tui.output import replacing

        with replacing(out, ctx.t) as scratch:
            scratch.write_text(text, encoding="utf-8")
        print(ctx.t("cli.exported", path=out))
    return 0


def cmd_import(ctx: Context, what: str, path: Path, *, dry_run: bool) -> int:
    """``yeji import leads|activities FILE [--dry-run]``: all rows or none.

    The file is read, checked and prepared before the write lock is taken; the write itself is
    one short transaction (models.ledger).
    """
    from models.db import current_user
    from models.ledger import add_activities, upsert_leads
    from yeji_tui.importer import FileRefused, ImportRefused, each_activity, each_lead
    from yeji_tui.progress import Progress

    open_store(ctx, create=False)
    settings = campaign(ctx)
    try:
        with Progress(ctx.t) as progress:
            if what == "leads":
                leads = each_lead(path, settings, ctx.t, today=ctx.today)
                if dry_run:
                    n = _count(leads, progress)
                else:
                    result = upsert_leads(leads, current_user(), ctx.today, progress.ledger)
            else:
                acts = each_activity(path, settings, ctx.t, today=ctx.today)
                if dry_run:
                    n = _count(acts, progress)
                else:
                    result = add_activities(acts, progress.ledger)
    except FileRefused as refused:  # the file as a whole: one line
        raise CliError(str(refused)) from refused
    except ImportRefused as refused:
        from yeji_tui.text import escape_controls

        rows = {p.line for p in refused.problems}
        lines = [ctx.t("cli.import_bad", path=path, n=len(rows))] + [
            "  "
            + ctx.t("cli.problem", line=p.line, column=p.column or "-", value=p.value, why=p.why)
            for p in refused.problems
        ]
        # a bad cell is shown as it was (\x1b]52…), never sent to the terminal as it was
        print("\n".join(escape_controls(line) for line in lines), file=sys.stderr)
        return 1
    if dry_run:
        print(ctx.t("cli.import_dry", n=n))
    else:
        print(
            ctx.t(
                "cli.import_ok",
                added=result.added,
                updated=result.updated,
                unchanged=result.unchanged,
            )
        )
    return 0


def _count(checked: Iterable[object], progress: Progress) -> int:
    """Check every row (a dry run), saying how far it has got."""
    n = 0
    for n, _ in enumerate(checked, start=1):
        if n % 5000 == 0:
            progress.ledger("read", n)
    return n


def cmd_export_ledger(ctx: Context, what: str, flag: str | None, out: str | None) -> int:
    """``yeji export leads|activities [--format csv|xlsx] [--out FILE]``."""
    from models.ledger import all_activities, all_leads
    from yeji_tui.ledger_export import export_table, write_csv, write_table

    fmt = output_format(flag, out, "csv")
    if fmt == "xlsx" and not out:
        raise CliError(ctx.t("rep.xlsx_needs_out"))
    out_path(ctx, out)
    from yeji_tui.progress import Progress

    open_store(ctx, create=False)
    # not over CSV going to the same terminal
    with Progress(ctx.t, shown=out is not None or not sys.stdout.isatty()) as progress:
        items = all_leads() if what == "leads" else all_activities()
        progress.phase("progress.exporting", len(items))
        headers, rows = export_table(items, ctx.t)
        if out is None:
            write_csv(sys.stdout, headers, rows, lineterminator="\n")
            return 0
        path = Path(out)
        if fmt == "xlsx" and path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        from yeji_tui.output import replacing

        with replacing(path, ctx.t) as scratch:
            write_table(scratch, headers, rows)
    print(ctx.t("rep.written", path=path), file=sys.stderr)
    return 0


def cmd_demo(ctx: Context, *, leads: int, seed: int, activities: int | None) -> int:
    """``yeji demo``: a realistic, deterministic demo campaign in progress."""
    from models.queries import load_campaign
    from yeji_tui.demo import build_demo

    open_store(ctx)
    current = load_campaign()
    if current is not None and not current.is_demo:
        raise CliError(ctx.t("cli.demo_refused", name=current.name))
    if leads < 0 or (activities is not None and activities < 0):
        raise CliError("--leads / --activities ≥ 0")
    from yeji_tui.progress import Progress

    with Progress(ctx.t) as progress:
        progress.phase("progress.demo")
        made = build_demo(
            ctx.today, leads=leads, seed=seed, activities=activities, progress=progress.demo
        )
    print(ctx.t("cli.demo_done", leads=made.leads, activities=made.activities, path=ctx.db_path))
    return 0


def cmd_backup(ctx: Context, dest: Path, *, force: bool) -> int:
    """``yeji backup FILE [--force]``: a whole, checked copy, while others keep working."""
    from models.maintenance import backup_store

    open_store(ctx, create=False)
    done = backup_store(dest, replace=force)
    print(ctx.t("backup.done", path=done, size=f"{done.stat().st_size / 1_048_576:.1f} MB"))
    return 0


def cmd_migrate(ctx: Context, to: str) -> int:
    """``yeji migrate --to URL|FILE``: the store copied whole, each table's rows counted."""
    from models.access import authorize, current_actor
    from models.store_url import place_of, shown
    from models.transfer import copy_store

    open_store(ctx, create=False)
    authorize(current_actor(), "backup")
    target = place_of(to)
    counts = copy_store(target, lambda step: say(ctx.t(f"migrate.step.{step}")))
    print(ctx.t("migrate.head"))
    for c in counts:
        print(ctx.t("migrate.table", table=c.table, source=c.source, copy=c.copy))
    print(ctx.t("migrate.done", path=shown(target), tables=len(counts)))
    return 0


def cmd_check(ctx: Context) -> int:
    """``yeji check``: exit 0 with "all good", or 1 and one line per problem."""
    from models.maintenance import check_store
    from yeji_tui.progress import Progress

    open_store(ctx, create=False)
    with Progress(ctx.t) as progress:  # shown once a part has taken a moment
        result = check_store(lambda part: progress.phase(f"progress.check.{part}"))
    for problem in result.problems:
        print(ctx.t(problem.key, **problem.values))
    if result.hidden:
        print(ctx.t("check.more", n=result.hidden))
    found = len(result.problems) + result.hidden
    print(ctx.t("check.found", n=found) if found else ctx.t("check.ok"))
    return EXIT_DATA if found else EXIT_OK


def cmd_restore(ctx: Context, source: Path) -> int:
    """``yeji restore FILE``: the checked backup in place; the old store kept aside."""
    from models.maintenance import restore_store
    from models.store_url import StoreUrl

    if isinstance(ctx.db_path, StoreUrl):  # a server's database is its administrator's
        raise CliError(ctx.t("restore.server"))
    aside = restore_store(ctx.db_path, source, read_only=ctx.read_only)
    if aside is None:
        print(ctx.t("restore.done_new", source=source, path=ctx.db_path))
    else:
        print(ctx.t("restore.done", source=source, path=ctx.db_path, aside=aside))
    return 0

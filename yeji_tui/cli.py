"""The ``yeji`` command. With no command it opens the TUI; everything else stays in the shell.

Imports are lazy: ``yeji status`` must never import Textual (it starts in well under 0.2 s), so
each command's module is imported only when that command runs. The commands live beside this
module: cli_parser (the command line), cli_errors (what the user is told, exit codes),
cli_context (what every command needs), cli_status (the quick path), cli_reports (report,
audit) and cli_store (init, import, export, demo, backup, check, migrate, restore).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from yeji_tui.cli_context import (
    Context,
    campaign,
    open_store,
    parse_today,
    store_path,
    user_settings,
)
from yeji_tui.cli_errors import (
    EXIT_BUSY,
    EXIT_DATA,
    EXIT_INTERRUPTED,
    EXIT_NOT_ALLOWED,
    EXIT_OK,
    EXIT_PIPE,
    EXIT_USAGE,
    CliError,
    explain,
    say,
    silence_stdout,
    tell_when_waiting,
)
from yeji_tui.cli_parser import build_parser, parse_command_line
from yeji_tui.strings import Catalog, parse_lang

# what scripts and tests import from here, as before the commands had modules of their own
__all__ = [
    "EXIT_BUSY",
    "EXIT_DATA",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_ALLOWED",
    "EXIT_OK",
    "EXIT_PIPE",
    "EXIT_USAGE",
    "CliError",
    "Context",
    "build_parser",
    "leave_out_server_driver",
    "main",
    "run",
    "run_tui",
]


def run() -> int:
    """The ``yeji`` console script: ``main`` on this process's command line, with the
    PostgreSQL driver kept out when no store of the command is on a server."""
    leave_out_server_driver(sys.argv[1:], os.environ.get("YEJI_DB", ""))
    return main()


def leave_out_server_driver(argv: list[str], env_store: str) -> None:
    """Keep psycopg from being imported when nothing names a PostgreSQL store: Peewee imports
    whatever driver is installed as it loads (+100 ms and 11 MB on every command), and a
    process here opens one store. Only the console script does this; tests call ``main``."""
    named = [a.lower() for a in [*argv, env_store]]  # also --db=postgresql://…
    if any("postgresql://" in a or "postgres://" in a for a in named):
        return
    sys.modules.setdefault("psycopg", None)  # type: ignore[arg-type]
    sys.modules.setdefault("psycopg2", None)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the command line (the console script calls it through ``run``).

    Every failure ends here as one line on stderr, ``yeji: <what, where, what to do>``, and an
    exit code (1 data, 2 usage, 3 not allowed, 4 busy); ``YEJI_DEBUG=1`` shows the traceback.
    """
    args = parse_command_line(argv)  # a mistyped command line: argparse exits with 2
    t = Catalog(parse_lang(args.lang or os.environ.get("YEJI_LANG")))  # until the settings say
    try:
        settings = user_settings()
        t = Catalog(parse_lang(args.lang or os.environ.get("YEJI_LANG") or settings.lang))
        ctx = Context(
            db_path=store_path(args.db),
            today=parse_today(args.today or os.environ.get("YEJI_TODAY")),
            t=t,
            settings=settings,
            read_only=args.read_only,
        )
        return _dispatch(args, ctx)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (``yeji export leads | head -1``): nothing more to say to it
        silence_stdout()
        return EXIT_PIPE
    except Exception as exc:
        if os.environ.get("YEJI_DEBUG"):
            raise
        message, code = explain(exc, t)
        say(message)
        return code


def _dispatch(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command, importing only its own module."""
    if args.command is None:
        return run_tui(ctx, args.section)
    tell_when_waiting(ctx.t)  # the TUI says so in its own way
    if args.command == "status":
        from yeji_tui.cli_status import cmd_status

        return cmd_status(ctx, as_json=args.json)
    if args.command in ("report", "audit"):
        from yeji_tui.cli_reports import cmd_audit, cmd_report

        return cmd_report(ctx, args) if args.command == "report" else cmd_audit(ctx, args)
    if args.command == "serve":
        return cmd_serve(ctx, args)
    return _store_command(args, ctx)


def _store_command(args: argparse.Namespace, ctx: Context) -> int:
    from yeji_tui import cli_store as store

    if args.command == "init":
        return store.cmd_init(ctx, Path(args.config))
    if args.command == "config":
        return store.cmd_export(ctx, Path(args.file) if args.file else None)
    if args.command == "import":
        return store.cmd_import(ctx, args.what, Path(args.file), dry_run=args.dry_run)
    if args.command == "export":
        return store.cmd_export_ledger(ctx, args.what, args.format, args.out)
    if args.command == "backup":
        return store.cmd_backup(ctx, Path(args.file), force=args.force)
    if args.command == "check":
        return store.cmd_check(ctx)
    if args.command == "migrate":
        return store.cmd_migrate(ctx, args.to)
    if args.command == "restore":
        return store.cmd_restore(ctx, Path(args.file))
    if args.command == "demo":
        code = store.cmd_demo(ctx, leads=args.leads, seed=args.seed, activities=args.activities)
        return run_tui(ctx, args.section) if code == 0 and args.open else code
    raise CliError(f"unknown command {args.command}")


def cmd_serve(ctx: Context, args: argparse.Namespace) -> int:
    """``yeji serve``: the TUI in a browser, read-only unless ``--writable``."""
    from yeji_tui.serve import ServeMissing, ServeOptions, serve

    if ctx.read_only and args.writable:
        raise CliError("--read-only / --writable", EXIT_USAGE)
    open_store(ctx, create=False)  # a store that cannot be opened is said here, not in each tab
    campaign(ctx)
    options = ServeOptions(
        db_path=ctx.db_path,
        host=args.host,
        port=args.port,
        writable=args.writable,
        lang=ctx.lang,
        today=args.today,
        public_url=args.public_url,
    )
    try:
        serve(options, ctx.t)
    except ServeMissing as exc:
        raise CliError(ctx.t("serve.missing", extra=str(exc))) from exc
    except OSError as exc:  # the port is taken, or the address is not this machine's
        why = ctx.t("serve.cannot_listen", host=args.host, port=args.port, why=exc)
        raise CliError(why) from exc
    return 0


def run_tui(ctx: Context, section: str = "overview") -> int:
    """Open the TUI (the only path that imports Textual)."""
    # Start-up makes a few hundred thousand objects that live as long as the app (modules,
    # classes, styles, widgets); collecting garbage among them ~130 times before the first
    # frame cost 50 ms. The app freezes them and turns collection back on once it has painted.
    gc.disable()
    from yeji_tui import prefetch

    # A store already open here (``yeji demo --open``) is only read by a child; any other is
    # opened by one while this process imports Textual, and here only after the first frame.
    child = None if "models.db" in sys.modules else prefetch.open_in_child(ctx, section)
    if child is None:
        notices: Sequence[str] = prefetch.open_for_tui(ctx)
        last_entry: int | None = prefetch.last_entry()
        stale_days = ctx.settings.stale_days
        first, actor = prefetch.prefetch(section, ctx.today, stale_days), None  # before Textual
        from yeji_tui.app import YejiApp
    else:
        from yeji_tui.app import YejiApp  # meanwhile the child opens the store

        try:
            opened = child.opened()
        except prefetch.OpenFailed as exc:
            raise CliError(str(exc), exc.code) from None
        notices, first, actor = opened.notices, opened.first_load, opened.actor
        last_entry = opened.last_entry
        from models.opening import open_later

        open_later(lambda: prefetch.open_again(ctx))
    YejiApp(
        db_path=ctx.db_path,
        today=ctx.today,
        lang=ctx.lang,
        settings=ctx.settings,
        first_load=first,
        section=section,
        notices=tuple(notices),
        actor=actor,
        last_entry=last_entry,
    ).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())

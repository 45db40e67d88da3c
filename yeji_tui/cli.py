"""The ``yeji`` command. With no command it opens the TUI; everything else stays in the shell.

Imports are lazy: ``yeji status`` must never import Textual (it starts in well under 0.2 s).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from yeji_tui.settings import UserSettings
from yeji_tui.strings import Catalog, Lang, parse_lang

if TYPE_CHECKING:
    from models.engine import StorePlace
    from yeji_tui.progress import Progress
    from yeji_tui.reports import Report


@dataclass(frozen=True)
class Context:
    """What every command needs: the store's path, the day, and the language."""

    db_path: StorePlace
    today: date
    t: Catalog
    settings: UserSettings
    #: ``--read-only``: open the store for reading only
    read_only: bool = False

    @property
    def lang(self) -> Lang:
        """The interface language."""
        return self.t.lang


#: Exit codes: what a script calling ``yeji`` can tell apart.
EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_NOT_ALLOWED, EXIT_BUSY = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_PIPE = 130, 141


class CliError(Exception):
    """A failure to report in one line, without a traceback (exit 1 unless told otherwise)."""

    def __init__(self, message: str, code: int = EXIT_DATA) -> None:
        super().__init__(message)
        self.code = code


def _parse_today(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"--today / YEJI_TODAY: YYYY-MM-DD: {value}") from exc


def build_parser() -> argparse.ArgumentParser:
    """The command line: global options, then one command."""
    p = argparse.ArgumentParser(
        prog="yeji", description="叶集区“双招双引”百日攻坚行动 / Yeji campaign"
    )
    p.add_argument("--db", metavar="PATH", help="数据库文件 / the store (env YEJI_DB)")
    p.add_argument(
        "--today", metavar="YYYY-MM-DD", help="按此日期计算 / as of this day (env YEJI_TODAY)"
    )
    p.add_argument(
        "--lang", choices=("zh", "en"), help="界面语言 / interface language (env YEJI_LANG)"
    )
    p.add_argument(
        "--read-only",
        action="store_true",
        help="只读打开，拒绝一切修改 / open the store for reading only",
    )
    p.add_argument(
        "--section",
        choices=("overview", "pipeline", "units", "triage"),
        default="overview",
        help="界面打开时显示 / the TUI opens on this section",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    init = sub.add_parser(
        "init", help="创建数据库并载入活动配置 / create the store, load a campaign"
    )
    init.add_argument(
        "--config", required=True, metavar="FILE", help="活动配置 TOML / campaign file"
    )

    config = sub.add_parser("config", help="活动配置 / campaign file")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    export = config_sub.add_parser("export", help="写出活动配置 / write the campaign file")
    export.add_argument("file", nargs="?", metavar="FILE", help="默认输出到屏幕 / default: stdout")

    demo = sub.add_parser("demo", help="生成演示数据 / fill the store with a demo campaign")
    demo.add_argument("--leads", type=int, default=600, metavar="N", help="线索数 / leads (600)")
    demo.add_argument("--seed", type=int, default=2022, metavar="S", help="随机种子 / seed (2022)")
    demo.add_argument(
        "--activities", type=int, metavar="M", help="活动数，默认线索数的一半 / default: leads/2"
    )
    demo.add_argument("--open", action="store_true", help="完成后打开界面 / open the TUI after")

    status = sub.add_parser("status", help="活动进度一览 / the campaign at a glance")
    status.add_argument("--json", action="store_true", help="输出 JSON / print JSON")

    imp = sub.add_parser("import", help="导入台账 CSV / import a ledger CSV")
    imp.add_argument("what", choices=("leads", "activities"))
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument("--dry-run", action="store_true", help="只检查不写入 / check only")

    report = sub.add_parser("report", help="调度与考核报表 / dispatch and assessment reports")
    report.add_argument("kind", choices=("dispatch", "assessment"))
    report.add_argument(
        "--from",
        dest="since",
        metavar="YYYY-MM-DD",
        help="默认：近两周 / default: the last 14 days",
    )
    report.add_argument(
        "--to", dest="until", metavar="YYYY-MM-DD", help="默认：今天 / default: today"
    )
    report.add_argument(
        "--format",
        choices=("md", "csv", "xlsx"),
        help="默认按 --out 后缀，否则 md / default: from --out, else md",
    )
    report.add_argument("--out", metavar="FILE", help="默认输出到屏幕 / default: stdout")
    report.add_argument(
        "--wide",
        action="store_true",
        help="表格不按终端宽度折行 / tables as wide as they are, not fitted to the terminal",
    )

    aud = sub.add_parser("audit", help="操作记录 / who changed what")
    aud.add_argument("--since", metavar="YYYY-MM-DD", help="起 / from this day")
    aud.add_argument("--until", metavar="YYYY-MM-DD", help="止 / to this day (inclusive)")
    aud.add_argument("--user", metavar="LOGIN", help="账号 / an account")
    aud.add_argument("--unit", metavar="NAME", help="单位 / a unit")
    aud.add_argument("--lead", type=int, metavar="ID", help="线索编号 / a lead")
    aud.add_argument("--format", choices=("md", "csv", "xlsx"), help="默认按 --out 后缀，否则 md")
    aud.add_argument("--out", metavar="FILE", help="默认输出到屏幕 / default: stdout")
    aud.add_argument("--wide", action="store_true", help="表格不按终端宽度折行 / not fitted")

    export = sub.add_parser("export", help="导出台账 / export a ledger")
    export.add_argument("what", choices=("leads", "activities"))
    export.add_argument("--format", choices=("csv", "xlsx"), help="默认按 --out 后缀，否则 csv")
    export.add_argument("--out", metavar="FILE", help="默认输出到屏幕（CSV） / default: stdout")

    backup = sub.add_parser("backup", help="备份数据库（他人可照常使用） / back up the store")
    backup.add_argument("file", metavar="FILE", help="备份文件或目录 / a file, or a directory")
    backup.add_argument("--force", action="store_true", help="覆盖已有文件 / replace FILE")
    serve = sub.add_parser("serve", help="在浏览器中使用界面 / the TUI in a browser")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址 / address (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="端口 / port (8000)")
    serve.add_argument(
        "--writable", action="store_true", help="允许修改（默认只读） / allow changes"
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="浏览器访问的地址（反向代理时） / the address browsers use, behind a proxy",
    )
    sub.add_parser("check", help="检查数据库是否完好 / check the store is whole")
    migrate = sub.add_parser(
        "migrate", help="把数据库整体复制到 PostgreSQL 或新文件 / copy the store elsewhere"
    )
    migrate.add_argument(
        "--to",
        required=True,
        metavar="URL|FILE",
        help="空的 PostgreSQL 数据库或新的 SQLite 文件 / an empty database or a new file",
    )
    restore = sub.add_parser("restore", help="用备份恢复数据库 / put a backup in place")
    restore.add_argument("file", metavar="FILE", help="备份文件 / the backup")
    return p


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
    args = build_parser().parse_args(argv)  # a mistyped command line: argparse exits with 2
    t = Catalog(parse_lang(args.lang or os.environ.get("YEJI_LANG")))  # until the settings say
    try:
        settings = _settings()
        t = Catalog(parse_lang(args.lang or os.environ.get("YEJI_LANG") or settings.lang))
        ctx = Context(
            db_path=_store_path(args.db),
            today=_parse_today(args.today or os.environ.get("YEJI_TODAY")),
            t=t,
            settings=settings,
            read_only=args.read_only,
        )
        _tell_when_waiting(ctx.t)
        return _dispatch(args, ctx)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (``yeji export leads | head -1``): nothing more to say to it
        _silence_stdout()
        return EXIT_PIPE
    except Exception as exc:
        if os.environ.get("YEJI_DEBUG"):
            raise
        message, code = _explain(exc, t)
        _say(message)
        return code


def _explain(exc: Exception, t: Catalog) -> tuple[str, int]:
    """One line for the user, and the exit code, for anything that stopped a command."""
    from models.db import NotAllowed, StoreBusy, StoreError

    if isinstance(exc, CliError):
        return str(exc), exc.code
    if isinstance(exc, StoreBusy):
        return exc.message(t), EXIT_BUSY
    if isinstance(exc, NotAllowed):
        return exc.message(t), EXIT_NOT_ALLOWED
    if isinstance(exc, StoreError):
        return exc.message(t), EXIT_DATA
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}", EXIT_DATA
    return (
        f"意外错误 / unexpected error: {type(exc).__name__}: {exc} "
        "(YEJI_DEBUG=1 显示详情 / shows the details)",
        EXIT_DATA,
    )


def _say(message: str) -> None:
    """An error line on stderr, with anything that could act on the terminal escaped."""
    from yeji_tui.text import escape_controls

    lines = [escape_controls(line) for line in message.splitlines()] or [""]
    with contextlib.suppress(OSError):
        print("yeji: " + "\n".join(lines), file=sys.stderr)


def _tell_when_waiting(t: Catalog) -> None:
    """A write that must wait for another writer says so on stderr (models.db waits up to
    BUSY_WAIT_S, then raises StoreBusy: exit 4)."""
    from models.db import set_busy_notice

    def notice() -> None:
        clear = "\r\x1b[K" if sys.stderr.isatty() else ""  # over a progress line
        with contextlib.suppress(OSError):
            print(clear + t("busy.waiting"), file=sys.stderr)

    set_busy_notice(notice)


def _silence_stdout() -> None:
    # Python flushes stdout at exit; once the pipe is closed that flush raises again.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _settings() -> UserSettings:
    from yeji_tui.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise CliError(str(exc)) from exc


def _store_path(flag: str | None) -> StorePlace:
    from models.db import resolve_store_path

    return resolve_store_path(flag)


def _open(ctx: Context, *, create: bool = True) -> list[str]:
    """Open the store (a StoreError says what is wrong, main() prints it); returns what the
    user should know, also said on stderr (an upgrade and where the copy from before is)."""
    from models.db import SCHEMA_VERSION, open_store

    opened = open_store(ctx.db_path, create=create, read_only=ctx.read_only)
    notices = []
    if opened.upgrade_backup is not None:
        notices.append(
            ctx.t(
                "store.upgraded",
                version=opened.upgraded_from,
                supported=SCHEMA_VERSION,
                backup=opened.upgrade_backup,
            )
        )
    for notice in notices:
        _say(notice)
    return notices


def _campaign(ctx: Context):  # type: ignore[no-untyped-def]
    from models.queries import load_campaign

    settings = load_campaign()
    if settings is None:
        raise CliError(ctx.t("no_campaign"))
    return settings


def _dispatch(args: argparse.Namespace, ctx: Context) -> int:
    if args.command is None:
        return run_tui(ctx, args.section)
    if args.command == "status":
        return cmd_status(ctx, as_json=args.json)
    if args.command == "init":
        return cmd_init(ctx, Path(args.config))
    if args.command == "config":
        return cmd_export(ctx, Path(args.file) if args.file else None)
    if args.command == "import":
        return cmd_import(ctx, args.what, Path(args.file), dry_run=args.dry_run)
    if args.command == "report":
        return cmd_report(ctx, args)
    if args.command == "audit":
        return cmd_audit(ctx, args)
    if args.command == "export":
        return cmd_export_ledger(ctx, args.what, args.format, args.out)
    if args.command == "backup":
        return cmd_backup(ctx, Path(args.file), force=args.force)
    if args.command == "check":
        return cmd_check(ctx)
    if args.command == "migrate":
        return cmd_migrate(ctx, args.to)
    if args.command == "restore":
        return cmd_restore(ctx, Path(args.file))
    if args.command == "serve":
        return cmd_serve(ctx, args)
    if args.command == "demo":
        code = cmd_demo(ctx, leads=args.leads, seed=args.seed, activities=args.activities)
        return run_tui(ctx, args.section) if code == 0 and args.open else code
    raise CliError(f"unknown command {args.command}")


def cmd_status(ctx: Context, *, as_json: bool) -> int:
    """``yeji status [--json]``."""
    from yeji_tui.status import gather, json_text, render_text

    _open(ctx, create=False)
    status = gather(_campaign(ctx), ctx.today)
    if as_json:
        sys.stdout.write(json_text(status))
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(render_text(status, ctx.t, color=color))
        _say_who_else(ctx)
    return 0


def _say_who_else(ctx: Context) -> None:
    """One line, when others have the store open in the TUI (read from their heartbeats)."""
    from models.db import database
    from models.engine import StoreUrl
    from models.presence import others_now
    from yeji_tui.presence import presence_text

    # on a server, through the store's own connection: no second one for one line
    own = database.connection() if isinstance(ctx.db_path, StoreUrl) else None  # type: ignore[no-untyped-call]
    line = presence_text(others_now(ctx.db_path, connection=own), ctx.t)
    if line:
        sys.stdout.write(f"\n{line}\n")


def _format(flag: str | None, out: str | None, default: str) -> str:
    if flag:
        return flag
    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    return {"md": "md", "markdown": "md", "csv": "csv", "xlsx": "xlsx"}.get(suffix, default)


def cmd_report(ctx: Context, args: argparse.Namespace) -> int:
    """``yeji report dispatch|assessment [--from D --to D] [--format md|csv|xlsx] [--out F]``."""
    from datetime import timedelta

    from yeji_tui import reports

    fmt = _format(args.format, args.out, "md")
    if fmt == "xlsx" and not args.out:
        raise CliError(ctx.t("rep.xlsx_needs_out"))
    out = _out_path(ctx, args.out)
    from yeji_tui.progress import Progress

    _open(ctx, create=False)
    settings = _campaign(ctx)
    stale = ctx.settings.stale_days
    with Progress(ctx.t) as progress:
        progress.phase("progress.report")  # shown only if it takes a while
        if args.kind == "dispatch":
            until = _parse_day_flag("--to", args.until) or ctx.today
            since = _parse_day_flag("--from", args.since) or until - timedelta(days=13)
            if since > until:
                raise CliError("--from > --to")
            report = reports.dispatch(settings, since, until, ctx.t, stale_days=stale)
        else:
            report = reports.assessment(settings, ctx.today, ctx.t, stale_days=stale)
        width = None if args.wide else _terminal_width()
        text = _write_report(ctx, report, fmt, out, width)
    if out is None:
        sys.stdout.write(text or "")
    else:
        print(ctx.t("rep.written", path=out), file=sys.stderr)
    return 0


def _write_report(
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
    from models.audit import AuditQuery, audit_lines
    from yeji_tui.audit_view import audit_report
    from yeji_tui.text import clean_text

    fmt = _format(args.format, args.out, "md")
    if fmt == "xlsx" and not args.out:
        raise CliError(ctx.t("rep.xlsx_needs_out"))
    out = _out_path(ctx, args.out)
    query = AuditQuery(
        since=_parse_day_flag("--since", args.since),
        until=_parse_day_flag("--until", args.until),
        login=clean_text(args.user or ""),
        unit=clean_text(args.unit or ""),
        lead_id=args.lead,
    )
    _open(ctx, create=False)
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
    text = _write_report(ctx, report, fmt, out, None if args.wide else _terminal_width())
    if out is None:
        sys.stdout.write(text or "")
    else:
        print(ctx.t("rep.written", path=out), file=sys.stderr)
    return 0


def _terminal_width() -> int | None:
    """The columns a table on stdout may take: the terminal's (``COLUMNS`` first, as
    ``shutil.get_terminal_size`` reads it); None — the full table — when stdout is a pipe or a
    file and ``COLUMNS`` is not set, since a file is read in an editor, not at 80 columns."""
    import shutil

    if not sys.stdout.isatty() and not os.environ.get("COLUMNS"):
        return None
    return shutil.get_terminal_size().columns


def _out_path(ctx: Context, out: str | None) -> Path | None:
    """``--out``, checked before any work: a missing directory is one line, not a traceback
    after the report was computed."""
    if not out:
        return None
    from yeji_tui.output import check_target

    check_target(Path(out), ctx.t)
    return Path(out)


def _parse_day_flag(flag: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"{flag}: YYYY-MM-DD: {value}") from exc


def cmd_export_ledger(ctx: Context, what: str, flag: str | None, out: str | None) -> int:
    """``yeji export leads|activities [--format csv|xlsx] [--out FILE]``."""
    from models.ledger import all_activities, all_leads
    from yeji_tui.importer import export_table, write_csv, write_table

    fmt = _format(flag, out, "csv")
    if fmt == "xlsx" and not out:
        raise CliError(ctx.t("rep.xlsx_needs_out"))
    _out_path(ctx, out)
    from yeji_tui.progress import Progress

    _open(ctx, create=False)
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


def cmd_init(ctx: Context, config: Path) -> int:
    """``yeji init --config FILE``: create the store, load or update the campaign."""
    from models.campaigns import save_campaign
    from yeji_tui.config import ConfigError, load_campaign_file

    try:
        settings = load_campaign_file(config)
    except ConfigError as exc:
        raise CliError("\n".join(exc.problems)) from exc
    _open(ctx)
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

    _out_path(ctx, str(out) if out else None)
    _open(ctx, create=False)
    text = campaign_to_toml(_campaign(ctx))
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

    _open(ctx, create=False)
    settings = _campaign(ctx)
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


def cmd_demo(ctx: Context, *, leads: int, seed: int, activities: int | None) -> int:
    """``yeji demo``: a realistic, deterministic demo campaign in progress."""
    from models.queries import load_campaign
    from yeji_tui.demo import build_demo

    _open(ctx)
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


def cmd_serve(ctx: Context, args: argparse.Namespace) -> int:
    """``yeji serve``: the TUI in a browser, read-only unless ``--writable``."""
    from yeji_tui.serve import ServeMissing, ServeOptions, serve

    if ctx.read_only and args.writable:
        raise CliError("--read-only / --writable", EXIT_USAGE)
    _open(ctx, create=False)  # a store that cannot be opened is said here, not in each tab
    _campaign(ctx)
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


def cmd_backup(ctx: Context, dest: Path, *, force: bool) -> int:
    """``yeji backup FILE [--force]``: a whole, checked copy, while others keep working."""
    from models.maintenance import backup_store

    _open(ctx, create=False)
    done = backup_store(dest, replace=force)
    print(ctx.t("backup.done", path=done, size=f"{done.stat().st_size / 1_048_576:.1f} MB"))
    return 0


def cmd_migrate(ctx: Context, to: str) -> int:
    """``yeji migrate --to URL|FILE``: the store copied whole, each table's rows counted."""
    from models.access import authorize, current_actor
    from models.engine import place_of, shown
    from models.transfer import copy_store

    _open(ctx, create=False)
    authorize(current_actor(), "backup")
    target = place_of(to)
    counts = copy_store(target, lambda step: _say(ctx.t(f"migrate.step.{step}")))
    print(ctx.t("migrate.head"))
    for c in counts:
        print(ctx.t("migrate.table", table=c.table, source=c.source, copy=c.copy))
    print(ctx.t("migrate.done", path=shown(target), tables=len(counts)))
    return 0


def cmd_check(ctx: Context) -> int:
    """``yeji check``: exit 0 with "all good", or 1 and one line per problem."""
    from models.maintenance import check_store

    _open(ctx, create=False)
    result = check_store()
    for problem in result.problems:
        print(ctx.t(problem.key, **problem.values))
    if result.hidden:
        print(ctx.t("check.more", n=result.hidden))
    found = len(result.problems) + result.hidden
    print(ctx.t("check.found", n=found) if found else ctx.t("check.ok"))
    return EXIT_DATA if found else EXIT_OK


def cmd_restore(ctx: Context, source: Path) -> int:
    """``yeji restore FILE``: the checked backup in place; the old store kept aside."""
    from models.engine import StoreUrl
    from models.maintenance import restore_store

    if isinstance(ctx.db_path, StoreUrl):  # a server's database is its administrator's
        raise CliError(ctx.t("restore.server"))
    aside = restore_store(ctx.db_path, source, read_only=ctx.read_only)
    if aside is None:
        print(ctx.t("restore.done_new", source=source, path=ctx.db_path))
    else:
        print(ctx.t("restore.done", source=source, path=ctx.db_path, aside=aside))
    return 0


def run_tui(ctx: Context, section: str = "overview") -> int:
    """Open the TUI (the only path that imports Textual)."""
    # Start-up makes a few hundred thousand objects that live as long as the app (modules,
    # classes, styles, widgets); collecting garbage among them ~130 times before the first
    # frame cost 50 ms. The app freezes them and turns collection back on once it has painted.
    gc.disable()
    notices = _open(ctx)
    from models.db import opened_store

    opened = opened_store()
    if opened is not None and opened.read_only:
        notices.append(ctx.t(f"store.read_only.{opened.read_only}", path=opened.path))
    from yeji_tui.prefetch import prefetch

    first = prefetch(section, ctx.today)  # before Textual is imported
    from yeji_tui.app import YejiApp

    YejiApp(
        db_path=ctx.db_path,
        today=ctx.today,
        lang=ctx.lang,
        settings=ctx.settings,
        first_load=first,
        section=section,
        notices=tuple(notices),
    ).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``yeji`` command line: the global options, then one command and its flags (help in
Chinese and English, side by side)."""

from __future__ import annotations

import argparse
import sys

#: The global options, and whether each takes a value.
GLOBAL_OPTIONS = {
    "--db": True,
    "--today": True,
    "--lang": True,
    "--read-only": False,
    "--section": True,
}


def parse_command_line(argv: list[str] | None = None) -> argparse.Namespace:
    """The parsed command line. Opening the TUI (global options only, the commonest start)
    skips building the commands' parsers: ~6 ms of a first frame that is measured."""
    given = sys.argv[1:] if argv is None else argv
    if not _only_global_options(given):
        return build_parser().parse_args(given)
    args = _with_global_options(_parser()).parse_args(given)
    args.command = None
    return args


def _only_global_options(argv: list[str]) -> bool:
    """True when every word is a global option (written out in full) or its value."""
    words = iter(argv)
    for word in words:
        name, has_value, _ = word.partition("=")
        if name not in GLOBAL_OPTIONS:
            return False
        if GLOBAL_OPTIONS[name] and not has_value and next(words, None) is None:
            return False  # the option's value is missing: the full parser says so
    return True


def _parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="yeji", description="叶集区“双招双引”百日攻坚行动 / Yeji campaign"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line: global options, then one command."""
    p = _with_global_options(_parser())
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


def _with_global_options(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``p`` with the options every command takes (GLOBAL_OPTIONS names them)."""
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
    return p

"""``yeji status``: the quick path. It opens the store, reads the counts and prints; it must
never import Textual or Rich (it starts in well under 0.2 s), so all but this is imported late.
"""

from __future__ import annotations

import os
import sys

from yeji_tui.cli_context import Context, campaign, open_store


def cmd_status(ctx: Context, *, as_json: bool) -> int:
    """``yeji status [--json]``."""
    from yeji_tui.status import gather, json_text, render_text

    open_store(ctx, create=False)
    status = gather(campaign(ctx), ctx.today)
    if as_json:
        sys.stdout.write(json_text(status))
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(render_text(status, ctx.t, color=color))
        say_who_else(ctx)
    return 0


def say_who_else(ctx: Context) -> None:
    """One line, when others have the store open in the TUI (read from their heartbeats)."""
    from models.db import database
    from models.presence import others_now
    from models.store_url import StoreUrl
    from yeji_tui.presence import presence_text

    # on a server, through the store's own connection: no second one for one line
    own = database.connection() if isinstance(ctx.db_path, StoreUrl) else None  # type: ignore[no-untyped-call]
    line = presence_text(others_now(ctx.db_path, connection=own), ctx.t)
    if line:
        sys.stdout.write(f"\n{line}\n")

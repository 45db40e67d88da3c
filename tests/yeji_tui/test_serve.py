"""``yeji serve``: the TUI in a browser, on localhost and read-only unless told otherwise."""

from __future__ import annotations

import asyncio
import os
import select
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from models.db import close_store
from yeji_tui.cli import main
from yeji_tui.demo import build_demo
from yeji_tui.serve import ServeOptions, public_url, tui_command

SERVE_MISSING = (
    "textual-serve is not installed (pip install 'yeji-tui[serve]'; the dev extra has it)"
)


def test_the_tuis_it_starts_open_the_store_read_only_unless_writable(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite3"
    read_only = shlex.split(tui_command(ServeOptions(db_path=store)))
    assert read_only[:3] == [sys.executable, "-m", "yeji_tui"]
    assert read_only[-1] == "--read-only" and str(store.resolve()) in read_only
    writable = shlex.split(tui_command(ServeOptions(db_path=store, writable=True, lang="en")))
    assert "--read-only" not in writable and writable[-2:] == ["--lang", "en"]
    dated = shlex.split(tui_command(ServeOptions(db_path=store, today="2022-09-10")))
    assert dated[dated.index("--today") + 1] == "2022-09-10"


def test_the_page_names_its_own_address_or_the_proxys() -> None:
    assert public_url(ServeOptions(db_path=Path("s"))) == "http://127.0.0.1:8000"
    assert public_url(ServeOptions(db_path=Path("s"), host="::1", port=9)) == "http://[::1]:9"
    behind = ServeOptions(db_path=Path("s"), public_url="https://yeji.example.org/")
    assert public_url(behind) == "https://yeji.example.org"


def test_without_textual_serve_it_says_which_extra_to_install(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build_demo(date.today(), leads=20)
    close_store()
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # an import of it fails
    code = main(["--db", str(store_path), "serve", "--port", str(free_port())])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "pip install 'yeji-tui[serve]'" in err


def test_serve_refuses_a_store_without_a_campaign(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--db", str(tmp_path / "none.sqlite3"), "serve"])
    close_store()
    assert code == 1 and "数据库不存在" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """``yeji serve`` on a free local port, over a small demo store; its address."""
    pytest.importorskip("textual_serve", reason=SERVE_MISSING)
    store = tmp_path / "d.sqlite3"
    env = dict(os.environ, YEJI_SETTINGS=str(tmp_path / "settings.toml"))
    yeji = [sys.executable, "-m", "yeji_tui", "--db", str(store)]
    subprocess.run([*yeji, "demo", "--leads", "40"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*yeji, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        said, deadline = b"", time.monotonic() + 30
        while b"Serving" not in said:  # textual-serve says so as it starts listening
            assert time.monotonic() < deadline, f"yeji serve did not start: {said!r}"
            if select.select([server.stdout], [], [], 1)[0]:
                chunk = os.read(server.stdout.fileno(), 4096)
                assert chunk, f"yeji serve ended: {said!r}"
                said += chunk
        while True:  # it binds the port right after saying so
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "yeji serve did not listen"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_gives_a_browser_the_page_and_the_tui_behind_it(served: str) -> None:
    import aiohttp

    async def visit() -> tuple[int, str, bytes]:
        async with aiohttp.ClientSession() as session:
            async with session.get(served + "/") as page:
                html = await page.text()
            async with session.ws_connect(served + "/ws?width=100&height=30") as ws:
                drawn = b""
                # the overview's first screen, and the notice that the store is read-only
                while not all(w.encode() in drawn for w in ("工作目标", "只读（--read-only）")):
                    message = await asyncio.wait_for(ws.receive(), timeout=30)
                    assert message.type == aiohttp.WSMsgType.BINARY, message
                    drawn += message.data
            return page.status, html, drawn

    status, html, drawn = asyncio.run(visit())
    assert status == 200
    assert "叶集" in html  # the page's title
    assert served.replace("http:", "ws:") + "/ws" in html  # where the page connects
    assert "数据库为只读（--read-only）".encode() in drawn  # the TUI behind it cannot write

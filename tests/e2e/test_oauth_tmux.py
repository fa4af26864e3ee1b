"""The installed app signs in with Qwen OAuth in a real terminal, against the standalone device server."""

from __future__ import annotations

import json
import re
import socket
import stat
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
# The code box shows the user code with spaced characters: "┃  3 7 0 C - 1 C 8 8  ┃".
CODE_BOX = re.compile(r"┃\s+((?:\S ){3,}\S)\s+┃")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def standalone_server() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.device_server", "--port", str(port), "--interval", "1"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert server.stdout is not None
        assert "listening on" in server.stdout.readline()
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _control(base: str, action: str) -> dict:
    request = urllib.request.Request(f"{base}/_control/{action}", method="POST" if "approve" in action else "GET")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_qwen_oauth_sign_in_in_tmux(installed_venv: Path, tmux, standalone_server: str, isolated_home: Path) -> None:
    session = tmux([str(installed_venv / "qwen-tui"), "auth"], 80, 24, QWEN_OAUTH_BASE_URL=standalone_server)
    session.wait_for("Qwen OAuth", "OpenAI-compatible")
    session.send("1")
    screen = session.wait_for("Sign in with Qwen OAuth", "and enter this code", "The code expires in")
    match = CODE_BOX.search(screen)
    assert match, screen
    user_code = match.group(1).replace(" ", "")
    assert _control(standalone_server, "user_code")["user_code"] == user_code
    assert _control(standalone_server, f"approve?user_code={user_code}") == {"ok": True}
    home = session.wait_for("Effective configuration", "qwen-oauth", "https://portal.qwen.ai/v1", "Token valid until")
    assert "Signed in with Qwen OAuth" in home or "coder-model" in home
    creds = isolated_home / ".qwen" / "oauth_creds.json"
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    settings = json.loads((isolated_home / ".qwen" / "settings.json").read_text())
    assert settings["security"]["auth"]["selectedType"] == "qwen-oauth"
    session.send("q")
    assert session.wait_exit(), session.screen()

"""The installed app signs in with Qwen OAuth in a real terminal, against the standalone device server."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.journey import DeviceServerProcess, device_server, sign_in_with_qwen_oauth

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def standalone_server() -> Iterator[DeviceServerProcess]:
    with device_server() as server:
        yield server


def test_qwen_oauth_sign_in_in_tmux(installed_venv: Path, tmux, standalone_server: DeviceServerProcess,
                                    isolated_home: Path) -> None:
    session = tmux([str(installed_venv / "qwen-tui"), "auth"], 80, 24, QWEN_OAUTH_BASE_URL=standalone_server.url)
    session.wait_for("Qwen OAuth", "OpenAI-compatible")
    # The helper checks that the code on screen is the one the server issued, and approves it.
    sign_in_with_qwen_oauth(session, standalone_server)
    # Home names the method, the API base from the token answer's resource_url and the model `qwen` will use (no
    # model configured: Qwen Code's default). The "Signed in" toast is transient, so it is not waited for.
    session.wait_for("Effective configuration", "qwen-oauth", "https://portal.qwen.ai/v1", "coder-model",
                     "Sign-in token", "valid for")
    creds = isolated_home / ".qwen" / "oauth_creds.json"
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    settings = json.loads((isolated_home / ".qwen" / "settings.json").read_text())
    assert settings["security"]["auth"]["selectedType"] == "qwen-oauth"
    session.send("q")
    assert session.wait_exit(), session.screen()

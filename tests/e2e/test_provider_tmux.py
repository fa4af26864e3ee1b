"""The installed app in a real terminal: `qwen-tui auth` → 2 → the provider form → Test → Save → home.

The OpenAI-compatible test server runs as its own process on 127.0.0.1; there is no keyring
(PYTHON_KEYRING_BACKEND=fail), so the form preselects qwen-tui's 0600 file and says so.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
KEY = "sk-tmux-e2e-0123456789abcdef"
MODEL = "qwen3-coder-plus"


@pytest.fixture
def server_url() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.openai_server", "--port", "0", "--key", KEY],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("listening on "), line
        yield line.removeprefix("listening on ")
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_gone(session, text: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while text in session.screen():
        assert time.monotonic() < deadline, session.screen()
        time.sleep(0.1)


def test_add_a_custom_provider_in_tmux(installed_venv: Path, tmux, server_url: str, isolated_home: Path) -> None:
    session = tmux([str(installed_venv / "qwen-tui"), "auth"], 120, 40,
                   PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    session.wait_for("OpenAI-compatible")
    session.send("2")
    session.wait_for("OpenAI-compatible provider", "Base URL", "No keyring is available here")
    session.send("Enter")                       # open the preset list, find "Custom" by typing
    session.wait_for("LM Studio")
    session.send("-l", "Cust")
    session.send("Enter")
    wait_gone(session, "LM Studio")
    # Textual gives the focus back to the Select just after the list closes; a Tab sent within the same
    # instant (no person types that fast) would leave from the list instead.
    time.sleep(1.0)
    assert "Terms and privacy policy: unknown" in session.screen()
    # Each field is typed, then seen on the screen, before the Tab: a Tab in the same burst as the text
    # reaches the terminal as part of it.
    session.send("Tab")
    session.send("-l", server_url)
    session.wait_for(server_url)
    session.send("Tab")
    session.send("-l", KEY)
    session.wait_for("•" * len(KEY))
    session.send("Tab", "Tab")                  # past the Show button, into the model field
    time.sleep(0.5)
    session.send("-l", MODEL)
    screen = session.wait_for(server_url, "•" * len(KEY), MODEL)
    assert KEY not in screen                    # masked while typed
    session.send("C-t")
    session.wait_for("the key was accepted")
    session.send("C-s")
    screen = session.wait_for("Effective configuration", "Saved providers", "●", "plain text")
    assert KEY not in screen
    assert "qwen-tui-secrets.json" in screen    # where the key is
    session.send("q")
    assert session.wait_exit(), session.screen()

    settings = json.loads((isolated_home / ".qwen" / "settings.json").read_text())
    assert settings["security"]["auth"]["selectedType"] == "openai"
    assert settings["model"]["name"] == MODEL
    assert settings["modelProviders"]["openai"][0]["baseUrl"] == server_url
    secrets_file = isolated_home / ".qwen" / "qwen-tui-secrets.json"
    assert KEY in secrets_file.read_text()
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600

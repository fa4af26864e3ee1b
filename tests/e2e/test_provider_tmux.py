"""The installed app in a real terminal: `qwen-tui auth` → 2 → the provider form → Test → Save → home.

The OpenAI-compatible test server runs as its own process on 127.0.0.1; there is no keyring
(PYTHON_KEYRING_BACKEND=fail), so the form preselects Qwen Code's own ~/.qwen/.env (which plain qwen reads) and
says so.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.journey import fill_provider_form, open_openai_form, openai_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

KEY = "sk-tmux-e2e-0123456789abcdef"
MODEL = "qwen3-coder-plus"


@pytest.fixture
def server_url() -> Iterator[str]:
    with openai_server(KEY) as server:
        yield server.url


def test_add_a_custom_provider_in_tmux(installed_venv: Path, tmux, server_url: str, isolated_home: Path) -> None:
    session = tmux([str(installed_venv / "qwen-tui"), "auth"], 120, 40,
                   PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    session.wait_for("OpenAI-compatible")
    open_openai_form(session)
    session.wait_for("OpenAI-compatible provider", "Base URL", "No keyring here")
    # Custom preset, URL, key (checked masked on screen), model; Test ("the key was accepted"); Save.
    fill_provider_form(session, server_url, KEY, MODEL)
    # (the table's active-row mark is below the fold at 40 rows now: tests/ui/test_provider_form.py checks it)
    screen = session.wait_for("Effective configuration", "Saved providers")
    assert KEY not in screen
    assert "from .env" in screen                # where the key is
    session.send("q")
    assert session.wait_exit(), session.screen()

    settings = json.loads((isolated_home / ".qwen" / "settings.json").read_text())
    assert settings["security"]["auth"]["selectedType"] == "openai"
    assert settings["model"]["name"] == MODEL
    assert settings["modelProviders"]["openai"][0]["baseUrl"] == server_url
    dotenv = isolated_home / ".qwen" / ".env"
    assert f"={KEY}" in dotenv.read_text()
    assert stat.S_IMODE(dotenv.stat().st_mode) == 0o600
    assert not (isolated_home / ".qwen" / "qwen-tui-secrets.json").exists()

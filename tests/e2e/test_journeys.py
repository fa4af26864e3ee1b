"""Whole journeys through the installed qwen-tui in a real terminal (tmux), at 80×24 and 120×40.

First run → chooser (usage statistics switched on) → Qwen OAuth against the loopback device server → home;
`/auth` → OpenAI-compatible form → Test → Save → home; settings → usage statistics off; privacy screen; quit.
After each step the screen and the files under HOME are checked. Two environments:

- desktop: a display, a (fake, recording) browser on PATH: the sign-in URL is opened in it;
- ssh: NO_BROWSER, SSH_* set, no display, no clipboard tool on PATH: nothing is opened, the URL is shown.

Neither has a keyring (PYTHON_KEYRING_BACKEND=fail): the key goes to Qwen Code's own ~/.qwen/.env (0600).
Starting a real Secret Service per journey would double the time of a test whose subject is the terminal, not
the keyring (tests/keyring_service.py covers that).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.journey import (
    DeviceServerProcess,
    OpenAIServerProcess,
    Session,
    add_openai_provider,
    device_server,
    files_containing,
    install_fake_browsers,
    mode,
    open_command,
    openai_server,
    read_json,
    sign_in_with_qwen_oauth,
    wait_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(120)]

KEY = "sk-journey-e2e-5f3a9c1d7b2e4068"
MODEL = "qwen3-coder-plus"
NO_KEYRING = "keyring.backends.fail.Keyring"


@dataclass(frozen=True)
class Place:
    """Where the journey runs: extra environment variables and what that means for the browser."""
    name: str
    browser_allowed: bool

    def env(self, fake_bin: Path, oauth_url: str) -> dict[str, str]:
        common = {"PYTHON_KEYRING_BACKEND": NO_KEYRING, "QWEN_OAUTH_BASE_URL": oauth_url}
        if self.browser_allowed:
            # The tmux fixture sets NO_BROWSER=1; empty is "not set" for qwen-tui (and for Qwen Code).
            return {**common, "DISPLAY": ":0", "NO_BROWSER": "", "PATH": f"{fake_bin}:{os.environ['PATH']}"}
        # Only the recording browsers on PATH: no clipboard tool (xclip, xsel, wl-copy) and no real browser.
        return {**common, "NO_BROWSER": "1", "SSH_CONNECTION": "10.0.0.1 1 10.0.0.2 22", "SSH_TTY": "/dev/pts/0",
                "PATH": str(fake_bin)}


DESKTOP = Place("desktop", browser_allowed=True)
SSH = Place("ssh", browser_allowed=False)


@pytest.fixture
def oauth_server() -> Iterator[DeviceServerProcess]:
    with device_server() as server:
        yield server


@pytest.fixture
def provider_server() -> Iterator[OpenAIServerProcess]:
    with openai_server(KEY) as server:
        yield server


@pytest.mark.parametrize("place", [DESKTOP, SSH], ids=lambda place: place.name)
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_journey(installed_venv: Path, tmux, isolated_home: Path, tmp_path: Path, size: tuple[int, int],
                 place: Place, oauth_server: DeviceServerProcess, provider_server: OpenAIServerProcess) -> None:
    qwen = isolated_home / ".qwen"
    settings_file, creds_file = qwen / "settings.json", qwen / "oauth_creds.json"
    dotenv_file = qwen / ".env"
    outbox, installation_id = qwen / "usage-outbox.jsonl", qwen / "installation_id"
    fake_bin, browser_marker = tmp_path / "fake-bin", tmp_path / "browser-called"
    install_fake_browsers(fake_bin, browser_marker)
    session = Session(tmux([str(installed_venv / "qwen-tui")], *size, **place.env(fake_bin, oauth_server.url)))

    # 1. First run: nothing configured, so the chooser; starting wrote no settings.
    session.wait_for("Qwen OAuth", "OpenAI-compatible", "qwen.ai/termsservice")
    assert not settings_file.exists()

    # 2. Usage statistics on (opt-in switch), then Qwen OAuth against the loopback server → home.
    session.send("u")
    time.sleep(0.3)  # the switch animates; `1` right after it is fine, but let the change land first
    # "Copy code": the footer has its keys (it is drawn just after the code).
    signin, home = sign_in_with_qwen_oauth(session, oauth_server, signin_texts=("Copy code",))
    assert f"{oauth_server.url}/authorize?user_code=" in signin   # the URL to visit is on screen either way
    if place.browser_allowed:
        wait_until(browser_marker.exists, "the browser is opened")
        assert f"{oauth_server.url}/authorize?user_code=" in browser_marker.read_text()
        assert "Open browser" in signin
    else:
        assert "Open browser" not in signin                       # no browser to offer over SSH
    assert "https://portal.qwen.ai/v1" in home and "coder-model" in home
    settings = read_json(settings_file)
    assert settings["security"]["auth"]["selectedType"] == "qwen-oauth"
    assert settings["model"]["name"] == "coder-model"
    assert settings["privacy"]["usageStatisticsEnabled"] is True
    assert mode(qwen) == 0o700 and mode(creds_file) == 0o600
    creds = read_json(creds_file)
    assert {"access_token", "refresh_token", "token_type", "resource_url", "expiry_date"} <= set(creds)
    assert creds["token_type"] == "Bearer" and creds["resource_url"] == "portal.qwen.ai"
    assert creds["expiry_date"] > time.time() * 1000 + 30 * 60 * 1000       # epoch ms, ~1 h ahead
    assert [r["status"] for r in oauth_server.requests() if r["form"].get("device_code")][-1] == 200
    # Chosen, on and Qwen OAuth: usage events are recorded locally (no endpoint is configured: nothing sent).
    wait_until(outbox.exists, "usage events are recorded")
    assert installation_id.exists()

    # 3. `/auth` → chooser → the OpenAI-compatible form → Test → Save → home.
    open_command(session, "auth")
    session.wait_for("Qwen OAuth", "OpenAI-compatible", "qwen.ai/termsservice")
    home = add_openai_provider(session, provider_server.url, KEY, MODEL)
    home = session.wait_for("Credential", f"{KEY[:3]}…{KEY[-4:]}", "from .env")   # masked
    settings = read_json(settings_file)
    assert settings["security"]["auth"]["selectedType"] == "openai"
    assert settings["model"]["name"] == MODEL
    [profile] = settings["modelProviders"]["openai"]
    assert profile["id"] == MODEL and profile["baseUrl"] == provider_server.url and profile["envKey"]
    assert f'{profile["envKey"]}={KEY}' in dotenv_file.read_text() and mode(dotenv_file) == 0o600
    assert files_containing(isolated_home, KEY) == [dotenv_file]
    assert creds_file.exists()                  # switching method keeps the Qwen OAuth sign-in

    # 4. Settings → usage statistics off: written to the user settings, local usage data deleted.
    session.send("s")
    session.wait_for("Settings", "Usage statistics", "The qwen CLI sends usage statistics: the saved choice is on.")
    # Textual focuses the switch just after the screen's first frame; a space sent within the same instant (no
    # person types that fast) reached the screen before the switch had the focus (seen at 120x40).
    time.sleep(1.0)
    session.send("space")                       # the switch has the focus
    session.wait_for("The qwen CLI sends no usage statistics: the saved choice is off.")
    wait_until(lambda: read_json(settings_file)["privacy"]["usageStatisticsEnabled"] is False,
               "usage statistics are off in settings.json")
    wait_until(lambda: not outbox.exists() and not installation_id.exists(), "the local usage data is deleted")
    settings = read_json(settings_file)
    assert settings["security"]["auth"]["selectedType"] == "openai"   # nothing else changed
    assert settings["modelProviders"]["openai"] == [profile]

    # 5. Home, then the privacy screen: the current method's terms first; reading writes nothing.
    session.send("Escape")
    session.wait_for("Effective configuration", "Auth type")
    before = {path: path.read_bytes() for path in qwen.rglob("*") if path.is_file()}
    session.send("p")
    session.wait_for("Privacy", "Current authentication method: OpenAI-compatible")
    session.send("End")
    session.wait_for("What qwen-tui itself records", "qwen-tui records nothing: usage statistics are off in user")
    session.send("Escape")
    session.wait_for("Effective configuration")
    assert {path: path.read_bytes() for path in qwen.rglob("*") if path.is_file()} == before

    # 6. Quit; the key is in its 0600 file only, and never appeared on any screen.
    session.send("q")
    assert session.wait_exit(), (session.exit_status(), session.output_after_exit())
    assert "Traceback" not in session.output_after_exit()
    assert files_containing(isolated_home, KEY) == [dotenv_file]
    assert files_containing(isolated_home.parent / "project", KEY) == []
    assert session.screens and not [screen for screen in session.screens if KEY in screen]
    assert not [screen for screen in session.screens if creds["access_token"] in screen]
    if not place.browser_allowed:
        assert not browser_marker.exists(), browser_marker.read_text()

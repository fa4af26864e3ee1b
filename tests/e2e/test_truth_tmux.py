"""Issue 14 points 6 and 11 in a real terminal, keyboard only, 80×24, no keyring (as over SSH):

- 6: a key typed into the provider form survives Esc in an open dropdown (it closes only the dropdown) and a
  first Esc on the form (it asks); only a confirmed discard leaves.
- 11: `/sta` runs /status; `/s` lists the commands that start with it; an unknown command lists every one;
  `/help` lists them with what they do; a read-only screen opened with `/` replaces the one it was opened from.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.journey import open_openai_form, tab_to, wait_gone

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

KEY = "sk-pasted-in-tmux-0123456789"
NO_KEYRING = "keyring.backends.fail.Keyring"


def test_the_form_keeps_what_was_typed(installed_venv: Path, tmux, isolated_home: Path) -> None:
    session = tmux([str(installed_venv / "qwen-tui"), "auth"], 80, 24, PYTHON_KEYRING_BACKEND=NO_KEYRING)
    session.wait_for("OpenAI-compatible")
    open_openai_form(session)
    time.sleep(1.0)                                # the provider picker has the focus once the form is drawn
    tab_to(session, "Base URL")
    tab_to(session, "API key")
    session.send("-l", KEY)
    session.wait_for("•" * len(KEY))
    session.send("BTab", "BTab")                   # back to the provider picker
    time.sleep(0.5)
    session.send("Enter")                          # it opens its first group
    session.wait_for("ModelStudio Token Plan")
    session.send("Escape")                         # back to the groups only
    wait_gone(session, "ModelStudio Token Plan")
    assert "OpenAI-compatible provider" in session.screen()
    session.send("Escape")                         # the form was changed: it asks
    session.wait_for("Discard what you entered in this form?")
    session.send("n")
    wait_gone(session, "Discard what you entered")
    assert "•" * len(KEY) in session.screen()      # still there
    session.send("Escape")
    session.wait_for("Discard what you entered in this form?")
    session.send("y")
    session.wait_for("How do you want to authenticate?")
    assert not (isolated_home / ".qwen" / ".env").exists()


def test_commands_people_can_find(installed_venv: Path, tmux, isolated_home: Path) -> None:
    qwen = isolated_home / ".qwen"
    qwen.mkdir(mode=0o700, exist_ok=True)
    (qwen / "settings.json").write_text('{"security": {"auth": {"selectedType": "openai"}}}')
    session = tmux([str(installed_venv / "qwen-tui")], 80, 24, PYTHON_KEYRING_BACKEND=NO_KEYRING,
                   OPENAI_API_KEY="sk-env-0000000000000000", OPENAI_BASE_URL="http://127.0.0.1:9/v1",
                   OPENAI_MODEL="m")
    session.wait_for("Effective configuration")
    session.send("/")
    session.wait_for("Type a command")
    session.send("-l", "s")
    session.wait_for("/settings", "/status", "/signout")       # suggested as typed
    session.send("-l", "xyz")
    session.send("Enter")
    screen = session.wait_for("Unknown command /sxyz")
    for name in ("/run", "/auth", "/settings", "/privacy", "/provider", "/status", "/usage", "/theme",
                 "/language", "/signout", "/help", "/quit"):
        assert name in screen
    session.send("Escape")                                      # (a key right after Esc would read as Alt+key)
    wait_gone(session, "Unknown command")
    session.send("/")
    session.wait_for("Type a command")
    session.send("-l", "help")
    session.send("Enter")
    session.wait_for("/theme", "Choose the colour theme")
    session.send("Escape")
    wait_gone(session, "Choose the colour theme")
    session.send("/")
    session.wait_for("Type a command")
    session.send("-l", "sett")                                  # a prefix
    session.send("Enter")
    session.wait_for("Save in", "Appearance")
    session.send("/")
    session.wait_for("Type a command")
    session.send("-l", "pri")
    session.send("Enter")
    session.wait_for("Current authentication method")
    session.send("Escape")                                      # one Esc: home, not settings
    session.wait_for("Effective configuration")
    assert "Appearance" not in session.screen()
    session.send("/")
    session.wait_for("Type a command")
    session.send("-l", "sta")
    session.wait_for("/status  The effective configuration")   # the one match, suggested
    session.send("Enter")
    wait_gone(session, "/status  The effective configuration")
    session.send("q")
    assert session.wait_exit(), session.screen()

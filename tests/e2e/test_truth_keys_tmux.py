"""Issue 14 points 1 and 2 in a real terminal, keyboard only, 80×24, no keyring (as over SSH), the installed app
against the real OpenAI-compatible test server (its own process on 127.0.0.1, accepting one key):

- 1: two providers already use one key at an endpoint; saving a third there with a different key names them
  and asks; only once confirmed is the shared key replaced (one copy, in ~/.qwen/.env).
- 2: a key pasted (bracketed paste, as a terminal sends it) over two lines with a space inside is normalised;
  a wrong key pasted that way is rejected with the message about the key's shape; the right one, pasted in
  pieces, is accepted and saved as one key.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from qwen_tui.core.context import Context
from qwen_tui.core.providers.profiles import KeyStore, save_profile
from tests.e2e.journey import cursor_row, openai_server, tab_to, wait_gone

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NO_KEYRING = "keyring.backends.fail.Keyring"
OLD_KEY = "sk-old-shared-0123456789abcdef"
NEW_KEY = "sk-new-shared-fedcba9876543210"


def paste(session, text: str) -> None:
    """What a terminal sends for a paste: tmux's bracketed paste (`paste-buffer -p`) of `text`."""
    for args in (["set-buffer", "-b", "e2e", "--", text], ["paste-buffer", "-p", "-b", "e2e", "-t", session.name]):
        subprocess.run(["tmux", "-L", session.name, *args], check=True)


def wait_words(session, phrase: str, timeout: float = 30.0) -> str:
    """`phrase` on screen, wherever the screen wrapped it (lines joined, runs of spaces and bars as one)."""
    deadline = time.monotonic() + timeout
    flat = ""
    while time.monotonic() < deadline:
        flat = " ".join(session.screen().replace("▁", " ").replace("▇", " ").split())
        if phrase in flat:
            return flat
        time.sleep(0.1)
    raise AssertionError(f"{phrase!r} not on screen after {timeout}s:\n{session.screen()}")


def back_to(session, label: str, key: str = "BTab") -> None:
    """Shift+Tab (or `key`), one stop at a time, until the terminal cursor is in the input under `label` (after a
    result the focus may be on the form's buttons or still in a field)."""
    for _ in range(20):
        lines = [re.split(r"\s{2,}", line.strip())[0] for line in session.screen().splitlines()]
        if label in lines and cursor_row(session) == lines.index(label) + 1:
            return
        session.send(key)
        time.sleep(0.5)
    raise AssertionError(f"the cursor never reached {label!r}:\n{session.screen()}")


def form_at_key(tmux, installed_venv: Path, url: str):
    """`qwen-tui auth` at 80×24 with no keyring → 2 → Custom provider, OpenAI-compatible → `url` typed → the
    cursor in the key field."""
    session = tmux([str(installed_venv / "qwen-tui"), "auth"], 80, 24, PYTHON_KEYRING_BACKEND=NO_KEYRING)
    session.wait_for("OpenAI-compatible")
    session.send("2")
    session.wait_for("OpenAI-compatible provider", "Base URL")
    session.send("-l", "Custom")                   # the picker finds the custom provider by typing
    session.wait_for("Finding")
    session.send("Enter")                          # its protocols
    session.wait_for("Anthropic-compatible")
    session.send("Enter")                          # OpenAI-compatible: the focus moves on to the base URL
    tab_to(session, "Base URL", tabs=0)
    session.send("-l", url)
    session.wait_for(url)
    tab_to(session, "API key")
    return session


def test_a_key_shared_by_providers_is_replaced_only_when_confirmed(installed_venv: Path, tmux,
                                                                    isolated_home: Path) -> None:
    with openai_server(NEW_KEY) as server:
        env = {"HOME": str(isolated_home), "PYTHON_KEYRING_BACKEND": NO_KEYRING}
        for model in ("shared-a", "shared-b"):
            save_profile(base_url=server.url, model=model, key=OLD_KEY, store=KeyStore.DOTENV,
                         context=Context(Path.cwd(), env))
        dotenv = isolated_home / ".qwen" / ".env"
        assert dotenv.read_text().count(OLD_KEY) == 1     # one key for both
        session = form_at_key(tmux, installed_venv, server.url)
        session.send("-l", NEW_KEY)
        session.wait_for("•" * len(NEW_KEY))
        back_to(session, "Model", key="Tab")
        session.send("-l", "shared-c")
        session.wait_for("shared-c")
        session.send("C-t")
        session.wait_for("the key was accepted")
        session.send("C-s")
        question = wait_words(session, "use the same key")
        assert "shared-a" in question and "shared-b" in question, question
        assert OLD_KEY in dotenv.read_text()               # nothing written while it asks
        session.send("y")
        session.wait_for("Effective configuration", "shared-c")
        session.send("q")
        assert session.wait_exit(), session.screen()
    text = dotenv.read_text()
    assert OLD_KEY not in text and text.count(NEW_KEY) == 1


def test_a_pasted_key_is_normalised_and_its_shape_named_when_rejected(installed_venv: Path, tmux,
                                                                       isolated_home: Path) -> None:
    with openai_server(NEW_KEY) as server:
        session = form_at_key(tmux, installed_venv, server.url)
        wrong = NEW_KEY[:12] + " " + NEW_KEY[12:20] + "\n" + NEW_KEY[20:-1] + "X"
        paste(session, wrong)
        session.wait_for("•" * len(NEW_KEY))           # one line, the space and the break gone
        back_to(session, "Model", key="Tab")               # past the Show button
        session.send("-l", "shape-model")
        session.wait_for("shape-model")
        session.send("C-t")
        flat = wait_words(session, "HTTP 401")
        assert "pasted with spaces or line breaks inside" in wait_words(session, "copied in one piece"), flat
        back_to(session, "API key")
        session.send("C-u")                            # clear the field
        wait_gone(session, "•" * len(NEW_KEY))
        paste(session, NEW_KEY[:15] + "\r\n" + NEW_KEY[15:] + "\n")
        session.wait_for("•" * len(NEW_KEY))
        session.send("C-t")
        session.wait_for("the key was accepted")
        session.send("C-s")
        session.wait_for("Effective configuration", "shape-model")
        session.send("q")
        assert session.wait_exit(), session.screen()
    text = (isolated_home / ".qwen" / ".env").read_text()
    assert text.count(NEW_KEY) == 1

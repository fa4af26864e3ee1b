"""Issue 14 points 1 and 2 in a real terminal, keyboard only, 80×24, no keyring (as over SSH), the installed app
against the real OpenAI-compatible test server (its own process on 127.0.0.1, accepting one key):

- 1: two providers already use one key at an endpoint; saving a third there with a different key names the two
  and asks; "no" keeps the shared key as it was (one copy, in ~/.qwen/.env) and saves nothing; only once the
  replacement is confirmed is it replaced.
- 2: a key pasted (bracketed paste, as a terminal sends it) over two lines with a space inside is normalised: the
  server sees the joined key and accepts it; a wrong key pasted that way is rejected with the message about the
  key's shape, not "copy the whole key".
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from qwen_tui.core.context import Context
from qwen_tui.core.providers.profiles import KeyStore, save_profile
from tests.e2e.journey import openai_server, read_json, tab_to

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


def type_model(session, model: str) -> None:
    """From the key field: past the Show button into the model field, then `model` typed."""
    tab_to(session, "Model", tabs=2)
    session.send("-l", model)
    session.wait_for(model)


def test_a_key_shared_by_providers_is_replaced_only_when_confirmed(installed_venv: Path, tmux,
                                                                    isolated_home: Path) -> None:
    with openai_server(NEW_KEY) as server:
        env = {"HOME": str(isolated_home), "PYTHON_KEYRING_BACKEND": NO_KEYRING}
        for model in ("shared-a", "shared-b"):
            save_profile(base_url=server.url, model=model, key=OLD_KEY, store=KeyStore.DOTENV,
                         context=Context(Path.cwd(), env))
        dotenv = isolated_home / ".qwen" / ".env"
        assert dotenv.read_text().count(OLD_KEY) == 1     # one key for both
        settings = isolated_home / ".qwen" / "settings.json"
        providers_before = read_json(settings)["modelProviders"], read_json(settings)["model"]
        session = form_at_key(tmux, installed_venv, server.url)
        session.send("-l", NEW_KEY)
        session.wait_for("•" * len(NEW_KEY))
        type_model(session, "shared-c")
        session.send("C-t")
        session.wait_for("the key was accepted")
        session.send("C-s")
        question = wait_words(session, "use the same key")
        assert "shared-a" in question and "shared-b" in question, question
        session.send("n")                                  # no: the shared key stays, nothing is saved
        wait_words(session, "Nothing was saved: the shared key stays as it is.")
        assert dotenv.read_text().count(OLD_KEY) == 1 and NEW_KEY not in dotenv.read_text()
        # (the chooser saved the usage-statistics choice on the way to the form: only the providers must not move)
        assert (read_json(settings)["modelProviders"], read_json(settings)["model"]) == providers_before
        session.send("C-s")                                # asked again; this time replaced
        wait_words(session, "use the same key")
        session.send("y")
        session.wait_for("Effective configuration", "shared-c")
        session.send("q")
        assert session.wait_exit(), session.screen()
    text = dotenv.read_text()
    assert OLD_KEY not in text and text.count(NEW_KEY) == 1


def test_a_pasted_key_is_normalised_and_its_shape_named_when_rejected(installed_venv: Path, tmux,
                                                                       isolated_home: Path) -> None:
    with openai_server(NEW_KEY) as server:
        # A wrong key pasted over two lines with a space inside: rejected, and the message names its shape.
        session = form_at_key(tmux, installed_venv, server.url)
        paste(session, NEW_KEY[:12] + " " + NEW_KEY[12:20] + "\n" + NEW_KEY[20:-1] + "X")
        session.wait_for("•" * len(NEW_KEY))           # one line, the space and the break gone
        type_model(session, "shape-model")
        session.send("C-t")
        flat = wait_words(session, "HTTP 401")
        assert "pasted with spaces or line breaks inside" in wait_words(session, "copied in one piece"), flat
        session.send("C-q")
        assert session.wait_exit(), session.screen()
        # The right key pasted the same way (and CRLF, a trailing break): the server sees it joined, accepts it.
        session = form_at_key(tmux, installed_venv, server.url)
        paste(session, NEW_KEY[:15] + " " + NEW_KEY[15:22] + "\r\n" + NEW_KEY[22:] + "\n")
        session.wait_for("•" * len(NEW_KEY))
        type_model(session, "shape-model")
        session.send("C-t")
        session.wait_for("the key was accepted")       # the server accepts only the joined key
        session.send("C-s")
        session.wait_for("Effective configuration", "shape-model")
        session.send("q")
        assert session.wait_exit(), session.screen()
    text = (isolated_home / ".qwen" / ".env").read_text()
    assert text.count(NEW_KEY) == 1

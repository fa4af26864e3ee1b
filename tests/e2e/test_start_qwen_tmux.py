"""Issue 10's journey in a real terminal: first run → the provider form → Test → Save → "Start qwen" → the real
`qwen` 0.24.4 (npm) starts in the same terminal and process and answers from the loopback OpenAI-compatible
server (SSE), with the key it was given at launch.

No keyring (PYTHON_KEYRING_BACKEND=fail): the form keeps the key in Qwen Code's own ~/.qwen/.env, which plain
`qwen` reads, and home says so before anything starts. `qwen` is found through $QWEN_TUI_QWEN as `qwen-tui run`
finds it; every outside request it makes goes to the interop tests' refusing loopback proxy.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.journey import Session, files_containing, fill_provider_form, open_openai_form, openai_server
from tests.interop.conftest import CURRENT, QUIET_SETTINGS, install_qwen_code, node_env
from tests.interop.guard_proxy import guard_proxy

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(600)]

KEY = "sk-start-qwen-e2e-7c1d9a3f5b2e4068"
MODEL = "qwen3-coder-plus"
# qwen's answer line ("◆ pong"): a mark, then the loopback server's reply alone (not the prompt "> say pong").
ANSWER = re.compile(r"^\s*\S+\s+pong\s*$", re.MULTILINE)


def pane_pid(session: Session) -> int:
    out = subprocess.run(["tmux", "-L", session.name, "display", "-p", "-t", session.name, "#{pane_pid}"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip())


def wait_for_answer(session: Session, timeout: float = 150.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = session.screen()
        if ANSWER.search(screen):
            return screen
        time.sleep(0.5)
    raise AssertionError(f"qwen did not answer within {timeout}s:\n{screen}")


def test_start_qwen_after_saving_a_provider(installed_venv: Path, tmux, isolated_home: Path) -> None:
    qwen = install_qwen_code(CURRENT)
    qwen_home = isolated_home / ".qwen"
    qwen_home.mkdir(mode=0o700)
    # qwen's own switches to stay quiet (no update check, no statistics): nothing configured yet otherwise.
    (qwen_home / "settings.json").write_text(json.dumps(QUIET_SETTINGS))
    with openai_server(KEY) as server, guard_proxy() as guard:
        proxies = {name: guard.url for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")}
        session = Session(tmux([str(installed_venv / "qwen-tui")], 80, 24,
                               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
                               QWEN_TUI_QWEN=str(qwen.executable), NO_PROXY="127.0.0.1,localhost",
                               no_proxy="127.0.0.1,localhost", **proxies, **node_env()))
        session.wait_for("Qwen OAuth", "OpenAI-compatible")                  # first run: the chooser
        open_openai_form(session)
        fill_provider_form(session, server.url, KEY, MODEL)
        home = session.wait_for("Saved. qwen can start now", "starts here as it is", f"qwen {CURRENT}")
        assert "Start qwen" in home
        pid = pane_pid(session)

        session.send("g")
        session.wait_for("Qwen Code", "Type your message", timeout=120)       # qwen's own screen, same pane
        assert pane_pid(session) == pid and session.exit_status() is None     # same process, now qwen
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        assert b"qwen" in cmdline and KEY.encode() not in cmdline
        time.sleep(2)   # qwen reads keys once its prompt has settled
        session.send("-l", "say pong")
        session.send("Enter")
        wait_for_answer(session)

    assert [screen for screen in session.screens if KEY in screen] == []
    assert files_containing(isolated_home, KEY) == [qwen_home / ".env"]
    assert guard.refused == [], f"qwen tried to leave the machine: {guard.refused}"

"""A crash in the TUI, in a real terminal: one line naming the log on stderr, the traceback (without local
variables, so without the key a frame held) in the log only.

The crash is planted: the home screen's compose raises while a key sits in one of its local variables, which
Textual's own crash output (a traceback with locals) would print.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SECRET = "sk-live-planted-0123456789abcdef"
CRASHING_APP = f"""
import sys
from qwen_tui.ui.screens import home

def compose(self):
    api_key = {SECRET!r}
    raise RuntimeError("planted crash")
    yield

home.HomeScreen.compose = compose
from qwen_tui.core.context import Context
from qwen_tui.ui.app import run_app
code = run_app("status", Context.current())
open(sys.argv[1], "w").write(str(code))
"""


def test_a_crash_prints_one_line_and_logs_the_traceback_without_locals(tmux, tmp_path: Path,
                                                                       isolated_home: Path) -> None:
    script, done = tmp_path / "crash.py", tmp_path / "exit-code"
    script.write_text(CRASHING_APP)
    # Textual draws on stderr: the terminal is read after the app has left it (the shell waits meanwhile).
    session = tmux(["sh", "-c", f"PYTHONPATH={REPO} {sys.executable} {script} {done}; sleep 60"], width=80)
    deadline = time.monotonic() + 60
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert done.read_text() == "1"
    time.sleep(0.3)
    log = isolated_home / ".qwen" / "logs" / "qwen-tui.log"
    left = session.screen().strip()
    line = f"qwen-tui stopped on an internal error (RuntimeError); the details are in {log}"
    assert left.replace("\n", "") == line                    # that line alone (the pane wraps it at 80 columns)
    records = [json.loads(text) for text in log.read_text().splitlines()]
    crash = next(record for record in records if record["event"] == "crashed")
    assert crash["exception"][0]["exc_value"] == "planted crash"
    assert crash["exception"][0]["frames"][-1]["name"] == "compose"
    assert SECRET not in log.read_text()

"""Launch → first frame in CPU instructions (valgrind's callgrind): a measure the machine's load does not move.

Usage: python bench/instructions.py
bench/startup.py times launches in a real terminal; on a loaded machine (other builds, other test runs) its
ratios drift by several percent. This runs the same three launches and the minimal Textual app headless, each in
a fresh HOME, and counts the instructions until the first frame of the first real screen is handed to the
driver (Textual's `App._display`), when the process ends at once (os._exit: nothing after that frame counts).
No budget: a change that saves launch time shows here as fewer
instructions whatever the load; bench/startup.py stays the budget. Needs valgrind; ~2 minutes per launch."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from startup import MINIMAL_APP, QWEN_OAUTH_USER, RETURNING_USER, in_fresh_homes
from table import Row, machine, print_table

# Runs in the launched interpreter: stop at the first frame of the first screen that is not the placeholder.
PROBE = """
import os, sys
from textual.app import App

_display = App._display

def _first_frame(self, screen, renderable):
    _display(self, screen, renderable)
    if renderable is not None and screen.name != "loading":
        print("first-frame", screen.name, file=sys.stderr, flush=True)
        os._exit(0)

App._display = _first_frame
if sys.argv[1] == "minimal":
    exec(compile(open(sys.argv[2]).read().replace("Minimal().run()", "Minimal().run(headless=True, size=(80, 24))"),
                 sys.argv[2], "exec"))
else:
    from qwen_tui import collector
    collector.pause()          # as cli.main does before it starts the TUI
    from qwen_tui.ui.app import QwenTuiApp
    QwenTuiApp().run(headless=True, size=(80, 24))
"""


def count(what: str, home: Path, probe: Path, minimal_app: Path) -> tuple[int, str]:
    """(instructions, the first screen's name) of one headless launch under callgrind (whose own memory would
    swamp the process's: peak RSS is bench/startup.py's)."""
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "LANG": "C.UTF-8", "TERM": "xterm-256color",
           "QWEN_CODE_SYSTEM_SETTINGS_PATH": str(home / "etc-settings.json"),
           "QWEN_CODE_SYSTEM_DEFAULTS_PATH": str(home / "etc-defaults.json")}
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                           str(probe), what, str(minimal_app)], env=env, cwd=home, capture_output=True, text=True)
    collected = re.search(r"Collected : (\d+)", done.stderr)
    frame = re.search(r"first-frame (\S+)", done.stderr)
    if collected is None or frame is None:
        raise RuntimeError(f"{what}: no first frame under callgrind:\n{done.stderr[-2000:]}")
    return int(collected.group(1)), frame.group(1)


def main() -> int:
    if shutil.which("valgrind") is None:
        print("bench/instructions.py needs valgrind (Debian: apt-get install valgrind)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        probe, minimal_app = Path(scratch) / "probe.py", Path(scratch) / "minimal_app.py"
        probe.write_text(PROBE)
        minimal_app.write_text(MINIMAL_APP)
        floor, _ = in_fresh_homes(1, lambda home: count("minimal", home, probe, minimal_app))[0]
        rows: list[Row] = [("minimal Textual app: launch → first frame", f"{floor / 1e6:.0f} M instructions", "")]
        for label, files in (("first run", None), ("configured", RETURNING_USER),
                             ("Qwen OAuth, usage statistics on", QWEN_OAUTH_USER)):
            ours, screen = in_fresh_homes(1, lambda home: count("qwen", home, probe, minimal_app), files)[0]
            rows.append((f"{label}: launch → {screen}'s first frame", f"{ours / 1e6:.0f} M instructions",
                         f"{ours / floor:.3f}× the minimal app (no budget)"))
    print(f"{machine()}; headless, instructions counted by callgrind until the first frame")
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

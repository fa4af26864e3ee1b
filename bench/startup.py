"""Launch → first drawn screen, in a real terminal (tmux), against a minimal Textual app.

Usage: python bench/startup.py [--runs N]
Prints a table (median of N runs each) and the ratio qwen-tui / minimal app. Budget: ≤ 1.25×.
Also times `qwen-tui status` against `python -c pass` (no terminal involved).
Each launch gets a fresh, empty HOME so qwen-tui shows its first-run chooser.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("minimal-ready")

Minimal().run()
"""
BUDGET = 1.25


def _qwen_tui() -> list[str]:
    return [sys.executable, "-m", "qwen_tui"]


def time_to_text(command: list[str], text: str, home: Path, timeout: float = 20.0) -> float:
    """Seconds from starting `command` in a fresh 80×24 tmux session until `text` is on its screen."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "NO_BROWSER": "1", "QWEN_CODE_SYSTEM_SETTINGS_PATH": str(home / "etc-settings.json"),
           "QWEN_CODE_SYSTEM_DEFAULTS_PATH": str(home / "etc-defaults.json")}
    exports = [f"{key}={value}" for key, value in env.items()]
    started = time.perf_counter()
    subprocess.run(["tmux", "-L", name, "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
                    "env", "-i", *exports, *command], check=True)
    try:
        while time.perf_counter() - started < timeout:
            screen = subprocess.run(["tmux", "-L", name, "capture-pane", "-p", "-t", name],
                                    capture_output=True, text=True).stdout
            if text in screen:
                return time.perf_counter() - started
            time.sleep(0.005)
        raise RuntimeError(f"{text!r} never appeared for {command}")
    finally:
        subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True)


def time_command(command: list[str], home: Path) -> float:
    env = {**os.environ, "HOME": str(home)}
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True)
    return time.perf_counter() - started


def median_of(runs: int, measure) -> float:
    samples = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            samples.append(measure(Path(home)))
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        minimal = Path(scratch) / "minimal_app.py"
        minimal.write_text(MINIMAL_APP)
        floor = median_of(args.runs, lambda home: time_to_text([sys.executable, str(minimal)], "minimal-ready", home))
    ours = median_of(args.runs, lambda home: time_to_text(_qwen_tui(), "OpenAI-compatible", home))
    python = median_of(args.runs, lambda home: time_command([sys.executable, "-c", "pass"], home))
    status = median_of(args.runs, lambda home: time_command([*_qwen_tui(), "status"], home))
    ratio = ours / floor
    rows = [
        ("minimal Textual app, launch → first screen", floor, ""),
        ("qwen-tui, launch → auth chooser drawn", ours, f"{ratio:.2f}× (budget ≤ {BUDGET}×)"),
        ("python -c pass", python, ""),
        ("qwen-tui status", status, f"{status / python:.1f}× python -c pass"),
    ]
    print(f"{'measure':<46} {'median':>9}  note   ({args.runs} runs each, {os.cpu_count()} CPUs)")
    for label, seconds, note in rows:
        print(f"{label:<46} {seconds * 1000:>7.0f}ms  {note}")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())

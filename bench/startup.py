"""Launch → first drawn screen and peak memory, in a real terminal (tmux, 80×24), against a minimal Textual app.

Usage: python bench/startup.py [--runs N]
Prints a table of medians over N runs: the minimal app's first screen; qwen-tui's first paint (the
"Reading your configuration…" placeholder or the chooser, whichever shows first) and the auth chooser fully
drawn; peak RSS (VmHWM) once each first screen is up; and `qwen-tui status` against `python -c pass`.
Budgets: first screen ≤ 1.25× the minimal app; peak RSS ≤ 1.5× the minimal app's.
Each launch gets a fresh, empty HOME so qwen-tui shows its first-run chooser.
"""

from __future__ import annotations

import argparse
import os
import platform
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
STARTUP_BUDGET = 1.25
RSS_BUDGET = 1.5
PLACEHOLDER = "Reading your configuration"
CHOOSER = "OpenAI-compatible"


def _tmux(name: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", name, *args], capture_output=True, text=True).stdout


def launch(command: list[str], texts: list[str], home: Path, timeout: float = 20.0) -> tuple[dict[str, float], int]:
    """Start `command` in a fresh 80×24 tmux session; seconds until each of `texts` is first seen on screen
    (an early one may be gone before a capture sees it), and the peak RSS (kB) once the last one is up."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "NO_BROWSER": "1", "QWEN_CODE_SYSTEM_SETTINGS_PATH": str(home / "etc-settings.json"),
           "QWEN_CODE_SYSTEM_DEFAULTS_PATH": str(home / "etc-defaults.json")}
    exports = [f"{key}={value}" for key, value in env.items()]
    seen: dict[str, float] = {}
    started = time.perf_counter()
    subprocess.run(["tmux", "-L", name, "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
                    "env", "-i", *exports, *command], check=True)
    try:
        while texts[-1] not in seen:
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{texts!r} never all appeared for {command}")
            screen = _tmux(name, "capture-pane", "-p", "-t", name)
            now = time.perf_counter() - started
            for text in texts:
                if text in screen and text not in seen:
                    seen[text] = now
            time.sleep(0.002)
        time.sleep(0.3)  # let the first screen settle before reading the high-water mark
        pid = _tmux(name, "list-panes", "-F", "#{pane_pid}", "-t", name).strip()
        return seen, _peak_rss_kb(int(pid))
    finally:
        _tmux(name, "kill-server")


def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc status")


def time_command(command: list[str], home: Path) -> float:
    env = {**os.environ, "HOME": str(home)}
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True)
    return time.perf_counter() - started


def in_fresh_homes(runs: int, measure) -> list:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            results.append(measure(Path(home)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    qwen_tui = [sys.executable, "-m", "qwen_tui"]
    minimal, ours = [], []
    with tempfile.TemporaryDirectory() as scratch:
        minimal_app = Path(scratch) / "minimal_app.py"
        minimal_app.write_text(MINIMAL_APP)
        for _ in range(args.runs):  # interleaved, so a change in machine load affects both sides alike
            minimal += in_fresh_homes(1, lambda home: launch([sys.executable, str(minimal_app)], ["minimal-ready"], home))
            ours += in_fresh_homes(1, lambda home: launch(qwen_tui, [PLACEHOLDER, CHOOSER], home))
    python = statistics.median(in_fresh_homes(args.runs, lambda home: time_command([sys.executable, "-c", "pass"], home)))
    status = statistics.median(in_fresh_homes(args.runs, lambda home: time_command([*qwen_tui, "status"], home)))

    floor = statistics.median(seen["minimal-ready"] for seen, _ in minimal)
    first_paint = statistics.median(min(seen.values()) for seen, _ in ours)
    chooser = statistics.median(seen[CHOOSER] for seen, _ in ours)
    floor_rss = statistics.median(rss for _, rss in minimal)
    our_rss = statistics.median(rss for _, rss in ours)

    def ratio(value: float, base: float, budget: float) -> str:
        return f"{value / base:.2f}× (budget ≤ {budget}×: {'ok' if value / base <= budget else 'OVER'})"

    rows = [
        ("minimal Textual app: launch → first screen", f"{floor * 1000:.0f} ms", ""),
        ("qwen-tui: launch → first paint", f"{first_paint * 1000:.0f} ms", ratio(first_paint, floor, STARTUP_BUDGET)),
        ("qwen-tui: launch → auth chooser drawn", f"{chooser * 1000:.0f} ms", ratio(chooser, floor, STARTUP_BUDGET)),
        ("minimal Textual app: peak RSS", f"{floor_rss / 1024:.1f} MiB", ""),
        ("qwen-tui: peak RSS at the chooser", f"{our_rss / 1024:.1f} MiB", ratio(our_rss, floor_rss, RSS_BUDGET)),
        ("python -c pass", f"{python * 1000:.0f} ms", ""),
        ("qwen-tui status (no Textual)", f"{status * 1000:.0f} ms", f"{status / python:.1f}× python -c pass"),
    ]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"median of {args.runs} runs, 80×24 tmux")
    for label, value, note in rows:
        print(f"| {label:<45} | {value:>10} | {note}")
    return 0 if first_paint / floor <= STARTUP_BUDGET and our_rss / floor_rss <= RSS_BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())

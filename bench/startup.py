"""Launch → first drawn screen and peak memory, in a real terminal (tmux, 80×24), against a minimal Textual app.

Usage: python bench/startup.py [--runs N]
Three launches, each interleaved with the minimal app and each in a fresh HOME: a first run (empty HOME: the
auth chooser), a configured one (an OpenAI-compatible provider whose key is in the settings: home) and a
Qwen OAuth user who turned usage statistics on (signed in, the gate open: home).
qwen-tui is started as a user starts it (the installed `qwen-tui` script). Prints medians over N runs: the
minimal app's first screen; for each launch, qwen-tui's first paint and its first real screen drawn (the same
frame unless the keyring must be asked, when the "Reading your configuration…" placeholder comes first); peak
RSS (VmHWM) at the chooser; `qwen-tui status` against `python -c pass`.
Budgets: each first real screen ≤ 1.15× the minimal app; peak RSS ≤ 1.25× the minimal app's. Exit 1 when over."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from table import Row, machine, print_table, verdict

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("minimal-ready")

Minimal().run()
"""
STARTUP_BUDGET = 1.15
RSS_BUDGET = 1.25
PLACEHOLDER = "Reading your configuration"
CHOOSER = "OpenAI-compatible"
HOME = "Effective configuration"
# A returning user: an OpenAI-compatible provider whose key is in the settings' `env` block (no keyring).
RETURNING_USER = {"settings.json": {
    "security": {"auth": {"selectedType": "openai"}},
    "model": {"name": "qwen3-coder-plus"},
    "env": {"OPENAI_API_KEY": "sk-bench-0000000000000000", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"},
}}
# A Qwen OAuth user signed in (a token valid for an hour) who chose usage statistics: the recorder's gate is open.
QWEN_OAUTH_USER = {
    "settings.json": {"security": {"auth": {"selectedType": "qwen-oauth"}},
                      "privacy": {"usageStatisticsEnabled": True}},
    "oauth_creds.json": {"access_token": "bench-access-token", "refresh_token": "bench-refresh-token",
                         "token_type": "Bearer", "resource_url": "127.0.0.1:9",
                         "expiry_date": int((time.time() + 3600) * 1000)},
}


def _tmux(name: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", name, *args], capture_output=True, text=True).stdout


def launch(command: list[str], texts: list[str], home: Path, timeout: float = 20.0) -> tuple[dict[str, float], int]:
    """Start `command` in a fresh 80×24 tmux session; seconds until each of `texts` first reaches the terminal
    (an early one may be gone again before the last shows), and the peak RSS (kB) once the last one is up.

    The pane's output is copied to a file (`pipe-pane`) before the command starts and read as it grows: the
    timing costs no process per check (spawning `capture-pane` every few ms on a 2-CPU machine slowed what it
    measured). A frame is one write, so a text is on screen when its bytes have arrived; the final screen is
    still checked with `capture-pane`."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "NO_BROWSER": "1", "QWEN_CODE_SYSTEM_SETTINGS_PATH": str(home / "etc-settings.json"),
           "QWEN_CODE_SYSTEM_DEFAULTS_PATH": str(home / "etc-defaults.json")}
    output = home / "pane-output"
    output.touch()
    # The pane waits for a go signal, so the copy is in place before the first byte and the clock starts at go.
    shell = f"tmux -L {name} wait-for go; exec env -i {shlex.join(f'{k}={v}' for k, v in env.items())} " \
            f"{shlex.join(command)}"
    subprocess.run(["tmux", "-L", name, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", shell],
                   check=True)
    seen: dict[str, float] = {}
    pid = int(_tmux(name, "list-panes", "-F", "#{pane_pid}", "-t", name).strip())   # the same pid once exec'd
    try:
        _tmux(name, "pipe-pane", "-t", name, f"cat >> {shlex.quote(str(output))}")
        with output.open("rb") as stream:
            started = time.perf_counter()
            subprocess.run(["tmux", "-L", name, "wait-for", "-S", "go"], check=True)
            received = b""
            while texts[-1] not in seen:
                if time.perf_counter() - started > timeout:
                    raise RuntimeError(f"{texts!r} never all appeared for {command}")
                chunk = stream.read()
                now = time.perf_counter() - started
                if chunk:
                    received += chunk
                    for text in texts:
                        if text not in seen and text.encode() in received:
                            seen[text] = now
                else:
                    time.sleep(0.001)
        time.sleep(0.3)  # let the first screen settle before reading the high-water mark
        if texts[-1] not in _tmux(name, "capture-pane", "-p", "-t", name):
            raise RuntimeError(f"{texts[-1]!r} arrived but is not on the screen for {command}")
        return seen, _peak_rss_kb(pid)
    finally:
        _tmux(name, "kill-server")
        _wait_for_exit(pid)


def _wait_for_exit(pid: int, timeout: float = 5.0) -> None:
    """Until the launched process has ended (a zombie counts: nothing may reap it here), so its last moments (a
    log file still being created) overlap neither the removal of its HOME nor the next launch: qwen-tui lives
    on 2-8 ms after the terminal goes."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return
        if state == "Z":
            return
        time.sleep(0.001)


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


def in_fresh_homes(runs: int, measure, files: dict[str, dict] | None = None) -> list:
    """`measure(home)` in `runs` new HOMEs, empty or holding `files` (name → JSON document) in `~/.qwen`."""
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            qwen_home = Path(home) / ".qwen"
            for name, document in (files or {}).items():
                qwen_home.mkdir(mode=0o700, exist_ok=True)
                (qwen_home / name).write_text(json.dumps(document))
                (qwen_home / name).chmod(0o600)
            results.append(measure(Path(home)))
    return results


def qwen_tui_command() -> list[str]:
    """The installed `qwen-tui` script beside this Python, as a user starts it; `-m qwen_tui` without one."""
    script = Path(sys.executable).with_name("qwen-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "qwen_tui"]


def measure(runs: int) -> tuple[list[Row], bool]:
    """The table's rows for the launches, `status` and memory, and whether every budget is met."""
    qwen_tui = qwen_tui_command()
    minimal, ours, returning, signed_in = [], [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        minimal_app = Path(scratch) / "minimal_app.py"
        minimal_app.write_text(MINIMAL_APP)
        for _ in range(runs):  # interleaved, so a change in machine load affects both sides alike
            minimal += in_fresh_homes(
                1, lambda home: launch([sys.executable, str(minimal_app)], ["minimal-ready"], home)
            )
            ours += in_fresh_homes(1, lambda home: launch(qwen_tui, [PLACEHOLDER, CHOOSER], home))
            returning += in_fresh_homes(1, lambda home: launch(qwen_tui, [PLACEHOLDER, HOME], home), RETURNING_USER)
            signed_in += in_fresh_homes(1, lambda home: launch(qwen_tui, [PLACEHOLDER, HOME], home), QWEN_OAUTH_USER)
    python = statistics.median(in_fresh_homes(runs, lambda home: time_command([sys.executable, "-c", "pass"], home)))
    status = statistics.median(in_fresh_homes(runs, lambda home: time_command([*qwen_tui, "status"], home)))

    floors = [seen["minimal-ready"] for seen, _ in minimal]
    first_paints = [min(seen.values()) for seen, _ in ours]
    choosers = [seen[CHOOSER] for seen, _ in ours]
    returning_paints = [min(seen.values()) for seen, _ in returning]
    homes = [seen[HOME] for seen, _ in returning]
    signed_in_homes = [seen[HOME] for seen, _ in signed_in]
    floor_rss = statistics.median(rss for _, rss in minimal)
    our_rss = statistics.median(rss for _, rss in ours)

    def paired(values: list[float]) -> float:
        """The median of each run's ratio to the minimal app launched just before it (pairs share the load)."""
        return statistics.median(value / floor for value, floor in zip(values, floors, strict=False))

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms"

    rows = [
        ("minimal Textual app: launch → first screen", ms(floors), ""),
        ("first run: launch → first paint", ms(first_paints), verdict(paired(first_paints), STARTUP_BUDGET)),
        ("first run: launch → auth chooser drawn", ms(choosers), verdict(paired(choosers), STARTUP_BUDGET)),
        ("configured: launch → first paint", ms(returning_paints), verdict(paired(returning_paints), STARTUP_BUDGET)),
        ("configured: launch → home drawn", ms(homes), verdict(paired(homes), STARTUP_BUDGET)),
        ("Qwen OAuth, usage statistics on: launch → home drawn", ms(signed_in_homes),
         verdict(paired(signed_in_homes), STARTUP_BUDGET)),
        ("minimal Textual app: peak RSS", f"{floor_rss / 1024:.1f} MiB", ""),
        ("qwen-tui: peak RSS at the chooser", f"{our_rss / 1024:.1f} MiB", verdict(our_rss / floor_rss, RSS_BUDGET)),
        ("`python -c pass`", f"{python * 1000:.0f} ms", ""),
        ("`qwen-tui status` (no Textual)", f"{status * 1000:.0f} ms", f"{status / python:.1f}× `python -c pass`"),
    ]
    slowest = max(paired(choosers), paired(homes), paired(signed_in_homes))
    within = slowest <= STARTUP_BUDGET and our_rss / floor_rss <= RSS_BUDGET
    return rows, within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    rows, within = measure(args.runs)
    print(f"{machine()}; median of {args.runs} runs in an 80×24 tmux; ratios are medians of paired runs")
    print_table(rows)
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""What `qwen-tui run` adds to every `qwen` start: `qwen-tui run -- --version` against `qwen --version`.

Usage: python bench/run_cost.py [--runs N]
The real `qwen` 0.24.4 from npm ($QWEN_TUI_INTEROP_CACHE, installed there if missing). A saved
OpenAI-compatible profile whose key is in the OS keyring (a private Secret Service: run must ask it), then
in `<QWEN_HOME>/.env` with no keyring backend. Launches are interleaved (qwen, run, qwen, run, …) so a change
in machine load hits both alike; the ratio is the median of each pair's ratio. Budget: ≤ 1.10×. A first row
shows the floor of any Python launcher: starting `python -c pass` before `qwen --version`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from table import Row, machine, print_table, verdict  # noqa: E402

BUDGET = 1.10
VERSION = "0.24.4"
KEY = "sk-bench-0123456789abcdef"
NO_KEYRING = "keyring.backends.fail.Keyring"


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or VERSION not in result.stdout.decode(errors="replace"):
        raise SystemExit(f"{command[0]} failed: {result.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def _configure(home: Path, env: dict[str, str], store: str) -> None:
    """A profile saved by qwen-tui itself, its key in `store`."""
    login = [sys.executable, "-m", "qwen_tui", "auth", "login", "--method", "openai", "--base-url",
             "http://127.0.0.1:9/v1", "--model", "bench-model", "--api-key-stdin", "--store", store, "--no-verify"]
    result = subprocess.run(login, env=env, cwd=home, input=KEY.encode(), capture_output=True, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"saving the bench profile failed: {result.stderr.decode(errors='replace')}")


def _pairs(runs: int, qwen: Path, env: dict[str, str], cwd: Path) -> list[tuple[float, float]]:
    direct = [str(qwen), "--version"]
    # The console script, as a user (or `alias qwen='qwen-tui run --'`) starts it.
    through_run = [str(Path(sys.executable).with_name("qwen-tui")), "run", "--qwen", str(qwen), "--", "--version"]
    _timed(direct, env, cwd), _timed(through_run, env, cwd)   # warm the page cache for both
    return [(_timed(direct, env, cwd), _timed(through_run, env, cwd)) for _ in range(runs)]


def _floor_pairs(runs: int, qwen: Path) -> list[tuple[float, float]]:
    """What any Python launcher costs before doing anything: `python -c pass` then `qwen --version`."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()}
    cwd = Path(tempfile.gettempdir())
    pairs = []
    for _ in range(runs):
        direct = _timed([str(qwen), "--version"], env, cwd)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, capture_output=True, timeout=60)
        pairs.append((direct, time.perf_counter() - started + _timed([str(qwen), "--version"], env, cwd)))
    return pairs


def _in_home(store: str, extra_env: dict[str, str], measure: Callable[[dict[str, str], Path], list]) -> list:
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
               "QWEN_CODE_SYSTEM_SETTINGS_PATH": str(home / "etc" / "settings.json"), **extra_env}
        (home / ".qwen").mkdir(mode=0o700)
        quiet = {"privacy": {"usageStatisticsEnabled": False}, "general": {"enableAutoUpdate": False}}
        (home / ".qwen" / "settings.json").write_text(json.dumps(quiet))
        _configure(home, env, store)
        return measure(env, home)


def _row(label: str, pairs: list[tuple[float, float]]) -> tuple[Row, bool]:
    ratio = statistics.median(through / direct for direct, through in pairs)
    direct_ms = statistics.median(direct for direct, _ in pairs) * 1000
    run_ms = statistics.median(through for _, through in pairs) * 1000
    value = f"{run_ms:.0f} ms vs {direct_ms:.0f} ms"
    return (label, value, verdict(ratio, BUDGET)), ratio <= BUDGET


def measure(runs: int) -> tuple[list[Row], bool]:
    import pytest

    from tests.interop.conftest import install_qwen_code
    from tests.keyring_service import missing_binaries, start_secret_service

    try:
        qwen = install_qwen_code(VERSION).executable
    except (Exception, pytest.skip.Exception) as exc:   # no npm/node here, or the registry is unreachable
        return [("`qwen-tui run -- --version` / `qwen --version`", f"not measured: {exc}", "")], True
    floor, _ = _row("floor: `python -c pass` + `qwen --version` / `qwen --version`", _floor_pairs(runs, qwen))
    rows, ok = [(floor[0], floor[1], floor[2].split(" (")[0] + " (no budget)")], True
    pairs = _in_home("dotenv", {"PYTHON_KEYRING_BACKEND": NO_KEYRING}, lambda env, home: _pairs(runs, qwen, env, home))
    row, fine = _row("`qwen-tui run -- --version` / `qwen --version`, key in ~/.qwen/.env, no keyring", pairs)
    rows.append(row)
    ok &= fine
    if missing_binaries():
        missing = ", ".join(missing_binaries())
        rows.append(("… with the key in a Secret Service", f"not measured: {missing} missing", ""))
        return rows, ok
    with tempfile.TemporaryDirectory() as scratch:
        session = start_secret_service(Path(scratch))
        try:
            keyring_env = {**session.env, "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"}
            pairs = _in_home("keyring", keyring_env, lambda env, home: _pairs(runs, qwen, env, home))
        finally:
            session.stop()
    row, fine = _row("`qwen-tui run -- --version` / `qwen --version`, key in a Secret Service", pairs)
    rows.append(row)
    return rows, ok and fine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="launch pairs per store")
    args = parser.parse_args()
    rows, ok = measure(args.runs)
    print(f"{machine()}; medians of {args.runs} interleaved pairs")
    print_table(rows)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

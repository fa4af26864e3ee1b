"""What `qwen-tui run` adds to every `qwen` start, against starting `qwen` directly.

Usage: python bench/run_cost.py [--runs N] [--prompt-runs N]
The real `qwen` 0.24.4 from npm ($QWEN_TUI_INTEROP_CACHE, installed there if missing). An OpenAI-compatible
profile saved by qwen-tui itself, its key in `<QWEN_HOME>/.env` with no keyring backend, then in the OS keyring (a
private Secret Service, which `run` must ask). Two starts each: `--version` (the cheapest thing qwen does, where
run's share is largest) and `-p "say pong"` answered by the loopback OpenAI server of the tests (qwen's real start:
config, auth, one streamed chat completion). For the keyring profile plain `qwen` cannot see the key, so it gets it
exported in its environment, as a user without qwen-tui would. Every `qwen` goes through the loopback guard proxy
of the interop tests (nothing leaves the machine). Launches are interleaved (qwen, run, qwen, run, …) so a change
in machine load hits both alike; the ratio is the median of each pair's ratio. Budget: ≤ 1.10×. The first row is
the floor of any Python launcher: `python -c pass` started before `qwen --version`.
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from table import Row, machine, print_table, verdict  # noqa: E402

BUDGET = 1.10
VERSION = "0.24.4"
KEY = "sk-bench-0123456789abcdef"
MODEL = "bench-model"
NO_KEYRING = "keyring.backends.fail.Keyring"
Pairs = list[tuple[float, float]]


def _timed(command: list[str], env: dict[str, str], cwd: Path, expect: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or expect not in result.stdout.decode(errors="replace"):
        raise SystemExit(f"{command[0]} failed: {result.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def _pairs(runs: int, direct: list[str], through_run: list[str], envs: tuple[dict, dict], cwd: Path,
           expect: str) -> Pairs:
    plain_env, run_env = envs
    _timed(direct, plain_env, cwd, expect), _timed(through_run, run_env, cwd, expect)   # warm the page cache
    return [(_timed(direct, plain_env, cwd, expect), _timed(through_run, run_env, cwd, expect)) for _ in range(runs)]


def _floor_pairs(runs: int, qwen: Path) -> Pairs:
    """What any Python launcher costs before doing anything: `python -c pass` then `qwen --version`."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()}
    cwd = Path(tempfile.gettempdir())
    pairs = []
    for _ in range(runs):
        direct = _timed([str(qwen), "--version"], env, cwd, VERSION)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, capture_output=True, timeout=60)
        pairs.append((direct, time.perf_counter() - started + _timed([str(qwen), "--version"], env, cwd, VERSION)))
    return pairs


@contextmanager
def _home(store: str, extra_env: dict[str, str], base_url: str, proxy_url: str) -> Iterator[tuple[dict, Path]]:
    """A fresh HOME with the profile saved by `qwen-tui auth login`, its key in `store`; yields its environment."""
    from tests.interop.conftest import QUIET_SETTINGS

    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        proxy = {name: proxy_url for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
               "TERM": "dumb", "NO_COLOR": "1", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
               "QWEN_CODE_SYSTEM_SETTINGS_PATH": str(home / "etc" / "settings.json"), **proxy, **extra_env}
        (home / ".qwen").mkdir(mode=0o700)
        (home / ".qwen" / "settings.json").write_text(json.dumps(QUIET_SETTINGS))
        login = [sys.executable, "-m", "qwen_tui", "auth", "login", "--method", "openai", "--base-url", base_url,
                 "--model", MODEL, "--api-key-stdin", "--store", store, "--no-verify"]
        result = subprocess.run(login, env=env, cwd=home, input=KEY.encode(), capture_output=True, timeout=120)
        if result.returncode != 0:
            raise SystemExit(f"saving the bench profile failed: {result.stderr.decode(errors='replace')}")
        yield env, home


def _measure_home(runs: tuple[int, int], qwen: Path, env: dict[str, str], home: Path,
                  exported: bool) -> tuple[Pairs, Pairs]:
    """(`--version` pairs, `-p` pairs) for one saved profile. `exported`: plain qwen gets the key in its
    environment, under the name the profile reads (it could not see a key kept in the keyring)."""
    plain_env = dict(env)
    if exported:
        settings = json.loads((home / ".qwen" / "settings.json").read_text())
        plain_env[settings["modelProviders"]["openai"][0]["envKey"]] = KEY
    # The console script, as a user (or `alias qwen='qwen-tui run --'`) starts it.
    run = [str(Path(sys.executable).with_name("qwen-tui")), "run", "--qwen", str(qwen), "--"]
    envs = (plain_env, env)
    version = _pairs(runs[0], [str(qwen), "--version"], [*run, "--version"], envs, home, VERSION)
    prompt = _pairs(runs[1], [str(qwen), "-p", "say pong"], [*run, "-p", "say pong"], envs, home, "pong")
    return version, prompt


def _row(label: str, pairs: Pairs, budget: bool = True) -> tuple[Row, bool]:
    ratio = statistics.median(through / direct for direct, through in pairs)
    direct_ms = statistics.median(direct for direct, _ in pairs) * 1000
    run_ms = statistics.median(through for _, through in pairs) * 1000
    value = f"{run_ms:.0f} ms vs {direct_ms:.0f} ms"
    judged = verdict(ratio, BUDGET)
    return (label, value, judged if budget else judged.split(" (")[0] + " (no budget)"), ratio <= BUDGET or not budget


def _added_ms(pairs: Pairs) -> float:
    return statistics.median(through - direct for direct, through in pairs) * 1000


def measure(runs: int, prompt_runs: int = 3) -> tuple[list[Row], bool]:
    """`runs` pairs of `--version`, `prompt_runs` pairs of `-p` (each takes seconds: qwen's real start)."""
    import pytest

    from tests.interop.conftest import install_qwen_code
    from tests.interop.guard_proxy import GuardProxy
    from tests.keyring_service import missing_binaries, start_secret_service
    from tests.servers.openai_server import OpenAIServer

    try:
        qwen = install_qwen_code(VERSION).executable
    except (Exception, pytest.skip.Exception) as exc:   # no npm/node here, or the registry is unreachable
        return [("`qwen-tui run -- --version` / `qwen --version`", f"not measured: {exc}", "")], True
    floor_pairs = _floor_pairs(runs, qwen)
    floor = _row("floor: `python -c pass` + `qwen --version` / `qwen --version`", floor_pairs, budget=False)[0]
    rows, ok = [floor], True
    guard = GuardProxy().start()
    try:
        with OpenAIServer(key=KEY, models=(MODEL,)) as server:
            with _home("dotenv", {"PYTHON_KEYRING_BACKEND": NO_KEYRING}, server.url, guard.url) as (env, home):
                version, prompt = _measure_home((runs, prompt_runs), qwen, env, home, exported=False)
            for label, pairs in (("`qwen-tui run -- --version` / `qwen --version`, key in ~/.qwen/.env, no keyring",
                                  version),
                                 ("`qwen-tui run -- -p` / `qwen -p` (loopback server), key in ~/.qwen/.env", prompt)):
                row, fine = _row(label, pairs)
                rows.append(row)
                ok &= fine
            floor_ms, added_ms = _added_ms(floor_pairs), _added_ms(version)
            rows.append(("… of what run adds to `--version`, Python's own start (the floor)",
                         f"{floor_ms:.0f} of {added_ms:.0f} ms", ""))
            if missing_binaries():
                rows.append(("… with the key in a Secret Service", f"not measured: {', '.join(missing_binaries())} "
                             "missing", ""))
                return rows, ok
            with tempfile.TemporaryDirectory() as scratch:
                session = start_secret_service(Path(scratch))
                try:
                    with _home("keyring", dict(session.env), server.url, guard.url) as (env, home):
                        version, prompt = _measure_home((runs, prompt_runs), qwen, env, home, exported=True)
                finally:
                    session.stop()
            for label, pairs in (("`qwen-tui run -- --version` / `qwen --version`, key in a Secret Service", version),
                                 ("`qwen-tui run -- -p` / `qwen -p` (key exported), key in a Secret Service", prompt)):
                row, fine = _row(label, pairs)
                rows.append(row)
                ok &= fine
    finally:
        guard.stop()
    if guard.refused:
        raise SystemExit(f"qwen tried to reach outside the machine: {guard.refused[:3]}")
    return rows, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="launch pairs per `--version` row")
    parser.add_argument("--prompt-runs", type=int, default=3, help="launch pairs per `-p` row")
    args = parser.parse_args()
    rows, ok = measure(args.runs, args.prompt_runs)
    print(f"{machine()}; medians of {args.runs} interleaved pairs ({args.prompt_runs} for `-p`)")
    print_table(rows)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

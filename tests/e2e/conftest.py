"""The installed app: build the wheel once, install it into a fresh venv, drive it for real."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shared import file_lock, run_folder

REPO = Path(__file__).resolve().parents[2]
# Building the wheel and installing it with its dependencies into a fresh venv takes a minute or two on a loaded
# 2-CPU machine, and an xdist worker may wait that long for another one to finish it: the tests that use it get
# this budget instead of the suite's 120 s.
INSTALL_TIMEOUT_S = 600


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "installed_venv" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(INSTALL_TIMEOUT_S))


@pytest.fixture(scope="session")
def installed_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the built wheel (and its dependencies) installed; returns its bin dir.
    Built once per run: the xdist workers wait on one lock and share the result."""
    work = run_folder(tmp_path_factory) / "installed-app"
    venv = work / "venv"
    with file_lock(work.with_name("installed-app.lock")):
        if not (work / "done").exists():
            shutil.rmtree(work, ignore_errors=True)   # a half-built one from a worker that failed
            _build_and_install(work, venv)
            (work / "done").touch()
    return venv / "bin"


def _build_and_install(work: Path, venv: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"), str(REPO)],
        check=True,
    )
    wheels = list((work / "dist").glob("qwen_tui-*.whl"))
    assert len(wheels) == 1, wheels
    # No pip inside the venv (ensurepip costs ~8 s of CPU): this interpreter's pip installs into it (--python),
    # about half the CPU of the venv's own, as a user's `pipx install` or `uv pip install` would. Without
    # compiling every installed module (uv's default too): the app compiles what it imports on its first start,
    # a fraction of what pip compiles (pygments, cryptography, pydantic…): 12.5 → 5.4 CPU-s for the install.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
                    "--no-compile", str(wheels[0])], check=True)


class Tmux:
    """One tmux session running a command at a fixed size; read the screen, type keys."""

    def __init__(self, command: list[str], env: dict[str, str], width: int, height: int) -> None:
        self.name = f"qwen-tui-{uuid.uuid4().hex[:8]}"
        self.env = env
        exports = [f"{key}={value}" for key, value in env.items()]
        subprocess.run(
            ["tmux", "-L", self.name, "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
             "env", "-i", *exports, *command],
            check=True,
        )

    def _tmux(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.name, *args], capture_output=True, text=True)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name).stdout

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{texts!r} not on screen after {timeout}s:\n{screen}")

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def alive(self) -> bool:
        return self._tmux("has-session", "-t", self.name).returncode == 0

    def wait_exit(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return True
            time.sleep(0.1)
        return False

    def kill(self) -> None:
        self._tmux("kill-server")


@pytest.fixture
def tmux(isolated_home: Path) -> Iterator:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing: .ci/system-deps should have installed it")
        pytest.skip("tmux is not installed (make system-deps)")
    sessions: list[Tmux] = []

    def start(command: list[str], width: int = 80, height: int = 24, **extra: str) -> Tmux:
        env = {
            "HOME": str(isolated_home),
            "PATH": os.environ["PATH"],
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "NO_BROWSER": "1",
            "QWEN_CODE_SYSTEM_SETTINGS_PATH": os.environ["QWEN_CODE_SYSTEM_SETTINGS_PATH"],
            "QWEN_CODE_SYSTEM_DEFAULTS_PATH": os.environ["QWEN_CODE_SYSTEM_DEFAULTS_PATH"],
            **extra,
        }
        session = Tmux(command, env, width, height)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.kill()

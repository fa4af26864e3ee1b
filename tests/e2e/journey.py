"""Steps of a user's journey through the installed qwen-tui in tmux, shared by the e2e tests.

The loopback servers run as their own processes (`DeviceServerProcess`, `OpenAIServerProcess`), as a real
provider would; the steps drive the app only with keys, and read only what a person would see.
`Session` wraps a tmux session and keeps every distinct screen it captured, so a journey can check
afterwards that no secret was ever shown.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

REPO = Path(__file__).resolve().parents[2]
# The code box shows the user code with spaced characters: "┃  3 7 0 C - 1 C 8 8  ┃".
CODE_BOX = re.compile(r"┃\s+((?:\S ){3,}\S)\s+┃")
# Every browser launcher webbrowser / xdg tools may try on Linux; each fake one records that it ran.
BROWSER_COMMANDS = ("xdg-open", "gio", "www-browser", "x-www-browser", "sensible-browser", "firefox",
                    "chromium", "google-chrome", "gnome-open", "kfmclient")


class Terminal(Protocol):
    """What the steps need from a terminal: conftest's `Tmux`, or `Session` around it."""

    name: str  # the tmux server and session name

    def screen(self) -> str: ...
    def wait_for(self, *texts: str, timeout: float = 30.0) -> str: ...
    def send(self, *keys: str) -> None: ...
    def wait_exit(self, timeout: float = 10.0) -> bool: ...


class Session:
    """A tmux session that remembers every distinct screen captured (to prove a secret never showed).

    The pane stays after the app exits (remain-on-exit), so a crash leaves its last output to report and
    the exit status to check."""

    def __init__(self, tmux: Terminal) -> None:
        self.tmux = tmux
        self.name = tmux.name
        self.screens: list[str] = []
        self._tmux("set-option", "-t", self.name, "remain-on-exit", "on")

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.name, *args], capture_output=True, text=True).stdout

    def exit_status(self) -> int | None:
        """The app's exit status (128 + signal when killed) once it has exited; -1 when it has exited but
        tmux has not collected its status yet (it can leave it a zombie for a while); None while it runs."""
        fields = self._tmux("display", "-p", "-t", self.name,
                            "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}:#{pane_pid}").strip().split(":")
        if len(fields) != 4 or fields[0] != "1":
            return None
        if fields[1] or fields[2]:
            return int(fields[1]) if fields[1] else 128 + int(fields[2])
        return -1 if _gone_or_zombie(fields[3]) else None

    def output_after_exit(self) -> str:
        """What the app printed once it left the full screen (a traceback would be there)."""
        return self._tmux("capture-pane", "-p", "-S", "-200", "-t", self.name)

    def screen(self) -> str:
        text = self.tmux.screen()
        if not self.screens or self.screens[-1] != text:
            self.screens.append(text)
        return text

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if all(part in text for part in texts):
                return text
            if self.exit_status() is not None:
                break
            time.sleep(0.1)
        exited = self.exit_status()
        if exited is not None:
            output = self.output_after_exit()
            raise AssertionError(f"the app exited with status {exited} while waiting for {texts!r}:\n{output}")
        raise AssertionError(f"{texts!r} not on screen after {timeout}s:\n{text}")

    def send(self, *keys: str) -> None:
        self.tmux.send(*keys)

    def wait_exit(self, timeout: float = 10.0) -> bool:
        """True once the app has exited with status 0 (or one tmux has not collected yet)."""
        deadline = time.monotonic() + timeout
        while (status := self.exit_status()) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        return status in (0, -1)


def _gone_or_zombie(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def wait_gone(session: Terminal, text: str, timeout: float = 30.0) -> None:
    """Until `text` leaves the screen (works on a bare `Tmux` too)."""
    deadline = time.monotonic() + timeout
    while text in session.screen():
        assert time.monotonic() < deadline, session.screen()
        time.sleep(0.1)


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """For file changes the app makes in a worker just after the screen changed."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.1)


# ---- the loopback servers, each in its own process -------------------------------------------------------------

def _start(args: list[str]) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", *args], cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        raise AssertionError(f"{args[0]} did not start: {line}")
    return process, line.removeprefix("listening on ")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


class DeviceServerProcess:
    """`python -m tests.servers.device_server`, controlled over its HTTP control endpoints."""

    def __init__(self, interval: float = 1) -> None:
        # interval=1: the app polls every second, so an approval is seen within ~1 s (5 s by default).
        self.process, self.url = _start(["tests.servers.device_server", "--port", "0",
                                         "--interval", f"{interval:g}"])

    def _control(self, action: str, method: str = "GET") -> Any:
        request = urllib.request.Request(f"{self.url}/_control/{action}", method=method)
        with urllib.request.urlopen(request, timeout=15) as response:
            return json.loads(response.read())

    def user_code(self) -> str:
        return self._control("user_code")["user_code"]

    def approve(self, user_code: str) -> dict:
        return self._control(f"approve?user_code={user_code}", "POST")

    def requests(self) -> list[dict]:
        return self._control("requests")

    def stop(self) -> None:
        _stop(self.process)


class OpenAIServerProcess:
    """`python -m tests.servers.openai_server` accepting one API key; `url` is its base URL (with /v1)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.process, self.url = _start(["tests.servers.openai_server", "--port", "0", "--key", key])

    def stop(self) -> None:
        _stop(self.process)


@contextmanager
def device_server() -> Iterator[DeviceServerProcess]:
    server = DeviceServerProcess()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def openai_server(key: str) -> Iterator[OpenAIServerProcess]:
    server = OpenAIServerProcess(key)
    try:
        yield server
    finally:
        server.stop()


# ---- a fake browser that records being called -----------------------------------------------------------------

def install_fake_browsers(bin_dir: Path, marker: Path) -> None:
    """Put recording stand-ins for every browser launcher in `bin_dir` (first on PATH): called, each appends
    its name and arguments to `marker`, then stays alive a moment so webbrowser counts the launch a success."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name in BROWSER_COMMANDS:
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{marker}"\nexec /bin/sleep 2\n')
        script.chmod(0o755)


# ---- steps --------------------------------------------------------------------------------------------------

def sign_in_with_qwen_oauth(session: Terminal, server: DeviceServerProcess,
                            signin_texts: tuple[str, ...] = ()) -> tuple[str, str]:
    """From the chooser: `1`, read the user code off the screen (once `signin_texts` show too), approve it on
    the server, wait for home. Returns (the sign-in screen with the code, the home screen)."""
    session.send("1")
    signin = session.wait_for("Sign in with Qwen OAuth", "and enter this code", "The code expires in",
                              *signin_texts)
    match = CODE_BOX.search(signin)
    assert match, signin
    user_code = match.group(1).replace(" ", "")
    assert server.user_code() == user_code       # the code on screen is the one the server issued
    assert server.approve(user_code) == {"ok": True}
    home = session.wait_for("Effective configuration", "qwen-oauth", "Sign-in token", "valid for")
    return signin, home


def open_command(session: Terminal, command: str) -> None:
    """`/` then the command name and Enter, as in Qwen Code (`/auth`)."""
    session.send("/")
    session.wait_for("Type a command")
    session.send("-l", command)
    session.wait_for(f"/{command}")
    session.send("Enter")


def open_openai_form(session: Terminal) -> str:
    """From the chooser: `2` → the empty OpenAI-compatible provider form (its screen)."""
    session.send("2")
    return session.wait_for("OpenAI-compatible provider", "Base URL")


def add_openai_provider(session: Terminal, server_url: str, key: str, model: str) -> str:
    """From the chooser, with no keyring: `2` → the form → `fill_provider_form` (Test, Save) → home."""
    open_openai_form(session)
    return fill_provider_form(session, server_url, key, model)


def fill_provider_form(session: Terminal, server_url: str, key: str, model: str) -> str:
    """On the empty form, with no keyring: Custom provider, OpenAI-compatible → URL, key, model → Test → Save →
    home (its screen)."""
    session.send("-l", "Custom")                # the picker finds the custom provider in its group by typing
    session.wait_for("Finding")
    session.send("Enter")                       # its protocols
    session.wait_for("Anthropic-compatible")
    session.send("Enter")                       # OpenAI-compatible: the focus moves on to the base URL
    assert "Terms and privacy policy: unknown" in session.screen()
    # Each field is typed only once the terminal cursor (which Textual puts in the focused input) is on its
    # line: under load a Tab can still be on its way when the text arrives, and the text lands in the field
    # before (a key typed into the URL field would be shown in clear).
    tab_to(session, "Base URL", tabs=0)
    session.send("-l", server_url)
    session.wait_for(server_url)
    tab_to(session, "API key")
    session.send("-l", key)
    session.wait_for("•" * len(key))
    tab_to(session, "Model", tabs=2)            # past the Show button, into the model field
    session.send("-l", model)
    screen = session.wait_for("•" * len(key), model)
    assert key not in screen                    # masked while typed
    session.send("C-t")
    session.wait_for("the key was accepted")
    session.send("C-s")
    home = session.wait_for("Effective configuration", "openai", model)
    assert key not in home
    return home


def cursor_row(session: Terminal) -> int:
    """The line of the terminal cursor (tmux's own record of it)."""
    result = subprocess.run(["tmux", "-L", session.name, "display", "-p", "-t", session.name, "#{cursor_y}"],
                            capture_output=True, text=True, check=True)
    return int(result.stdout.strip())


def tab_to(session: Terminal, label: str, tabs: int = 1, timeout: float = 10.0) -> None:
    """Tab until the cursor is in the input under the field label `label` (the first line starting with it)."""
    session.send(*["Tab"] * tabs)

    def focused() -> bool:
        # A line's first cell of text (a scroll bar may share the label's line).
        lines = [re.split(r"\s{2,}", line.strip())[0] for line in session.screen().splitlines()]
        return label in lines and cursor_row(session) == lines.index(label) + 1

    try:
        wait_until(focused, f"the cursor is in the {label!r} field", timeout)
    except AssertionError as exc:
        raise AssertionError(f"{exc} (cursor on line {cursor_row(session)}):\n{session.screen()}") from None


# ---- files ------------------------------------------------------------------------------------------------------

def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def files_containing(root: Path, needle: str) -> list[Path]:
    """Every regular file under `root` whose bytes contain `needle` (logs, settings, locks, anything)."""
    found = []
    data = needle.encode()
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink() and data in path.read_bytes():
                found.append(path)
    return found

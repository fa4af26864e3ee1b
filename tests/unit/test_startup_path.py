"""The launch path: the collector pause (qwen_tui/collector.py), the CLI's no-argument fast path, and the
resolution read before the first frame without the keyring (resolve(..., keyring=False))."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qwen_tui import cli, collector
from qwen_tui.core.context import Context
from qwen_tui.core.resolver import KeyringNeeded, resolve
from qwen_tui.ui.resolution import resolve_without_keyring
from tests.conftest import FIXTURES


@pytest.fixture
def collector_state() -> Iterator[None]:
    """Leave the interpreter's collector as the test found it (enabled, nothing frozen)."""
    yield
    collector.resume()
    gc.unfreeze()
    gc.enable()


# ---- the collector pause ------------------------------------------------------------------------------------

def test_pause_then_resume_with_freeze(collector_state) -> None:
    collector.pause()
    assert not gc.isenabled()
    collector.resume(freeze=True)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0   # what startup built is out of later collections


def test_resume_without_a_pause_changes_nothing(collector_state) -> None:
    gc.disable()                       # turned off by someone else (an embedding program, a profiler)
    collector.resume()
    assert not gc.isenabled()


def test_a_collector_already_off_is_not_ours_to_turn_on(collector_state) -> None:
    gc.disable()
    collector.pause()
    collector.resume(freeze=True)
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_commands_run_with_the_collector_on(collector_state, monkeypatch, capsys) -> None:
    """Only the TUI keeps the pause until its first frame; a command (e.g. a long device-flow login) runs
    with the collector as usual."""
    seen: list[bool] = []
    import qwen_tui.commands.status as status_command

    real_status = status_command.status
    monkeypatch.setattr(status_command, "status", lambda **kw: seen.append(gc.isenabled()) or real_status(**kw))
    assert cli.main(["status"]) == 1          # nothing configured
    assert seen == [True]
    assert gc.isenabled()


def test_a_usage_error_still_resumes_the_collector(collector_state, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["no-such-command"])
    assert exit_info.value.code == 2
    assert gc.isenabled()


def test_the_tui_launch_path_builds_no_parser() -> None:
    """`qwen-tui` alone goes straight to the TUI: argparse is not even imported (startup budget). Without a
    terminal it stops with the one-line message, exit 1."""
    code = ("import sys; from qwen_tui.cli import main; rc = main([]); "
            "print(rc, 'argparse' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env=os.environ, timeout=60)
    assert done.stdout.split() == ["1", "False"]
    assert done.stderr.count("\n") == 1 and "terminal" in done.stderr


# ---- the resolution without the keyring ---------------------------------------------------------------------

def test_without_keyring_nothing_configured_is_the_full_resolution(isolated_home: Path) -> None:
    env = dict(os.environ)
    quick = resolve_without_keyring(Context(Path.cwd(), env))
    assert quick is not None
    assert quick == resolve(Context(Path.cwd(), env))
    assert quick.auth_type.value is None


def test_without_keyring_keeps_problems_and_usage_choice(qwen_home: Path) -> None:
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({"privacy": {"usageStatisticsEnabled": False}}))
    (Path.cwd() / ".qwen").mkdir(exist_ok=True)
    (Path.cwd() / ".qwen" / "settings.json").write_text("{ not json")
    quick = resolve_without_keyring(Context.current())
    assert quick is not None
    assert quick.usage_stats_chosen and quick.usage_stats.value is False
    assert len(quick.problems) == 1 and "settings.json" in quick.problems[0]


@pytest.mark.parametrize("how", ["settings_env", "qwen_oauth_file", "openai_dotenv"])
def test_values_from_files_and_environment_need_no_keyring(how: str, qwen_home: Path) -> None:
    env = dict(os.environ)
    qwen_home.mkdir()
    if how == "settings_env":
        (qwen_home / "settings.json").write_text(json.dumps({
            "security": {"auth": {"selectedType": "openai"}}, "env": {"OPENAI_API_KEY": "sk-test-1234567890"}}))
    elif how == "qwen_oauth_file":
        env["QWEN_OAUTH"] = "1"
        creds = FIXTURES / "qwen-code-interop" / "v071-oauth-sse.oauth_creds.json"
        shutil.copyfile(creds, qwen_home / "oauth_creds.json")
    else:
        (qwen_home / ".env").write_text("OPENAI_API_KEY=sk-test-1234567890\nOPENAI_BASE_URL=http://127.0.0.1:9/v1\n"
                                        "OPENAI_MODEL=m\n")
    quick = resolve_without_keyring(Context(Path.cwd(), env))
    assert quick is not None and quick.credential.present
    assert quick == resolve(Context(Path.cwd(), env))


@pytest.mark.parametrize("how", ["openai_key_in_store", "qwen_oauth_in_keyring"])
def test_a_value_only_the_keyring_has_is_left_to_the_worker(how: str, qwen_home: Path) -> None:
    """Where the keyring would have to be asked (it may take seconds), no answer rather than a wrong one."""
    env = dict(os.environ)
    qwen_home.mkdir()
    if how == "openai_key_in_store":
        (qwen_home / "settings.json").write_text(json.dumps({"security": {"auth": {"selectedType": "openai"}}}))
    else:
        env["QWEN_OAUTH"] = "1"
        env["QWEN_TUI_OAUTH_STORE"] = "keyring"
    with pytest.raises(KeyringNeeded):
        resolve(Context(Path.cwd(), env), keyring=False)
    assert resolve_without_keyring(Context(Path.cwd(), env)) is None


# ---- what the launch imports before its first screen ------------------------------------------------------

def _probe(seen: str, setup: str = "") -> str:
    """A headless launch in a fresh interpreter that prints `seen` (JSON) when the first real screen reports its
    first frame, before what that frame put off (logging, the usage recorder) starts; `setup` runs first."""
    return f"""
import json, sys
{setup}
from qwen_tui.ui.app import QwenTuiApp

class Probe(QwenTuiApp):
    def screen_shown(self, screen):
        if screen.name != "loading" and not hasattr(self, "seen"):
            self.seen = {seen}
            self.call_later(self.exit)
        super().screen_shown(screen)

app = Probe()
app.run(headless=True, size=(80, 24))
print(json.dumps(app.seen))
"""


# The modules loaded at the first frame.
_FIRST_FRAME_MODULES = _probe("(screen.name, sorted(sys.modules))")
# Each costs from ~3 ms (the recorder) to ~100 ms (structlog): they load after the first frame (bench/startup.py).
_AFTER_FIRST_FRAME = ("pydantic", "httpx", "keyring", "authlib", "structlog", "argparse",
                      "qwen_tui.core.telemetry.recorder", "qwen_tui.core.telemetry.gate",
                      # the chooser's usage switch and notice, mounted a frame later (~2% of its launch)
                      "qwen_tui.ui.widgets.state", "qwen_tui.ui.widgets.usage_notice", "textual.widgets._checkbox",
                      "qwen_tui.ui.widgets.usage_switch", "textual.widgets._switch",
                      # the provider form's scrolling body (a class built at import, ~0.2% of a launch)
                      "qwen_tui.ui.widgets.form_scroll",
                      # the provider presets: home's first frame masks a URL, it names no provider
                      "qwen_tui.core.providers.catalog",
                      # the usage events' names (nine enums, ~0.6% of a launch): named once the first is recorded
                      "qwen_tui.core.telemetry.names",
                      # TOML's parser (~1%): the bundled themes are JSON; it loads for the user's theme files only
                      "tomllib",
                      # Textual's typed-app descriptors (~1 M instructions): for the type checker only
                      "textual.getters")
_SIGNED_IN_WITH_USAGE_ON = {
    "settings.json": {"security": {"auth": {"selectedType": "qwen-oauth"}},
                      "privacy": {"usageStatisticsEnabled": True}},
    "oauth_creds.json": {"access_token": "probe-access", "refresh_token": "probe-refresh", "token_type": "Bearer",
                         "resource_url": "127.0.0.1:9", "expiry_date": 4102444800000},
}


_LAUNCHES = pytest.mark.parametrize(("files", "first_screen"), [
    ({}, "chooser"),
    ({"settings.json": {"security": {"auth": {"selectedType": "openai"}},
                        "env": {"OPENAI_API_KEY": "sk-probe-0000000000000000"}}}, "home"),
    (_SIGNED_IN_WITH_USAGE_ON, "home"),
], ids=["first-run", "openai", "qwen-oauth-usage-on"])


def _first_frame(qwen_home: Path, files: dict, probe: str) -> list:
    """Launch headless with `files` in ~/.qwen; what `probe` printed (JSON) at the first screen's first frame."""
    for name, document in files.items():
        qwen_home.mkdir(mode=0o700, exist_ok=True)
        (qwen_home / name).write_text(json.dumps(document))
        (qwen_home / name).chmod(0o600)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=os.environ, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# The modules loaded when the first screen's first frame is handed to the driver (as bench/instructions.py
# stops): what that screen mounts once the frame is out (`after_first_frame`) has not loaded yet.
_AT_THE_FRAME_MODULES = _probe("(screen.name, at_the_frame[0])", """
from textual.app import App

at_the_frame = []
display = App._display

def recording(self, screen, renderable):
    if renderable is not None and screen.name != "loading" and not at_the_frame:
        at_the_frame.append(sorted(sys.modules))
    display(self, screen, renderable)

App._display = recording
""")
# A widget class costs Textual ~2 M instructions to build at import: these are in the frame that follows.
_AFTER_THE_FRAME = {
    # home's notice box, when there is no notice at startup, and its qwen verdict (its "checking…" row alone)
    "home": ("qwen_tui.ui.widgets.notice_box", "qwen_tui.ui.widgets.qwen_verdict"),
    "chooser": ("qwen_tui.ui.widgets.notice_box",),
}


@_LAUNCHES
def test_what_a_screen_mounts_later_is_not_imported_for_its_first_frame(qwen_home: Path, files: dict,
                                                                      first_screen: str) -> None:
    shown, modules = _first_frame(qwen_home, files, _AT_THE_FRAME_MODULES)
    assert shown == first_screen
    assert [name for name in modules if name in _AFTER_THE_FRAME[shown]] == []


@_LAUNCHES
def test_nothing_heavy_loads_before_the_first_screen(qwen_home: Path, files: dict, first_screen: str) -> None:
    shown, modules = _first_frame(qwen_home, files, _FIRST_FRAME_MODULES)
    assert shown == first_screen
    loaded = [name for name in modules if name in _AFTER_FIRST_FRAME or name.split(".")[0] in _AFTER_FIRST_FRAME]
    assert loaded == []


# The stylesheet sources Textual parsed (not found in its parse cache) until the first screen reports its first
# frame, each as often as it was parsed.
_FIRST_FRAME_PARSES = _probe("(screen.name, dict(parsed))", """
from collections import Counter
from textual.css.stylesheet import Stylesheet

parsed = Counter()
parse_rules = Stylesheet._parse_rules

def counting(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
    if (css, read_from, is_default_rules, tie_breaker, scope) not in self._parse_cache:
        parsed[" ".join(read_from)] += 1
    return parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)

Stylesheet._parse_rules = counting
""")


@_LAUNCHES
def test_each_stylesheet_is_parsed_once_before_the_first_screen(qwen_home: Path, files: dict,
                                                                  first_screen: str) -> None:
    """Textual ranks a widget class's default CSS by its depth in the class hierarchy of the node registering it,
    and parses it again when a deeper node registers it later: the bottom of the stack (never drawn) is as
    deep as the first screens, so Screen's and Widget's CSS are parsed once (~4 M instructions)."""
    shown, parsed = _first_frame(qwen_home, files, _FIRST_FRAME_PARSES)
    assert shown == first_screen
    assert any("Screen.DEFAULT_CSS" in source for source in parsed)   # the count sees Textual's parses
    assert {source: count for source, count in parsed.items() if count > 1} == {}


# The screens in the stack and the widgets each holds when the first screen reports its first frame.
_FIRST_FRAME_STACK = _probe("[[s.name, sorted(type(node).__name__ for node in s.walk_children())]"
                           " for s in self.screen_stack]")


@_LAUNCHES
def test_the_bottom_of_the_stack_holds_nothing(qwen_home: Path, files: dict, first_screen: str) -> None:
    """The bottom of the stack is never drawn: no toast rack or tooltip is mounted (and styled) on it before the
    first frame; the first screen, which shows them, has both."""
    (bottom, below), (shown, widgets) = _first_frame(qwen_home, files, _FIRST_FRAME_STACK)
    assert (bottom, below) == ("loading", [])
    assert shown == first_screen and {"ToastRack", "Tooltip"} <= set(widgets)


def test_the_choosers_first_frame_holds_no_empty_container(qwen_home: Path) -> None:
    """The chooser's sections below the methods are mounted a frame later, straight into its body: an empty
    container waiting for them in the first frame was one more node to style and lay out (~4 M instructions)."""
    _, (shown, widgets) = _first_frame(qwen_home, {}, _FIRST_FRAME_STACK)
    assert shown == "chooser" and "OptionList" in widgets
    assert "Vertical" not in widgets


# The regular expressions qwen-tui's own code compiled (not found in `re`'s cache) until the first screen reports
# its first frame: the pattern and the module asking.
_FIRST_FRAME_PATTERNS = _probe("(screen.name, compiled[:])", """
import re

compiled = []
compile_pattern = re._compile

def module(frame):
    return frame.f_globals.get("__name__", "") if frame is not None else ""

def recording(pattern, flags):
    if (type(pattern), pattern, flags) not in re._cache:
        # Through the standard library (pathlib's glob compiles one per pattern), not through an import (a
        # module of the standard library compiling its own at import).
        caller = sys._getframe(1)
        while module(caller).split(".")[0] in sys.stdlib_module_names - {"importlib", "_frozen_importlib",
                                                                          "_frozen_importlib_external"}:
            caller = caller.f_back
        if module(caller).startswith("qwen_tui"):
            compiled.append([str(pattern), module(caller)])
    return compile_pattern(pattern, flags)

re._compile = recording
""")


@_LAUNCHES
def test_no_regular_expression_is_compiled_before_the_first_screen(qwen_home: Path, files: dict,
                                                                    first_screen: str) -> None:
    """Compiling one costs 0.3-2.3 M instructions (bench/instructions.py): each is made when a text first needs
    it (a `.env` to parse, a `$VAR`, a comment in settings.json, a user in a URL), and the first screens need
    none. The openai launch's settings hold a URL (its `//` is no comment) and its home shows and links it."""
    if "settings.json" in files and "env" in files["settings.json"]:
        files = {"settings.json": {**files["settings.json"],
                                   "env": {**files["settings.json"]["env"], "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}}}
    shown, compiled = _first_frame(qwen_home, files, _FIRST_FRAME_PATTERNS)
    assert shown == first_screen
    assert compiled == []


# ---- what starts after the first frame ----------------------------------------------------------------------

_LOGGING_AFTER_TEXTUAL = """
import json, os, sys
import textual.app   # rich is loaded, as in the TUI
from qwen_tui.core.log import configure_logging, get_logger

path = configure_logging(os.environ, interactive=True)
try:
    raise RuntimeError("boom")
except RuntimeError as exc:
    get_logger("app").error("crashed", exc_info=exc)
heavy = sorted(name for name in ("rich.traceback", "pygments") if name in sys.modules)
import rich.traceback   # the import structlog was kept from still works for anyone else
print(json.dumps([str(path), heavy]))
"""


def test_the_log_loads_no_rich_traceback_or_pygments(qwen_home: Path) -> None:
    """structlog loads rich's tracebacks (and pygments, ~3.4 MB of peak memory) for a console renderer the log
    never uses; the TUI's log is set up just after its first frame, inside the bench's memory budget."""
    done = subprocess.run([sys.executable, "-c", _LOGGING_AFTER_TEXTUAL], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=os.environ, timeout=60)
    assert done.returncode == 0, done.stderr
    path, heavy = json.loads(done.stdout.strip().splitlines()[-1])
    assert heavy == []
    entry = json.loads(Path(path).read_text().splitlines()[-1])
    assert entry["event"] == "crashed" and entry["exception"][0]["exc_type"] == "RuntimeError"


# ---- what `qwen-tui run` imports before it becomes qwen ---------------------------------------------------------

# The exec is replaced so the interpreter can list its modules at that moment (tests/interop/test_run.py runs the
# real exec into the real qwen, and traces the same imports there with -X importtime).
_RUN_MODULES = """
import json, os, sys

def become(path, argv, env):
    print(json.dumps({"argv": argv, "modules": sorted(sys.modules)}), flush=True)
    os._exit(0)

os.execve = become
from qwen_tui.cli import main
main(["run", "--qwen", sys.argv[1], "--", "--version"])
"""
# Paid by every `qwen` started through qwen-tui: the UI, the network and validation stacks, the parser, keyring and
# what it brings (a Secret Service key is read over D-Bus: core/secrets_dbus.py), dataclasses and the inspect
# machinery it imports (the path's value classes are core/record.py records), and what only a failure or the
# screens use (sanitize's patterns, datetime).
_NOT_ON_RUN_PATH = ("textual", "rich", "httpx", "pydantic", "authlib", "structlog", "argparse", "keyring",
                    "secretstorage", "cryptography", "qwen_tui.ui", "qwen_tui.commands", "qwen_tui.core.sanitize",
                    "datetime", "dataclasses", "inspect")


@pytest.mark.parametrize("store", ["dotenv", "settings", "keyring", "file"])
def test_run_imports_nothing_heavy_before_it_becomes_qwen(store: str, request: pytest.FixtureRequest,
                                                           tmp_path: Path) -> None:
    """"file": the key in qwen-tui's own file while a Secret Service runs, which is asked first (and holds none)."""
    env = dict(os.environ)
    if store in ("keyring", "file"):
        env.update(request.getfixturevalue("secret_service"))
        env.pop("PYTHON_KEYRING_BACKEND", None)   # keyring's own detection, as a user has it
    else:
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    login = [sys.executable, "-m", "qwen_tui", "auth", "login", "--method", "openai", "--base-url",
             "http://127.0.0.1:9/v1", "--model", "m", "--api-key-stdin", "--store", store, "--no-verify"]
    saved = subprocess.run(login, input="sk-startup-0123456789abcdef", env=env, capture_output=True, text=True,
                           timeout=60)
    assert saved.returncode == 0, saved.stderr
    qwen = tmp_path / "qwen"
    qwen.write_text("#!/bin/sh\nexit 0\n")
    qwen.chmod(0o755)
    done = subprocess.run([sys.executable, "-c", _RUN_MODULES, str(qwen)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["argv"] == [str(qwen), "--version"]   # it got as far as the exec
    loaded = [name for name in seen["modules"]
              if any(name == heavy or name.startswith(heavy + ".") for heavy in _NOT_ON_RUN_PATH)]
    assert loaded == []

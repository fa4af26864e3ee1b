"""The launch path: the collector pause (qwen_tui/collector.py), the CLI's no-argument fast path, and the
first-run resolution read before the first frame (resolver.resolve_first_run)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qwen_tui import cli, collector
from qwen_tui.core.resolver import resolve, resolve_first_run


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


# ---- the first-run resolution -------------------------------------------------------------------------------

def test_first_run_resolution_is_the_full_resolution(isolated_home: Path) -> None:
    env = dict(os.environ)
    quick = resolve_first_run(Path.cwd(), env)
    assert quick is not None
    assert quick == resolve(Path.cwd(), env)
    assert quick.auth_type.value is None


def test_first_run_keeps_problems_and_usage_choice(qwen_home: Path) -> None:
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({"privacy": {"usageStatisticsEnabled": False}}))
    (Path.cwd() / ".qwen").mkdir(exist_ok=True)
    (Path.cwd() / ".qwen" / "settings.json").write_text("{ not json")
    quick = resolve_first_run(Path.cwd(), dict(os.environ))
    assert quick is not None
    assert quick.usage_stats_chosen and quick.usage_stats.value is False
    assert len(quick.problems) == 1 and "settings.json" in quick.problems[0]


@pytest.mark.parametrize("how", ["settings", "qwen_oauth_env", "openai_dotenv"])
def test_a_configured_method_is_left_to_the_full_resolution(how: str, qwen_home: Path) -> None:
    """With a method there may be a credential in the keyring (seconds): the app resolves in a worker."""
    env = dict(os.environ)
    qwen_home.mkdir()
    if how == "settings":
        (qwen_home / "settings.json").write_text(json.dumps({"security": {"auth": {"selectedType": "openai"}}}))
    elif how == "qwen_oauth_env":
        env["QWEN_OAUTH"] = "1"
    else:
        (qwen_home / ".env").write_text("OPENAI_API_KEY=sk-test\nOPENAI_BASE_URL=http://127.0.0.1:9/v1\n"
                                        "OPENAI_MODEL=m\n")
    assert resolve_first_run(Path.cwd(), env) is None
    assert resolve(Path.cwd(), env).auth_type.value is not None

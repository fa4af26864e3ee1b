"""Issue 11, point 3: consent is the user's. A cloned repository's workspace settings can turn usage statistics off,
never on; DO_NOT_TRACK turns them off; `usage-stats status` names the rule that decided."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from qwen_tui.core.context import Context
from qwen_tui.core.resolver import resolve
from qwen_tui.core.telemetry.gate import Reason, Rule, decide, decide_light
from tests.cli_run import Ran, run_cli
from tests.servers.collector import Collector

ON_WITH_OAUTH = {"privacy": {"usageStatisticsEnabled": True}, "security": {"auth": {"selectedType": "qwen-oauth"}}}


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def _signed_in(qwen_home: Path) -> None:
    _write(qwen_home / "oauth_creds.json", {
        "access_token": "access-aaaa", "refresh_token": "refresh-bbbb", "token_type": "Bearer",
        "resource_url": "portal.qwen.ai", "expiry_date": int((time.time() + 3600) * 1000)})


def _run(cwd: Path, *args: str, **extra: str) -> Ran:
    return run_cli(*args, env=extra, cwd=cwd)   # in-process (tests/cli_run.py): the event is sent before it returns


@pytest.mark.timeout(120)
def test_the_issue_reproduction_a_cloned_repo_cannot_opt_the_user_in(
    qwen_home: Path, project_dir: Path, collector: Collector,
) -> None:
    """User settings say false; the repo's workspace settings say true with Qwen OAuth: nothing is recorded."""
    _signed_in(qwen_home)
    _write(qwen_home / "settings.json", {"privacy": {"usageStatisticsEnabled": False}})
    _write(project_dir / ".qwen" / "settings.json", ON_WITH_OAUTH)
    status = _run(project_dir, "usage-stats", "status")
    assert status.returncode == 0
    assert "qwen-tui records nothing: usage statistics are off in user settings" in status.stdout
    assert "workspace value on" in status.stdout and "ignored" in status.stdout
    document = json.loads(_run(project_dir, "usage-stats", "status", "--json").stdout)
    assert document["recording"] is False and document["rule"] == "workspace-ignored"
    _run(project_dir, "status")
    assert collector.count == 0
    assert not (qwen_home / "installation_id").exists() and not (qwen_home / "usage-outbox.jsonl").exists()


def test_a_workspace_true_without_a_user_choice_is_no_choice(qwen_home: Path, project_dir: Path) -> None:
    _write(qwen_home / "settings.json", {"security": {"auth": {"selectedType": "qwen-oauth"}}})
    _write(project_dir / ".qwen" / "settings.json", ON_WITH_OAUTH)
    for verdict in (decide_light(Context.current()), decide(resolve(Context.current()))):
        assert verdict.reason == Reason.NOT_CHOSEN and not verdict.open
        assert verdict.rule == Rule.WORKSPACE_IGNORED
        assert str(project_dir / ".qwen" / "settings.json") in verdict.describe()


def test_a_workspace_can_still_turn_them_off(qwen_home: Path, project_dir: Path) -> None:
    _write(qwen_home / "settings.json", ON_WITH_OAUTH)
    _write(project_dir / ".qwen" / "settings.json", {"privacy": {"usageStatisticsEnabled": False}})
    for verdict in (decide_light(Context.current()), decide(resolve(Context.current()))):
        assert verdict.reason == Reason.OFF and verdict.source.scope == "workspace" and verdict.rule is None


def test_the_user_layer_and_system_policy_turn_them_on(qwen_home: Path, project_dir: Path, isolated_home: Path) -> None:
    _write(qwen_home / "settings.json", ON_WITH_OAUTH)
    _write(project_dir / ".qwen" / "settings.json", ON_WITH_OAUTH)     # agreeing with the user changes nothing
    verdict = decide_light(Context.current())
    assert verdict.open and verdict.source.scope == "user"
    _write(qwen_home / "settings.json", {"security": {"auth": {"selectedType": "qwen-oauth"}}})
    _write(isolated_home.parent / "etc" / "settings.json", {"privacy": {"usageStatisticsEnabled": True}})
    for verdict in (decide_light(Context.current()), decide(resolve(Context.current()))):
        assert verdict.open and verdict.source.scope == "system"


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_do_not_track_wins_over_the_user_choice(qwen_home: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    _write(qwen_home / "settings.json", ON_WITH_OAUTH)
    monkeypatch.setenv("DO_NOT_TRACK", value)
    for verdict in (decide_light(Context.current()), decide(resolve(Context.current()))):
        assert verdict.reason == Reason.DO_NOT_TRACK and not verdict.open and verdict.rule == Rule.DO_NOT_TRACK
        assert "DO_NOT_TRACK" in verdict.describe()


@pytest.mark.parametrize("value", ["", "0"])
def test_an_empty_or_zero_do_not_track_is_not_set(qwen_home: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    _write(qwen_home / "settings.json", ON_WITH_OAUTH)
    monkeypatch.setenv("DO_NOT_TRACK", value)
    assert decide_light(Context.current()).open


@pytest.mark.timeout(120)
def test_do_not_track_from_the_command_line(qwen_home: Path, project_dir: Path, collector: Collector) -> None:
    _signed_in(qwen_home)
    _write(qwen_home / "settings.json", {"security": {"auth": {"selectedType": "qwen-oauth"}}})
    on = _run(project_dir, "usage-stats", "on", DO_NOT_TRACK="1")
    assert on.returncode == 1 and "DO_NOT_TRACK" in on.stderr and len(on.stderr.strip().splitlines()) == 1
    status = _run(project_dir, "usage-stats", "status", DO_NOT_TRACK="1")
    assert "DO_NOT_TRACK" in status.stdout
    _run(project_dir, "status", DO_NOT_TRACK="1")
    assert collector.count == 0 and not (qwen_home / "usage-outbox.jsonl").exists()

"""The gate: open only for an explicit choice that is on, with Qwen OAuth active — and cheap when closed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qwen_tui.core.context import Context
from qwen_tui.core.i18n import set_language
from qwen_tui.core.record import replace
from qwen_tui.core.resolver import NOT_SET, Value, resolve
from qwen_tui.core.telemetry.gate import Reason, decide, decide_light, evaluate, unchosen
from qwen_tui.core.usage_story import usage_story


def _settings(qwen_home: Path, data: dict) -> None:
    qwen_home.mkdir(exist_ok=True)
    (qwen_home / "settings.json").write_text(json.dumps(data))


CASES = [
    ({}, {}, Reason.NOT_CHOSEN),
    ({"security": {"auth": {"selectedType": "qwen-oauth"}}}, {}, Reason.NOT_CHOSEN),
    ({"privacy": {"usageStatisticsEnabled": False}, "security": {"auth": {"selectedType": "qwen-oauth"}}}, {},
     Reason.OFF),
    ({"privacy": {"usageStatisticsEnabled": True}}, {}, Reason.NO_METHOD),
    ({"privacy": {"usageStatisticsEnabled": True}, "security": {"auth": {"selectedType": "openai"}}}, {},
     Reason.OTHER_METHOD),
    ({"privacy": {"usageStatisticsEnabled": True}}, {"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": "http://h/v1",
                                                    "OPENAI_MODEL": "m"}, Reason.OTHER_METHOD),
    ({"privacy": {"usageStatisticsEnabled": True}, "security": {"auth": {"selectedType": "qwen-oauth"}}}, {},
     Reason.OPEN),
    ({"usageStatisticsEnabled": True}, {"QWEN_OAUTH": "1"}, Reason.OPEN),          # v1 flat key, env method
    ({"privacy": {"usageStatisticsEnabled": "yes"}}, {"QWEN_OAUTH": "1"}, Reason.NOT_CHOSEN),  # not a bool
]


@pytest.mark.parametrize(("data", "env", "reason"), CASES)
def test_light_and_full_verdicts_agree(qwen_home: Path, monkeypatch, data: dict, env: dict, reason: Reason) -> None:
    _settings(qwen_home, data)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    light, full = decide_light(Context.current()), decide(resolve(Context.current()))
    assert light.reason == full.reason == reason
    assert light.open == full.open == (reason == Reason.OPEN)


def test_workspace_layer_choice_is_reported_with_its_layer(qwen_home: Path, project_dir: Path, monkeypatch) -> None:
    _settings(qwen_home, {"privacy": {"usageStatisticsEnabled": True}})
    (project_dir / ".qwen").mkdir()
    (project_dir / ".qwen" / "settings.json").write_text('{"privacy": {"usageStatisticsEnabled": false}}')
    monkeypatch.setenv("QWEN_OAUTH", "1")
    verdict = decide_light(Context.current())
    assert verdict.reason == Reason.OFF and verdict.source.scope == "workspace"
    qwen_cli, qwen_tui, saved_in = usage_story(resolve(Context.current()))
    assert str(project_dir / ".qwen" / "settings.json") in saved_in
    assert qwen_cli == "The qwen CLI sends no usage statistics: the saved choice is off."
    assert qwen_tui == verdict.describe()
    assert qwen_tui.startswith("qwen-tui records nothing: usage statistics are off in workspace settings")


@pytest.mark.parametrize(("data", "qwen_cli", "qwen_tui"), [
    ({}, "The qwen CLI sends usage statistics: no choice is saved, and on is its default.",
     "qwen-tui records nothing until a choice is saved."),
    ({"privacy": {"usageStatisticsEnabled": True}, "security": {"auth": {"selectedType": "qwen-oauth"}}},
     "The qwen CLI sends usage statistics: the saved choice is on.",
     "qwen-tui records its own usage events: usage statistics are on in user settings"),
    ({"privacy": {"usageStatisticsEnabled": True}, "security": {"auth": {"selectedType": "openai"}}},
     "The qwen CLI sends usage statistics: the saved choice is on.",
     "qwen-tui records nothing while the active method is openai"),
])
def test_the_usage_story_names_each_subject(qwen_home: Path, data: dict, qwen_cli: str, qwen_tui: str) -> None:
    """Issue 14 point 5: what the qwen CLI does with the saved value (with none: on, its default) and what
    qwen-tui records (nothing until a choice is saved) are two sentences, each naming its subject."""
    _settings(qwen_home, data)
    story = usage_story(resolve(Context.current()))
    assert story[0] == qwen_cli
    assert story[1].startswith(qwen_tui)
    assert (story[2] == "No choice saved in any settings file.") == (not data)


@pytest.mark.parametrize("language", ["en", "fr", "zh"])
def test_every_reason_is_one_line_in_every_language(qwen_home: Path, monkeypatch, language: str) -> None:
    set_language(language)
    try:
        for data, env, _ in CASES:
            _settings(qwen_home, data)
            for name in ("QWEN_OAUTH", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
                monkeypatch.delenv(name, raising=False)
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            line = decide_light(Context.current()).describe()
            assert line and "\n" not in line and "{" not in line
    finally:
        set_language("en")


def _loaded(code: str) -> list[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & " \
                   "{'pydantic', 'httpx'})))\n"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("data", [{}, {"privacy": {"usageStatisticsEnabled": True},
                                      "security": {"auth": {"selectedType": "openai"}}}])
def test_status_with_the_gate_closed_imports_neither_pydantic_nor_httpx(qwen_home: Path, data: dict) -> None:
    _settings(qwen_home, data)
    code = ("import contextlib, io\nfrom qwen_tui.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    main(['status'])\n")
    if data:
        # The probe itself can fail: with the gate open the schema (pydantic) is loaded.
        _settings(qwen_home, {"privacy": {"usageStatisticsEnabled": True},
                              "security": {"auth": {"selectedType": "qwen-oauth"}}})
        assert "pydantic" in _loaded(code)
        _settings(qwen_home, data)
    assert _loaded(code) == []


# --- every line written down (a mutation run found the prefixes and reasons alone left these open) ---------------

def test_open_verdict_names_both_sources_in_full(qwen_home: Path) -> None:
    _settings(qwen_home, {"privacy": {"usageStatisticsEnabled": True},
                          "security": {"auth": {"selectedType": "qwen-oauth"}}})
    file = qwen_home / "settings.json"
    for verdict in (decide_light(Context.current()), decide(resolve(Context.current()))):
        assert verdict.describe() == (
            f"qwen-tui records its own usage events: usage statistics are on in user settings ({file}) "
            f"privacy.usageStatisticsEnabled and the active method is Qwen OAuth (user settings ({file}) "
            "security.auth.selectedType).")
        assert (verdict.chosen, verdict.enabled) == (True, True)


def test_a_workspace_true_set_aside_is_one_sentence_after_the_verdict(qwen_home: Path, project_dir: Path) -> None:
    _settings(qwen_home, {"privacy": {"usageStatisticsEnabled": False}})
    workspace = project_dir / ".qwen" / "settings.json"
    workspace.parent.mkdir()
    workspace.write_text('{"privacy": {"usageStatisticsEnabled": true}}')
    assert decide_light(Context.current()).describe() == (
        f"qwen-tui records nothing: usage statistics are off in user settings ({qwen_home / 'settings.json'}) "
        f"privacy.usageStatisticsEnabled. qwen-tui: the workspace value on (workspace settings ({workspace}) "
        "privacy.usageStatisticsEnabled) is ignored — a project's settings can turn usage statistics off, never "
        "on; only your user settings can.")


@pytest.mark.parametrize(("chosen", "enabled", "method", "expected"), [
    # (open, reason, chosen, enabled): `enabled` is Qwen Code's effective flag, true when nothing was chosen
    (False, False, "qwen-oauth", (False, Reason.NOT_CHOSEN, False, True)),
    (True, False, "qwen-oauth", (False, Reason.OFF, True, False)),
    (True, True, None, (False, Reason.NO_METHOD, True, True)),
    (True, True, "openai", (False, Reason.OTHER_METHOD, True, True)),
    (True, True, "qwen-oauth", (True, Reason.OPEN, True, True)),
])
def test_the_rule_from_its_inputs(chosen: bool, enabled: bool, method: str | None, expected: tuple) -> None:
    verdict = evaluate(chosen=chosen, enabled=enabled, source=NOT_SET, method=Value(method))
    assert (verdict.open, verdict.reason, verdict.chosen, verdict.enabled) == expected


def test_before_the_first_resolution_nothing_is_recorded() -> None:
    verdict = unchosen()
    assert (verdict.open, verdict.reason, verdict.chosen, verdict.enabled) == (False, Reason.NOT_CHOSEN, False, True)
    assert verdict.describe() == "qwen-tui records nothing until a choice is saved."


@pytest.mark.parametrize(("value", "reason"), [(True, Reason.OPEN), (False, Reason.OFF)])
def test_a_resolution_without_the_consent_rule_is_judged_by_its_usage_value(
    qwen_home: Path, value: bool, reason: Reason,
) -> None:
    """The UI's resolution when the resolver failed carries no consent rule (`ui/resolution.unresolved`): the
    verdict then comes from the resolution's own usage-statistics value and choice."""
    _settings(qwen_home, {"privacy": {"usageStatisticsEnabled": value},
                          "security": {"auth": {"selectedType": "qwen-oauth"}}})
    full = resolve(Context.current())
    bare = decide(replace(full, usage_consent=None))
    assert (bare.open, bare.reason, bare.chosen, bare.enabled) == (value, reason, True, value)
    assert bare.describe() == decide(full).describe()


def test_explicit_cwd_and_env_are_the_ones_read(tmp_path: Path, qwen_home: Path) -> None:
    """`decide_light(context)` (the CLI's one-shot gate) reads the layers and the home `.env` of the environment it
    is given, not the process's: here the process's own files make no choice."""
    home, project, elsewhere = tmp_path / "other-home", tmp_path / "other-project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (home / ".qwen").mkdir(parents=True)
    (home / ".qwen" / "settings.json").write_text('{"privacy": {"usageStatisticsEnabled": true}}')
    (home / ".qwen" / ".env").write_text("QWEN_OAUTH=1\n")
    (project / ".qwen").mkdir()
    (project / ".qwen" / "settings.json").write_text('{"privacy": {"usageStatisticsEnabled": false}}')
    env = {"HOME": str(home), "QWEN_CODE_SYSTEM_SETTINGS_PATH": str(tmp_path / "none.json"),
           "QWEN_CODE_SYSTEM_DEFAULTS_PATH": str(tmp_path / "none-defaults.json")}
    qwen_home.mkdir()
    (qwen_home / ".env").write_text("QWEN_OAUTH=1\n")                # the process's own home `.env`
    assert decide_light(Context.current()).reason == Reason.NOT_CHOSEN   # the process's files: no choice
    verdict = decide_light(Context(elsewhere, env))                               # no workspace layer, no `.env` there
    assert verdict.reason == Reason.OPEN and verdict.method.source.path == home / ".qwen" / ".env"
    assert decide_light(Context(project, env)).reason == Reason.OFF              # the given cwd's workspace layer

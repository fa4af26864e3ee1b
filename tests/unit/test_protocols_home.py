"""Anthropic and Gemini providers read back as installs, and the active entry found as `qwen` 0.24.4 finds it.

The settings files are written by qwen-tui's own CLI (`auth login … --store settings --no-verify`) or by hand
as Qwen Code's `/model` leaves them (`model.name` + `model.baseUrl`); the expected labels, URLs and key names
are written here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qwen_tui.cli import main
from qwen_tui.core.context import Context
from tests.cli_run import run_cli


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def login(*args: str, key: str) -> None:
    result = run_cli("auth", "login", *args, "--api-key-stdin", "--store", "settings", "--no-verify", stdin=key + "\n")
    assert result.returncode == 0, result.stderr


def status_json(capsys: pytest.CaptureFixture[str]) -> dict:
    main(["status", "--json"])
    return json.loads(capsys.readouterr().out)


def test_anthropic_and_gemini_providers_are_installs_labelled_by_url_and_protocol(qwen_home: Path, capsys) -> None:
    login("--method", "anthropic", "--base-url", "http://127.0.0.1:9", "--model", "claude-test-1",
          key="sk-ant-test-0123456789")
    login("--method", "gemini", "--base-url", "http://127.0.0.1:10", "--model", "gemini-test-1",
          key="AIza-test-0123456789")
    installs = status_json(capsys)["installs"]
    assert [(i["label"], i["models"], i["active"]) for i in installs] == [
        ("http://127.0.0.1:9 · Anthropic-compatible", ["claude-test-1"], None),
        ("http://127.0.0.1:10 · Gemini-compatible", ["gemini-test-1"], "gemini-test-1"),   # the last login
    ]
    assert [i["preset"] for i in installs] == [None, None]


def two_same_named_entries(qwen_home: Path, monkeypatch: pytest.MonkeyPatch, persisted: str) -> None:
    monkeypatch.setenv("KEY_ONE", "sk-one-0123456789abcdef")
    monkeypatch.setenv("KEY_TWO", "sk-two-0123456789abcdef")
    qwen_home.mkdir(parents=True)
    (qwen_home / "settings.json").write_text(json.dumps({
        "security": {"auth": {"selectedType": "openai"}},
        "model": {"name": "shared-model", "baseUrl": persisted},
        "modelProviders": {"openai": [
            {"id": "shared-model", "name": "one", "baseUrl": "http://127.0.0.1:9/v1", "envKey": "KEY_ONE"},
            {"id": "shared-model", "name": "two", "baseUrl": "http://127.0.0.1:10/v1", "envKey": "KEY_TWO"},
        ]},
    }))


def test_model_base_url_selects_the_entry_of_that_url(qwen_home: Path, monkeypatch, capsys) -> None:
    """Qwen Code 0.24.4 takes the entry whose id is `model.name` *and* whose baseUrl is `model.baseUrl`."""
    two_same_named_entries(qwen_home, monkeypatch, "http://127.0.0.1:10/v1")
    doc = status_json(capsys)
    assert doc["baseUrl"]["value"] == "http://127.0.0.1:10/v1"
    assert doc["credential"]["source"]["key"] == "KEY_TWO"
    assert [(i["label"], i["active"]) for i in doc["installs"]] == [
        ("http://127.0.0.1:9/v1", None), ("http://127.0.0.1:10/v1", "shared-model")]


def test_a_model_base_url_no_entry_has_falls_back_to_the_first_of_that_id(qwen_home: Path, monkeypatch,
                                                                          capsys) -> None:
    two_same_named_entries(qwen_home, monkeypatch, "http://127.0.0.1:11/v1")
    doc = status_json(capsys)
    assert doc["baseUrl"]["value"] == "http://127.0.0.1:9/v1"
    assert doc["credential"]["source"]["key"] == "KEY_ONE"
    assert [i["active"] for i in doc["installs"]] == ["shared-model", None]


def test_home_activates_and_deletes_an_anthropic_or_gemini_entry_in_its_own_bucket(qwen_home: Path, capsys) -> None:
    """Home's enter and delete on such an install act on `modelProviders.anthropic` / `.gemini` (not `.openai`,
    where they would find nothing) and select its protocol."""
    from qwen_tui.core.names import Protocol
    from qwen_tui.core.providers.profiles import activate_profile, delete_profile

    login("--method", "anthropic", "--base-url", "http://127.0.0.1:9", "--model", "claude-test-1",
          key="sk-ant-test-0123456789")
    login("--method", "gemini", "--base-url", "http://127.0.0.1:10", "--model", "gemini-test-1",
          key="AIza-test-0123456789")
    activate_profile("claude-test-1", Context.current(), base_url="http://127.0.0.1:9", protocol=Protocol.ANTHROPIC)
    doc = status_json(capsys)
    assert (doc["authType"]["value"], doc["model"]["value"]) == ("anthropic", "claude-test-1")
    assert [i["active"] for i in doc["installs"]] == ["claude-test-1", None]
    delete_profile(["gemini-test-1"], Context.current(), base_url="http://127.0.0.1:10", protocol=Protocol.GEMINI)
    saved = json.loads((qwen_home / "settings.json").read_text())
    assert list(saved["modelProviders"]) == ["anthropic"]
    assert [name.split("_HTTP_")[0] for name in saved["env"]] == ["QWEN_CUSTOM_API_KEY_ANTHROPIC"]   # its key went

"""Providers saved exactly as the real Qwen Code 0.24.4 `/auth` saved them.

Each case starts from the `settings.json` the real `qwen` had before its `/auth` dialog ran, saves the same
provider with `qwen-tui auth login … --store settings` (run in-process: tests/cli_run.py), and compares the
whole file with the one `/auth` wrote (shared/reference/fixtures/qwen-code-0.24.4-auth/*/settings.json
captured from qwen).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest

from qwen_tui.core import paths
from tests.cli_run import Ran, run_cli
from tests.conftest import FIXTURES

CAPTURES = FIXTURES / "qwen-code-0.24.4-auth"

CASES = {
    # capture: (arguments, key) — the choices made in the captured dialog
    "a-coding-plan": (["--preset", "coding-plan", "--region", "alibabacloud"], "sk-sp-test0123456789abcdef"),
    "b-deepseek": (["--preset", "deepseek"], "sk-test-0123456789abcdef"),
    "c-custom": (["--base-url", "http://127.0.0.1:9/v1", "--model", "my-model"], "sk-custom-0123456789"),
    "d-openrouter-mode600": (["--preset", "openrouter"], "sk-test-0123456789abcdef"),
}


def login(*args: str, stdin: str) -> Ran:
    return run_cli("auth", "login", "--method", "openai", *args, stdin=stdin,
                   env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})


@pytest.mark.parametrize("case", sorted(CASES))
def test_save_writes_what_qwen_auth_wrote(case: str) -> None:
    arguments, key = CASES[case]
    path = paths.user_settings_path(os.environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CAPTURES / case / "settings.before-auth.json", path)
    result = login(*arguments, "--api-key-stdin", "--store", "settings", "--no-verify", stdin=key + "\n")
    assert result.returncode == 0, result.stderr
    expected = json.loads((CAPTURES / case / "settings.json").read_text())
    assert json.loads(path.read_text()) == expected


def test_version_is_the_sha256_of_the_entries_json() -> None:
    """Computed here from the capture itself, independently of qwen-tui's code."""
    captured = json.loads((CAPTURES / "a-coding-plan/settings.json").read_text())
    text = json.dumps(captured["modelProviders"]["openai"], separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(text.encode()).hexdigest() == captured["providerMetadata"]["coding-plan"]["version"]


def test_reinstall_replaces_the_presets_entries_and_keeps_others() -> None:
    """`/auth`'s "prepend and remove owned": a second install of a preset replaces its entries only."""
    custom = ["--base-url", "http://127.0.0.1:9/v1", "--model", "my-model"]
    saved = login(*custom, "--api-key-stdin", "--store", "settings", "--no-verify", stdin="sk-c-0123456789")
    assert saved.returncode == 0, saved.stderr
    for region in ("aliyun", "alibabacloud"):
        result = login("--preset", "coding-plan", "--region", region, "--api-key-stdin", "--store", "settings",
                       "--no-verify", stdin="sk-sp-0123456789abcdef")
        assert result.returncode == 0, result.stderr
    entries = json.loads(paths.user_settings_path(os.environ).read_text())["modelProviders"]["openai"]
    assert len(entries) == 11   # the 10 built-ins once (the second region replaced the first), then the custom one
    assert {e["baseUrl"] for e in entries[:10]} == {"https://coding-intl.dashscope.aliyuncs.com/v1"}
    assert entries[10]["id"] == "my-model"


@pytest.mark.parametrize(("args", "needle"), [
    (["--preset", "coding-plan"], "--region"),
    (["--preset", "coding-plan", "--region", "mars"], "coding-plan"),
    (["--region", "aliyun", "--base-url", "https://x.example/v1", "--model", "m"], "--preset"),
])
def test_region_usage_errors(args: list[str], needle: str) -> None:
    result = login(*args, "--api-key-stdin", "--no-verify", stdin="sk-sp-0123456789abcdef")
    assert result.returncode == 2 and needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_status_reads_a_provider_qwen_auth_installed(capsys: pytest.CaptureFixture[str]) -> None:
    """Reading works both ways: the file the real `/auth` wrote shows under its preset, region and label, and
    its plain-text key is flagged with the move to the keyring as the fix."""
    from qwen_tui.cli import main

    path = paths.user_settings_path(os.environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CAPTURES / "a-coding-plan/settings.json", path)
    main(["status", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["provider"] == {"id": "coding-plan", "region": "alibabacloud",
                               "label": "ModelStudio Coding Plan · Singapore (International)"}
    assert doc["model"]["value"] == "qwen3.5-plus"
    assert doc["baseUrl"]["value"] == "https://coding-intl.dashscope.aliyuncs.com/v1"
    assert any("BAILIAN_CODING_PLAN_API_KEY" in p and "auth move-key" in p for p in doc["problems"])
    main(["status"])
    assert "ModelStudio Coding Plan · Singapore (International)" in capsys.readouterr().out


def test_coding_plan_installs_the_models_offered_for_the_key() -> None:
    """Qwen Code's model discovery: the list the provider gives for the key, with the built-in specs where an id
    matches; offline (the captures) it falls back to the built-ins."""
    from tests.servers.openai_server import OpenAIServer

    key = "sk-sp-discovery-0123456789"
    with OpenAIServer(key=key, models=("qwen3-coder-plus", "brand-new-model")) as server:
        result = login("--preset", "coding-plan", "--region", "alibabacloud", "--base-url", server.url,
                       "--api-key-stdin", "--store", "settings", stdin=key + "\n")
        assert result.returncode == 0, result.stderr
        assert server.requests_to("/models")[0].headers["authorization"] == f"Bearer {key}"
    assert "2 models" in result.stderr
    data = json.loads(paths.user_settings_path(os.environ).read_text())
    entries = data["modelProviders"]["openai"]
    assert [e["id"] for e in entries] == ["qwen3-coder-plus", "brand-new-model"]
    assert entries[0]["generationConfig"] == {"contextWindowSize": 1000000}   # Qwen Code's spec for that id
    assert entries[1]["name"] == "[ModelStudio Coding Plan for Global/Intl] brand-new-model"
    assert "generationConfig" not in entries[1]
    assert data["model"]["name"] == "qwen3-coder-plus"


def test_providers_json_has_the_issues_keys_and_qwen_codes_ids() -> None:
    result = run_cli("providers", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    keys = {"id", "label", "group", "protocol", "envKey", "regions", "models", "docsUrl", "termsUrl", "privacyUrl"}
    assert all(set(row) == keys for row in rows.values())
    coding = rows["coding-plan"]
    assert coding["group"] == "alibaba" and coding["envKey"] == "BAILIAN_CODING_PLAN_API_KEY"
    assert [(r["id"], r["baseUrl"]) for r in coding["regions"]] == [
        ("aliyun", "https://coding.dashscope.aliyuncs.com/v1"),
        ("alibabacloud", "https://coding-intl.dashscope.aliyuncs.com/v1")]
    assert len(rows["deepseek"]["regions"]) == 1 and rows["anthropic"]["protocol"] == "anthropic"
    table = run_cli("providers")
    assert table.returncode == 0 and "--region alibabacloud" in table.stdout

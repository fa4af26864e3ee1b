"""A provider installed by Qwen Code 0.24.4's `/auth` read back as one install: `status --json` and the table.

Each capture's settings.json (shared/reference/fixtures/qwen-code-0.24.4-auth, the file the real `/auth` wrote)
is the user layer of a fresh HOME. The expected preset, region, label and models are written here from the
capture and from Qwen Code's providers.json (the region ids and labels), not taken from qwen-tui's catalogue.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qwen_tui.cli import main
from qwen_tui.core.providers.installs import group_installs
from qwen_tui.core.providers.saved import Profile
from tests.conftest import FIXTURES

CAPTURES = FIXTURES / "qwen-code-0.24.4-auth"


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def install_capture(name: str, qwen_home: Path) -> dict:
    qwen_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CAPTURES / name / "settings.json", qwen_home / "settings.json")
    return json.loads((CAPTURES / name / "settings.json").read_text())


def captured_ids(captured: dict) -> list[str]:
    return [entry["id"] for entry in captured["modelProviders"]["openai"]]


def status_installs(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    assert main(["status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["installs"]


# (capture, preset id, region id, label, active model, key variable)
CASES = [
    ("a-coding-plan", "coding-plan", "alibabacloud", "ModelStudio Coding Plan · Singapore (International)",
     "qwen3.5-plus", "BAILIAN_CODING_PLAN_API_KEY"),
    ("b-deepseek", "deepseek", None, "DeepSeek", "deepseek-v4-pro", "DEEPSEEK_API_KEY"),
    ("d-openrouter-mode600", "openrouter", None, "OpenRouter", "z-ai/glm-4.5-air:free", "OPENROUTER_API_KEY"),
]


@pytest.mark.parametrize(("capture", "preset", "region", "label", "active", "env_key"), CASES,
                         ids=[case[0] for case in CASES])
def test_a_preset_installed_by_auth_is_one_install(capture: str, preset: str, region: str | None, label: str,
                                                   active: str, env_key: str, qwen_home: Path, capsys) -> None:
    captured = install_capture(capture, qwen_home)
    [install] = status_installs(capsys)
    assert install == {
        "preset": preset, "region": region, "label": label, "baseUrl": captured["providerMetadata"][preset]["baseUrl"],
        "envKey": env_key, "models": captured_ids(captured), "active": active,
        "key": f"user settings ({qwen_home / 'settings.json'}) env.{env_key}", "keyInSettings": True,
    }


def test_the_coding_plan_capture_has_its_ten_models_in_one_install(qwen_home: Path, capsys) -> None:
    install_capture("a-coding-plan", qwen_home)
    [install] = status_installs(capsys)
    assert len(install["models"]) == 10
    assert install["models"][:3] == ["qwen3.5-plus", "qwen3.6-plus", "qwen3.7-plus"]


def test_a_custom_provider_stays_one_entry_named_by_its_url(qwen_home: Path, capsys) -> None:
    install_capture("c-custom", qwen_home)
    assert status_installs(capsys) == [{
        "preset": None, "region": None, "label": "http://127.0.0.1:9/v1", "baseUrl": "http://127.0.0.1:9/v1",
        "envKey": "QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_9_V1_6244AC6CE01B", "models": ["my-model"],
        "active": "my-model",
        "key": f"user settings ({qwen_home / 'settings.json'}) "
               "env.QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_9_V1_6244AC6CE01B",
        "keyInSettings": True,
    }]


def test_two_installs_and_a_custom_entry_in_one_file_keep_their_order(qwen_home: Path, capsys) -> None:
    """Qwen Code prepends each new install: DeepSeek installed after Coding Plan comes first; a custom entry
    the user added by hand stays on its own."""
    coding = json.loads((CAPTURES / "a-coding-plan/settings.json").read_text())
    deepseek = json.loads((CAPTURES / "b-deepseek/settings.json").read_text())
    custom = json.loads((CAPTURES / "c-custom/settings.json").read_text())
    merged = {**coding, "env": {**coding["env"], **deepseek["env"], **custom["env"]},
              "providerMetadata": {**coding["providerMetadata"], **deepseek["providerMetadata"]},
              "modelProviders": {"openai": [*deepseek["modelProviders"]["openai"], *coding["modelProviders"]["openai"],
                                            *custom["modelProviders"]["openai"]]}}
    merged["model"] = {"name": "glm-5", "baseUrl": ""}
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps(merged))
    installs = status_installs(capsys)
    assert [(i["preset"], len(i["models"]), i["active"]) for i in installs] == [
        ("deepseek", 2, None), ("coding-plan", 10, "glm-5"), (None, 1, None)]


def test_status_table_names_the_install_its_model_count_and_the_plain_text_key(qwen_home: Path, capsys,
                                                                               monkeypatch) -> None:
    install_capture("a-coding-plan", qwen_home)
    monkeypatch.setenv("COLUMNS", "200")   # one install, one line
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "● ModelStudio Coding Plan · Singapore (International) — 10 models, active: qwen3.5-plus" in out
    where = f"user settings ({qwen_home / 'settings.json'}) env.BAILIAN_CODING_PLAN_API_KEY"
    assert f"key: {where} — in plain text" in out
    assert "move-key --to keyring" in out      # the problem line names the fix


def test_status_json_keeps_its_other_keys(qwen_home: Path, capsys) -> None:
    """`installs` is added; every key `status --json` had stays."""
    install_capture("b-deepseek", qwen_home)
    assert main(["status", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"ok", "authType", "enforcedType", "baseUrl", "model", "provider", "credential", "usageStatistics",
            "dotenv", "shadowedDotenv", "problems", "qwenCli", "installs"} <= set(doc)


# ---- grouping rules, on profiles built here ---------------------------------------------------------------------

def entry(model: str, name: str, url: str, env_key: str | None, active: bool = False) -> Profile:
    return Profile(model, name, url, env_key, active, None)


INTL = "https://coding-intl.dashscope.aliyuncs.com/v1"


def test_only_the_first_entry_of_the_active_model_is_active() -> None:
    """Qwen Code takes the first entry whose id is `model.name`: the same id in a later install is not active."""
    profiles = [entry("glm-5", "[ModelStudio Coding Plan for Global/Intl] glm-5", INTL, "BAILIAN_CODING_PLAN_API_KEY",
                      active=True),
                entry("glm-5", "glm-5", "http://127.0.0.1:9/v1", "QWEN_CUSTOM_API_KEY_X", active=True)]
    installs = group_installs(profiles, None)
    assert [install.active.id if install.active else None for install in installs] == ["glm-5", None]


def test_a_proxy_url_is_told_by_the_entry_name_prefix() -> None:
    """Entries written for Coding Plan (its key variable and `[prefix]` names) at a URL the preset does not
    list (a proxy) are still its install; the prefix names the region."""
    proxy = "https://proxy.example/v1"
    profiles = [entry(model, f"[ModelStudio Coding Plan for Global/Intl] {model}", proxy, "BAILIAN_CODING_PLAN_API_KEY")
                for model in ("qwen3.5-plus", "glm-5")]
    [install] = group_installs(profiles, None)
    assert (install.preset_id, install.region_id, install.base_url) == ("coding-plan", "alibabacloud", proxy)
    assert install.model_ids == ["qwen3.5-plus", "glm-5"]


def test_entries_with_another_key_variable_are_not_the_presets() -> None:
    """A name that looks like a preset's but with another key variable is the user's own entry."""
    profiles = [entry(model, f"[DeepSeek] {model}", "https://api.deepseek.com", "MY_KEY")
                for model in ("deepseek-v4-pro", "deepseek-v4-flash")]
    assert [install.preset_id for install in group_installs(profiles, None)] == [None, None]


def test_provider_metadata_claims_entries_without_the_name_prefix() -> None:
    """`providerMetadata.<id>.baseUrl` is how Qwen Code knows its install even when names were edited."""
    profiles = [entry(model, model, "https://api.deepseek.com", "DEEPSEEK_API_KEY")
                for model in ("deepseek-v4-pro", "deepseek-v4-flash")]
    metadata = {"deepseek": {"version": "x", "baseUrl": "https://api.deepseek.com"}}
    assert [install.preset_id for install in group_installs(profiles, metadata)] == ["deepseek"]
    assert [install.preset_id for install in group_installs(profiles, None)] == [None, None]

"""The preset catalogue: the reference table's providers, as data the UI and CLI rely on."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from qwen_tui.core.providers.catalog import (
    LOCAL_SERVER,
    PRESETS,
    PROVIDER_TERMS,
    KeyCheck,
    endpoint,
    endpoint_for_base_url,
    preset,
    preset_for_base_url,
    provider_for_base_url,
)
from qwen_tui.core.providers.install import builtin_models
from tests.conftest import FIXTURES

# Qwen Code 0.24.4's preset ids in its menu order (providers.json, idealab left out), then qwen-tui's own.
CONTRACT_IDS = ["coding-plan", "token-plan", "alibabaStandard", "deepseek", "grok", "minimax", "zai", "moonshot",
                "modelscope", "openrouter", "requesty", "openai", "siliconflow", "groq", "together", "anthropic",
                "gemini", "custom", "ollama", "lmstudio", "llamacpp"]
QWEN_CODE = json.loads((FIXTURES / "qwen-code-0.24.4-auth/providers.json").read_text())


def test_every_provider_is_there_once() -> None:
    assert [p.id for p in PRESETS] == CONTRACT_IDS


@pytest.mark.parametrize("theirs", [p for p in QWEN_CODE if p["uiGroup"] != "custom" and p["id"] != "idealab"],
                         ids=lambda p: p["id"])
def test_qwen_code_presets_have_its_ids_regions_keys_and_urls(theirs: dict) -> None:
    ours = preset(theirs["id"])
    assert ours.group == theirs["uiGroup"] and ours.key_env == theirs["envKey"] and ours.qwen_code
    regions = theirs.get("regions") or [{"id": "default", "baseUrl": theirs["baseUrl"]}]
    assert [(r.id, r.base_url) for r in ours.regions] == [(r["id"], r["baseUrl"]) for r in regions]
    assert builtin_models(ours) == theirs["models"]
    assert ours.model_hint == theirs["models"][0]
    assert (ours.key_prefix is not None) == ("apiKeyRule" in theirs)


@pytest.mark.parametrize("item", PRESETS, ids=lambda p: p.id)
def test_preset_is_consistent(item) -> None:
    if item.id == "custom":
        assert item.base_url is None and not item.needs_key
        return
    for region in item.regions:
        parts = urlsplit(region.base_url)
        assert parts.hostname and not region.base_url.endswith("/")
        # Only local servers may use plain http (the key would travel in clear otherwise).
        assert (parts.scheme == "http") == item.local
        found = endpoint_for_base_url(region.base_url + "/")
        assert found is not None and found.preset is item and found.region == region
    assert item.needs_key == (not item.local) == (item.key_env is not None)
    for link in (item.docs_url, item.terms_url, item.privacy_url):
        assert link is None or link.startswith("https://")
    if item.local:
        assert item.terms_url is item.privacy_url is None
    assert preset(item.id) is item


def test_reference_facts() -> None:
    assert preset("openrouter").key_check == KeyCheck.OPENROUTER_KEY
    assert {p.id for p in PRESETS if p.key_check == KeyCheck.CHAT} == {"coding-plan", "modelscope", "minimax"}
    assert {p.id for p in PRESETS if p.dashscope} == {"coding-plan", "token-plan", "alibabaStandard"}
    assert endpoint("dashscope-us").terms_url == endpoint("alibabaStandard:sg-singapore").terms_url
    assert endpoint("coding-plan:aliyun").terms_url == endpoint("alibabaStandard:cn-beijing").terms_url
    # Not found on the provider's own site: unknown, not guessed.
    assert preset("grok").privacy_url is None and preset("minimax").privacy_url is None
    assert preset("requesty").terms_url is preset("requesty").privacy_url is None
    # xAI's API terms: its Enterprise Terms of Service (x.ai's own pages, cited in the catalogue).
    assert preset("grok").terms_url == "https://x.ai/legal/terms-of-service-enterprise"
    assert endpoint("alibabaStandard:cn-hongkong").terms_url is None
    with pytest.raises(KeyError):
        preset("nope")
    with pytest.raises(KeyError):
        endpoint("coding-plan:mars")


def test_base_url_lookup() -> None:
    assert endpoint_for_base_url("https://coding-intl.dashscope.aliyuncs.com/v1").key == "coding-plan:alibabacloud"
    found = endpoint_for_base_url("https://DASHSCOPE.aliyuncs.com/compatible-mode/v1")
    assert found.key == "alibabaStandard:cn-beijing"
    assert endpoint_for_base_url("https://api.z.ai/api/coding/paas/v4").key == "zai:coding-plan"
    assert preset_for_base_url("http://127.0.0.1:11434/v1").id == "ollama"
    assert preset_for_base_url("http://localhost:9999/v1") is None
    assert preset_for_base_url("https://example.invalid/v1") is None
    assert preset_for_base_url("http://[::1") is None and preset_for_base_url(None) is None


def test_provider_terms_view_for_the_screens() -> None:
    names = [p.name for p in PROVIDER_TERMS]
    assert "Custom provider" not in names and len(names) == len(set(names))
    assert provider_for_base_url("http://127.0.0.1:11434/v1") is LOCAL_SERVER
    coding_plan = provider_for_base_url("https://coding.dashscope.aliyuncs.com/v1")
    assert coding_plan.terms_url == endpoint("alibabaStandard:cn-beijing").terms_url
    assert provider_for_base_url("https://api.deepseek.com/v1").name == "DeepSeek"

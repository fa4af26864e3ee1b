"""The preset catalogue: the reference table's providers, as data the UI and CLI rely on."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from qwen_tui.core.provider_terms import LOCAL_SERVER, PROVIDER_TERMS, provider_for_base_url
from qwen_tui.core.providers.catalog import PRESETS, KeyCheck, preset, preset_for_base_url

CONTRACT_IDS = ["openai", "dashscope-cn", "dashscope-intl", "dashscope-us", "coding-plan-cn", "coding-plan-intl",
                "modelscope", "openrouter", "deepseek", "siliconflow", "groq", "together", "zai", "minimax",
                "ollama", "lmstudio", "llamacpp", "custom"]


def test_every_provider_of_the_reference_table_is_there_once() -> None:
    assert [p.id for p in PRESETS] == CONTRACT_IDS


@pytest.mark.parametrize("item", PRESETS, ids=lambda p: p.id)
def test_preset_is_consistent(item) -> None:
    if item.id == "custom":
        assert item.base_url is None and not item.needs_key
        return
    parts = urlsplit(item.base_url)
    assert parts.hostname and not item.base_url.endswith("/")
    # Only local servers may use plain http (the key would travel in clear otherwise).
    assert (parts.scheme == "http") == item.local
    assert item.needs_key == (not item.local) == (item.key_env is not None)
    for link in (item.docs_url, item.terms_url, item.privacy_url):
        assert link is None or link.startswith("https://")
    if item.local:
        assert item.terms_url is item.privacy_url is None
    assert preset_for_base_url(item.base_url + "/") is item
    assert preset(item.id) is item


def test_reference_facts() -> None:
    assert preset("openrouter").key_check == KeyCheck.OPENROUTER_KEY
    assert {p.id for p in PRESETS if p.key_check == KeyCheck.CHAT} == {
        "coding-plan-cn", "coding-plan-intl", "modelscope", "minimax"}
    assert {p.id for p in PRESETS if p.dashscope} == {
        "dashscope-cn", "dashscope-intl", "dashscope-us", "coding-plan-cn", "coding-plan-intl"}
    assert preset("coding-plan-cn").key_env == "BAILIAN_CODING_PLAN_API_KEY"
    assert preset("dashscope-us").terms_url == preset("dashscope-intl").terms_url
    # "(look up)" in the reference table: unknown, not guessed.
    assert preset("zai").terms_url is None and preset("minimax").privacy_url is None
    with pytest.raises(KeyError):
        preset("nope")


def test_base_url_lookup() -> None:
    assert preset_for_base_url("https://coding-intl.dashscope.aliyuncs.com/v1").id == "coding-plan-intl"
    assert preset_for_base_url("https://DASHSCOPE.aliyuncs.com/compatible-mode/v1").id == "dashscope-cn"
    assert preset_for_base_url("http://127.0.0.1:11434/v1").id == "ollama"
    assert preset_for_base_url("http://localhost:9999/v1") is None
    assert preset_for_base_url("https://example.invalid/v1") is None
    assert preset_for_base_url("http://[::1") is None and preset_for_base_url(None) is None


def test_provider_terms_view_for_the_screens() -> None:
    names = [p.name for p in PROVIDER_TERMS]
    assert "Custom" not in names and len(names) == len(set(names))
    assert provider_for_base_url("http://127.0.0.1:11434/v1") is LOCAL_SERVER
    coding_plan = provider_for_base_url("https://coding.dashscope.aliyuncs.com/v1")
    assert coding_plan.terms_url == preset("dashscope-cn").terms_url
    assert provider_for_base_url("https://api.deepseek.com/v1").name == "DeepSeek"

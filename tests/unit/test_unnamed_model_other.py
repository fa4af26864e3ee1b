"""Anthropic or Gemini with no model named (core/model_choice.other_model): `qwen` uses the first entry, its URL and
key, unless a key or base URL comes from outside the entries or an entry is `coder-model`; then it asks for
`coder-model` (measured with the real `qwen` 0.12.0 to 0.24.4 in tests/interop/test_unnamed_model_other.py). Status
said "no key" for a working setup, then "not set" for the model `qwen` sends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qwen_tui.core.context import Context
from qwen_tui.core.resolver import SourceKind, resolve

ALPHA_URL, BETA_URL, OUTSIDE_URL = "http://127.0.0.1:9/alpha", "http://127.0.0.1:9/beta", "http://127.0.0.1:9/out"


def _write(qwen_home: Path, protocol: str, first: dict, second: str = "beta") -> None:
    qwen_home.mkdir()
    entries = [{"id": "alpha", "baseUrl": ALPHA_URL, "envKey": "ALPHA_KEY", **first},
               {"id": second, "baseUrl": BETA_URL, "envKey": "BETA_KEY"}]
    settings = {"security": {"auth": {"selectedType": protocol}}, "modelProviders": {protocol: entries},
                "env": {"ALPHA_KEY": "sk-alpha-0123456789AAAA", "BETA_KEY": "sk-beta-0123456789BBBB"}}
    (qwen_home / "settings.json").write_text(json.dumps(settings))


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.mark.parametrize("protocol", ["anthropic", "gemini"])
def test_the_first_entry_is_used_when_no_model_is_named(protocol: str, qwen_home: Path) -> None:
    _write(qwen_home, protocol, {})
    resolution = resolve(Context.current())
    assert (resolution.model.value, resolution.model.source.key) == ("alpha", f"modelProviders.{protocol}[0].id")
    assert resolution.base_url.value == ALPHA_URL
    assert (resolution.credential.present, resolution.credential.variable) == (True, "ALPHA_KEY")
    assert resolution.credential.masked is not None and resolution.credential.masked.endswith("AAAA")


@pytest.mark.parametrize(("protocol", "outside"), [
    ("anthropic", {"ANTHROPIC_API_KEY": "sk-outside-0123456789OOOO"}),
    ("anthropic", {"ANTHROPIC_BASE_URL": OUTSIDE_URL}),
    ("gemini", {"GEMINI_API_KEY": "sk-outside-0123456789OOOO"}),
])
def test_a_key_or_url_from_outside_the_entries_keeps_them_out(
    protocol: str, outside: dict[str, str], qwen_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _write(qwen_home, protocol, {})
    for name, value in outside.items():
        monkeypatch.setenv(name, value)
    resolution = resolve(Context.current())
    assert (resolution.model.value, resolution.model.source.kind) == ("coder-model", SourceKind.DEFAULT)
    assert resolution.base_url.value not in (ALPHA_URL, BETA_URL)
    assert resolution.credential.variable != "ALPHA_KEY"


@pytest.mark.parametrize(("protocol", "key", "url"), [("anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
                                                      ("gemini", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL")])
def test_with_no_entry_the_model_is_coder_model(
    protocol: str, key: str, url: str, qwen_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A key and base URL from the environment, nothing else: every `qwen` asked that URL for `coder-model`."""
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({"security": {"auth": {"selectedType": protocol}}}))
    monkeypatch.setenv(key, "sk-outside-0123456789OOOO")
    monkeypatch.setenv(url, OUTSIDE_URL)
    resolution = resolve(Context.current())
    assert (resolution.model.value, resolution.model.source.kind) == ("coder-model", SourceKind.DEFAULT)
    assert (resolution.base_url.value, resolution.credential.variable) == (OUTSIDE_URL, key)


@pytest.mark.parametrize("outside", [{}, {"ANTHROPIC_API_KEY": "sk-outside-0123456789OOOO",
                                          "ANTHROPIC_BASE_URL": OUTSIDE_URL}])
def test_an_entry_named_coder_model_is_used_before_the_first(
    outside: dict[str, str], qwen_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its URL and key, with or without a key and URL from outside (0.12.0 to 0.24.4 sent to it, measured)."""
    _write(qwen_home, "anthropic", {}, second="coder-model")
    for name, value in outside.items():
        monkeypatch.setenv(name, value)
    resolution = resolve(Context.current())
    assert (resolution.model.value, resolution.base_url.value) == ("coder-model", BETA_URL)
    assert (resolution.credential.variable, resolution.credential.masked[-4:]) == ("BETA_KEY", "BBBB")


def test_an_entry_named_in_settings_still_wins(qwen_home: Path) -> None:
    _write(qwen_home, "anthropic", {})
    path = qwen_home / "settings.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "model": {"name": "beta"}}))
    resolution = resolve(Context.current())
    assert (resolution.model.value, resolution.model.source.kind, resolution.base_url.value) == (
        "beta", SourceKind.SETTINGS, BETA_URL)


def test_gemini_takes_google_gemini_base_url_after_the_entrys_own(
    qwen_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GOOGLE_GEMINI_BASE_URL (read by Google's SDK): used by a model without an entry URL, and before model.baseUrl;
    the entry's own URL beats it, and alone it does not keep the entries out (0.24.4, measured)."""
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", OUTSIDE_URL)
    _write(qwen_home, "gemini", {})
    resolution = resolve(Context.current())
    assert (resolution.model.value, resolution.base_url.value) == ("alpha", ALPHA_URL)
    path = qwen_home / "settings.json"
    path.write_text(json.dumps({"security": {"auth": {"selectedType": "gemini"}},
                                "model": {"name": "m", "baseUrl": BETA_URL}}))
    base_url = resolve(Context.current()).base_url
    assert (base_url.value, base_url.source.kind, base_url.source.key) == (
        OUTSIDE_URL, SourceKind.ENV, "GOOGLE_GEMINI_BASE_URL")


@pytest.mark.parametrize(("protocol", "default"), [("anthropic", "https://api.anthropic.com"),
                                                   ("gemini", "https://generativelanguage.googleapis.com")])
def test_model_base_url_is_not_a_base_url_for_anthropic_or_gemini(protocol: str, default: str, qwen_home: Path) -> None:
    """`qwen` 0.12.0 to 0.24.4 asked the protocol's own API with `model.baseUrl` set and no entry (measured:
    tests/interop/test_unnamed_model_other.py); status named model.baseUrl."""
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({"security": {"auth": {"selectedType": protocol}},
                                                         "model": {"name": "m", "baseUrl": OUTSIDE_URL}}))
    base_url = resolve(Context.current()).base_url
    assert (base_url.value, base_url.source.kind) == (default, SourceKind.DEFAULT)

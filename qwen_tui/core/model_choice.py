"""Which model the installed `qwen` asks for, and so which `modelProviders` entry (its key and URL) it uses.

What the real CLIs sent to a loopback OpenAI-compatible / Anthropic server with both a model variable and settings
`model.name` set (tests/interop/test_model_precedence.py pins it): 0.15.6, 0.15.10, 0.21.2 and 0.24.4 ask for
settings `model.name`, whether OPENAI_MODEL / QWEN_MODEL / ANTHROPIC_MODEL is exported, in a `.env` or in settings
`env`; the variable counts only when no layer names a model (resolveCliGenerationConfig drops the model variables
once settings names one). 0.12.0 asked for the variable's model unless `model.name` was an entry's id. Every version
then uses the `modelProviders.<protocol>` entry of the model's id (its key and URL), also for a variable's model.

With no model named at all (tests/interop/test_unnamed_model.py, 0.15.10 and 0.24.4): `qwen` takes its default model
(unnamed_model) and the entry of that id when there is one; else, with a key or base URL from outside the entries, the
default model with those; else the first entry, its id, key and URL. Anthropic and Gemini (other_model) follow the same
rule with `coder-model` as the default (tests/interop/test_unnamed_model_other.py; 0.12.0 to 0.24.4 alike).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qwen_tui.core.launch import (
    FIRST_DEFAULTING_TO_QWEN37_MAX,
    FIRST_SETTINGS_MODEL_FIRST,
    FIRST_SKIPPING_MEDIA_ONLY,
)
from qwen_tui.core.names import API_KEY, AUTH_BASE_URL, MODEL_NAME, QWEN_OAUTH_MODEL, Protocol, providers_key
from qwen_tui.core.resolver import (
    OPENAI_DEFAULT_MODEL,
    Source,
    SourceKind,
    Value,
    _first,
    _settings_source,
    provider_index,
)

if TYPE_CHECKING:
    from qwen_tui.core.resolver import ConfigLookup

# The variables each protocol's model may come from, in `qwen`'s order (AUTH_ENV_MODEL_VARS in its bundle).
MODEL_VARIABLES: dict[str, tuple[str, ...]] = {
    Protocol.OPENAI: ("OPENAI_MODEL", "QWEN_MODEL"),
    Protocol.ANTHROPIC: ("ANTHROPIC_MODEL",),
    Protocol.GEMINI: ("GEMINI_MODEL",),
}
# The OpenAI default of `qwen` up to 0.15.10 (0.12.0, 0.15.6, 0.15.10 asked for it); later: OPENAI_DEFAULT_MODEL.
OPENAI_OLD_DEFAULT_MODEL = "qwen3.5-plus"
# Entries `qwen` from 0.21.2 on never takes as the primary model (getDefaultModelForAuthType skips them).
_NOT_PRIMARY = ("imageOnly", "voiceOnly", "realtimeOnly")


def choose_model(lookup: ConfigLookup, protocol: str) -> Value[Any]:
    """The model `qwen` asks the server for; empty when nothing names one. The installed `qwen`'s version is read
    only when a variable and settings disagree."""
    named = _first(lookup.setting(MODEL_NAME))
    variable = _first(*(lookup.variable(name) for name in MODEL_VARIABLES[protocol]))
    if named.value and variable.value and not lookup.qwen_is_at_least(FIRST_SETTINGS_MODEL_FIRST):
        return named if provider_index(lookup, protocol, named) is not None else variable
    return _first(named, variable)


def unnamed_model(lookup: ConfigLookup) -> Value[Any]:
    """The OpenAI model `qwen` uses when nothing names one (syncAfterAuthRefresh, 0.24.4 chunk-VOHPPFJI.js
    1122-1205): its default when an entry has that id, or when a key or base URL comes from outside the entries
    (OPENAI_API_KEY / OPENAI_BASE_URL, `security.auth.apiKey` / `baseUrl`); otherwise the first entry that can be
    a primary model (up to 0.15.10: the first entry). Up to 0.15.10 the default is `qwen3.5-plus`, later
    `qwen3.7-max`."""
    newer = lookup.qwen_is_at_least(FIRST_DEFAULTING_TO_QWEN37_MAX)
    return _unnamed(lookup, Protocol.OPENAI, OPENAI_DEFAULT_MODEL if newer else OPENAI_OLD_DEFAULT_MODEL,
                    lookup.variable("OPENAI_API_KEY"), lookup.variable("OPENAI_BASE_URL"))


def other_model(lookup: ConfigLookup, protocol: str, key_variable: str, base_variable: str) -> Value[Any]:
    """Anthropic's or Gemini's model (choose_model); when nothing names one, unnamed_model's rule with `coder-model`,
    the model every `qwen` falls back to for any auth type (DEFAULT_QWEN_MODEL; it names no other default for these
    two). Measured (tests/interop/test_unnamed_model_other.py): `coder-model` with a key and base URL from outside
    the entries (exported or in a `.env`; 0.12.0, 0.15.6, 0.15.10, 0.21.2, 0.24.4) and, with that entry's key and
    URL (Gemini's URL from 0.15.6 on) whatever comes from outside, when an entry has that id (Anthropic: 0.12.0,
    0.15.10, 0.21.2, 0.24.4; Gemini: 0.12.0, 0.15.6, 0.15.10, 0.21.2, 0.24.4); the first entry otherwise."""
    named = choose_model(lookup, protocol)
    if named.value:
        return named
    # GOOGLE_GEMINI_BASE_URL is read by Google's SDK, not by `qwen`'s settings: with it alone 0.15.6 to 0.24.4 still
    # used the first entry (at the entry's URL).
    outside_url = Value(None) if protocol == Protocol.GEMINI else lookup.variable(base_variable)
    return _unnamed(lookup, protocol, QWEN_OAUTH_MODEL, lookup.variable(key_variable), outside_url)


def _unnamed(lookup: ConfigLookup, protocol: str, model: str, key: Value[Any], base_url: Value[Any]) -> Value[Any]:
    """The default `model` when an entry has that id, or when a key or base URL comes from outside the entries (the
    protocol's `key` / `base_url` variable, `security.auth.apiKey` / `baseUrl`); else the first entry that can be a
    primary model, else the default (syncAfterAuthRefresh, 0.24.4 chunk-VOHPPFJI.js 1122-1205)."""
    default = Value(model, Source(SourceKind.DEFAULT))
    outside = _first(key, lookup.setting(API_KEY), base_url, lookup.setting(AUTH_BASE_URL))
    if outside.value or provider_index(lookup, protocol, default) is not None:
        return default
    return _first(first_primary_entry(lookup, protocol), default)


def first_primary_entry(lookup: ConfigLookup, protocol: str) -> Value[Any]:
    """The id of the first `modelProviders.<protocol>` entry `qwen` may take as its primary model (from 0.21.2 on
    not one marked imageOnly, voiceOnly or realtimeOnly); empty without one."""
    skipped = _NOT_PRIMARY if lookup.qwen_is_at_least(FIRST_SKIPPING_MEDIA_ONLY) else ()
    found = lookup.settings.lookup(providers_key(protocol))
    if found is None or not isinstance(found[0], list):
        return Value(None)
    for index, entry in enumerate(found[0]):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"] \
                and not any(entry.get(flag) for flag in skipped):
            return Value(entry["id"], _settings_source(found[1], f"{providers_key(protocol)}[{index}].id"))
    return Value(None)

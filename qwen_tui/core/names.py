"""The names qwen-tui shares with Qwen Code: auth-method ids and the settings keys it reads or writes.

The one place these strings are written (tests/unit/test_names.py fails on a second one in qwen_tui/).
Imports only `enum`: `qwen-tui run` and the TUI's launch path load it.
"""

from __future__ import annotations

from enum import StrEnum


class AuthMethod(StrEnum):
    """Values of Qwen Code's `security.auth.selectedType` that qwen-tui configures."""

    QWEN_OAUTH = "qwen-oauth"
    OPENAI = "openai"


class Protocol(StrEnum):
    """`security.auth.selectedType` and the `modelProviders.<protocol>` bucket a provider is saved in."""

    OPENAI = AuthMethod.OPENAI.value
    ANTHROPIC = "anthropic"
    GEMINI = "gemini"


# Settings keys, dotted as in Qwen Code's nested (v2) settings.json.
SELECTED_TYPE = "security.auth.selectedType"
ENFORCED_TYPE = "security.auth.enforcedType"
API_KEY = "security.auth.apiKey"            # legacy: a key kept in plain text beside AUTH_BASE_URL
AUTH_BASE_URL = "security.auth.baseUrl"
MODEL_NAME = "model.name"
MODEL_BASE_URL = "model.baseUrl"
USAGE_STATS = "privacy.usageStatisticsEnabled"
MODEL_PROVIDERS = "modelProviders"          # a list of entries per protocol: `modelProviders.<protocol>`
ENV = "env"                                 # a layer's `env.<NAME>` block


def providers_key(protocol: str) -> str:
    """`modelProviders.<protocol>`, the list of provider entries saved for one protocol."""
    return f"{MODEL_PROVIDERS}.{protocol}"


# The model Qwen Code selects with Qwen OAuth when none is set (what its own `/auth` writes).
QWEN_OAUTH_MODEL = "coder-model"

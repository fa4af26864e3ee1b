"""Which model the installed `qwen` asks for, and so which `modelProviders` entry (its key and URL) it uses.

What the real CLIs sent to a loopback OpenAI-compatible / Anthropic server with both a model variable and settings
`model.name` set (tests/interop/test_model_precedence.py pins it): 0.15.6, 0.15.10, 0.21.2 and 0.24.4 ask for
settings `model.name`, whether OPENAI_MODEL / QWEN_MODEL / ANTHROPIC_MODEL is exported, in a `.env` or in settings
`env`; the variable counts only when no layer names a model (resolveCliGenerationConfig drops the model variables
once settings names one). 0.12.0 asked for the variable's model unless `model.name` was an entry's id. Every version
then uses the `modelProviders.<protocol>` entry of the model's id (its key and URL), also for a variable's model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qwen_tui.core.launch import FIRST_SETTINGS_MODEL_FIRST
from qwen_tui.core.names import MODEL_NAME, Protocol
from qwen_tui.core.resolver import Value, _first, provider_index

if TYPE_CHECKING:
    from qwen_tui.core.resolver import ConfigLookup

# The variables each protocol's model may come from, in `qwen`'s order (AUTH_ENV_MODEL_VARS in its bundle).
MODEL_VARIABLES: dict[str, tuple[str, ...]] = {
    Protocol.OPENAI: ("OPENAI_MODEL", "QWEN_MODEL"),
    Protocol.ANTHROPIC: ("ANTHROPIC_MODEL",),
    Protocol.GEMINI: ("GEMINI_MODEL",),
}


def choose_model(lookup: ConfigLookup, protocol: str) -> Value[Any]:
    """The model `qwen` asks the server for; empty when nothing names one. The installed `qwen`'s version is read
    only when a variable and settings disagree."""
    named = _first(lookup.setting(MODEL_NAME))
    variable = _first(*(lookup.variable(name) for name in MODEL_VARIABLES[protocol]))
    if named.value and variable.value and not lookup.qwen_is_at_least(FIRST_SETTINGS_MODEL_FIRST):
        return named if provider_index(lookup, protocol, named) is not None else variable
    return _first(named, variable)

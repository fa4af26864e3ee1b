"""The saved OpenAI-compatible providers (`modelProviders.openai[]`) and the OPENAI_* values, as Qwen Code sees
them, with where each comes from — derived from the files a resolution was resolved from, never read again.

Writing them (save, activate, delete) is core/providers/profiles.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qwen_tui.core.names import Protocol, providers_key
from qwen_tui.core.resolver import Resolution, Source, SourceKind, Value, mask_secret

PROVIDERS = providers_key(Protocol.OPENAI)


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    base_url: str
    env_key: str | None
    active: bool
    key_location: str | None   # where its key is found (localised source description), None: nowhere
    protocol: str = Protocol.OPENAI   # the `modelProviders.<protocol>` bucket it is saved in



@dataclass(frozen=True)
class EnvironmentValues:
    base_url: Value[Any] | None     # OPENAI_BASE_URL
    key: Value[Any] | None          # OPENAI_API_KEY, masked unless asked for unmasked
    model: Value[Any] | None        # OPENAI_MODEL, else QWEN_MODEL
    dotenv_path: Path | None   # the .env Qwen Code loads from cwd
    shadowed: tuple[Path, ...]  # .env files it does not load because of that one





# --- reading -----------------------------------------------------------------------------------------


def list_profiles(resolution: Resolution) -> list[Profile]:
    """Every `modelProviders.openai`, then `.anthropic` and `.gemini` entry Qwen Code would see, with where its
    key is found, from the files `resolution` was resolved from. Active: the one entry Qwen Code uses for the
    selected method and model."""
    from qwen_tui.core.resolver import provider_index

    lookup = resolution.lookup
    if lookup is None:
        return []
    profiles = []
    for protocol in Protocol:
        found = lookup.settings.lookup(providers_key(protocol))
        entries = found[0] if found is not None and isinstance(found[0], list) else []
        active = provider_index(lookup, protocol, resolution.model) \
            if resolution.auth_type.value == protocol else None
        profiles += [profile for index, entry in enumerate(entries)
                     if (profile := _profile(lookup, entry, index == active, protocol)) is not None]
    return profiles


def _profile(lookup: Any, entry: Any, active: bool, protocol: Protocol) -> Profile | None:
    from qwen_tui.core.secrets import SecretStore

    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        return None
    env_key = entry.get("envKey") if isinstance(entry.get("envKey"), str) else None
    location = None
    if env_key:
        source = lookup.variable(env_key).source
        if source.kind == SourceKind.NONE:
            # The lookup's store, made only when a key is not in the files: one keyring wait per refresh at most.
            lookup.secrets = lookup.secrets or SecretStore(lookup.env)
            source = _secret_source(lookup.secrets, env_key)
        location = source.describe() if source.kind != SourceKind.NONE else None
    raw_base, raw_name = entry.get("baseUrl"), entry.get("name")
    base_url = raw_base if isinstance(raw_base, str) else ""
    name = raw_name if isinstance(raw_name, str) else str(entry["id"])
    return Profile(entry["id"], name, base_url, env_key, active, location, protocol)


def _secret_source(store: Any, name: str) -> Source:
    from qwen_tui.core.secrets import SecretLocation

    found = store.get(name)
    if found.value is None:
        return Source(SourceKind.NONE)
    if found.location == SecretLocation.KEYRING:
        return Source(SourceKind.KEYRING, key=name)
    return Source(SourceKind.SECRET_FILE, found.path, name)


def environment_values(resolution: Resolution, *, unmasked: bool = False) -> EnvironmentValues | None:
    """OPENAI_* as Qwen Code sees them (environment, the loaded .env, settings `env`), with sources, from the
    files `resolution` was resolved from; None when it read none. The key is masked unless `unmasked` (the
    form's import fills its key field with it)."""
    lookup = resolution.lookup
    if lookup is None:
        return None

    def found(*names: str) -> Value[Any] | None:
        return next((value for name in names if (value := lookup.variable(name)).value), None)

    key = found("OPENAI_API_KEY")
    if key is not None and not unmasked:
        key = Value(mask_secret(key.value), key.source)
    return EnvironmentValues(
        base_url=found("OPENAI_BASE_URL"),
        key=key,
        model=found("OPENAI_MODEL", "QWEN_MODEL"),
        dotenv_path=lookup.dotenv.path,
        shadowed=lookup.dotenv.shadowed,
    )

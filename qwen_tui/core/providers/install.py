"""What saving a provider writes to settings, exactly as Qwen Code 0.24's `/auth` writes it.

Mirrors `buildInstallPlan` / `applyProviderInstallPlan` (chunks/chunk-VOHPPFJI.js 1443-2393, see
shared/reference/fixtures/qwen-code-0.24.4-auth/NOTES.md §4): one `modelProviders.<protocol>` entry per model
(`[prefix] id` names, `capabilities`, `generationConfig`, custom headers), merged "prepend and remove owned",
`providerMetadata.<id> = {version, baseUrl}` where `version` is the sha256 of the entries' JSON, `model.name`,
`model.baseUrl` ("" for presets, the URL for custom providers) and `security.auth.selectedType`. Custom
providers get Qwen Code's generated key variable (with its hash suffix). Where the key goes is not decided here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from qwen_tui.core.names import Protocol
from qwen_tui.core.providers.catalog import Endpoint, Preset

CUSTOM_ENV_PREFIX = "QWEN_CUSTOM_API_KEY_"
METADATA = "providerMetadata"
Entry = dict[str, Any]


@dataclass(frozen=True)
class InstallPlan:
    protocol: Protocol
    env_key: str
    entries: list[Entry]                 # in the order they are prepended
    model_name: str
    model_base_url: str                  # "" for a preset install, the URL for a custom one (as `/auth` does)
    metadata: tuple[str, dict[str, str]] | None   # (preset id, {version, baseUrl}) for presets with built-ins
    owns: Callable[[Entry], bool]        # the existing entries this install replaces


def _segment(value: str) -> str:
    """Qwen Code's normalizeEnvSegment: upper case, runs of non-alphanumerics to one "_", trimmed."""
    out: list[str] = []
    for char in value.strip().upper():
        if "A" <= char <= "Z" or "0" <= char <= "9":
            out.append(char)
        elif not out or out[-1] != "_":
            out.append("_")
    return "".join(out).strip("_")


def custom_env_key(protocol: str, base_url: str) -> str:
    """`QWEN_CUSTOM_API_KEY_<PROTOCOL>_<URL>_<first 12 hex of sha256(protocol \\0 url)>` (generateCustomEnvKey)."""
    canonical = base_url.strip().rstrip("/")
    suffix = hashlib.sha256(f"{protocol}\0{canonical}".encode()).hexdigest()[:12].upper()
    return f"{CUSTOM_ENV_PREFIX}{_segment(protocol)}_{_segment(base_url)}_{suffix}"


def env_key_for(base_url: str, preset: Preset | None, protocol: str | None = None) -> str:
    """The preset's key variable; for custom URLs and keyless local servers Qwen Code's generated one."""
    if preset is not None and preset.key_env:
        return preset.key_env
    chosen = protocol or (preset.protocol if preset is not None else Protocol.OPENAI)
    return custom_env_key(str(chosen), base_url)


@cache
def _specs() -> dict[str, Any]:
    text = resources.files("qwen_tui.core.providers").joinpath("qwen_code_models.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def model_specs(preset: Preset) -> list[dict[str, Any]]:
    """Qwen Code's built-in model specs for this preset (empty for qwen-tui's own presets)."""
    if not preset.qwen_code:
        return []
    found: list[dict[str, Any]] = _specs()[preset.id]["models"]
    return found


def builtin_models(preset: Preset) -> list[str]:
    """The model ids a preset offers before any is fetched: Qwen Code's built-ins, else qwen-tui's hint."""
    specs = model_specs(preset)
    if specs:
        return [str(spec["id"]) for spec in specs]
    return [preset.model_hint] if preset.model_hint else []


def _generation(spec: dict[str, Any]) -> dict[str, Any] | None:
    """buildGenerationConfig for the chat-completions wire."""
    parts: dict[str, Any] = {}
    if spec.get("enableThinking"):
        parts["extra_body"] = {"enable_thinking": True}
    if spec.get("thinkingMandatory"):
        parts["thinkingMandatory"] = True
    if spec.get("contextWindowSize"):
        parts["contextWindowSize"] = spec["contextWindowSize"]
    modalities = spec.get("modalities")
    if isinstance(modalities, dict) and any(modalities.values()):
        parts["modalities"] = modalities
    return parts or None


def _entry(spec: dict[str, Any], prefix: str | None, base_url: str, env_key: str) -> Entry:
    """specToModelConfig: the key order matters, the version is a hash of this JSON."""
    model_id = str(spec["id"])
    entry: Entry = {"id": model_id, "name": f"[{prefix}] {model_id}" if prefix else model_id}
    for name in ("description", "capabilities"):
        if spec.get(name):
            entry[name] = spec[name]
    entry["baseUrl"] = base_url
    entry["envKey"] = env_key
    for name in ("supportsImageGeneration", "imageOnly"):
        if spec.get(name):
            entry[name] = True
    generation = _generation(spec)
    if generation:
        entry["generationConfig"] = generation
    return entry


def _with_headers(entry: Entry, headers: dict[str, str] | None) -> Entry:
    if not headers:
        return entry
    existing = dict(entry.get("generationConfig") or {})
    existing["customHeaders"] = {**headers, **existing.get("customHeaders", {})}
    return {**entry, "generationConfig": existing}


def model_list_version(entries: list[Entry]) -> str:
    """computeModelListVersion: sha256 of JSON.stringify(models) (no spaces, non-ASCII kept)."""
    text = json.dumps(entries, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_install(
    endpoint: Endpoint | None, base_url: str, models: list[str], selected: str | None = None,
    protocol: Protocol | None = None,
) -> InstallPlan:
    """The settings an install of `models` at `base_url` writes; `selected` becomes `model.name`.

    `endpoint` None (or the custom preset) is a custom provider of `protocol`. Raises ValueError without models."""
    preset = endpoint.preset if endpoint is not None and endpoint.preset.id != "custom" else None
    if not models:
        raise ValueError("no models")
    if endpoint is not None and preset is not None and preset.qwen_code:
        return _preset_plan(endpoint, preset, base_url, models, selected)
    chosen = preset.protocol if preset is not None else (protocol or Protocol.OPENAI)
    env_key = env_key_for(base_url, preset, chosen)
    entries: list[Entry] = []
    for model_id in models:
        entry: Entry = {"id": model_id, "name": model_id, "baseUrl": base_url, "envKey": env_key}
        if chosen == Protocol.OPENAI:
            entry["wireApi"] = "chat-completions"   # Qwen Code's custom dialog always asks (chat completions)
        entries.append(entry)
    ids = {(entry["id"], entry["baseUrl"]) for entry in entries}
    return InstallPlan(chosen, env_key, entries, selected or models[0], base_url, None,
                       lambda old: (old.get("id"), old.get("baseUrl")) in ids)


def _preset_plan(endpoint: Endpoint, preset: Preset, base_url: str, models: list[str],
                 selected: str | None) -> InstallPlan:
    env_key = env_key_for(base_url, preset)
    specs = {str(spec["id"]).lower(): spec for spec in model_specs(preset)}
    prefix = endpoint.model_prefix
    headers: dict[str, str] | None = _specs()[preset.id].get("customHeaders")
    entries = [
        _with_headers(_entry({**specs.get(model_id.lower(), {}), "id": model_id}, prefix, base_url, env_key), headers)
        for model_id in models
    ]
    chat = [entry for entry in entries if not entry.get("imageOnly")] or entries
    name = selected if selected in models else str(chat[0]["id"])
    urls = {region.base_url for region in preset.regions}
    prefixes = tuple(f"[{p}] " for p in {region.model_prefix or preset.model_prefix for region in preset.regions} if p)

    def owns(old: Entry) -> bool:
        # resolveOwnsModel: same key variable, and one of the preset's URLs or entry-name prefixes.
        if old.get("envKey") != env_key:
            return False
        entry_name = old.get("name")
        return old.get("baseUrl") in urls or (isinstance(entry_name, str) and entry_name.startswith(prefixes))

    version = {"version": model_list_version(entries), "baseUrl": base_url}
    return InstallPlan(Protocol.OPENAI, env_key, entries, name, "", (preset.id, version), owns)


def merge_entries(existing: list[Any], plan: InstallPlan) -> list[Any]:
    """applyModelProvidersPatch "prepend-and-remove-owned": the new entries first, then every other one."""
    kept = [item for item in existing if not (isinstance(item, dict) and plan.owns(item))]
    return [*plan.entries, *kept]


def installed_preset(entry: Entry, metadata: Any) -> str | None:
    """The preset id an entry written by `/auth` (or qwen-tui) belongs to, from providerMetadata and its name."""
    from qwen_tui.core.providers.catalog import PRESETS

    for preset in PRESETS:
        if not preset.qwen_code or entry.get("envKey") != preset.key_env:
            continue
        prefixes = {region.model_prefix or preset.model_prefix for region in preset.regions}
        name = entry.get("name")
        if isinstance(name, str) and any(p and name.startswith(f"[{p}] ") for p in prefixes):
            return preset.id
        recorded = metadata.get(preset.id) if isinstance(metadata, dict) else None
        if isinstance(recorded, dict) and recorded.get("baseUrl") == entry.get("baseUrl"):
            return preset.id
    return None

"""Saved providers read back as Qwen Code's `/auth` installed them: one install per preset and endpoint.

`/auth` writes one `modelProviders.openai` entry per model of a preset (names `[prefix] model`, the preset's
key variable, one base URL) and `providerMetadata.<preset id> = {version, baseUrl}` (NOTES.md §4). Those
entries are one install: shown once, under the preset's name and region, with its models and the active one.
Entries no preset owns (custom providers, qwen-tui's own presets, hand-written ones) stay one install each, as
does every `modelProviders.anthropic` / `.gemini` entry (labelled with its protocol).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from qwen_tui.core.i18n import t
from qwen_tui.core.names import Protocol
from qwen_tui.core.providers.catalog import Endpoint, Preset, Region, endpoint_for_base_url, preset
from qwen_tui.core.providers.install import METADATA, installed_preset
from qwen_tui.core.providers.saved import Profile
from qwen_tui.core.resolver import Resolution, Source
from qwen_tui.core.sanitize import clean
from qwen_tui.core.urls import mask_url


@dataclass(frozen=True)
class Install:
    preset_id: str | None       # None: an entry no preset owns (custom, hand-written): one model
    region_id: str | None       # the preset's region serving base_url; None: one-region preset or a proxy URL
    label: str                  # "ModelStudio Coding Plan · Singapore (International)", or the entry's name
    base_url: str
    env_key: str | None
    key_location: str | None    # where its key is found (localised), None: nowhere
    key_in_settings: bool       # the key Qwen Code reads is in plain text in a settings `env` block
    profiles: tuple[Profile, ...]   # its models, in the file's order
    key_source: Source | None = None   # the environment, a .env or settings (the UI shortens its path); None:
                                       # the keyring, qwen-tui's file, or nowhere (key_location says which)

    @property
    def active(self) -> Profile | None:
        return next((profile for profile in self.profiles if profile.active), None)

    @property
    def model_ids(self) -> list[str]:
        return [profile.id for profile in self.profiles]


def list_installs(resolution: Resolution) -> list[Install]:
    """Every provider Qwen Code would see, grouped into installs, with where each key is found, from the
    files `resolution` was resolved from."""
    from qwen_tui.core.providers.saved import list_profiles
    from qwen_tui.core.resolver import SourceKind

    lookup = resolution.lookup
    if lookup is None:
        return []
    profiles = list_profiles(resolution)
    found = lookup.settings.lookup(METADATA)
    sources = {name: lookup.variable(name).source for name in {p.env_key for p in profiles if p.env_key}}
    in_settings = {name for name, source in sources.items() if source.kind == SourceKind.SETTINGS_ENV}
    installs = group_installs(profiles, found[0] if found else None, in_settings)
    return [replace(install, key_source=sources[install.env_key])
            if install.env_key and sources[install.env_key].kind != SourceKind.NONE else install
            for install in installs]


def group_installs(profiles: Sequence[Profile], metadata: Any, in_settings: frozenset[str] | set[str] = frozenset(),
                   ) -> list[Install]:
    """Group entries into installs by preset (its key variable and name prefix or `providerMetadata` URL) and
    base URL, in the order each install first appears. Only the first entry of the active model is active:
    Qwen Code (and the resolver) take the first entry with that id."""
    groups: dict[tuple[str, str, str | None] | int, list[Profile]] = {}
    first_active = next((index for index, profile in enumerate(profiles) if profile.active), None)
    for index, profile in enumerate(profiles):
        profile = replace(profile, active=index == first_active)
        owner = installed_preset({"envKey": profile.env_key, "name": profile.name, "baseUrl": profile.base_url},
                                 metadata) if profile.protocol == Protocol.OPENAI else None
        key: tuple[str, str, str | None] | int = (owner, profile.base_url, profile.env_key) if owner else index
        groups.setdefault(key, []).append(profile)
    return [_install(key[0] if isinstance(key, tuple) else None, members, in_settings)
            for key, members in groups.items()]


def _install(preset_id: str | None, members: list[Profile], in_settings: frozenset[str] | set[str]) -> Install:
    first = members[0]
    region: Region | None = None
    label = _single_label(first)
    if preset_id is not None:
        found = preset(preset_id)
        region = _region(found, first)
        label = Endpoint(found, region).name if region is not None else found.name
    multi = preset_id is not None and len(preset(preset_id).regions) > 1
    return Install(preset_id, region.id if region is not None and multi else None, label, first.base_url,
                   first.env_key, first.key_location, first.env_key in in_settings, tuple(members))


def _region(found: Preset, profile: Profile) -> Region | None:
    """The region whose URL the entries use, else the one whose entry-name prefix they carry (a proxy URL)."""
    url = profile.base_url.rstrip("/")
    by_url = next((region for region in found.regions if region.base_url.rstrip("/") == url), None)
    if by_url is not None:
        return by_url
    named = [region for region in found.regions
             if (prefix := region.model_prefix or found.model_prefix) and profile.name.startswith(f"[{prefix}] ")]
    return named[0] if len(named) == 1 else None


def _single_label(profile: Profile) -> str:
    """An entry no preset owns is told apart by where it is: the catalogue's name for its URL (a local
    server, qwen-tui's own presets), else the URL itself (masked: a file may carry `user:password@`)."""
    found = endpoint_for_base_url(profile.base_url)
    place = found.name if found is not None else clean(mask_url(profile.base_url) or profile.name)
    if profile.protocol == Protocol.OPENAI:
        return place
    # An Anthropic or Gemini entry (`modelProviders.anthropic` / `.gemini`) says which protocol it speaks.
    return t("protocols_home.label", place=place, protocol=t(f"form_picker.protocol.{profile.protocol}"))


# --- the same words in `status` and on home ------------------------------------------------------------


def models_text(install: Install) -> str:
    """"10 models", or the one model's id."""
    if len(install.profiles) == 1:
        return clean(install.profiles[0].id)
    return t("installs.models", count=len(install.profiles))


def summary(install: Install) -> str:
    """One line: "ModelStudio Coding Plan · Singapore (International) — 10 models, active: qwen3.5-plus"."""
    active = install.active
    if active is not None and len(install.profiles) > 1:
        return t("installs.summary.active", label=install.label, models=models_text(install), model=clean(active.id))
    return t("installs.summary", label=install.label, models=models_text(install))


def key_text(install: Install, where: str | None = None) -> str:
    """Where the key is found (`where`: the UI's own wording of key_source); a key in plain text in settings
    (as `/auth` leaves it) says so (the problems list of home and `status` names the move that fixes it)."""
    where = where or install.key_location
    if where is None:
        return t("profiles.key.missing")
    if install.key_in_settings:
        return t("installs.key.plain", where=where)
    return where

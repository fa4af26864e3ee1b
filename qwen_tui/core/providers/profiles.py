"""Saved OpenAI-compatible profiles, in Qwen Code's own shapes, and where their keys live.

A profile is one `modelProviders.openai[]` entry `{id, name, baseUrl, envKey}` of the user settings (id =
the model, as Qwen Code keys them); the active one is also `security.auth.selectedType = "openai"`,
`model.name` and `security.auth.baseUrl`. Its key lives in exactly one store (core/keystores.py): the OS
keyring (default; without one `<QWEN_HOME>/.env`, which `qwen` reads), qwen-tui's 0600 file, the user
settings' `env.<envKey>` or `<QWEN_HOME>/.env` (both 0600) — copies in the other stores are removed on save.
Settings go through `settings_writer.update_layer`; raw layer content is edited, so `$VAR`s stay unexpanded,
and the provider list is rebuilt from the file as read under the writer's lock (another writer's entry stays).
Reading the saved providers is core/providers/saved.py.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qwen_tui.core import paths
from qwen_tui.core.context import Context
from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.fileops import SETTINGS_LIMIT, FileOpError, atomic_write, read_regular
from qwen_tui.core.i18n import Words, t
from qwen_tui.core.names import (
    API_KEY,
    AUTH_BASE_URL,
    ENV,
    MODEL_BASE_URL,
    MODEL_NAME,
    MODEL_PROVIDERS,
    SELECTED_TYPE,
    Protocol,
    providers_key,
)
from qwen_tui.core.providers.catalog import Endpoint, Preset
from qwen_tui.core.providers.dotenv_edit import set_variable
from qwen_tui.core.providers.install import METADATA, InstallPlan
from qwen_tui.core.providers.saved import Profile, list_profiles
from qwen_tui.core.providers.validate import check_base_url, normalize_key
from qwen_tui.core.resolver import KEYLESS_PLACEHOLDER, Source, SourceKind
from qwen_tui.core.settings import MISSING, get_dotted
from qwen_tui.core.urls import is_loopback_url

if TYPE_CHECKING:
    from qwen_tui.core.secrets import SecretStore


class KeyStore(StrEnum):
    KEYRING = "keyring"      # the OS keyring (without one: DOTENV, which `qwen` reads, with a note)
    SETTINGS = "settings"    # user settings.json env.<envKey> (0600), readable by `qwen`
    DOTENV = "dotenv"        # <QWEN_HOME>/.env (0600), readable by `qwen`
    FILE = "file"            # qwen-tui's explicit 0600 secrets file


class ProfileError(QwenTuiError):
    """A profile could not be saved, activated or deleted; `str()` is one user-facing line."""

    kind = "profile"


@dataclass(frozen=True)
class SaveResult:
    profile: Profile
    key_location: str | None
    words: Words | None     # the warning, worded when shown: a notice kept on screen follows a language switch

    @property
    def warning(self) -> str | None:
        return str(self.words) if self.words is not None else None


# --- writing -----------------------------------------------------------------------------------------


def save_profile(
    *, base_url: str, model: str, key: str | None, store: KeyStore = KeyStore.KEYRING,
    preset: Preset | None = None, context: Context, endpoint: Endpoint | None = None,
    models: list[str] | None = None, protocol: Protocol | None = None, secrets: SecretStore | None = None,
) -> SaveResult:
    """Install a provider as Qwen Code's `/auth` does and make `model` the active one; its key, when given,
    into `store` only.

    A Qwen Code preset is installed with its built-in models (`models` replaces them: a fetched list), a
    custom provider with `models` or `[model]`. `key=None` keeps whatever key is already stored under the
    envKey. `context` is where the configuration is looked for. `secrets`: a store whose keyring was probed
    already (the provider form's: one probe per form, a late answer included), else a new one. Raises ProfileError
    (one line)."""
    from qwen_tui.core.keystores import default_store
    from qwen_tui.core.providers.install import merge_entries
    from qwen_tui.core.resolver import ConfigLookup
    from qwen_tui.core.secrets import SecretStore
    from qwen_tui.core.settings_writer import DELETE

    env = context.env
    url, model, key = _checked(base_url, model, key)
    plan = install_plan(url, model, preset, endpoint, models, protocol)
    chosen = preset if preset is not None and preset.id != "custom" else None
    env_key = plan.env_key
    bucket = providers_key(plan.protocol)
    _raw_entries(_user_layer(env), env, plan.protocol)   # refuse an unusable file before any key is stored

    secrets = secrets or SecretStore(env)
    location = fallback = None
    warning: str | Words | None = None
    key_change: dict[str, Any] = {}
    if key is not None:
        store, fallback = default_store(store, secrets, env)   # no keyring: <QWEN_HOME>/.env, which qwen reads
        if store == KeyStore.SETTINGS:
            key_change[f"env.{env_key}"] = key
            location = Source(SourceKind.SETTINGS_ENV, paths.user_settings_path(env), f"env.{env_key}", "user")
        else:
            key_change[f"env.{env_key}"] = DELETE  # one copy only
            location, warning = _write_secret(store, secrets, env_key, key, context)
    elif is_keyless(url, chosen) and ConfigLookup.load(context).secret(env_key).value is None:
        key_change[f"env.{env_key}"] = KEYLESS_PLACEHOLDER

    def changes(raw: dict[str, Any]) -> dict[str, Any]:
        entries = merge_entries(_raw_entries(raw, env, plan.protocol), plan)
        wanted = {**key_change, bucket: entries, SELECTED_TYPE: str(plan.protocol), MODEL_NAME: plan.model_name,
                  MODEL_BASE_URL: plan.model_base_url}
        if plan.metadata is not None:
            wanted[f"providerMetadata.{plan.metadata[0]}"] = plan.metadata[1]
        if _api_key_is_stale(raw, url, key):
            wanted[API_KEY] = DELETE
            wanted[AUTH_BASE_URL] = DELETE   # the URL that key was saved for goes with it
        return wanted

    _update_user_layer(changes, env)
    words = _join(fallback, warning, _forget_elsewhere(store, secrets, env_key, env),
                  _shadowed_by(env_key, key, context)) if key is not None else None
    where = location.describe() if location else None
    entry = next(e for e in plan.entries if e["id"] == plan.model_name)
    profile = Profile(plan.model_name, str(entry["name"]), url, env_key, True, where)
    return SaveResult(profile, where, words)


def _checked(base_url: str, model: str, key: str | None) -> tuple[str, str, str | None]:
    """The URL, model and key as saved (the key normalised, None when empty); ProfileError when unusable."""
    checked = check_base_url(base_url)
    if checked.url is None:
        raise ProfileError(checked.error)
    model = model.strip()
    if not model:
        raise ProfileError(t("providers.profile.no_model"))
    return checked.url, model, (normalize_key(key) if key is not None else None) or None


def install_plan(url: str, model: str, preset: Preset | None = None, endpoint: Endpoint | None = None,
                 models: list[str] | None = None, protocol: Protocol | None = None) -> InstallPlan:
    """What saving `model` at `url` installs: a Qwen Code preset with its built-ins (or `models`), a custom
    provider with `models` or `[model]`."""
    from qwen_tui.core.providers.install import builtin_models, plan_install

    endpoint = endpoint or _endpoint_of(preset, url)
    chosen = endpoint.preset if endpoint is not None else None
    wanted = list(models) if models else (builtin_models(chosen) if chosen and chosen.qwen_code else [])
    if model not in wanted:
        wanted.insert(0, model)
    return plan_install(endpoint, url, wanted, model, protocol)


def key_users(env_key: str, context: Context, *, besides: InstallPlan | None = None) -> list[str]:
    """The names of the saved providers (any protocol, any settings layer) whose key is `env_key`, except
    the entries the install `besides` replaces: the providers a new key there would change too."""
    from qwen_tui.core.settings import load_settings

    found = load_settings(context).lookup(MODEL_PROVIDERS)
    buckets = found[0] if found is not None and isinstance(found[0], dict) else {}
    replaced = {(e["id"], e["baseUrl"]) for e in besides.entries} if besides else set()
    names: list[str] = []
    for entries in buckets.values():
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or entry.get("envKey") != env_key:
                continue
            if besides is not None and (besides.owns(entry) or (entry.get("id"), entry.get("baseUrl")) in replaced):
                continue
            name = entry.get("name") if isinstance(entry.get("name"), str) else entry.get("id")
            if isinstance(name, str) and name not in names:
                names.append(name)
    return names


def _endpoint_of(preset: Preset | None, url: str) -> Endpoint | None:
    """The endpoint a save is for: the preset's region serving `url`, else what `url` identifies."""
    from qwen_tui.core.providers.catalog import endpoint_for_base_url

    found = endpoint_for_base_url(url)
    if preset is None or preset.id == "custom":
        return found if found is not None and not found.preset.local else None
    if found is not None and found.preset is preset:
        return found
    # The preset at another URL (a proxy): its first region's names, the URL as given.
    return Endpoint(preset, preset.regions[0] if preset.regions else None)


def is_keyless(url: str | None, preset: Preset | None) -> bool:
    """A server on this machine that needs no key: a local preset, or a custom URL on loopback (#3384)."""
    if preset is not None and preset.id != "custom":
        return preset.local
    return url is not None and url != "" and is_loopback_url(url)


def activate_profile(profile_id: str, context: Context, base_url: str | None = None,
                     protocol: Protocol = Protocol.OPENAI) -> Profile:
    """Make a saved profile (the `modelProviders.<protocol>` entry of this id, at `base_url` when given) the
    active one, writing what
    Qwen Code 0.24.4's `/model` writes (persistModelSelection, persistAuthTypeSelection: selectedType,
    model.name, model.baseUrl = the entry's URL or ""), and dropping a stale apiKey."""
    from qwen_tui.core.resolver import resolve
    from qwen_tui.core.settings import load_settings
    from qwen_tui.core.settings_writer import DELETE

    settings = load_settings(context)
    found = settings.lookup(providers_key(protocol))
    entries = found[0] if found is not None and isinstance(found[0], list) else []
    entry = next((e for e in entries if isinstance(e, dict) and e.get("id") == profile_id
                  and base_url in (None, e.get("baseUrl"))), None)
    if entry is None:
        # A layer that cannot be parsed may hold it: name that file and what to do, not "no such profile".
        unreadable = settings.errors
        raise ProfileError(unreadable[0] if unreadable else t("providers.profile.unknown", id=profile_id))
    entry_url = entry.get("baseUrl") if isinstance(entry.get("baseUrl"), str) else None

    def changes(raw: dict[str, Any]) -> dict[str, Any]:
        wanted: dict[str, Any] = {SELECTED_TYPE: str(protocol), MODEL_NAME: profile_id,
                                  MODEL_BASE_URL: entry_url or ""}
        if _api_key_is_stale(raw, entry_url, None):
            wanted[API_KEY] = DELETE
        return wanted

    _update_user_layer(changes, context.env)
    saved = list_profiles(resolve(context))
    return next(p for p in saved if p.id == profile_id and p.protocol == protocol and p.base_url == (entry_url or ""))


def delete_profile(profile_id: str | Collection[str], context: Context, *,
                   base_url: str | None = None, metadata: str | None = None,
                   protocol: Protocol = Protocol.OPENAI) -> list[str]:
    """Remove a profile (or an install: its ids at `base_url`, with `providerMetadata.<metadata>` of that URL)
    from the user settings; its key goes too unless another profile uses its envKey.

    Returns the names of the providers that still use the key it kept (empty: the key went, or it had none)."""
    from qwen_tui.core.secrets import SecretStore
    from qwen_tui.core.settings import load_settings, migrate_v1
    from qwen_tui.core.settings_writer import DELETE

    env = context.env
    ids = [profile_id] if isinstance(profile_id, str) else list(profile_id)
    others = _other_layer_entries(load_settings(context))
    outcome: dict[str, Any] = {}

    def changes(raw: dict[str, Any]) -> dict[str, Any]:
        entries = _raw_entries(raw, env, protocol)
        removed = [e for e in entries if isinstance(e, dict) and e.get("id") in ids
                   and base_url in (None, e.get("baseUrl"))]
        if not removed:
            raise ProfileError(t("providers.profile.not_in_user", id=ids[0], path=paths.user_settings_path(env)))
        remaining = [e for e in entries if e not in removed]
        wanted: dict[str, Any] = {providers_key(protocol): remaining if remaining else DELETE}
        nested, _ = migrate_v1(raw)   # a v1 flat `model` names the model too
        if metadata and get_dotted(nested, f"{METADATA}.{metadata}.baseUrl") == base_url:
            wanted[f"{METADATA}.{metadata}"] = DELETE   # Qwen Code's record of the install goes with it
        if get_dotted(nested, MODEL_NAME) in ids:
            wanted[MODEL_NAME] = DELETE
            for dotted in (AUTH_BASE_URL, MODEL_BASE_URL):
                if get_dotted(nested, dotted) in (removed[0].get("baseUrl"), ""):
                    wanted[dotted] = DELETE
        env_key = removed[0].get("envKey") if isinstance(removed[0].get("envKey"), str) else None
        # Another protocol's entry may name the same variable (an Anthropic-protocol entry of one key).
        users = remaining + _entries_of(raw.get(MODEL_PROVIDERS), skip=protocol) + others
        shared = env_key is not None and any(isinstance(e, dict) and e.get("envKey") == env_key for e in users)
        if env_key and not shared:
            wanted[f"env.{env_key}"] = DELETE
        outcome.update(env_key=env_key, shared=shared)
        return wanted

    _update_user_layer(changes, env)
    env_key, shared = outcome["env_key"], outcome["shared"]
    if env_key and not shared:
        _forget_elsewhere(None, SecretStore(env), env_key, env)
    return key_users(env_key, context) if env_key and shared else []


# --- helpers -----------------------------------------------------------------------------------------


def _user_layer(env: Mapping[str, str]) -> dict[str, Any]:
    """The user settings file as written (no `$VAR` expansion); ProfileError when it cannot be parsed."""
    from qwen_tui.core.settings import SettingsError, read_settings_file

    try:
        return read_settings_file(paths.user_settings_path(env)) or {}
    except SettingsError as exc:
        raise ProfileError(str(exc)) from exc


def _raw_entries(raw: dict[str, Any], env: Mapping[str, str], bucket: str = Protocol.OPENAI) -> list[Any]:
    providers = raw.get(MODEL_PROVIDERS)
    entries = providers.get(bucket) if isinstance(providers, dict) else None
    if entries is None:
        return []
    if not isinstance(entries, list):
        # Never replace what we cannot understand: the user may have hand-written it.
        raise ProfileError(t("providers.profile.not_a_list", path=paths.user_settings_path(env)))
    return entries


def _other_layer_entries(settings: Any) -> list[Any]:
    """Every provider entry, of every protocol, in the layers other than the user's."""
    from qwen_tui.core.settings import Scope

    return [entry for layer in settings.layers if layer.scope != Scope.USER
            for entry in _entries_of(layer.get(MODEL_PROVIDERS))]


def _entries_of(providers: Any, skip: str | None = None) -> list[Any]:
    """The entries of a `modelProviders` block: every protocol's list but `skip`'s."""
    if not isinstance(providers, dict):
        return []
    return [entry for bucket, entries in providers.items() if bucket != skip and isinstance(entries, list)
            for entry in entries]


def _api_key_is_stale(raw: dict[str, Any], base_url: str | None, key: str | None) -> bool:
    """`security.auth.apiKey` belongs to the `security.auth.baseUrl` beside it (Qwen Code #1855).

    With a new key for this profile it is either stale or a second copy; without one it is kept only when
    it was saved for this very base URL."""
    if get_dotted(raw, API_KEY) in (MISSING, None):
        return False
    if key is not None:
        return True
    saved_for = get_dotted(raw, AUTH_BASE_URL)
    return not (isinstance(saved_for, str) and base_url and saved_for.rstrip("/") == base_url.rstrip("/"))


def _update_user_layer(changes: Callable[[dict[str, Any]], dict[str, Any]], env: Mapping[str, str]) -> None:
    """Write the user layer; `changes` gets its content as read under the writer's lock, so another writer's
    change in the meantime (a provider `qwen` added) is kept rather than overwritten by an older read."""
    from qwen_tui.core.settings import SettingsError
    from qwen_tui.core.settings_writer import update_settings

    removed: list[str] = []   # secrets the write takes out of the file: they must not live on in `.orig`

    def changes_and_removed(raw: dict[str, Any]) -> dict[str, Any]:
        wanted = changes(raw)
        removed[:] = [
            old for dotted, value in wanted.items()
            if (dotted == API_KEY or dotted.startswith(f"{ENV}."))
            and isinstance(old := get_dotted(raw, dotted), str) and old and value != old
        ]
        return wanted

    try:
        path = paths.user_settings_path(env)   # the user's own file: a dotfiles link is written through
        update_settings(path, changes_and_removed, follow_link=True)
        if removed:
            _scrub_backup(path, removed)
    except (SettingsError, FileOpError) as exc:
        raise ProfileError(exc) from exc   # str() words it again, in the language of the moment (ui/notices.py)


def _scrub_backup(path: Path, removed: list[str]) -> None:
    """The writer keeps the previous file as `.orig`: a key moved out of settings must not live on there."""
    backup = path.with_name(path.name + ".orig")
    try:
        text = (read_regular(backup, SETTINGS_LIMIT, follow_link=False) or b"").decode("utf-8", errors="replace")
    except FileOpError:
        return  # not a backup we wrote (a link, a pipe): nothing of ours to scrub
    if any(secret in text for secret in removed):
        try:
            atomic_write(backup, read_regular(path, SETTINGS_LIMIT) or b"")
        except (OSError, FileOpError):
            backup.unlink(missing_ok=True)


def _write_secret(
    store: KeyStore, secrets: Any, env_key: str, key: str, context: Context,
) -> tuple[Source, str | Words | None]:
    from qwen_tui.core.secrets import SecretLocation

    try:
        if store == KeyStore.DOTENV:
            path = paths.qwen_home(context.env) / ".env"
            set_variable(path, env_key, key)
            return Source(SourceKind.DOTENV, path, env_key), _dotenv_hidden(path, context)
        if store == KeyStore.FILE:
            secrets.delete(env_key)  # the keyring copy, if any: one copy only
            secrets.file_set(env_key, key)   # the explicit file, even where a keyring works
            path = secrets.file_path
            return Source(SourceKind.SECRET_FILE, path, env_key), Words("providers.store.file_warning",
                                                                           name=env_key, path=path)
        written = secrets.set(env_key, key)
    except FileOpError as exc:
        raise ProfileError(str(exc)) from exc
    if written.location == SecretLocation.KEYRING:
        return Source(SourceKind.KEYRING, key=env_key), None
    return Source(SourceKind.SECRET_FILE, written.path, env_key), written.warning


def _forget_elsewhere(store: KeyStore | None, secrets: Any, env_key: str, env: Mapping[str, str]) -> Words | None:
    """Remove copies of `env_key` from the stores other than `store`; a failure is a warning, not an error."""
    try:
        if store not in (KeyStore.KEYRING, KeyStore.FILE):
            secrets.delete(env_key)
        if store != KeyStore.DOTENV:
            set_variable(paths.qwen_home(env) / ".env", env_key, None)
    except (FileOpError, ProfileError) as exc:
        return Words("providers.store.cleanup_failed", name=env_key, reason=exc)
    return None


def _shadowed_by(env_key: str, key: str, context: Context) -> Words | None:
    """A warning when another value of `env_key` (environment, a project .env) wins over the saved key."""
    from qwen_tui.core.resolver import ConfigLookup

    found = ConfigLookup.load(context).variable(env_key)
    if found.value is None or found.value == key:
        return None
    return Words("providers.store.shadowed", name=env_key, source=Words.later(found.source.describe))


def _dotenv_hidden(path: Path, context: Context) -> Words | None:
    """A warning when, from the context's directory, the installed `qwen` would load another .env instead (up to
    0.15.10 it loads only the first; 0.24.4 also reads the home ones after it: core/launch.py)."""
    from qwen_tui.core.dotenv import find_dotenv
    from qwen_tui.core.launch import installed_qwen_skips_home_dotenv

    loaded = find_dotenv(context)
    if loaded is not None and loaded != path and installed_qwen_skips_home_dotenv(context.env):
        return Words("providers.store.dotenv_hidden", path=path, winner=loaded)
    return None


def _join(*warnings: str | Words | None) -> Words | None:
    """One line of the warnings there are, worded when shown (core.i18n.Words)."""
    present = [w for w in warnings if w]
    return Words.later(lambda: " ".join(str(w) for w in present)) if present else None

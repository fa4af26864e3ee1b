"""Where a provider's key lives, and moving it between stores (`qwen-tui auth move-key`).

Four stores qwen-tui manages, all named by the profile's `envKey`: the OS keyring, its explicit 0600 file
(`qwen-tui-secrets.json`), the user settings' `env` block and `<QWEN_HOME>/.env`. Plain `qwen` reads the last
two only; the first two reach it through `qwen-tui run`. A move writes the target and reads it back before the
source is deleted, and ends with exactly one copy: the settings writer's `.orig` backup is scrubbed too.
Without a keyring backend the default store is `<QWEN_HOME>/.env` (0600), which `qwen` reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from qwen_tui.core import paths
from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.i18n import Words, t
from qwen_tui.core.names import AuthMethod, Protocol, providers_key

if TYPE_CHECKING:
    from qwen_tui.core.context import Context
    from qwen_tui.core.providers.profiles import KeyStore
    from qwen_tui.core.secrets import SecretStore

# The order `qwen` would pick a value in (the first `.env`, then settings `env`), then qwen-tui's own stores.
_ORDER = ("dotenv", "settings", "keyring", "file")
_BACKUP_SUFFIXES = (".orig", ".tmp")


class MoveKeyError(QwenTuiError):
    """The key could not be moved; `str()` is one user-facing line. Nothing was deleted."""

    kind = "move_key"


def default_store(requested: KeyStore, secrets: SecretStore, env: Mapping[str, str]) -> tuple[KeyStore, Words | None]:
    """The keyring when asked for and it works; without one, `<QWEN_HOME>/.env` (which `qwen` reads) and a
    one-line note naming it — not a file only qwen-tui reads."""
    from qwen_tui.core.providers.profiles import KeyStore

    if requested != KeyStore.KEYRING or secrets.keyring_available():
        return requested, None
    return KeyStore.DOTENV, Words("keys.default_dotenv", path=paths.qwen_home(env) / ".env")


# --- one store at a time -------------------------------------------------------------------------------


def read_store(store: KeyStore, name: str, secrets: SecretStore, env: Mapping[str, str]) -> str | None:
    from qwen_tui.core.dotenv import read_dotenv_file
    from qwen_tui.core.providers.profiles import KeyStore

    if store == KeyStore.KEYRING:
        return secrets.keyring_get(name)
    if store == KeyStore.FILE:
        return secrets.file_get(name)
    if store == KeyStore.DOTENV:
        return read_dotenv_file(paths.qwen_home(env) / ".env").get(name) or None
    value = _user_settings_env(env).get(name)
    return value if isinstance(value, str) and value else None


def _user_settings_env(env: Mapping[str, str]) -> dict[str, object]:
    from qwen_tui.core.fileops import FileOpError
    from qwen_tui.core.settings import SettingsError, read_settings_file

    try:
        raw = read_settings_file(paths.user_settings_path(env)) or {}
    except (SettingsError, FileOpError) as exc:
        raise MoveKeyError(str(exc)) from exc
    block = raw.get("env")
    return block if isinstance(block, dict) else {}


def write_store(store: KeyStore, name: str, value: str | None, secrets: SecretStore, env: Mapping[str, str]) -> None:
    """Set (or with None, remove) `name` in one store; MoveKeyError (one line) when that fails."""
    from qwen_tui.core.fileops import FileOpError
    from qwen_tui.core.providers import profiles
    from qwen_tui.core.providers.dotenv_edit import set_variable
    from qwen_tui.core.providers.profiles import KeyStore, ProfileError
    from qwen_tui.core.settings_writer import DELETE

    try:
        if store == KeyStore.KEYRING:
            if value is None:
                secrets.keyring_delete(name)
            elif not secrets.keyring_set(name, value):
                raise MoveKeyError(t("keys.error.no_keyring"))
        elif store == KeyStore.FILE and value is not None:
            secrets.file_set(name, value)
        elif store == KeyStore.FILE:
            secrets.file_delete(name)
        elif store == KeyStore.DOTENV:
            set_variable(paths.qwen_home(env) / ".env", name, value)
        else:   # the settings writer's `.orig` backup is scrubbed of a removed key by _update_user_layer
            profiles._update_user_layer(lambda raw: {f"env.{name}": DELETE if value is None else value}, env)
    except (FileOpError, ProfileError) as exc:
        raise MoveKeyError(str(exc)) from exc


def describe_store(store: KeyStore, name: str, env: Mapping[str, str]) -> str:
    from qwen_tui.core.providers.profiles import KeyStore

    if store == KeyStore.KEYRING:
        return t("run.where.keyring")
    if store == KeyStore.FILE:
        return str(paths.secrets_file_path(env))
    if store == KeyStore.DOTENV:
        return str(paths.qwen_home(env) / ".env")
    return t("keys.where.settings", path=paths.user_settings_path(env), name=name)


def holders(name: str, secrets: SecretStore, env: Mapping[str, str]) -> dict[KeyStore, str]:
    """Every managed store holding `name`, in the order `qwen` would pick a value."""
    from qwen_tui.core.providers.profiles import KeyStore

    found = {}
    for store in (KeyStore(item) for item in _ORDER):
        value = read_store(store, name, secrets, env)
        if value is not None:
            found[store] = value
    return found


def _backups_holding(value: str, env: Mapping[str, str]) -> list[Path]:
    settings = paths.user_settings_path(env)
    found = []
    for suffix in _BACKUP_SUFFIXES:
        backup = settings.with_name(settings.name + suffix)
        try:
            if value.encode() in backup.read_bytes():
                found.append(backup)
        except OSError:
            continue
    return found


# --- moving ----------------------------------------------------------------------------------------------


def key_name(profile_id: str | None, context: Context) -> str:
    """The variable holding the key of profile `profile_id`, else of the active OpenAI-compatible profile."""
    from qwen_tui.core.resolver import ConfigLookup, resolve

    if profile_id is None:
        resolution = resolve(context)
        if resolution.auth_type.value != AuthMethod.OPENAI or not resolution.credential.variable:
            raise MoveKeyError(t("keys.error.no_profile"))
        return resolution.credential.variable
    found = ConfigLookup.load(context).settings.lookup(providers_key(Protocol.OPENAI))
    entries = found[0] if found is not None and isinstance(found[0], list) else []
    entry = next((e for e in entries if isinstance(e, dict) and e.get("id") == profile_id), None)
    if entry is None:
        raise MoveKeyError(t("keys.error.unknown_profile", id=profile_id))
    if not isinstance(entry.get("envKey"), str) or not entry["envKey"]:
        raise MoveKeyError(t("keys.error.no_env_key", id=profile_id))
    return str(entry["envKey"])


def move_key(to: KeyStore, context: Context, *, profile_id: str | None = None) -> str:
    """Move the profile's key into `to`; returns the one-line outcome. MoveKeyError leaves every copy as it was."""
    from qwen_tui.core.secrets import SecretStore

    env = context.env
    name = key_name(profile_id, context)
    secrets = SecretStore(env)
    found = holders(name, secrets, env)
    if not found:
        raise MoveKeyError(_not_stored(name, context))
    if len(set(found.values())) > 1:
        first, second = list(found)[:2]
        raise MoveKeyError(t("keys.error.conflict", name=name, first=describe_store(first, name, env),
                             second=describe_store(second, name, env)))
    value = next(iter(found.values()))
    target = describe_store(to, name, env)
    if list(found) == [to] and not _backups_holding(value, env):
        return t("keys.move.already", name=name, target=target)
    write_store(to, name, value, secrets, env)
    if read_store(to, name, secrets, env) != value:
        raise MoveKeyError(t("keys.error.readback", target=target))
    for store in found:
        if store != to:
            write_store(store, name, None, secrets, env)
    left = [describe_store(s, name, env) for s in holders(name, secrets, env) if s != to]
    left += [str(path) for path in _backups_holding(value, env)]
    if left:
        raise MoveKeyError(t("keys.error.copies_left", name=name, where=", ".join(left)))
    sources = ", ".join(describe_store(store, name, env) for store in found if store != to) or target
    return " ".join(line for line in (t("keys.move.done", name=name, source=sources, target=target),
                                      _reach(to, context)) if line)


def _reach(store: KeyStore, context: Context) -> str:
    """Whether plain `qwen` started in the context's directory now sees the key, or it needs `qwen-tui run`."""
    from qwen_tui.core.dotenv import find_dotenv
    from qwen_tui.core.launch import installed_qwen_skips_home_dotenv
    from qwen_tui.core.providers.profiles import KeyStore

    if store in (KeyStore.KEYRING, KeyStore.FILE):
        return t("keys.reach.run")
    if store == KeyStore.DOTENV:
        path = paths.qwen_home(context.env) / ".env"
        loaded = find_dotenv(context)
        if loaded is not None and loaded != path and installed_qwen_skips_home_dotenv(context.env):
            return t("keys.reach.hidden", path=path, winner=loaded)
    return t("keys.reach.direct")


def _not_stored(name: str, context: Context) -> str:
    from qwen_tui.core.resolver import ConfigLookup

    source = ConfigLookup.load(context).variable(name).source
    if source.path is not None or source.key:
        return t("keys.error.outside", name=name, source=source.describe())
    return t("keys.error.not_stored", name=name)

"""Qwen OAuth credentials, stored exactly as Qwen Code stores them, or (by choice) in the OS keyring.

The file `<QWEN_HOME>/oauth_creds.json` is shared with the `qwen` CLI: 2-space JSON with `access_token,
refresh_token, token_type, resource_url, expiry_date` (epoch milliseconds), written atomically with mode
0600 in a 0700 directory. Only one copy ever exists: saving to one store removes the other, because
refresh tokens rotate and two copies would diverge.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypeGuard

from qwen_tui.core import fileops, paths
from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.i18n import t

DEFAULT_API_BASE = "https://dashscope.aliyuncs.com/compatible-mode/v1"
# A token counts as expired this long before its expiry date (Qwen Code's margin).
EXPIRY_MARGIN_MS = 30_000
KEYRING_NAME = "qwen-oauth-creds"
INVALID_SUFFIX = ".invalid"
# Expiry dates a datetime can hold (0001-01-02 .. 9999-12-31 UTC, in ms); beyond them the file is not credible.
_EXPIRY_RANGE_MS = (-62_135_510_400_000, 253_402_214_400_000)
# A token lifetime a server may give: a second to a year (Qwen's is an hour).
MAX_EXPIRES_IN_S = 366 * 24 * 3600
_MAX_TOKEN_CHARS = 16_384


class TokenResponseError(QwenTuiError, ValueError):
    """A token answer that cannot be stored: `str()` is one user-facing line."""

    kind = "token_response"


def token_text_ok(value: str) -> bool:
    """Tokens travel in HTTP headers and a JSON file: printable ASCII only, and of a sane length."""
    return value.isascii() and value.isprintable() and len(value) <= _MAX_TOKEN_CHARS


def _token(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and token_text_ok(value)


def seconds_in(value: object, low: float, high: float) -> float | None:
    """`value` (a server's JSON number) as seconds when it is a number from `low` to `high`; None otherwise,
    NaN and Infinity included (every comparison with NaN is false)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too big for a float
        return None
    return number if low <= number <= high else None


class StoreKind(StrEnum):
    FILE = "file"
    KEYRING = "keyring"


@dataclass(frozen=True)
class Credentials:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    token_type: str
    resource_url: str | None
    expiry_date: int | float  # epoch milliseconds, as Qwen Code writes it

    def needs_refresh(self, now: float | None = None, margin_s: float | None = None) -> bool:
        """True from 30 s (or `margin_s`) before the expiry date on (`now` in epoch seconds)."""
        now_ms = (time.time() if now is None else now) * 1000
        margin_ms = EXPIRY_MARGIN_MS if margin_s is None else margin_s * 1000
        return now_ms >= self.expiry_date - margin_ms

    def to_json_text(self) -> str:
        data: dict[str, Any] = {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": self.token_type,
        }
        if self.resource_url is not None:  # Qwen Code's JSON.stringify drops an undefined resource_url
            data["resource_url"] = self.resource_url
        data["expiry_date"] = self.expiry_date
        return json.dumps(data, indent=2, ensure_ascii=False)

    @classmethod
    def from_json_text(cls, text: str) -> Credentials | None:
        """None unless the text is an object whose first three fields are strings and expiry_date a number
        (the same test Qwen Code applies before trusting the file). NaN/Infinity (which Node's JSON.parse
        rejects) and dates outside years 1..9999 count as not a number."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            return None
        if not isinstance(data, dict):
            return None
        access, refresh, token_type = (data.get(k) for k in ("access_token", "refresh_token", "token_type"))
        expiry = data.get("expiry_date")
        if not (_token(access) and _token(refresh) and _token(token_type)):
            return None
        if isinstance(expiry, bool) or not isinstance(expiry, (int, float)):
            return None
        if not _EXPIRY_RANGE_MS[0] <= expiry <= _EXPIRY_RANGE_MS[1]:  # NaN fails every comparison
            return None
        resource = data.get("resource_url")
        return cls(access, refresh, token_type, resource if isinstance(resource, str) else None, expiry)

    @classmethod
    def from_token_response(
        cls, payload: Mapping[str, Any], now: float, previous: Credentials | None = None
    ) -> Credentials | None:
        """Credentials from a token endpoint answer; None when it carries no access token.

        A refresh that returns no refresh token or no resource_url keeps the previous ones; an `expires_in` that
        is not a lifetime (absent, NaN, Infinity, 1e300, ≤ 0) counts as an hour, the usual one. TokenResponseError
        when a token is not printable ASCII.
        """
        access = payload.get("access_token")
        if not isinstance(access, str) or not access:
            return None
        refresh = payload.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            refresh = previous.refresh_token if previous else ""
        resource = payload.get("resource_url")
        if not isinstance(resource, str) or not resource:
            resource = previous.resource_url if previous else None
        token_type = payload.get("token_type")
        texts = [access, refresh, resource or "", token_type if isinstance(token_type, str) else ""]
        if not all(token_text_ok(text) for text in texts):
            raise TokenResponseError(t("security.oauth.bad_token"))
        expires_in = seconds_in(payload.get("expires_in"), 1, MAX_EXPIRES_IN_S) or 3600.0
        return cls(
            access_token=access,
            refresh_token=refresh,
            token_type=token_type if isinstance(token_type, str) and token_type else "Bearer",
            resource_url=resource,
            expiry_date=int(now * 1000 + expires_in * 1000),
        )


def api_base(creds: Credentials | None) -> str:
    """The OpenAI-compatible base URL to use with these credentials."""
    url = (creds.resource_url or "").strip() if creds else ""
    if not url:
        return DEFAULT_API_BASE
    if "://" not in url:
        url = f"https://{url}"
    url = url.rstrip("/")
    return url if url.endswith("/v1") else f"{url}/v1"


Location = Path | str  # a file path, or the keyring entry's name


class CredentialStore(Protocol):
    kind: StoreKind

    @property
    def location(self) -> Location: ...

    def read_text(self) -> str | None:
        """The stored text exactly as stored, None when there is none."""

    def write(self, creds: Credentials) -> None: ...

    def delete(self) -> None: ...

    def set_aside(self) -> Location | None:
        """Keep rejected credentials under an `.invalid` name instead of deleting them."""


class FileStore:
    kind = StoreKind.FILE

    def __init__(self, env: Mapping[str, str]) -> None:
        self.location: Path = paths.oauth_creds_path(env)

    def read_text(self) -> str | None:
        raw = fileops.read_regular(self.location)
        try:
            return None if raw is None else raw.decode("utf-8")
        except UnicodeDecodeError:   # not chained: the decode error holds the file's bytes, tokens included
            reason = t("files.reason.not_utf8")
            raise fileops.FileOpError(t("files.error.read", path=self.location, reason=reason)) from None

    def write(self, creds: Credentials) -> None:
        fileops.ensure_private_dir(self.location.parent)
        fileops.atomic_write(self.location, creds.to_json_text().encode("utf-8"))

    def delete(self) -> None:
        try:
            self.location.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise fileops.FileOpError(t("files.error.delete", path=self.location, reason=exc.strerror or exc)) from exc

    def set_aside(self) -> Path | None:
        target = self.location.with_name(self.location.name + INVALID_SUFFIX)
        try:
            os.replace(self.location, target)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise fileops.FileOpError(t("files.error.rename", path=self.location, reason=exc.strerror or exc)) from exc
        return target


class KeyringStore:
    """The same JSON text kept as one secret by `qwen_tui.core.secrets.SecretStore`."""

    kind = StoreKind.KEYRING

    def __init__(self, env: Mapping[str, str]) -> None:
        from qwen_tui.core.secrets import SecretStore

        self._secrets = SecretStore(env)
        self.location: str = KEYRING_NAME
        self.warning: str | None = None  # set when SecretStore fell back to its plain file

    def read_text(self) -> str | None:
        return self._secrets.get(KEYRING_NAME).value

    def write(self, creds: Credentials) -> None:
        self.warning = self._secrets.set(KEYRING_NAME, creds.to_json_text()).warning

    def delete(self) -> None:
        self._secrets.delete(KEYRING_NAME)

    def set_aside(self) -> str | None:
        text = self.read_text()
        if text is None:
            return None
        self._secrets.set(KEYRING_NAME + INVALID_SUFFIX, text)
        self._secrets.delete(KEYRING_NAME)
        return KEYRING_NAME + INVALID_SUFFIX


def creds_lock(env: Mapping[str, str]) -> fileops.LockFile:
    """Qwen Code's `oauth_creds.lock`, beside the credentials file (its 0700 directory created if needed)."""
    lock_path = paths.oauth_lock_path(env)
    fileops.ensure_private_dir(lock_path.parent)
    return fileops.LockFile(lock_path)


def open_store(kind: StoreKind | str, env: Mapping[str, str]) -> CredentialStore:
    return KeyringStore(env) if StoreKind(kind) is StoreKind.KEYRING else FileStore(env)


def preferred_store(env: Mapping[str, str]) -> StoreKind:
    """qwen-tui's `oauth_store` preference (`QWEN_TUI_OAUTH_STORE`, else tui.json), read cheaply; "file"
    when unset or unreadable, since Qwen Code's file is what the `qwen` CLI can use."""
    from qwen_tui.core.prefs import load_prefs

    return StoreKind(load_prefs(env).oauth_store)


def active_store(env: Mapping[str, str]) -> CredentialStore | None:
    """The store holding the credentials: the file when it exists, else the keyring when the preference
    says keyring and it has them. File users thus never wait for a keyring probe (`status` stays fast)."""
    file_store = FileStore(env)
    if file_store.location.exists():
        return file_store
    if preferred_store(env) is not StoreKind.KEYRING:
        return None
    keyring_store = KeyringStore(env)
    return keyring_store if keyring_store.read_text() is not None else None


def only_in_keyring(env: Mapping[str, str]) -> bool:
    """Whether finding the credentials means asking the keyring (no file, and the preference says keyring)."""
    return not FileStore(env).location.exists() and preferred_store(env) is StoreKind.KEYRING


def load_credentials(env: Mapping[str, str]) -> tuple[Credentials | None, Location | None]:
    """The stored credentials and where they are; (None, location) when present but unusable."""
    store = active_store(env)
    if store is None:
        return None, None
    try:
        text = store.read_text()
    except fileops.FileOpError:
        return None, store.location
    return (Credentials.from_json_text(text) if text is not None else None), store.location


def save_credentials(
    creds: Credentials, kind: StoreKind | str, env: Mapping[str, str]
) -> CredentialStore:
    """Store new credentials (after a sign-in) and remove any copy held by the other store."""
    kind = StoreKind(kind)
    target = open_store(kind, env)
    other = StoreKind.FILE if kind is StoreKind.KEYRING else StoreKind.KEYRING
    with creds_lock(env):
        target.write(creds)
        open_store(other, env).delete()
    return target


def move_credentials(kind: StoreKind | str, env: Mapping[str, str]) -> bool:
    """Move the credentials to the `kind` store (one copy only); False when there were none to move."""
    kind = StoreKind(kind)
    source = open_store(StoreKind.KEYRING if kind is StoreKind.FILE else StoreKind.FILE, env)
    with creds_lock(env):
        text = source.read_text()
        creds = Credentials.from_json_text(text) if text is not None else None
        if creds is None:
            return False
        open_store(kind, env).write(creds)
        source.delete()
    return True


def switch_store(kind: StoreKind | str, env: Mapping[str, str]) -> bool:
    """Make `kind` the preferred store (tui.json `oauth_store`) and move the credentials there.

    The preference is saved first, so an unreadable tui.json (PrefsError) stops before anything moves.
    """
    from qwen_tui.core.prefs import save_prefs

    save_prefs({"oauth_store": str(StoreKind(kind))}, env)
    return move_credentials(kind, env)


def delete_credentials(env: Mapping[str, str], *, include_keyring: bool = True) -> bool:
    """Remove the credentials from the file and (unless told not to) the keyring. True if any existed."""
    stores: list[CredentialStore] = [FileStore(env)]
    if include_keyring:
        stores.append(KeyringStore(env))
    removed = False
    with creds_lock(env):
        for store in stores:
            if store.read_text() is not None:
                removed = True
            store.delete()
    return removed

"""Valid Qwen OAuth credentials on demand: refresh under Qwen Code's lock, compare-and-swap on write.

Several processes (qwen-tui, the `qwen` CLI) share one credentials file and one refresh token, which
the server may rotate. So a refresh happens only under `oauth_creds.lock`, after re-reading the file
(another process may have refreshed already), and the result is written only if the file still holds
what we read: old Qwen Code versions delete the lock on exit even when it is not theirs, so the lock
alone does not guarantee we are the only writer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from qwen_tui.core import fileops
from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.i18n import t
from qwen_tui.core.oauth import protocol
from qwen_tui.core.oauth.credentials import (
    Credentials,
    CredentialStore,
    TokenResponseError,
    active_store,
    creds_lock,
)


class SignedOut(QwenTuiError):
    """There is no usable Qwen OAuth sign-in; the message (one line) says why and what to do."""

    kind = "signed_out"


class RefreshError(QwenTuiError):
    """The refresh could not be done now (network, server error, lock): the sign-in may still be fine."""

    kind = "refresh"


def get_valid_credentials(
    env: Mapping[str, str], *, clock: Callable[[], float] = time.time, margin_s: float | None = None,
) -> Credentials:
    """Credentials whose access token is valid for at least 30 s (or `margin_s`) more, refreshing them if needed.

    Raises SignedOut (nothing stored, unusable, or the refresh token was rejected) or RefreshError.
    Blocking: the lock waits with time.sleep, so async callers use `asyncio.to_thread`.
    """
    store = active_store(env)
    if store is None:
        raise SignedOut(t("oauth.signed_out.none"))
    creds = _parse(store, _read(store))
    if not creds.needs_refresh(clock(), margin_s):
        return creds
    try:
        with creds_lock(env):
            seen = _read(store)
            creds = _parse(store, seen)
            if not creds.needs_refresh(clock(), margin_s):
                return creds  # another process refreshed while we waited for the lock
            fresh = _refresh(creds, env, clock)
            current = _read(store)
            if current != seen:
                # Someone wrote meanwhile (our lock was removed under us): theirs wins over ours.
                theirs = Credentials.from_json_text(current) if current is not None else None
                if theirs is not None:
                    return theirs
                if fresh is None:
                    raise SignedOut(t("oauth.signed_out.none"))
                return fresh  # their file is unreadable: never clobber it; use ours for this call only
            if fresh is None:
                moved_to = store.set_aside()
                raise SignedOut(t("oauth.signed_out.rejected", location=moved_to or store.location))
            store.write(fresh)
            return fresh
    except fileops.FileOpError as exc:
        raise RefreshError(str(exc)) from exc


def _read(store: CredentialStore) -> str | None:
    try:
        return store.read_text()
    except fileops.FileOpError as exc:
        raise RefreshError(str(exc)) from exc


def _parse(store: CredentialStore, text: str | None) -> Credentials:
    if text is None:
        raise SignedOut(t("oauth.signed_out.none"))
    creds = Credentials.from_json_text(text)
    if creds is None:
        raise SignedOut(t("oauth.signed_out.unusable", location=store.location))
    return creds


def _refresh(creds: Credentials, env: Mapping[str, str], clock: Callable[[], float]) -> Credentials | None:
    """The refresh-token grant. None when the server rejects the refresh token (HTTP 400/401).

    The refresh token never goes over `http` to another machine, and the whole request has one deadline that
    ends well before the creds lock we hold goes stale for other processes."""
    import httpx

    from qwen_tui.core.bounded_http import fetch_blocking
    from qwen_tui.core.urls import cleartext_remote, mask_url

    if not creds.refresh_token:
        return None
    if cleartext_remote(protocol.base_url(env)):
        raise RefreshError(t("security.url.cleartext", url=mask_url(protocol.base_url(env))))
    url = protocol.base_url(env) + protocol.TOKEN_PATH
    form = {"grant_type": protocol.REFRESH_GRANT, "refresh_token": creds.refresh_token, "client_id": protocol.CLIENT_ID}
    try:
        response = fetch_blocking("POST", url, deadline=protocol.REFRESH_TIMEOUT_S, data=form,
                                  headers=protocol.JSON_HEADERS)
    # Not chained: an httpx error holds its request, whose body is the refresh token.
    except httpx.TimeoutException:
        raise RefreshError(t("oauth.error.timeout", url=protocol.base_url(env))) from None
    except httpx.HTTPError as exc:
        reason = f"{type(exc).__name__}: {protocol.first_line(str(exc))}".rstrip(": ")
        raise RefreshError(t("oauth.error.network", url=protocol.base_url(env), reason=reason)) from None
    if response.status_code in (400, 401):
        return None
    if response.status_code != 200:
        raise RefreshError(t("oauth.error.http_status", status=response.status_code))
    body = protocol.parse_json_object(response.text)
    try:
        fresh = Credentials.from_token_response(body, clock(), previous=creds) if body is not None else None
    except TokenResponseError as exc:
        raise RefreshError(str(exc)) from exc
    if fresh is None:
        raise RefreshError(t("oauth.error.no_access_token"))
    return fresh

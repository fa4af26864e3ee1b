"""The RFC 8628 device authorization flow against Qwen's endpoints, with PKCE S256.

`DeviceFlow(env).run()` is an async generator of typed events; the last one is always a result
(`Success`, `Denied`, `Expired`, `Refused`, `Failed`). It never prints and never touches the UI: the
CLI prints the events, a Textual widget can post them as messages. Cancelling the consuming task (or
closing the generator) stops it at once; no request is sent after that.

Polling follows RFC 8628 §3.5: at least `interval` seconds (5 when the server gives none, never under 1) between the
end of one poll and the next; `slow_down` (HTTP 400, or 429 as Qwen sends it) adds 5 s to this and every
later wait; `authorization_pending` continues; any other error stops at once; the flow ends by itself at
`expires_in`; timeouts and connection errors back off exponentially, still bounded by `expires_in`.

The server is not trusted: every request has one deadline and a byte cap (`bounded_http`), an `http` base URL
to another machine is refused before anything is sent, an `expires_in` that is not a sane lifetime counts as
absent, and the device code and tokens must be printable ASCII (else a one-line `Failed`).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import math
import secrets
import sys
import time
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from qwen_tui.core.i18n import t
from qwen_tui.core.oauth import protocol
from qwen_tui.core.oauth.credentials import Credentials, TokenResponseError, seconds_in, token_text_ok
from qwen_tui.core.urls import cleartext_remote, mask_url

DEFAULT_INTERVAL_S = 5.0  # RFC 8628 §3.2
MIN_INTERVAL_S = 1.0      # a server's `interval: 1e-9` must not make us poll 20 times a second
DEFAULT_EXPIRES_IN_S = 600.0
MAX_DEVICE_EXPIRES_IN_S = 24 * 3600.0
SLOW_DOWN_STEP_S = 5.0  # RFC 8628 §3.5
MAX_NETWORK_BACKOFF_S = 60.0
REQUEST_TIMEOUT_S = 30.0


# ---- events ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeviceCodeIssued:
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_at: float  # epoch seconds (wall clock), for a countdown
    interval: float


@dataclass(frozen=True)
class Polling:
    attempt: int  # 1 for the first poll


@dataclass(frozen=True)
class SlowedDown:
    new_interval: float


@dataclass(frozen=True)
class NetworkRetry:
    delay: float  # seconds until the next poll
    reason: str


@dataclass(frozen=True)
class Success:
    credentials: Credentials


@dataclass(frozen=True)
class Denied:
    pass


@dataclass(frozen=True)
class Expired:
    pass


@dataclass(frozen=True)
class Refused:
    """The server said no: its `error` and `error_description`, verbatim."""

    error: str
    error_description: str


@dataclass(frozen=True)
class Failed:
    reason: str  # one line, no secrets


Progress = DeviceCodeIssued | Polling | SlowedDown | NetworkRetry
Result = Success | Denied | Expired | Refused | Failed
Event = Progress | Result


# ---- PKCE ----------------------------------------------------------------------------------------

def new_code_verifier() -> str:
    """base64url of 32 random bytes, without padding: 43 characters."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode("ascii")


def _text(value: object) -> TypeGuard[str]:
    """A non-empty string (a server's answer may hold anything)."""
    return isinstance(value, str) and bool(value)


def code_challenge(verifier: str) -> str:
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    challenge: str = create_s256_code_challenge(verifier)
    return challenge


# ---- the flow ------------------------------------------------------------------------------------

class DeviceFlow:
    def __init__(
        self,
        env: Mapping[str, str],
        *,
        default_interval: float = DEFAULT_INTERVAL_S,
        slow_down_step: float = SLOW_DOWN_STEP_S,
        request_timeout: float = REQUEST_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.base_url = protocol.base_url(env)
        self.default_interval = default_interval
        self.slow_down_step = slow_down_step
        self.request_timeout = request_timeout
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep

    async def run(self) -> AsyncGenerator[Event, None]:
        from qwen_tui.core.bounded_http import client_for

        if cleartext_remote(self.base_url):
            yield Failed(t("security.url.cleartext", url=mask_url(self.base_url)))
            return
        verifier = new_code_verifier()
        # trust_env stays on: HTTPS_PROXY, NO_PROXY and SSL_CERT_FILE apply (loopback skips the proxy).
        async with client_for(self.base_url, timeout=self.request_timeout, headers=protocol.JSON_HEADERS) as client:
            issued = await self._request_device_code(client, verifier)
            if not isinstance(issued, tuple):
                yield issued
                return
            device_code, expires_in, event = issued
            deadline = self._clock() + expires_in
            yield event
            # aclosing: when our consumer closes us, the inner poller is closed at once too.
            polling = self._poll(client, device_code, verifier, event.interval, deadline)
            async with contextlib.aclosing(polling) as polls:
                async for polled in polls:
                    yield polled

    async def _post(self, client: Any, path: str, form: dict[str, str], **extra: Any) -> Any:
        from qwen_tui.core.bounded_http import fetch

        return await fetch("POST", self.base_url + path, deadline=self.request_timeout, client=client, data=form,
                           **extra)

    async def _request_device_code(self, client: Any, verifier: str) -> tuple[str, float, DeviceCodeIssued] | Result:
        import httpx

        form = {
            "client_id": protocol.CLIENT_ID,
            "scope": protocol.SCOPE,
            "code_challenge": code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        try:
            response = await self._post(client, protocol.DEVICE_CODE_PATH, form,
                                        headers={"x-request-id": str(uuid.uuid4())})
        except httpx.TimeoutException:
            return Failed(t("oauth.error.timeout", url=self.base_url))
        except httpx.HTTPError as exc:
            return Failed(t("oauth.error.network", url=self.base_url, reason=_exception_reason(exc)))
        error = protocol.oauth_error(response.status_code, response.text)
        if error is not None:
            return Refused(error.error, error.description)
        if response.status_code in (401, 403):
            return Refused(f"http_{response.status_code}", protocol.first_line(response.text))
        if response.status_code != 200:
            return Failed(t("oauth.error.http_status", status=response.status_code))
        body = protocol.parse_json_object(response.text)
        if body is None:
            return Failed(t("oauth.error.not_json"))
        device_code, user_code, uri = (body.get(name) for name in ("device_code", "user_code", "verification_uri"))
        if not (_text(device_code) and _text(user_code) and _text(uri)):
            return Failed(t("oauth.error.incomplete_device_answer"))
        if not token_text_ok(device_code):
            return Failed(t("security.oauth.bad_token"))
        complete = body.get("verification_uri_complete")
        # NaN, Infinity, 1e300 count as absent: a wait that long would never end.
        expires_in = seconds_in(body.get("expires_in"), 1, MAX_DEVICE_EXPIRES_IN_S) or DEFAULT_EXPIRES_IN_S
        # Absent or not a finite positive number (NaN, Infinity): the default; else never under a second.
        given = seconds_in(body.get("interval"), math.ulp(0.0), sys.float_info.max)
        interval = max(MIN_INTERVAL_S, given) if given is not None else self.default_interval
        event = DeviceCodeIssued(
            user_code=user_code,
            verification_uri=uri,
            verification_uri_complete=complete if isinstance(complete, str) and complete else None,
            expires_at=self._wall_clock() + expires_in,
            interval=interval,
        )
        return device_code, expires_in, event

    async def _poll(
        self, client: Any, device_code: str, verifier: str, interval: float, deadline: float
    ) -> AsyncGenerator[Event, None]:
        import httpx

        form = {
            "grant_type": protocol.DEVICE_GRANT,
            "client_id": protocol.CLIENT_ID,
            "device_code": device_code,
            "code_verifier": verifier,
        }
        wait = interval
        network_delay = 0.0
        attempt = 0
        while True:
            now = self._clock()
            if now + wait >= deadline:
                # The code dies before the next allowed poll: wait out its life, then stop by ourselves.
                await self._sleep(max(0.0, deadline - now))
                yield Expired()
                return
            await self._sleep(wait)
            attempt += 1
            yield Polling(attempt)
            try:
                response = await self._post(client, protocol.TOKEN_PATH, form)
            except httpx.HTTPError as exc:
                if not isinstance(exc, (httpx.TimeoutException, httpx.TransportError)):
                    yield Failed(t("oauth.error.network", url=self.base_url, reason=_exception_reason(exc)))
                    return
                # Back off up to the cap, but never poll sooner than the server's interval (RFC 8628 §3.5).
                network_delay = max(interval, min(network_delay * 2, MAX_NETWORK_BACKOFF_S))
                wait = network_delay
                yield NetworkRetry(network_delay, _exception_reason(exc))
                continue
            network_delay = 0.0
            outcome = self._outcome(response.status_code, response.text)
            if not isinstance(outcome, protocol.OAuthError):
                yield outcome
                return
            if outcome.error == "slow_down":
                interval += self.slow_down_step
                yield SlowedDown(interval)
            wait = interval

    def _outcome(self, status: int, text: str) -> Event | protocol.OAuthError:
        """The event one token-endpoint answer ends the polling with, or the OAuth error to keep polling on
        (authorization_pending, slow_down)."""
        body = protocol.parse_json_object(text)
        if status == 200 and body is not None:
            try:
                creds = Credentials.from_token_response(body, self._wall_clock())
            except TokenResponseError as exc:
                return Failed(str(exc))
            return Success(creds) if creds else Failed(t("oauth.error.no_access_token"))
        error = protocol.oauth_error(status, text)
        if error is None:
            return Failed(t("oauth.error.not_json") if status == 200 else t("oauth.error.http_status", status=status))
        if error.error in ("authorization_pending", "slow_down"):
            return error
        if error.error == "access_denied":
            return Denied()
        if error.error == "expired_token":
            return Expired()
        return Refused(error.error, error.description)

def _exception_reason(exc: Exception) -> str:
    """One line naming the failure without echoing request bodies (they hold the device code)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

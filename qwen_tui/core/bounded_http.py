"""One HTTP request with bounds, for every request qwen-tui sends (key checks, sign-in, refresh, statistics).

httpx's timeouts apply to each read, so a server trickling one byte a second never trips them: here one
`deadline` covers the whole request (connect, headers, body), and the body is streamed with a byte cap (a
gzip bomb counts decoded). Requests to this machine skip any proxy (`HTTP_PROXY` must not receive a key meant
for a local server). Failures are httpx exceptions, so callers keep one `except httpx.HTTPError` path:
`httpx.TimeoutException` when the deadline passes, `BodyTooLarge` (an `httpx.HTTPError`) past the cap.
Imported only where a request is made (httpx is heavy).
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import httpx

from qwen_tui.core.i18n import t
from qwen_tui.core.trust import shared_context
from qwen_tui.core.urls import proxy_pattern

# JSON answers are small; the biggest real one is a provider's /models list (OpenRouter's: a few MB).
MAX_BODY_BYTES = 8 * 1024 * 1024


class BodyTooLarge(httpx.HTTPError):
    """The answer was longer than the cap; reading stopped there."""


@dataclass(frozen=True)
class BoundedResponse:
    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; ValueError (never RecursionError) when it is not JSON or is nested absurdly deep."""
        try:
            return json.loads(self.content)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc


def _options(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """trust_env on (HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE apply), except that a loopback host is mounted past any
    proxy; no redirects unless asked. httpx reads those variables from the process, not from a Context: the
    network route and CA store are this process's, whatever configuration it resolves for. The TLS context is
    the process's shared one (`trust`: the CA store loaded once, not per client), built by httpx's own rule. A
    plain-http loopback client gets it too: httpx gives every client a TLS-capable transport, and one without
    the CA store would refuse an https request (a followed redirect) that the client used to make."""
    pattern = proxy_pattern(url)
    return {"trust_env": True, "verify": shared_context(), "follow_redirects": False,
            "mounts": {pattern: None} if pattern else None, **options}


def client_for(url: str, **options: Any) -> httpx.AsyncClient:
    """An AsyncClient for requests to `url`'s host (see `_options`)."""
    return httpx.AsyncClient(**_options(url, options))


class _Body:
    """The answer's bytes, refused past `max_bytes` (a declared Content-Length over it: before reading)."""

    def __init__(self, response: httpx.Response, max_bytes: int) -> None:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise BodyTooLarge(_too_large(max_bytes))
        self.response = response
        self.max_bytes = max_bytes
        self.data = bytearray()

    def add(self, chunk: bytes) -> None:
        self.data += chunk
        if len(self.data) > self.max_bytes:
            raise BodyTooLarge(_too_large(self.max_bytes))

    def done(self) -> BoundedResponse:
        return BoundedResponse(self.response.status_code, self.response.headers, bytes(self.data))


async def fetch(
    method: str, url: str, *, deadline: float, max_bytes: int = MAX_BODY_BYTES,
    client: httpx.AsyncClient | None = None, **request: Any,
) -> BoundedResponse:
    """Send one request and read its whole answer within `deadline` seconds and `max_bytes` bytes.

    `client`: one made by `client_for` (kept across requests, as the device flow does); default a new one."""
    import asyncio  # here, not at the top: fetch_blocking (the CLI's exit flush) needs no event loop

    try:
        async with asyncio.timeout(deadline):
            if client is not None:
                return await _read(client, method, url, max_bytes, request)
            async with client_for(url, timeout=deadline) as own:
                return await _read(own, method, url, max_bytes, request)
    except TimeoutError as exc:
        raise httpx.TimeoutException(t("security.http.deadline", seconds=f"{deadline:g}")) from exc


async def _read(client: httpx.AsyncClient, method: str, url: str, max_bytes: int,
                request: dict[str, Any]) -> BoundedResponse:
    async with client.stream(method, url, **request) as response:
        body = _Body(response, max_bytes)
        async for chunk in response.aiter_bytes():
            body.add(chunk)
        return body.done()


def _too_large(max_bytes: int) -> str:
    return t("security.http.too_large", size=f"{max_bytes // (1024 * 1024)} MiB")


def blocking_client(url: str, **options: Any) -> httpx.Client:
    """A Client for requests to `url`'s host (see `_options`). The process's first one loads the TLS trust
    store: tens of ms of CPU, seconds on a busy machine; a caller whose deadline is about the network makes it
    beforehand."""
    return httpx.Client(**_options(url, options))


def fetch_blocking(method: str, url: str, *, deadline: float, max_bytes: int = MAX_BODY_BYTES,
                   client: httpx.Client | None = None, **request: Any) -> BoundedResponse:
    """`fetch` for blocking code (the refresh under the creds lock, the statistics flush at exit), without an
    event loop (whose async stack costs a fresh process a few hundred ms): the request runs in a daemon thread
    that stops reading at the deadline; one still stuck in the headers then is left behind, never waited for.
    `client`: one made by `blocking_client` (the caller closes it); default a new one, within the deadline."""
    stop_at = time.monotonic() + deadline
    outcome: list[BoundedResponse | Exception] = []

    def run() -> None:
        try:
            with (nullcontext(client) if client else blocking_client(url, timeout=deadline)) as session, \
                    session.stream(method, url, **request) as response:
                body = _Body(response, max_bytes)
                for chunk in response.iter_bytes():
                    if time.monotonic() > stop_at:
                        return
                    body.add(chunk)
                outcome.append(body.done())
        except Exception as exc:  # noqa: BLE001 - handed to the caller's thread as is
            outcome.append(exc)

    worker = threading.Thread(target=run, name="bounded-http", daemon=True)
    worker.start()
    worker.join(deadline)
    if not outcome:
        raise httpx.TimeoutException(t("security.http.deadline", seconds=f"{deadline:g}"))
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]

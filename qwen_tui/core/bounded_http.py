"""One HTTP request with bounds, for every request qwen-tui sends (key checks, sign-in, refresh, statistics).

httpx's timeouts apply to each read, so a server trickling one byte a second never trips them: here one
`deadline` covers the whole request (connect, headers, body), and the body is streamed with a byte cap (a
gzip bomb counts decoded). Requests to this machine skip any proxy (`HTTP_PROXY` must not receive a key meant
for a local server). Failures are httpx exceptions, so callers keep one `except httpx.HTTPError` path:
`httpx.TimeoutException` when the deadline passes, `BodyTooLarge` (an `httpx.HTTPError`) past the cap.
Imported only where a request is made (httpx is heavy).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import httpx

from qwen_tui.core.i18n import t
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
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def client_for(url: str, **options: Any) -> httpx.AsyncClient:
    """An AsyncClient for requests to `url`'s host: trust_env on (HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE apply),
    except that a loopback host never goes through a proxy. No redirects unless asked."""
    pattern = proxy_pattern(url)
    options.setdefault("follow_redirects", False)
    return httpx.AsyncClient(trust_env=True, mounts={pattern: None} if pattern else None, **options)


async def fetch(
    method: str, url: str, *, deadline: float, max_bytes: int = MAX_BODY_BYTES,
    client: httpx.AsyncClient | None = None, **request: Any,
) -> BoundedResponse:
    """Send one request and read its whole answer within `deadline` seconds and `max_bytes` bytes.

    `client`: one made by `client_for` (kept across requests, as the device flow does); default a new one."""
    try:
        async with asyncio.timeout(deadline):
            if client is not None:
                return await _read(client, method, url, max_bytes, request)
            async with client_for(url, timeout=deadline) as own:
                return await _read(own, method, url, max_bytes, request)
    except TimeoutError:
        raise httpx.TimeoutException(t("security.http.deadline", seconds=f"{deadline:g}")) from None


async def _read(client: httpx.AsyncClient, method: str, url: str, max_bytes: int,
                request: dict[str, Any]) -> BoundedResponse:
    async with client.stream(method, url, **request) as response:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise BodyTooLarge(_too_large(max_bytes))
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise BodyTooLarge(_too_large(max_bytes))
        return BoundedResponse(response.status_code, response.headers, bytes(body))


def _too_large(max_bytes: int) -> str:
    return t("security.http.too_large", size=f"{max_bytes // (1024 * 1024)} MiB")


def fetch_blocking(method: str, url: str, *, deadline: float, max_bytes: int = MAX_BODY_BYTES,
                   **request: Any) -> BoundedResponse:
    """`fetch` for blocking code (the refresh under the creds lock, the statistics worker thread). Runs its
    own event loop, so call it from a thread without one (the CLI, or a worker thread)."""
    return asyncio.run(fetch(method, url, deadline=deadline, max_bytes=max_bytes, **request))

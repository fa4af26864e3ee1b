"""Talking to an OpenAI-compatible endpoint: is the URL right, is the key accepted, which models exist.

Async (the UI runs these in workers, the CLI with asyncio.run), httpx with `trust_env` so HTTPS_PROXY,
NO_PROXY and SSL_CERT_FILE apply as for any other tool. Every outcome is one localised line that never
contains the key: provider error texts are only quoted for non-auth errors, with the key scrubbed.
"""

from __future__ import annotations

import re
import socket
import ssl
import time
import urllib.request
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from qwen_tui.core.i18n import t
from qwen_tui.core.names import Protocol
from qwen_tui.core.providers.catalog import KeyCheck, Preset
from qwen_tui.core.urls import is_loopback_url

if TYPE_CHECKING:
    from qwen_tui.core.bounded_http import BoundedResponse

DEFAULT_TIMEOUT = 10.0
_QUOTE_LIMIT = 160  # characters of a provider's own error text worth showing


class ErrorKind(StrEnum):
    KEY_REJECTED = "key-rejected"
    NOT_FOUND = "not-found"
    RATE_LIMITED = "rate-limited"
    SERVER_ERROR = "server-error"
    TIMEOUT = "timeout"
    REFUSED = "refused"
    DNS = "dns"
    TLS = "tls"
    PROXY = "proxy"
    NOT_JSON = "not-json"
    OTHER = "other"


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    kind: ErrorKind | None
    message: str              # one localised line; never the key
    latency_ms: int | None
    status: int | None


# The header each dialect carries the key in (OpenAI: Authorization: Bearer).
ANTHROPIC_VERSION = "2023-06-01"


async def check_key(
    base_url: str, key: str | None, preset: Preset | None, *, model: str | None = None,
    timeout: float = DEFAULT_TIMEOUT, protocol: str = Protocol.OPENAI,
) -> CheckResult:
    """The preset's key check (for custom providers: GET /models in the `protocol`'s dialect).

    A CHAT preset's key can only be checked with a model: pass `model` and this is `check_chat`;
    without it the result says a model is needed (ok=False, kind=OTHER)."""
    check = preset.key_check if preset else _CUSTOM_CHECKS.get(protocol, KeyCheck.MODELS)
    if check == KeyCheck.CHAT:
        if not model:
            return CheckResult(False, ErrorKind.OTHER, t("providers.check.needs_model"), None, None)
        return await check_chat(base_url, key, model, timeout=timeout, preset=preset)
    path, headers = _key_request(check, base_url, key)
    outcome = await _request("GET", base_url, path, key, None, timeout, preset, headers)
    if isinstance(outcome, CheckResult):
        return outcome
    _, latency, status = outcome
    message = t("providers.check.ok_key" if key else "providers.check.ok_keyless", ms=latency)
    return CheckResult(True, None, message, latency, status)


_CUSTOM_CHECKS: dict[str, KeyCheck] = {Protocol.ANTHROPIC: KeyCheck.ANTHROPIC, Protocol.GEMINI: KeyCheck.GEMINI}


def _key_request(check: KeyCheck, base_url: str, key: str | None) -> tuple[str, dict[str, str] | None]:
    """(path, key headers) of a key check; None headers: OpenAI's Authorization: Bearer."""
    if check == KeyCheck.OPENROUTER_KEY:
        return "/key", None
    if check in (KeyCheck.ANTHROPIC, KeyCheck.GEMINI):
        from urllib.parse import urlsplit

        # Both SDKs take the host without a version and add it (Anthropic /v1, Gemini /v1beta); a URL that
        # already names one (…/v1, …/v1beta) is used as given.
        last = urlsplit(base_url).path.rstrip("/").split("/")[-1]
        versioned = re.fullmatch(r"v\d+(?:alpha|beta)?", last) is not None
        if check == KeyCheck.ANTHROPIC:
            return ("/models" if versioned else "/v1/models"), {"x-api-key": key or "",
                                                                 "anthropic-version": ANTHROPIC_VERSION}
        return ("/models" if versioned else "/v1beta/models"), {"x-goog-api-key": key or ""}
    return "/models", None


async def check_chat(
    base_url: str, key: str | None, model: str, *, timeout: float = DEFAULT_TIMEOUT, preset: Preset | None = None,
) -> CheckResult:
    """A 1-token chat completion with `model`: proves the key, the model name and the path together."""
    body = {"model": model, "messages": [{"role": "user", "content": "ping"}], "max_tokens": 1, "stream": False}
    outcome = await _request("POST", base_url, "/chat/completions", key, body, timeout, preset)
    if isinstance(outcome, CheckResult):
        return outcome
    data, latency, status = outcome
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        return CheckResult(False, ErrorKind.NOT_JSON, t("providers.error.unexpected", url=base_url), latency, status)
    return CheckResult(True, None, t("providers.check.ok_chat", model=model, ms=latency), latency, status)


async def fetch_models(
    base_url: str, key: str | None, *, timeout: float = DEFAULT_TIMEOUT,
) -> tuple[list[str], CheckResult]:
    """GET {base}/models → the sorted model ids (empty on failure) and the check result."""
    outcome = await _request("GET", base_url, "/models", key, None, timeout, None)
    if isinstance(outcome, CheckResult):
        return [], outcome
    data, latency, status = outcome
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        unexpected = t("providers.error.unexpected", url=base_url)
        return [], CheckResult(False, ErrorKind.NOT_JSON, unexpected, latency, status)
    ids = sorted({str(item["id"]) for item in entries if isinstance(item, dict) and isinstance(item.get("id"), str)})
    return ids, CheckResult(True, None, t("providers.check.ok_models", count=len(ids), ms=latency), latency, status)


_MAX_MODEL_ID = 256   # longer ids are not model names (Qwen Code drops them too)


async def discover_models(base_url: str, key: str, *, timeout: float = 5.0) -> list[str] | None:
    """Qwen Code's discoverProviderModels: GET {base}/models with the key; the ids in the server's order (newest
    first when every one has `created`), trimmed and deduplicated; None when the list is unavailable."""
    outcome = await _request("GET", base_url, "/models", key, None, timeout, None)
    if isinstance(outcome, CheckResult):
        return None
    data = outcome[0].get("data") if isinstance(outcome[0], dict) else None
    if not isinstance(data, list) or not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in data):
        return None
    if all(isinstance(item.get("created"), int | float) for item in data):
        data = sorted(data, key=lambda item: -item["created"])
    ids: list[str] = []
    for item in data:
        model = item["id"].strip()
        if model and len(model) <= _MAX_MODEL_ID and model.isprintable() and model not in ids:
            ids.append(model)
    return ids or None


# --- one request, every failure classified ----------------------------------------------------------


async def _request(
    method: str, base_url: str, path: str, key: str | None, body: dict[str, Any] | None, timeout: float,
    preset: Preset | None, key_headers: dict[str, str] | None = None,
) -> tuple[Any, int, int] | CheckResult:
    """(parsed JSON, latency ms, status) for a 2xx JSON answer, else the failure as a CheckResult."""
    import httpx

    from qwen_tui.core.bounded_http import BodyTooLarge, fetch

    if key is not None and not (key.isascii() and key.isprintable()):
        return CheckResult(False, ErrorKind.OTHER, t("providers.error.key_characters"), None, None)
    url = base_url.rstrip("/") + path
    headers = {"Accept": "application/json"}
    if key_headers is not None:
        headers.update({name: value for name, value in key_headers.items() if value})
    elif key:
        headers["Authorization"] = f"Bearer {key}"
    started = time.monotonic()
    try:
        # One deadline for the whole request and a byte cap on the answer (bounded_http): a server trickling
        # one byte a second cannot stretch the check; loopback servers are reached without any proxy.
        response = await fetch(method, url, deadline=timeout, headers=headers, json=body)
    except httpx.TimeoutException:
        return CheckResult(False, ErrorKind.TIMEOUT, t("providers.error.timeout", seconds=f"{timeout:g}"), None, None)
    except BodyTooLarge as exc:
        return CheckResult(False, ErrorKind.OTHER, t("security.http.failed", url=base_url, reason=exc), None, None)
    except (httpx.TransportError, ssl.SSLError, OSError) as exc:
        kind = _transport_kind(exc, url)
        return CheckResult(False, kind, t(f"providers.error.{kind}", url=base_url, host=_host(url)), None, None)
    latency = round((time.monotonic() - started) * 1000)
    status = response.status_code
    if status >= 300:
        return _http_failure(response, base_url, key, preset, latency)
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        return CheckResult(False, ErrorKind.NOT_JSON, t("providers.error.not_json", url=base_url), latency, status)
    return data, latency, status


def _http_failure(
    response: BoundedResponse, base_url: str, key: str | None, preset: Preset | None, latency: int,
) -> CheckResult:
    status = response.status_code
    if status in (401, 403) or (status == 400 and _gemini_key_invalid(response)):
        message = t("providers.error.key_rejected", status=status)
        if preset is not None and preset.dashscope:
            message = t("providers.error.key_rejected_dashscope", status=status)
        return CheckResult(False, ErrorKind.KEY_REJECTED, message, latency, status)
    if status == 404:
        return CheckResult(False, ErrorKind.NOT_FOUND, _not_found(base_url, response, key), latency, status)
    if status == 429:
        return CheckResult(False, ErrorKind.RATE_LIMITED, t("providers.error.rate_limited"), latency, status)
    if status >= 500:
        return CheckResult(False, ErrorKind.SERVER_ERROR, t("providers.error.server", status=status), latency, status)
    detail = _provider_detail(response, key)
    message = t("providers.error.http_detail", status=status, detail=detail) if detail else t(
        "providers.error.http", status=status
    )
    return CheckResult(False, ErrorKind.OTHER, message, latency, status)


def _gemini_key_invalid(response: BoundedResponse) -> bool:
    """Google answers a bad key with 400 and reason API_KEY_INVALID, not 401."""
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        return False
    error = data.get("error") if isinstance(data, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    return isinstance(details, list) and any(
        isinstance(item, dict) and item.get("reason") == "API_KEY_INVALID" for item in details)


def _not_found(base_url: str, response: BoundedResponse, key: str | None) -> str:
    from urllib.parse import urlsplit

    last = urlsplit(base_url).path.rstrip("/").split("/")[-1]
    if not re.fullmatch(r"v\d+", last):  # no version segment: the usual cause of a 404
        return t("providers.error.not_found_v1", url=base_url, suggestion=base_url.rstrip("/") + "/v1")
    detail = _provider_detail(response, key)
    if detail:  # e.g. an unknown model on a chat check
        return t("providers.error.not_found_detail", url=base_url, detail=detail)
    return t("providers.error.not_found", url=base_url)


def _provider_detail(response: BoundedResponse, key: str | None) -> str | None:
    """The provider's own `error.message` (OpenAI shape), one line, shortened, key scrubbed."""
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        return None
    error = data.get("error") if isinstance(data, dict) else None
    message = error.get("message") if isinstance(error, dict) else error if isinstance(error, str) else None
    if not isinstance(message, str) or not message.strip():
        return None
    line = " ".join(message.split())
    if key:
        line = line.replace(key, "***")
    return line if len(line) <= _QUOTE_LIMIT else line[: _QUOTE_LIMIT - 1] + "…"


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _transport_kind(exc: BaseException, url: str) -> ErrorKind:
    import httpx

    chain = _causes(exc)
    text = " ".join(str(item) for item in chain).lower()
    if any(isinstance(item, httpx.ProxyError) for item in chain):
        return ErrorKind.PROXY
    if any(isinstance(item, ssl.SSLError) for item in chain) or "certificate verify" in text:
        return ErrorKind.TLS
    if _proxy_for(url):
        # The connection that failed was the one to the proxy: the target was never reached.
        return ErrorKind.PROXY
    if any(isinstance(item, socket.gaierror) for item in chain) or any(
        marker in text for marker in ("name or service not known", "nodename nor servname",
                                      "temporary failure in name resolution", "no address associated",
                                      "getaddrinfo failed")
    ):
        return ErrorKind.DNS
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or "refused" in text:
        return ErrorKind.REFUSED
    return ErrorKind.OTHER


def _proxy_for(url: str) -> str | None:
    """The proxy the environment sets for `url` (HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, NO_PROXY honoured)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if is_loopback_url(url):
        return None  # bounded_http sends loopback requests straight, whatever the environment says
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy:
        return None
    # In CPython's urllib.request since 3.x, but not in typeshed's stubs of it.
    if urllib.request.proxy_bypass_environment(parts.hostname or "", proxies):  # type: ignore[attr-defined]
        return None
    return proxy


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


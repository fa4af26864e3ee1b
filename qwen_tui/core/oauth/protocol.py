"""Qwen's OAuth endpoints and the wire details shared by the device flow and the refresh grant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_BASE_URL = "https://chat.qwen.ai"
DEVICE_CODE_PATH = "/api/v1/oauth2/device/code"
TOKEN_PATH = "/api/v1/oauth2/token"
CLIENT_ID = "f0304373b74a44d2b584a3fb70ca9e56"
SCOPE = "openid profile email model.completion"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_GRANT = "refresh_token"
# Sent with every request: Qwen answers JSON only when asked to.
JSON_HEADERS = {"Accept": "application/json"}
# The refresh holds the creds lock, which others treat as stale after 10 s: one deadline for the whole
# request (not httpx's per-read timeout, which a trickling server never trips), well before that.
REFRESH_TIMEOUT_S = 6.0


def base_url(env: Mapping[str, str]) -> str:
    return (env.get("QWEN_OAUTH_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


@dataclass(frozen=True)
class OAuthError:
    """An `{error, error_description}` answer, or a description of an answer that was not JSON."""

    status: int
    error: str
    description: str


def parse_json_object(text: str) -> dict[str, Any] | None:
    import json

    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: a server's 100k-deep nesting
        return None
    return value if isinstance(value, dict) else None


def oauth_error(status: int, text: str) -> OAuthError | None:
    """The server's error object if the body is one (whatever the HTTP status), else None."""
    body = parse_json_object(text)
    if body is None or not isinstance(body.get("error"), str):
        return None
    description = body.get("error_description")
    return OAuthError(status, body["error"], description if isinstance(description, str) else "")


def first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:limit]

"""Checking what the user typed: a base URL and a pasted API key. No network, no disk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from qwen_tui.core.i18n import t
from qwen_tui.core.urls import cleartext_remote, mask_url
from qwen_tui.core.urls import is_loopback_url as is_loopback  # noqa: F401 - the providers' name for it


@dataclass(frozen=True)
class UrlCheck:
    url: str | None           # normalised: trimmed, trailing "/" removed; None when invalid
    error: str | None         # one localised line when invalid
    cleartext_remote: bool    # http:// to a non-loopback host: the key would travel in clear


# Invisible characters a copy from a web page or a chat brings along.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE = re.compile(r"\s")
_EDGES = re.compile(rf"^[\s{_INVISIBLE}]+|[\s{_INVISIBLE}]+$")


def check_base_url(text: str) -> UrlCheck:
    url = _EDGES.sub("", text)
    error = _url_error(url)
    if error is not None:
        return UrlCheck(None, error, False)
    url = url.rstrip("/")
    return UrlCheck(url, None, cleartext_remote(url))


def _url_error(url: str) -> str | None:
    if not url:
        return t("providers.url.empty")
    if _SPACE.search(url) or any(char in url for char in _INVISIBLE):
        return t("providers.url.spaces")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        # Never echo `user:password@`: a key pasted into the URL would reach the screen and the logs.
        return t("providers.url.invalid", url=mask_url(url))
    if parts.scheme.lower() not in ("http", "https"):
        return t("providers.url.scheme")
    if not parts.hostname:
        return t("providers.url.no_host")
    if parts.username is not None or parts.password is not None:
        # Credentials in a URL end up in settings.json and logs: the key has its own field.
        return t("providers.url.credentials")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return t("providers.url.query")
    return None


def normalize_key(text: str) -> str:
    """The key without what a paste brings: every whitespace character (a multi-line paste is joined, inner
    spaces and tabs go) and invisible characters. The one rule for the form and the CLI (see the key help)."""
    return normalize_key_checked(text)[0]


def normalize_key_checked(text: str) -> tuple[str, bool]:
    """(the normalised key, whether anything was removed from inside it, not only from its edges):
    a key that then fails gets a message about its shape, not "copy the whole key"."""
    key = "".join(char for char in text if char not in _INVISIBLE and not char.isspace())
    return key, key != _EDGES.sub("", text)


"""Network rules for URLs that come from files, servers or the environment (light: no httpx).

- Credentials in a URL (`user:password@`) are masked wherever such a URL is shown.
- A browser is only handed `https`, or `http` to this machine — never `file:`, `javascript:` or the like.
- Secrets (a refresh token, an API key) never travel in clear to another host: `http` is for loopback only.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from urllib.parse import urlsplit


@cache
def _userinfo() -> re.Pattern[str]:
    """`user:password@` in a URL's authority (which ends at the first / ? or #). Compiled for the first URL
    holding an `@` (home masks one in its first frame: ~0.7 M instructions when made at import)."""
    return re.compile(r"(?<=//)[^/?#@]*(?:@[^/?#@]*)*@")


def mask_url(url: str) -> str:
    """`url` with any `user:password@` replaced by `***@`, so a key written into a base URL is never shown."""
    return _userinfo().sub("***@", url, count=1) if "@" in url else url


def _parts(url: str) -> tuple[str, str] | None:
    """(scheme, host) in lower case, or None when `url` does not parse or has no host."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    return (parts.scheme.lower(), host) if host else None


def is_loopback_host(host: str) -> bool:
    """localhost, *.localhost, 127.0.0.0/8, ::1 (`host` as urlsplit gives it: lower case, no brackets)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    parts = _parts(url)
    return parts is not None and is_loopback_host(parts[1])


def cleartext_remote(url: str) -> bool:
    """True for an `http` URL to another machine: what is sent there can be read on the way."""
    parts = _parts(url)
    return parts is not None and parts[0] == "http" and not is_loopback_host(parts[1])


def browser_safe(url: str) -> bool:
    """Whether `url` (a server's verification URL) may be handed to the browser: https, or http to loopback."""
    parts = _parts(url)
    if parts is None:
        return False
    scheme, host = parts
    return scheme == "https" or (scheme == "http" and is_loopback_host(host))


def proxy_pattern(url: str) -> str | None:
    """An httpx mount pattern for `url`'s host when it is loopback (requests there skip any proxy), else None."""
    parts = _parts(url)
    if parts is None or not is_loopback_host(parts[1]):
        return None
    host = parts[1]
    return f"all://[{host}]" if ":" in host else f"all://{host}"

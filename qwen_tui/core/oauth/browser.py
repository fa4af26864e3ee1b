"""Whether to open a browser for the verification URL — Qwen Code's rules — and opening it."""

from __future__ import annotations

import sys
from collections.abc import Mapping

_SSH_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")
_DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "MIR_SOCKET")


def can_open_browser(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """False where a browser cannot (or should not) appear: the URL is then only printed."""
    if env.get("NO_BROWSER") or env.get("CI"):
        return False
    if env.get("DEBIAN_FRONTEND") == "noninteractive" or env.get("BROWSER") == "www-browser":
        return False
    if any(env.get(name) for name in _SSH_VARIABLES):
        return False
    return not (platform.startswith("linux") and not any(env.get(name) for name in _DISPLAY_VARIABLES))


def open_url(url: str, env: Mapping[str, str]) -> bool:
    """Open `url` in the user's browser when allowed; True if a browser accepted it. Only https (or http to
    this machine) is ever handed over: a server's `verification_uri_complete` may be `file:///…`."""
    from qwen_tui.core.urls import browser_safe

    if not browser_safe(url) or not can_open_browser(env):
        return False
    import webbrowser

    try:
        return webbrowser.open(url, new=2)
    except webbrowser.Error:
        return False

"""Whose terms of service and privacy policy apply to each OpenAI-compatible provider.

A view over the preset catalogue (`qwen_tui.core.providers.catalog`), the single source of provider
names and links. Kept for the privacy and settings screens.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from qwen_tui.core.providers.catalog import LOCAL_SERVER, PRESETS, Preset, is_loopback_host, preset_for_base_url

ProviderTerms = Preset

# One row per provider in the settings screen's table: the Coding Plan is sold under Model Studio's
# terms (same links as its region's Model Studio row), and "custom" is whoever the user points at.
PROVIDER_TERMS: tuple[Preset, ...] = tuple(
    p for p in PRESETS if p.id != "custom" and not p.id.startswith("coding-plan")
)

__all__ = ["LOCAL_SERVER", "PROVIDER_TERMS", "ProviderTerms", "provider_for_base_url"]


def provider_for_base_url(base_url: str | None) -> Preset | None:
    """The provider whose terms apply to `base_url`; LOCAL_SERVER for loopback; None when unknown."""
    if not base_url:
        return None
    try:
        host = (urlsplit(base_url).hostname or "").lower()
    except ValueError:
        return None
    if is_loopback_host(host):
        return LOCAL_SERVER
    return preset_for_base_url(base_url)

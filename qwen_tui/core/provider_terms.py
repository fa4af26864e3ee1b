"""Whose terms of service and privacy policy apply to each provider.

A view over the preset catalogue (`qwen_tui.core.providers.catalog`), the single source of provider
names and links. Kept for the privacy and settings screens.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from qwen_tui.core.providers.catalog import (
    LOCAL_SERVER,
    PRESETS,
    Endpoint,
    Preset,
    endpoint_for_base_url,
    is_loopback_host,
)

ProviderTerms = Endpoint | Preset


def _rows() -> tuple[Endpoint, ...]:
    """One row per provider whose terms differ: a preset whose regions share its links is one row. Coding
    Plan and Token Plan are sold under Model Studio's terms (its rows), and "custom" is whoever the user
    points at."""
    rows: list[Endpoint] = []
    for item in PRESETS:
        if item.id in ("custom", "coding-plan", "token-plan"):
            continue
        if any(region.legal for region in item.regions):
            rows += [Endpoint(item, region) for region in item.regions]
        else:
            rows.append(Endpoint(item, None))
    return tuple(rows)


PROVIDER_TERMS: tuple[Endpoint, ...] = _rows()

__all__ = ["LOCAL_SERVER", "PROVIDER_TERMS", "ProviderTerms", "provider_for_base_url"]


def provider_for_base_url(base_url: str | None) -> ProviderTerms | None:
    """The provider whose terms apply to `base_url`; LOCAL_SERVER for loopback; None when unknown."""
    if not base_url:
        return None
    try:
        host = (urlsplit(base_url).hostname or "").lower()
    except ValueError:
        return None
    if is_loopback_host(host):
        return LOCAL_SERVER
    return endpoint_for_base_url(base_url)

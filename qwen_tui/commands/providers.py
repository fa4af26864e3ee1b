"""`qwen-tui providers [--json]`: the preset catalogue, as a table or as JSON.

The ids are the ones `auth login --preset ID [--region REGION_ID]` takes (Qwen Code's own for its presets).
JSON keys: id, label, group, protocol, envKey, regions [{id, label, baseUrl}], models, docsUrl, termsUrl,
privacyUrl. A multi-region preset whose terms differ by region gives the first region's links (the table
shows each region's).
"""

from __future__ import annotations

import json
from typing import Any

from qwen_tui.core.i18n import t
from qwen_tui.core.providers.catalog import PRESETS, Endpoint, Preset


def catalogue() -> list[dict[str, Any]]:
    from qwen_tui.core.providers.install import builtin_models

    rows = []
    for item in PRESETS:
        first = Endpoint(item, item.regions[0] if item.regions else None)
        rows.append({
            "id": item.id,
            "label": item.name,
            "group": str(item.group),
            "protocol": str(item.protocol),
            "envKey": item.key_env,
            "regions": [{"id": region.id, "label": region.label or item.name, "baseUrl": region.base_url}
                        for region in item.regions],
            "models": builtin_models(item),
            "docsUrl": first.docs_url,
            "termsUrl": first.terms_url,
            "privacyUrl": first.privacy_url,
        })
    return rows


def providers(*, as_json: bool = False) -> int:
    if as_json:
        print(json.dumps(catalogue(), indent=2, ensure_ascii=False))
        return 0
    for item in PRESETS:
        print(_block(item))
    return 0


def _block(item: Preset) -> str:
    """One preset: a heading line, then one line per region and per link (URLs whole, on their own lines)."""
    from qwen_tui.core.providers.install import builtin_models

    key = item.key_env or (t("setup.providers.keyless") if item.local else t("setup.providers.generated_key"))
    lines = [f"{item.id}  ({item.name}; {t(f'setup.group.{item.group}')}; {item.protocol}; {key})"]
    for region in item.regions:
        where = Endpoint(item, region)
        label = f"--region {region.id}  " if len(item.regions) > 1 else ""
        lines.append(f"  {label}{region.base_url}")
        for kind, url in (("terms", where.terms_url), ("privacy", where.privacy_url)):
            if not item.local and item.id != "custom":
                lines.append(f"    {t(f'setup.providers.{kind}')}: {url or t('setup.providers.unknown')}")
    models = builtin_models(item)
    if models:
        lines.append(f"  {t('setup.providers.models')}: {', '.join(models)}")
    if item.docs_url:
        lines.append(f"  {t('setup.providers.docs')}: {item.docs_url}")
    return "\n".join(lines) + "\n"

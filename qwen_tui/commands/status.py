"""`qwen-tui status [--json]`: the effective configuration, each value with its source."""

from __future__ import annotations

import json
import os
from pathlib import Path

from qwen_tui.core.i18n import t
from qwen_tui.core.launch import QwenCli, qwen_cli_verdict
from qwen_tui.core.resolver import Resolution, Source, Value, resolve


def status(*, as_json: bool) -> int:
    cwd = Path.cwd()
    resolution = resolve(cwd, os.environ)
    verdict = qwen_cli_verdict(resolution, cwd, os.environ)
    if as_json:
        print(json.dumps(status_document(resolution, verdict), indent=2, ensure_ascii=False))
    else:
        print(render_status(resolution, verdict))
    return 0 if resolution.ok else 1


def _source(source: Source) -> dict:
    return {
        "kind": str(source.kind),
        "path": str(source.path) if source.path else None,
        "key": source.key,
        "scope": source.scope,
        "description": source.describe(),
    }


def _field(value: Value) -> dict:
    return {"value": value.value, "source": _source(value.source)}


def _shown_url(url: str | None) -> str | None:
    """A base URL read from a file may carry `user:password@`: never shown."""
    from qwen_tui.core.urls import mask_url

    return mask_url(url) if url else url


def status_document(resolution: Resolution, verdict: QwenCli | None = None) -> dict:
    """The JSON shape of `status --json` (secrets masked)."""
    credential = resolution.credential
    return {
        "ok": resolution.ok,
        "authType": _field(resolution.auth_type),
        "enforcedType": _field(resolution.enforced_type),
        "baseUrl": {**_field(resolution.base_url), "value": _shown_url(resolution.base_url.value)},
        "model": _field(resolution.model),
        "credential": {
            "present": credential.present,
            "masked": credential.masked,
            "expires": credential.detail,
            "source": _source(credential.source),
        },
        "usageStatistics": {**_field(resolution.usage_stats), "chosen": resolution.usage_stats_chosen},
        "dotenv": str(resolution.dotenv_path) if resolution.dotenv_path else None,
        "shadowedDotenv": [str(path) for path in resolution.shadowed_dotenv],
        "problems": list(resolution.problems),
        **({"qwenCli": verdict.to_json()} if verdict is not None else {}),
    }


def render_verdict(verdict: QwenCli) -> list[str]:
    """The `qwen CLI` row's value, then its reason and fix on their own lines."""
    if not verdict.found:
        lines = [t("run.status.not_found")]
    else:
        state = "starts" if verdict.direct else "via_run" if verdict.via_run else "blocked"
        lines = [t(f"run.status.{state}", version=verdict.version or "?", path=verdict.path)]
    if verdict.reason:
        lines.append(t("run.status.reason", reason=verdict.reason))
    if verdict.fix:
        lines.append(t("run.status.fix", fix=verdict.fix))
    return lines


def render_status(resolution: Resolution, verdict: QwenCli | None = None) -> str:
    credential = resolution.credential
    on_off = t("status.on") if resolution.usage_stats.value else t("status.off")
    if not resolution.usage_stats_chosen:
        on_off = t("status.usage_default", state=on_off)
    credential_text = credential.masked if credential.present else t("status.missing")
    if credential.detail:
        credential_text = t("status.expires", masked=credential_text, expiry=credential.detail)
    rows = [
        (t("status.auth_type"), resolution.auth_type.value or t("status.none"), resolution.auth_type.source),
        (t("status.base_url"), _shown_url(resolution.base_url.value) or "-", resolution.base_url.source),
        (t("status.model"), resolution.model.value or "-", resolution.model.source),
        (t("status.credential"), credential_text, credential.source),
        (t("status.usage_stats"), on_off, resolution.usage_stats.source),
    ]
    if resolution.enforced_type.value:
        rows.insert(1, (t("status.enforced"), resolution.enforced_type.value, resolution.enforced_type.source))
    label_width = max(len(label) for label, _, _ in rows)
    value_width = max(len(str(value)) for _, value, _ in rows)
    lines = [
        f"{label:<{label_width}}  {value!s:<{value_width}}  {t('status.from', source=source.describe())}"
        for label, value, source in rows
    ]
    if verdict is not None:
        first, *details = render_verdict(verdict)
        lines.append(f"{t('run.status.label'):<{label_width}}  {first}")
        lines.extend(details)
    lines.append(f"{t('status.dotenv'):<{label_width}}  {resolution.dotenv_path or t('status.none')}")
    for path in resolution.shadowed_dotenv:
        lines.append(t("status.shadowed", path=path))
    if resolution.problems:
        lines.append(t("status.problems"))
        lines.extend(f"  - {problem}" for problem in resolution.problems)
    if not resolution.auth_type.value:
        lines.append(t("status.no_method"))
    return "\n".join(lines)

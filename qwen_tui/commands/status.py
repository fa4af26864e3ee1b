"""`qwen-tui status [--json]`: the effective configuration, each value with its source."""

from __future__ import annotations

import shutil
import textwrap
from typing import TYPE_CHECKING

from qwen_tui.core.context import Context
from qwen_tui.core.i18n import t
from qwen_tui.core.launch import QwenCli, qwen_cli_verdict
from qwen_tui.core.names import AuthMethod
from qwen_tui.core.resolver import Resolution, Source, SourceKind, Value, resolve
from qwen_tui.core.sanitize import clean, safe_json
from qwen_tui.core.usage_story import usage_story

if TYPE_CHECKING:
    from qwen_tui.core.providers.installs import Install


def status(*, as_json: bool, context: Context) -> int:
    resolution = resolve(context)
    verdict = qwen_cli_verdict(resolution, context.env)
    installs = _installs(resolution)
    if as_json:
        print(safe_json(status_document(resolution, verdict, installs)))
    else:
        print(render_status(resolution, verdict, installs=installs))
    return 0 if resolution.ok else 1


def _installs(resolution: Resolution) -> list[Install]:
    """The saved providers, grouped as `/auth` installed them, from the files `resolution` read; none when a
    secret store cannot be read (the resolution's problems say what is wrong with the files)."""
    from qwen_tui.core.fileops import FileOpError
    from qwen_tui.core.providers.installs import list_installs

    try:
        return list_installs(resolution)
    except (FileOpError, OSError):
        return []


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


def status_document(resolution: Resolution, verdict: QwenCli | None = None,
                    installs: list[Install] | None = None) -> dict:
    """The JSON shape of `status --json` (secrets masked)."""
    credential = resolution.credential
    return {
        "ok": resolution.ok,
        "authType": _field(resolution.auth_type),
        "enforcedType": _field(resolution.enforced_type),
        "baseUrl": {**_field(resolution.base_url), "value": _shown_url(resolution.base_url.value)},
        "model": _field(resolution.model),
        "provider": _provider(resolution),
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
        **({"installs": [_install_json(install) for install in installs]} if installs is not None else {}),
    }


def _install_json(install: Install) -> dict:
    """One saved provider install: its preset and region (Qwen Code's ids; null for a custom entry), models."""
    return {
        "preset": install.preset_id,
        "region": install.region_id,
        "label": install.label,
        "baseUrl": _shown_url(install.base_url),
        "envKey": install.env_key,
        "models": install.model_ids,
        "active": install.active.id if install.active else None,
        "key": install.key_location,
        "keyInSettings": install.key_in_settings,
    }


def _provider(resolution: Resolution) -> dict | None:
    """The catalogue's preset and region the API-key provider's base URL belongs to (as `/auth` names them)."""
    from qwen_tui.core.providers.catalog import endpoint_for_base_url

    if resolution.auth_type.value in (None, AuthMethod.QWEN_OAUTH):
        return None
    found = endpoint_for_base_url(resolution.base_url.value)
    if found is None:
        return None
    region = found.region.id if found.region is not None and len(found.preset.regions) > 1 else None
    return {"id": found.preset.id, "region": region, "label": found.name}


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


def status_rows(resolution: Resolution, verdict: QwenCli | None = None,
                installs: list[Install] | None = None) -> list[tuple[str, str, str | None]]:
    """(label, value, where it comes from) per field, with the app's labels; no source when nothing sets it.
    Values and paths may come from a cloned repository's files: each is sanitised (one line) as it is placed."""
    credential = resolution.credential
    credential_text = (credential.masked or "") if credential.present else t("home.credential.missing")
    if credential.detail:
        credential_text = t("status.expires", masked=credential_text, expiry=credential.detail)
    qwen_oauth = resolution.auth_type.value == AuthMethod.QWEN_OAUTH
    rows = [
        _row(t("home.auth_type"), resolution.auth_type),
        _row(t("signin.home.api_base") if qwen_oauth else t("home.base_url"),
             Value(_shown_url(resolution.base_url.value), resolution.base_url.source)),
        _row(t("home.model"), resolution.model),
        (t("home.credential"), clean(credential_text), _where(credential.source)),
    ]
    provider = _provider(resolution)
    if provider is not None:
        rows.insert(2, (t("setup.status.provider"), provider["label"], None))
    if resolution.enforced_type.value:
        rows.insert(1, _row(t("home.enforced_type"), resolution.enforced_type))
    if installs:
        rows.append((t("installs.status.label"), "\n".join(_install_lines(installs)), None))
    qwen_cli, qwen_tui, saved_in = usage_story(resolution)
    rows.append((t("home.usage_stats"), f"{clean(qwen_cli, limit=1000)}\n{clean(qwen_tui, limit=1000)}",
                 clean(saved_in, limit=1000) if saved_in else saved_in))
    if verdict is not None:
        rows.append((t("run.status.label"), "\n".join(clean(line, limit=1000) for line in render_verdict(verdict)),
                     None))
    rows.append((t("home.dotenv"), clean(resolution.dotenv_path or t("home.dotenv.none")), None))
    return rows


def _install_lines(installs: list[Install]) -> list[str]:
    """Per install: "● <preset · region> — 10 models, active: <model>", then where its key is."""
    from qwen_tui.core.providers.installs import key_text, summary

    lines = []
    for install in installs:
        lines.append(("● " if install.active else "  ") + clean(summary(install), limit=1000))
        lines.append("    " + clean(t("installs.key", where=key_text(install)), limit=1000))
    return lines


def _row(label: str, value: Value) -> tuple[str, str, str | None]:
    if value.value in (None, ""):
        return label, t("home.value.none"), None
    return label, clean(value.value), _where(value.source)


def _where(source: Source) -> str | None:
    return None if source.kind == SourceKind.NONE else t("status.from", source=source.describe())


def render_status(resolution: Resolution, verdict: QwenCli | None = None, width: int | None = None,
                  installs: list[Install] | None = None) -> str:
    """Field by field at any width: the label, its value, and the source on its own line under the value;
    below 60 columns the label on a line of its own too. Long lines wrap between words only, so a path, URL
    or key name is never cut."""
    width = width or shutil.get_terminal_size((80, 24)).columns
    rows = status_rows(resolution, verdict, installs)
    label_width = max(len(label) for label, _, _ in rows)
    narrow = width < NARROW
    indent = 2 if narrow else label_width + 2
    lines: list[str] = []
    for label, value, where in rows:
        texts = value.splitlines() + ([where] if where else [])
        if narrow:
            lines.append(label)
        for number, text in enumerate(texts):
            prefix = f"{label:<{label_width}}  " if number == 0 and not narrow else " " * indent
            lines.extend(_wrap(text, width, prefix, " " * indent))
    lines.extend(t("status.shadowed", path=clean(path)) for path in resolution.shadowed_dotenv)
    if resolution.problems:
        lines.append(t("status.problems"))
        for problem in resolution.problems:
            lines.extend(_wrap(clean(problem, limit=1000), width, "  - ", "    "))
    if not resolution.auth_type.value:
        lines.append(t("status.no_method"))
    return "\n".join(lines)


NARROW = 60


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest, break_long_words=False,
                         break_on_hyphens=False) or [first.rstrip()]

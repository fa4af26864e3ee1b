"""qwen-tui's own preferences: `<QWEN_HOME>/tui.json` (0600), overridable with `QWEN_TUI_*` variables.

One reader, `load_prefs()`: json only (it runs before the first paint), never raises — a value that breaks its
rule falls back to the default, a file that cannot be read or parsed gives the defaults and says why in
`error`. `save_prefs()` applies the same rules and refuses a bad value; it never writes over a file it
could not parse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qwen_tui.core import paths
from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.fileops import atomic_write
from qwen_tui.core.i18n import LANGUAGES, t
from qwen_tui.core.record import fields, record

ENV_PREFIX = "QWEN_TUI_"
DEFAULT_THEME = "qwen-dark"
OAUTH_STORES = ("file", "keyring")


class PrefsError(QwenTuiError):
    """A one-line reason tui.json could not be read, validated or written."""

    kind = "prefs"


@record
class Prefs:
    """qwen-tui's preferences: `QWEN_TUI_<NAME>`, else tui.json, else the default."""
    theme: str = DEFAULT_THEME
    language: str | None = None          # None: from LC_ALL / LC_MESSAGES / LANG
    oauth_store: str = "file"            # where a Qwen OAuth sign-in is saved (`qwen` reads only the file)
    usage_endpoint: str | None = None    # the usage-statistics collector (tests, self-hosting)
    error: str | None = None             # set when tui.json is unreadable: the values are then the defaults


PREF_NAMES = tuple(item.name for item in fields(Prefs) if item.name != "error")


def _problem(name: str, value: Any) -> str | None:
    """Why `value` cannot be preference `name` (one translated phrase), None when it can."""
    if name == "theme":
        ok = isinstance(value, str) and bool(value) and all(c.isalnum() or c in "-_" for c in value)
        return None if ok else t("prefs.reason.theme_name")
    if name == "language":
        return None if value is None or value in LANGUAGES else t("prefs.reason.one_of", choices=", ".join(LANGUAGES))
    if name == "oauth_store":
        return None if value in OAUTH_STORES else t("prefs.reason.one_of", choices=", ".join(OAUTH_STORES))
    if name == "usage_endpoint":
        ok = value is None or (isinstance(value, str) and value.startswith(("https://", "http://")))
        return None if ok else t("prefs.reason.endpoint_url")
    return None   # a key of another version: kept as it is


def read_prefs_file(path: Path) -> dict[str, Any]:
    """The raw JSON object in `path` ({} when missing); PrefsError when it is not a JSON object."""
    from qwen_tui.core.fileops import FileOpError, read_regular

    try:
        raw = read_regular(path)
        text = "" if raw is None else raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PrefsError(t("prefs.error.corrupt", path=path, reason=t("prefs.reason.not_utf8"))) from exc
    except FileOpError as exc:
        raise PrefsError(t("prefs.error.unreadable", path=path, reason=exc.reason)) from exc
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, or an integer past Python's 4300-digit limit
        raise PrefsError(t("prefs.error.corrupt", path=path, reason=str(exc).splitlines()[0])) from exc
    except RecursionError as exc:
        raise PrefsError(t("prefs.error.corrupt", path=path, reason=t("prefs.reason.too_deep"))) from exc
    if not isinstance(data, dict):
        raise PrefsError(t("prefs.error.corrupt", path=path, reason=t("prefs.reason.not_object")))
    return data


def load_prefs(env: Mapping[str, str]) -> Prefs:
    """The preferences, cheaply (json only); never raises."""
    try:
        data, error = read_prefs_file(paths.tui_prefs_path(env)), None
    except PrefsError as exc:
        data, error = {}, str(exc)
    values: dict[str, Any] = {}
    for name in PREF_NAMES:
        value = env.get(f"{ENV_PREFIX}{name.upper()}") or data.get(name)
        if value is not None and _problem(name, value) is None:
            values[name] = value
    return Prefs(**values, error=error)


def save_prefs(changes: Mapping[str, Any], env: Mapping[str, str]) -> Path:
    """Change only `changes` in tui.json (other keys kept), after validating; atomic, 0600.

    Refuses (PrefsError, file untouched) when the current file cannot be parsed or a value breaks its rule
    (checked on what will be on disk, without the environment's overrides). FileOpError on I/O.
    """
    path = paths.tui_prefs_path(env)
    data = read_prefs_file(path)
    data.update(changes)
    for name in PREF_NAMES:
        reason = _problem(name, data[name]) if name in data else None
        if reason is not None:
            raise PrefsError(t("prefs.error.invalid", path=path, field=name, reason=reason))
    # tui.json is the user's own file: a dotfiles link is written through.
    atomic_write(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), follow_link=True)
    return path

"""qwen-tui's own preferences: `<QWEN_HOME>/tui.json` (0600), overridable with `QWEN_TUI_*` variables.

Two readers on purpose: `peek_prefs()` uses only `json` and runs before the first paint (theme, language);
`load_prefs()` validates everything with pydantic-settings, which costs ~0.2 s to import, so it is imported
only when called. A tui.json that cannot be parsed is never overwritten: readers fall back to the defaults
and report the problem; `save_prefs()` refuses to write over it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from qwen_tui.core import paths
from qwen_tui.core.fileops import atomic_write
from qwen_tui.core.i18n import t

ENV_PREFIX = "QWEN_TUI_"
DEFAULT_THEME = "qwen-dark"
DEFAULTS: dict[str, Any] = {
    "theme": DEFAULT_THEME,
    "language": None,            # None: from LC_ALL / LC_MESSAGES / LANG
    "secret_store": "keyring",
    "oauth_store": "file",
    "usage_endpoint": None,
}


class PrefsError(Exception):
    """A one-line reason tui.json could not be read, validated or written."""


@dataclass(frozen=True)
class PeekedPrefs:
    """What the launch needs from tui.json, read without pydantic; `error` says why the file was not used."""
    theme: str
    language: str | None
    error: str | None = None     # set when tui.json is unreadable: the values are then the defaults


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def read_prefs_file(path: Path) -> dict[str, Any]:
    """The raw JSON object in `path` ({} when missing); PrefsError when it is not a JSON object."""
    from qwen_tui.core.fileops import FileOpError, read_regular

    try:
        raw = read_regular(path)
        text = "" if raw is None else raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PrefsError(t("prefs.error.corrupt", path=path, reason=t("prefs.reason.not_utf8"))) from None
    except FileOpError as exc:
        raise PrefsError(t("prefs.error.unreadable", path=path, reason=exc.reason)) from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, or an integer past Python's 4300-digit limit
        raise PrefsError(t("prefs.error.corrupt", path=path, reason=str(exc).splitlines()[0])) from None
    except RecursionError:
        raise PrefsError(t("prefs.error.corrupt", path=path, reason=t("prefs.reason.too_deep"))) from None
    if not isinstance(data, dict):
        raise PrefsError(t("prefs.error.corrupt", path=path, reason=t("prefs.reason.not_object")))
    return data


def peek_prefs(env: Mapping[str, str] | None = None) -> PeekedPrefs:
    """Theme and language, fast: json only, env overrides, no validation beyond types."""
    env = _env(env)
    error = None
    try:
        data = read_prefs_file(paths.tui_prefs_path(env))
    except PrefsError as exc:
        data, error = {}, str(exc)
    theme = env.get(f"{ENV_PREFIX}THEME") or data.get("theme")
    language = env.get(f"{ENV_PREFIX}LANGUAGE") or data.get("language")
    return PeekedPrefs(
        theme=theme if isinstance(theme, str) and theme else DEFAULT_THEME,
        language=language if isinstance(language, str) and language else None,
        error=error,
    )


# The environment mapping the settings class reads while it is being built (pydantic-settings sources
# are chosen per class, not per call, so the mapping travels in a context variable).
_BUILD_ENV: ContextVar[Mapping[str, str]] = ContextVar("_BUILD_ENV")


@cache
def prefs_model() -> type:
    """The pydantic-settings class `TuiPrefs`, built on first use to keep pydantic off the startup path."""
    from typing import Literal

    from pydantic import field_validator
    from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

    class _MappingEnvSource(EnvSettingsSource):
        """The standard env source, reading the caller's mapping instead of os.environ."""

        def _load_env_vars(self) -> Mapping[str, str | None]:
            return {name.lower(): value for name, value in _BUILD_ENV.get().items() if value}

    class TuiPrefs(BaseSettings):
        model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", validate_default=True)

        theme: str = DEFAULT_THEME
        language: Literal["en", "fr", "zh"] | None = None
        secret_store: Literal["keyring", "file", "settings", "dotenv"] = "keyring"
        oauth_store: Literal["file", "keyring"] = "file"
        usage_endpoint: str | None = None

        @field_validator("theme")
        @classmethod
        def _theme_name(cls, value: str) -> str:
            if not value or not all(c.isalnum() or c in "-_" for c in value):
                raise ValueError(t("prefs.reason.theme_name"))
            return value

        @field_validator("usage_endpoint")
        @classmethod
        def _endpoint(cls, value: str | None) -> str | None:
            if value and not value.startswith(("https://", "http://")):
                raise ValueError(t("prefs.reason.endpoint_url"))
            return value or None

        @classmethod
        def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            # Environment first (wins), then the file's content, passed as init values.
            return (_MappingEnvSource(settings_cls), init_settings)

    return TuiPrefs


def _validate(data: Mapping[str, Any], env: Mapping[str, str], path: Path) -> Any:
    from pydantic import ValidationError

    token = _BUILD_ENV.set(env)
    try:
        return prefs_model()(**{k: v for k, v in data.items() if k in DEFAULTS})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        # Our own validators' texts are already localised; pydantic would prefix them with "Value error, ".
        own = first.get("ctx", {}).get("error") if first["type"] == "value_error" else None
        reason = str(own) if own is not None else first["msg"]
        raise PrefsError(t("prefs.error.invalid", path=path, field=field, reason=reason)) from None
    finally:
        _BUILD_ENV.reset(token)


def load_prefs(env: Mapping[str, str] | None = None) -> Any:
    """Validated preferences (a `TuiPrefs`): file values, overridden by `QWEN_TUI_*`. PrefsError when bad."""
    env = _env(env)
    path = paths.tui_prefs_path(env)
    return _validate(read_prefs_file(path), env, path)


def save_prefs(changes: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Path:
    """Change only `changes` in tui.json (other keys kept), after validating; atomic, 0600.

    Refuses (PrefsError, file untouched) when the current file cannot be parsed. FileOpError on I/O.
    """
    env = _env(env)
    path = paths.tui_prefs_path(env)
    data = read_prefs_file(path)
    data.update(changes)
    _validate(data, {}, path)    # validate what will be on disk, without env overrides
    # tui.json is the user's own file: a dotfiles link is written through.
    atomic_write(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), follow_link=True)
    return path

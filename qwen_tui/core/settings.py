"""Qwen Code's settings.json layers: reading, v1→nested key mapping, `$VAR` expansion, merging.

Layers, later wins: system defaults < user < workspace (absent when the project is HOME) < system.
A layer that cannot be read or parsed keeps its error and counts as `{}`; the others still load.
Values are read as the JSON gives them (`lookup`, `merged`): each reader checks the type it needs.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qwen_tui.core import jsonc, paths
from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.i18n import t
from qwen_tui.core.names import ENFORCED_TYPE, ENV, MODEL_NAME, MODEL_PROVIDERS, SELECTED_TYPE, USAGE_STATS
from qwen_tui.core.record import field, record

if TYPE_CHECKING:
    from qwen_tui.core.context import Context


class Scope(StrEnum):
    SYSTEM_DEFAULTS = "system-defaults"
    USER = "user"
    WORKSPACE = "workspace"
    SYSTEM = "system"


PRECEDENCE: tuple[Scope, ...] = (Scope.SYSTEM_DEFAULTS, Scope.USER, Scope.WORKSPACE, Scope.SYSTEM)

V1_KEYS: dict[str, str] = {
    "selectedAuthType": SELECTED_TYPE,
    "enforcedAuthType": ENFORCED_TYPE,
    "usageStatisticsEnabled": USAGE_STATS,
    "model": MODEL_NAME,  # only when `model` is a string
}

# Top-level objects merged one level deep only: a higher layer's `env.X` or `modelProviders.<type>`
# replaces the lower one whole.
_SHALLOW_MERGED = frozenset({ENV, MODEL_PROVIDERS})


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


class SettingsError(QwenTuiError):
    """A settings file that cannot be read, parsed or changed; `str()` is one user-facing line."""

    kind = "settings"

    def __init__(self, path: Path, reason: str, line: int | None = None, column: int | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        self.line = line
        self.column = column
        super().__init__(self._message())

    def _message(self) -> str:
        if self.line is not None and self.column is not None:
            return t("settingsfile.error_at", path=self.path, line=self.line, column=self.column, reason=self.reason)
        return t("settingsfile.error", path=self.path, reason=self.reason)

    def __str__(self) -> str:
        return self._message()

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across processes despite the custom __init__
        return (SettingsError, (self.path, self.reason, self.line, self.column))


@record
class Layer:
    scope: Scope
    path: Path | None
    exists: bool
    data: dict[str, Any] = field(repr=False)  # may hold API keys
    error: SettingsError | None = None
    written_as: dict[str, str] = field(default_factory=dict, repr=False)  # nested key → v1 key in the file

    def get(self, dotted: str) -> Any:
        return get_dotted(self.data, dotted)

    def key_as_written(self, dotted: str) -> str:
        return self.written_as.get(dotted, dotted)


@record
class LoadedSettings:
    layers: tuple[Layer, ...]
    merged: dict[str, Any] = field(repr=False)  # may hold API keys

    def layer(self, scope: Scope) -> Layer:
        for layer in self.layers:
            if layer.scope == scope:
                return layer
        raise KeyError(scope)

    def lookup(self, dotted: str) -> tuple[Any, Layer] | None:
        """The merged value of `dotted` and the highest layer that sets it, or None.

        None also when a higher layer replaced a parent with a non-object (`"auth": null` over a lower
        layer's `auth.enforcedType`): the merged settings then have no such key.
        """
        for layer in reversed(self.layers):
            if layer.get(dotted) is not MISSING:
                value = get_dotted(self.merged, dotted)
                return None if value is MISSING else (value, layer)
        return None

    @property
    def errors(self) -> list[SettingsError]:
        return [layer.error for layer in self.layers if layer.error is not None]


def layer_path(scope: Scope, context: Context) -> Path | None:
    env = context.env
    if scope == Scope.SYSTEM_DEFAULTS:
        return paths.system_defaults_path(env)
    if scope == Scope.USER:
        return paths.user_settings_path(env)
    if scope == Scope.WORKSPACE:
        return paths.workspace_settings_path(context.cwd, env)
    return paths.system_settings_path(env)


def load_settings(context: Context, *, expand_env: Mapping[str, str] | None = None) -> LoadedSettings:
    """The context locates the layers; `$VAR`s are expanded from `expand_env` (default the context's
    environment) — Qwen Code expands them after loading `.env`, so the resolver passes the environment with the
    `.env` values beneath it."""
    expand = context.env if expand_env is None else expand_env
    layers = tuple(_load_layer(scope, layer_path(scope, context), expand) for scope in PRECEDENCE)
    return LoadedSettings(layers, merge_layers(layer.data for layer in layers))


def _load_layer(scope: Scope, path: Path | None, env: Mapping[str, str]) -> Layer:
    if path is None:
        return Layer(scope, None, False, {})
    try:
        raw = read_settings_file(path)
    except SettingsError as error:
        return Layer(scope, path, True, {}, error)
    if raw is None:
        return Layer(scope, path, False, {})
    try:
        nested, written_as = migrate_v1(raw)
        return Layer(scope, path, True, expand_env_vars(nested, env), None, written_as)
    except RecursionError:  # nesting deeper than Python's stack: this layer is unusable, not the command
        return Layer(scope, path, True, {}, SettingsError(path, t("settingsfile.reason.too_deep")))


def read_settings_file(path: Path) -> dict[str, Any] | None:
    """The file's top-level object as written (no v1 mapping, no expansion); None when it does not exist."""
    from qwen_tui.core.fileops import SETTINGS_LIMIT, FileOpError, read_regular

    try:
        raw = read_regular(path, SETTINGS_LIMIT)
    except FileOpError as exc:  # unreadable, not a regular file (a FIFO, /dev/zero), or too big
        raise SettingsError(path, exc.reason) from exc
    return None if raw is None else parse_settings_bytes(raw, path)


def parse_settings_bytes(raw: bytes, path: Path) -> dict[str, Any]:
    try:
        text = jsonc.decode_utf8(raw)
    except jsonc.JsoncError as exc:
        raise _settings_error(path, exc) from exc
    return parse_settings_text(text, path)


def _settings_error(path: Path, exc: jsonc.JsoncError) -> SettingsError:
    reason = t(f"settingsfile.reason.{exc.code}", token=exc.token) if exc.code else exc.reason
    return SettingsError(path, reason, exc.line, exc.column)


def parse_settings_text(text: str, path: Path) -> dict[str, Any]:
    """JSON with comments → the top-level object; empty text is `{}`. Raises SettingsError."""
    try:
        value = jsonc.loads(text, empty={})
    except jsonc.JsoncError as exc:
        raise _settings_error(path, exc) from exc
    if not isinstance(value, dict):
        raise SettingsError(path, t("settingsfile.reason.not_object"))
    return value


def merge_layers(datas: Iterable[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for data in datas:
        _merge_into(merged, data, top_level=True)
    return merged


def _merge_into(base: dict[str, Any], over: Mapping[str, Any], top_level: bool = False) -> None:
    for key, value in over.items():
        below = base.get(key)
        if isinstance(value, dict) and isinstance(below, dict):
            if top_level and key in _SHALLOW_MERGED:
                base[key] = {**below, **copy.deepcopy(value)}
            else:
                _merge_into(below, value)
        else:
            base[key] = copy.deepcopy(value)


@cache
def _var() -> re.Pattern[str]:
    """Qwen Code's pattern: `$NAME` (word characters) or `${anything but }}`. Compiled for the first value
    holding a `$` (~0.6 M instructions, at every launch when made at import)."""
    return re.compile(r"\$(?:(\w+)|\{([^}]+)\})")


def expand_env_vars(value: Any, env: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        if "$" not in value:
            return value

        def replace(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            found = env.get(name)
            return match.group(0) if found is None else found

        return _var().sub(replace, value)
    if isinstance(value, dict):
        return {key: expand_env_vars(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [expand_env_vars(item, env) for item in value]
    return value


def migrate_v1(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Read flat v1 keys under their nested names (the nested key wins when a file has both)."""
    nested = copy.deepcopy(data)
    written_as: dict[str, str] = {}
    for old, new in V1_KEYS.items():
        if old not in nested:
            continue
        value = nested[old]
        if old == "model":
            if isinstance(value, str):
                nested["model"] = {"name": value}
                written_as[new] = old
            continue
        if get_dotted(nested, new) is not MISSING:
            del nested[old]
            continue
        if _set_dotted_if_objects(nested, new, value):
            del nested[old]
            written_as[new] = old
    return nested, written_as


def _set_dotted_if_objects(data: dict[str, Any], dotted: str, value: Any) -> bool:
    """Set `dotted`, creating missing objects; False (nothing set) when an intermediate is not an object."""
    *parents, last = dotted.split(".")
    node = data
    for part in parents:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return False
        node = child
    node[last] = value
    return True


def get_dotted(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node

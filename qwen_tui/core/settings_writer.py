"""The one settings writer: change only the keys asked in one settings.json layer, safely.

Under `<file>.lock` it re-reads the file, refuses (file untouched) when it does not parse, applies the
changes to the raw content (no `$VAR` expansion written back), copies the old bytes to `<file>.orig`
and replaces the file atomically (0600). Comments are lost on write, as with Qwen Code's own writer.

The backup and the lock never follow a symlink. The file itself is written through a link only in the
user layer (a dotfiles repository); a workspace layer comes with whatever repository was cloned, so there a
link — for the file or for its `.qwen` folder — is refused with one line.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qwen_tui.core import fileops
from qwen_tui.core.i18n import t
from qwen_tui.core.settings import (
    MISSING,
    V1_KEYS,
    Scope,
    SettingsError,
    layer_path,
    parse_settings_bytes,
)

if TYPE_CHECKING:
    from qwen_tui.core.context import Context


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()

# Dotted key → value or DELETE; or a function of the layer's content as read under the lock that returns them,
# for values built from the old ones (a list to extend): another writer's change in the meantime is kept.
Changes = Mapping[str, Any] | Callable[[dict[str, Any]], Mapping[str, Any]]


def update_settings(path: Path, changes: Changes, *, follow_link: bool = False) -> None:
    """Apply `changes` to the settings file at `path`; `follow_link=False` for a layer the user does not own."""
    path = Path(path)
    if not follow_link:
        _refuse_linked_folder(path.parent)
        fileops.refuse_link(path)
    if not path.parent.exists():
        fileops.ensure_private_dir(path.parent)
    with fileops.LockFile(path.with_name(path.name + ".lock")):
        old_bytes = _read_bytes(path, follow_link)
        data = {} if old_bytes is None else parse_settings_bytes(old_bytes, path)
        if callable(changes):
            changes = changes(copy.deepcopy(data))
        new_data = copy.deepcopy(data)
        for dotted, value in changes.items():
            _apply(new_data, dotted, value, path)
        if new_data == data:
            return  # nothing to change: keep the file (and its comments) as it is, or absent
        if old_bytes is not None:
            fileops.atomic_write(path.with_name(path.name + ".orig"), old_bytes)
        fileops.atomic_write(path, _dump(new_data), follow_link=follow_link)


def _refuse_linked_folder(folder: Path) -> None:
    if folder.is_symlink():
        raise fileops.FileOpError(t("security.file.symlink", path=folder))


def update_layer(scope: Scope, changes: Changes, context: Context) -> Path:
    path = layer_path(scope, context)
    if path is None:
        raise fileops.FileOpError(t("settingsfile.no_workspace_layer"))
    update_settings(path, changes, follow_link=scope == Scope.USER)
    return path


def _read_bytes(path: Path, follow_link: bool) -> bytes | None:
    return fileops.read_regular(path, fileops.SETTINGS_LIMIT, follow_link=follow_link)


def _dump(data: dict[str, Any]) -> bytes:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (legal as a JSON `\ud800` escape) has no UTF-8 form: keep it escaped.
        return (json.dumps(data, indent=2, ensure_ascii=True) + "\n").encode("ascii")


def _apply(data: dict[str, Any], dotted: str, value: Any, path: Path) -> None:
    parts = dotted.split(".")
    if not all(parts):
        raise ValueError(f"invalid settings key {dotted!r}")
    _drop_v1_aliases(data, dotted)
    if value is DELETE:
        _delete(data, parts)
        return
    node = data
    for depth, part in enumerate(parts[:-1]):
        child = node.get(part, MISSING)
        if child is MISSING:
            child = node[part] = {}
        elif not isinstance(child, dict):
            raise SettingsError(
                path,
                t("settingsfile.reason.not_an_object", key=dotted, parent=".".join(parts[: depth + 1])),
            )
        node = child
    node[parts[-1]] = value


def _drop_v1_aliases(data: dict[str, Any], dotted: str) -> None:
    """Remove flat v1 keys read as `dotted` (or below it), so the value written is the one read.

    A v1 `"model": "name"` string becomes `{"name": ...}` rather than vanishing, so setting e.g.
    `model.baseUrl` keeps the model name.
    """
    for old, new in V1_KEYS.items():
        if old == "model":
            if (dotted == "model" or dotted.startswith("model.")) and isinstance(data.get("model"), str):
                data["model"] = {"name": data["model"]}
        elif new == dotted or new.startswith(dotted + "."):
            data.pop(old, None)


def _delete(data: dict[str, Any], parts: list[str]) -> None:
    """Remove the key and every object its removal leaves empty."""
    trail = [data]
    for part in parts[:-1]:
        child = trail[-1].get(part)
        if not isinstance(child, dict):
            return
        trail.append(child)
    if parts[-1] not in trail[-1]:
        return
    del trail[-1][parts[-1]]
    for depth in range(len(parts) - 1, 0, -1):
        if trail[depth]:
            break
        del trail[depth - 1][parts[depth - 1]]

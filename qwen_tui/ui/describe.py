"""Texts several screens show the same way: where a value comes from, a path under HOME, and the OPENAI_*
values Qwen Code would also see."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from qwen_tui.core import paths
from qwen_tui.core.i18n import t
from qwen_tui.core.resolver import Source, SourceKind

if TYPE_CHECKING:
    from qwen_tui.core.providers.saved import EnvironmentValues


def describe_source(source: Source, short: Callable[[Path], str] = str) -> str:
    """"from <where>", the path written by `short` (see short_path); "not set anywhere" when nothing sets it."""
    if source.kind == SourceKind.NONE:
        return t("home.source.none")
    return t("home.source.from", where=source.describe(short))


def short_path(path: Path, env: Mapping[str, str], cwd: Path) -> str:
    """A path as people write it: `./.qwen/settings.json` under the working directory (unless that is HOME or
    `/`), `~/.qwen/…` under HOME, else in full."""
    if cwd not in (Path("/"), paths.home_dir(env)) and path.is_relative_to(cwd):
        return f"./{path.relative_to(cwd)}"
    return tilde(path, env)


def tilde(location: object, env: Mapping[str, str]) -> str:
    """A path under HOME as `~/…` (shorter, and the same on every machine); anything else as it is."""
    if isinstance(location, Path):
        with contextlib.suppress(ValueError):
            return str(Path("~") / location.relative_to(paths.home_dir(env)))
    return str(location)


def environment_lines(values: EnvironmentValues, area: str) -> list[str]:
    """The OPENAI_* values found (each with its source) and the .env files shadowed, under the `area`'s title
    (`form` or `profiles`); empty when Qwen Code sees none of them."""
    found = [(name, value) for name, value in (("OPENAI_BASE_URL", values.base_url), ("OPENAI_API_KEY", values.key),
                                               ("OPENAI_MODEL", values.model)) if value is not None]
    lines = [t(f"{area}.env.value", name=name, where=value.source.describe()) for name, value in found]
    if area == "form" and values.shadowed and values.dotenv_path:
        lines.append(t("form.env.shadowed", path=values.dotenv_path,
                       hidden=", ".join(str(path) for path in values.shadowed)))
    return [t(f"{area}.env.title"), *lines] if lines else []

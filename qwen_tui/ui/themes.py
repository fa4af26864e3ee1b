"""Colour themes as data: `themes/*.json` shipped with qwen-tui, plus the user's `<QWEN_HOME>/tui-themes/*.toml`.

A theme file is validated (syntax, known keys, colour values) before it becomes a `textual.theme.Theme`;
a bad user file is reported with a one-line reason and skipped, never fatal. The bundled themes are JSON, read
with the `json` the launch loads anyway (TOML's parser and its patterns cost ~9 M instructions, ~1% of a launch):
qwen-dark (the default: violet accents on a deep blue-grey background), qwen-light (for bright terminals; its
footer keys in the primary colour, which reads at 4.6:1 where Textual's accent read at ~3:1) and high-contrast
(pure black and white, saturated signal colours). `tomllib` loads only when the user has theme files.

User file format (TOML; a bundled JSON file has the same keys):
    name = "my-theme"         # letters, digits, - and _
    dark = true               # optional, default true
    [colors]                  # primary is required; the other Theme colours are optional
    primary = "#7c5cff"
    background = "#1b1b26"
    [variables]               # optional Textual CSS variables, e.g. "footer-key-foreground" = "#ffffff"
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.color import Color, ColorParseError
from textual.theme import Theme

from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.i18n import t
from qwen_tui.core.paths import files_ending
from qwen_tui.resources import resource_dir

BUNDLED_THEME_NAMES = ("qwen-dark", "qwen-light", "high-contrast")
_COLOR_KEYS = frozenset({"primary", "secondary", "warning", "error", "success", "accent", "foreground",
                         "background", "surface", "panel", "boost"})
_TOP_KEYS = frozenset({"name", "dark", "colors", "variables"})


class ThemeError(QwenTuiError):
    """A one-line reason a theme file was rejected."""

    kind = "theme"


def _fail(path: Path, reason: str) -> ThemeError:
    return ThemeError(t("app.theme.invalid", path=path, reason=reason))


def _check_color(path: Path, where: str, value: object) -> str:
    if not isinstance(value, str):
        raise _fail(path, t("app.theme.reason.not_text", where=where))
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise _fail(path, t("app.theme.reason.not_colour", where=where, value=repr(value))) from exc
    return value


def parse_theme(path: Path) -> Theme:
    """Read and validate one theme file (`.json`, else TOML); ThemeError with a one-line reason when it is not
    usable."""
    from qwen_tui.core.fileops import FileOpError, read_regular

    try:
        text = (read_regular(path) or b"").decode("utf-8")
        if path.suffix == ".json":
            data = json.loads(text)
        else:
            import tomllib

            data = tomllib.loads(text)
    except FileOpError as exc:
        raise _fail(path, exc.reason) from exc
    except ValueError as exc:  # JSON/TOMLDecodeError, UnicodeDecodeError, an integer past Python's digit limit
        raise _fail(path, str(exc).splitlines()[0]) from exc
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _fail(path, t("app.theme.reason.unknown_key", key=repr(sorted(unknown)[0])))
    name = data.get("name")
    if not isinstance(name, str) or not name or not all(c.isalnum() or c in "-_" for c in name):
        raise _fail(path, t("app.theme.reason.bad_name"))
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise _fail(path, t("app.theme.reason.bad_dark"))
    colors = data.get("colors")
    if not isinstance(colors, dict) or "primary" not in colors:
        raise _fail(path, t("app.theme.reason.no_primary"))
    unknown = set(colors) - _COLOR_KEYS
    if unknown:
        raise _fail(path, t("app.theme.reason.unknown_colour", key=repr(sorted(unknown)[0])))
    checked = {key: _check_color(path, f"colors.{key}", value) for key, value in colors.items()}
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise _fail(path, t("app.theme.reason.bad_variables"))
    colours: dict[str, Any] = checked   # Theme takes each colour as its own keyword
    return Theme(name=name, dark=dark, variables=dict(variables), **colours)


def bundled_themes() -> list[Theme]:
    """The themes shipped with qwen-tui (a broken one is a packaging bug: let it raise)."""
    return [parse_theme(path) for path in files_ending(resource_dir("themes"), ".json")]


def user_themes(folder: Path, reserved: Iterable[str] = ()) -> tuple[list[Theme], list[str]]:
    """Valid user themes, and one message per rejected file. A user theme cannot replace a bundled one."""
    reserved = set(reserved)
    themes: list[Theme] = []
    errors: list[str] = []
    for path in files_ending(folder, ".toml"):
        try:
            theme = parse_theme(path)
        except ThemeError as exc:
            errors.append(str(exc))
            continue
        if theme.name in reserved:
            errors.append(str(_fail(path, t("app.theme.reason.name_taken", name=repr(theme.name)))))
            continue
        themes.append(theme)
    return themes, errors


def register_themes(app: App[Any], user_folder: Path) -> tuple[list[str], list[str]]:
    """Register the bundled themes, then the user's: the names registered, and one line per unusable file."""
    names: list[str] = []
    themes, errors = user_themes(user_folder, reserved=BUNDLED_THEME_NAMES)
    for theme in [*bundled_themes(), *themes]:
        app.register_theme(theme)
        names.append(theme.name)
    return names, errors


def set_theme_before_first_parse(app: App[Any], name: str) -> None:
    """The saved theme, as if Textual had started with it. Assigning `app.theme` makes Textual re-parse every
    stylesheet once the app runs (~6 ms of launch); no stylesheet is parsed yet, so giving it the theme's
    variables and the app its classes is all the watcher would do."""
    theme = app.get_theme(name)
    if theme is None or theme.ansi:   # an ANSI theme also swaps the colour filter: Textual's own path
        app.theme = name
        return
    app.set_reactive(App.theme, name)
    app.stylesheet.set_variables(app.get_css_variables())
    stale = {cls: False for cls in app.classes if cls.startswith("-theme-")}
    app.update_classes({**stale, f"-theme-{name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark},
                       update=False)

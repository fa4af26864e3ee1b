"""Message catalogs: every user-facing string goes through `t()`.

Catalogs are flat JSON files, one per area of the app (`locales/<lang>/<area>.json`, key → text with
`{name}` placeholders; keys start with the area's name, e.g. `chooser.title`). English is
complete by definition; a key missing from another language falls back to English (a unit test keeps
the catalogs complete). The language comes from qwen-tui's `language` preference, else `LC_ALL`,
`LC_MESSAGES`, `LANG`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from qwen_tui.core.paths import files_ending

LANGUAGES = {"en": "English", "fr": "Français", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"
_LOCALES = Path(__file__).with_name("locales")
_current = DEFAULT_LANGUAGE


@cache
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in files_ending(_LOCALES / language, ".json"):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def language_from_env(env: Mapping[str, str]) -> str:
    """Map `LC_ALL` / `LC_MESSAGES` / `LANG` (first one set) to a supported language."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def choose_language(preference: str | None, env: Mapping[str, str]) -> str:
    if preference in LANGUAGES:
        return preference
    return language_from_env(env)


def set_language(language: str) -> None:
    global _current
    _current = language if language in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return _current


def t(key: str, /, **values: object) -> str:
    """The text for `key` in the current language, with `{placeholders}` filled."""
    text = catalog(_current).get(key) or catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        raise KeyError(f"no message {key!r} in the English catalog")
    return text.format(**values) if values else text


class Words:
    """A catalog line worded each time it is shown (`str()`), in the language of that moment: a line kept on screen
    (ui/notices.py) follows a language switch. `Words(key, **values)` is `t(key, **values)` later; `Words.later(f)`
    any wording function; values that are Words are worded with it."""

    __slots__ = ("_say",)

    def __init__(self, key: str, /, **values: object) -> None:
        self._say: Callable[[], str] = lambda: t(key, **values)

    @classmethod
    def later(cls, say: Callable[[], str]) -> Words:
        words = cls.__new__(cls)
        words._say = say
        return words

    def __str__(self) -> str:
        return self._say()

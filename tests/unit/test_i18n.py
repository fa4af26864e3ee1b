"""The message catalogs: complete in every language, placeholders intact, language chosen as documented."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from qwen_tui.core import i18n

LOCALES = Path(i18n.__file__).with_name("locales")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_english_key_with_the_same_placeholders() -> None:
    english = i18n.catalog("en")
    assert len(english) > 100
    for language in ("fr", "zh"):
        other = i18n.catalog(language)
        missing, extra = set(english) - set(other), set(other) - set(english)
        assert set(other) == set(english), f"{language}: missing {missing}, extra {extra}"
        for key, text in english.items():
            assert _placeholders(other[key]) == _placeholders(text), f"{language} {key}"


def test_no_key_is_defined_twice_across_area_files() -> None:
    for language in i18n.LANGUAGES:
        seen: dict[str, str] = {}
        for path in sorted((LOCALES / language).glob("*.json")):
            for key in json.loads(path.read_text(encoding="utf-8")):
                assert key not in seen, f"{language}: {key} in {seen.get(key)} and {path.name}"
                seen[key] = path.name


def test_keys_are_namespaced() -> None:
    for path in (LOCALES / "en").glob("*.json"):
        for key in json.loads(path.read_text(encoding="utf-8")):
            assert re.match(r"^[a-z_]+\.", key), key


@pytest.mark.parametrize(("env", "expected"), [
    ({"LC_ALL": "fr_FR.UTF-8", "LANG": "zh_CN.UTF-8"}, "fr"),
    ({"LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
    ({}, "en"),
])
def test_language_from_the_environment(env: dict[str, str], expected: str) -> None:
    assert i18n.language_from_env(env) == expected


def test_a_preference_beats_the_environment_and_french_text_is_used() -> None:
    assert i18n.choose_language("zh", {"LANG": "fr_FR.UTF-8"}) == "zh"
    i18n.set_language("fr")
    assert i18n.t("home.auth_type") == "Authentification"
    i18n.set_language("xx")
    assert i18n.current_language() == "en"

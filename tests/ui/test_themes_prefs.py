"""Theme files and qwen-tui's preferences file: validation, fallbacks, never clobbering a bad file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet
from ui_helpers import make_app, resolution, workers_done

from qwen_tui.core.prefs import PrefsError, load_prefs, save_prefs
from qwen_tui.ui.themes import BUNDLED_THEME_NAMES, ThemeError, bundled_themes, parse_theme, user_themes


def test_bundled_themes_are_valid_and_cover_dark_light_contrast() -> None:
    themes = {theme.name: theme for theme in bundled_themes()}
    assert set(themes) == set(BUNDLED_THEME_NAMES)
    assert themes["qwen-dark"].dark and not themes["qwen-light"].dark


@pytest.mark.parametrize(("text", "reason"), [
    ('name = "x"\n[colors\n', "x.toml"),
    ('name = "x"\ncolour = 1\n[colors]\nprimary = "#fff"\n', "unknown key 'colour'"),
    ('name = "bad name"\n[colors]\nprimary = "#fff"\n', "name must be"),
    ('name = "x"\n[colors]\nsecondary = "#fff"\n', "primary is required"),
    ('name = "x"\n[colors]\nprimary = "#fff"\nsparkle = "#000"\n', "unknown colour 'sparkle'"),
    ('name = "x"\n[colors]\nprimary = "blurple"\n', "'blurple' is not a colour"),
    ('name = "x"\ndark = "yes"\n[colors]\nprimary = "#fff"\n', "dark must be"),
])
def test_invalid_theme_files_give_a_one_line_reason(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "x.toml"
    path.write_text(text)
    with pytest.raises(ThemeError) as info:
        parse_theme(path)
    assert reason in str(info.value) and "\n" not in str(info.value)


def test_user_themes_skip_bad_files_and_builtin_names(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(
        'name = "good"\n[colors]\nprimary = "#102030"\n[variables]\n"footer-key-foreground" = "#fff"\n'
    )
    (tmp_path / "clash.toml").write_text('name = "qwen-dark"\n[colors]\nprimary = "#102030"\n')
    (tmp_path / "notes.txt").write_text("ignored")
    themes, errors = user_themes(tmp_path, reserved=BUNDLED_THEME_NAMES)
    assert [theme.name for theme in themes] == ["good"]
    assert len(errors) == 1 and "clash.toml" in errors[0]
    assert user_themes(tmp_path / "missing") == ([], [])


def test_prefs_defaults_when_missing(qwen_home: Path) -> None:
    prefs = load_prefs(os.environ)
    assert (prefs.theme, prefs.language, prefs.oauth_store, prefs.usage_endpoint, prefs.error) == \
        ("qwen-dark", None, "file", None, None)


def test_prefs_read_the_environment_first_and_drop_values_that_break_their_rule(qwen_home: Path) -> None:
    """The one reader behind the theme, the language, the OAuth store and the usage endpoint."""
    qwen_home.mkdir()
    (qwen_home / "tui.json").write_text(json.dumps({
        "theme": "qwen-light", "language": "fr", "oauth_store": "keyring", "usage_endpoint": "https://c.example/v1",
        "secret_store": "file"}))
    env = {"QWEN_HOME": str(qwen_home)}
    prefs = load_prefs(env)
    assert (prefs.theme, prefs.language, prefs.oauth_store, prefs.usage_endpoint, prefs.error) == \
        ("qwen-light", "fr", "keyring", "https://c.example/v1", None)
    overridden = load_prefs({**env, "QWEN_TUI_OAUTH_STORE": "file", "QWEN_TUI_USAGE_ENDPOINT": "http://127.0.0.1:9/v1"})
    assert (overridden.oauth_store, overridden.usage_endpoint) == ("file", "http://127.0.0.1:9/v1")
    bad = load_prefs({**env, "QWEN_TUI_OAUTH_STORE": "vault", "QWEN_TUI_USAGE_ENDPOINT": "ftp://x",
                      "QWEN_TUI_LANGUAGE": "de", "QWEN_TUI_THEME": "no spaces"})
    assert (bad.theme, bad.language, bad.oauth_store, bad.usage_endpoint) == ("qwen-dark", None, "file", None)


def test_prefs_save_keeps_other_keys_and_env_overrides(qwen_home: Path) -> None:
    qwen_home.mkdir()
    (qwen_home / "tui.json").write_text('{"oauth_store": "keyring", "future_key": 1}')
    save_prefs({"theme": "qwen-light"}, os.environ)
    data = json.loads((qwen_home / "tui.json").read_text())
    assert data == {"oauth_store": "keyring", "future_key": 1, "theme": "qwen-light"}
    assert (qwen_home / "tui.json").stat().st_mode & 0o777 == 0o600
    env = {"QWEN_HOME": str(qwen_home), "QWEN_TUI_THEME": "high-contrast", "QWEN_TUI_LANGUAGE": "zh"}
    assert load_prefs(env).theme == "high-contrast" and load_prefs(env).oauth_store == "keyring"
    assert load_prefs(env).language == "zh"


def test_prefs_invalid_values_are_refused(qwen_home: Path) -> None:
    with pytest.raises(PrefsError, match="language"):
        save_prefs({"language": "de"}, os.environ)
    with pytest.raises(PrefsError, match="usage_endpoint"):
        save_prefs({"usage_endpoint": "ftp://x"}, os.environ)
    with pytest.raises(PrefsError, match="oauth_store"):
        save_prefs({"oauth_store": "vault"}, os.environ)
    assert not (qwen_home / "tui.json").exists()


def test_corrupted_prefs_are_reported_and_never_overwritten(qwen_home: Path) -> None:
    qwen_home.mkdir()
    path = qwen_home / "tui.json"
    path.write_text("[1, 2")
    prefs = load_prefs(os.environ)
    assert prefs.theme == "qwen-dark" and prefs.error and "tui.json" in prefs.error
    with pytest.raises(PrefsError):
        save_prefs({"theme": "qwen-light"}, os.environ)
    assert path.read_text() == "[1, 2"


def test_provider_terms_lookup() -> None:
    from qwen_tui.core.providers.catalog import LOCAL_SERVER, provider_for_base_url

    assert provider_for_base_url("https://api.deepseek.com/v1").name == "DeepSeek"
    assert provider_for_base_url("http://127.0.0.1:11434/v1") is LOCAL_SERVER
    assert provider_for_base_url("https://example.invalid/v1") is None
    assert provider_for_base_url("https://api.x.ai/v1").privacy_url is None   # not found on x.ai: unknown


@pytest.mark.parametrize("content", [b"\xff{}", b"[" * 100_000], ids=["not-utf8", "too-deep"])
def test_undecodable_prefs_are_a_one_line_prefs_error(qwen_home: Path, content: bytes) -> None:
    """Review finding: invalid UTF-8 (or absurd nesting) escaped as a raw exception from every reader."""
    qwen_home.mkdir()
    path = qwen_home / "tui.json"
    path.write_bytes(content)
    prefs = load_prefs(os.environ)
    assert prefs.theme == "qwen-dark" and prefs.error and str(path) in prefs.error and "\n" not in prefs.error
    with pytest.raises(PrefsError):
        save_prefs({"theme": "qwen-light"}, os.environ)
    assert path.read_bytes() == content


def test_prefs_reasons_are_translated(qwen_home: Path) -> None:
    from qwen_tui.core.i18n import set_language

    set_language("fr")
    with pytest.raises(PrefsError) as bad_theme:
        save_prefs({"theme": "no spaces allowed"}, os.environ)
    assert "lettres, des chiffres" in str(bad_theme.value) and "Value error" not in str(bad_theme.value)
    with pytest.raises(PrefsError) as bad_endpoint:
        save_prefs({"usage_endpoint": "ftp://x"}, os.environ)
    assert "doit être une URL http(s)" in str(bad_endpoint.value)
    qwen_home.mkdir()
    (qwen_home / "tui.json").write_text("[]")
    assert "pas un objet JSON" in load_prefs(os.environ).error


@pytest.mark.parametrize("saved", ["qwen-light", "high-contrast"])
async def test_the_saved_theme_is_drawn_from_the_first_frame_without_a_stylesheet_reparse(
        saved: str, monkeypatch) -> None:
    save_prefs({"theme": saved}, os.environ)
    reparses: list[None] = []
    original = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: (reparses.append(None), original(self))[1])
    app = make_app(resolution("openai"))
    async with app.run_test(size=(80, 24)) as pilot:
        await workers_done(pilot.app)
        await pilot.pause()
        theme = app.get_theme(saved)
        assert app.theme == saved
        assert f"-theme-{saved}" in app.classes and not any(
            cls.startswith("-theme-") and cls != f"-theme-{saved}" for cls in app.classes)
        assert ("-dark-mode" in app.classes) is theme.dark and ("-light-mode" in app.classes) is not theme.dark
        assert app.screen.styles.background.hex.lower() == theme.background.lower()
        assert reparses == []             # the theme was in the variables of the first parse (launch budget)
        app.theme = "qwen-dark"           # switching later still goes through Textual's watcher
        await pilot.pause()
        assert app.screen.styles.background.hex.lower() == app.get_theme("qwen-dark").background.lower()


def test_only_the_saved_themes_colours_are_generated(monkeypatch) -> None:
    """Textual's own start asks for its default theme's CSS variables (a colour system generated from the
    theme), which the saved theme's replace before any stylesheet is parsed: only the saved theme's are made."""
    from textual.design import ColorSystem

    save_prefs({"theme": "qwen-light"}, os.environ)
    generated: list[str] = []
    original = ColorSystem.generate
    monkeypatch.setattr(ColorSystem, "generate",
                        lambda self: (generated.append(self.primary.hex), original(self))[1])
    app = make_app(resolution("openai"))
    assert generated == [app.get_theme("qwen-light").primary.upper()]   # once, and for the saved theme

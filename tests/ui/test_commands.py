"""Issue 14 point 11: commands people can find — prefixes, suggestions, /help, every command named in the
error, every action in the palette (theme, language, sign out), sign-out with confirmation, a second Qwen
OAuth sign-in asked first, and `/` navigation that replaces a read-only screen instead of stacking on it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from test_qwen_verdict import write_qwen_oauth_sign_in
from textual.widgets import Select
from ui_helpers import make_app, notifications, palette, resolution, until, workers_done

from qwen_tui.core.context import Context
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.chooser import ChooserScreen
from qwen_tui.ui.screens.command_input import CommandInputScreen
from qwen_tui.ui.screens.confirm import ConfirmScreen
from qwen_tui.ui.screens.home import HomeScreen
from qwen_tui.ui.screens.oauth_signin import OAuthSignInScreen
from qwen_tui.ui.screens.privacy import PrivacyScreen
from qwen_tui.ui.screens.settings import SettingsScreen

SIZE = (80, 24)
NAMES = ("/run", "/auth", "/settings", "/privacy", "/provider", "/status", "/usage", "/theme", "/language", "/signout",
         "/help", "/quit")


async def _settle(pilot) -> None:
    await workers_done(pilot.app)
    await pilot.pause()


async def _slash(pilot, *keys: str) -> None:
    """`/`, then the keys once the command line is up (a letter typed before it would reach the screen)."""
    await pilot.press("slash")
    for _ in range(100):
        if isinstance(pilot.app.screen, CommandInputScreen):
            break
        await pilot.pause(0.02)
    await pilot.press(*keys)


def _hint(app) -> str:
    return str(app.screen.query_one("#command-hint").content)


async def test_a_prefix_runs_its_command_and_navigation_replaces_read_only_screens() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("s")                          # settings, from home
        await _settle(pilot)
        await _slash(pilot, *"pri", "enter")     # /pri is /privacy: it replaces settings
        await _settle(pilot)
        assert isinstance(app.screen, PrivacyScreen)
        assert not any(isinstance(screen, SettingsScreen) for screen in app.screen_stack)
        await _slash(pilot, *"us", "enter")      # /us is /usage
        await _settle(pilot)
        assert app.screen.name == "usage_data"
        await pilot.press("escape")                     # one Esc back home, not one per screen opened
        await _settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await _slash(pilot, *"sta", "enter")
        await _settle(pilot)
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 2


async def test_suggestions_as_you_type_and_errors_that_name_every_command() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert all(name in _hint(app) for name in NAMES)
        await pilot.press("s")
        await pilot.pause()
        suggested = _hint(app)
        assert "/settings" in suggested and "/status" in suggested and "/signout" in suggested
        assert "/privacy" not in suggested
        await pilot.press("enter")                      # ambiguous: says so, stays open
        await pilot.pause()
        assert isinstance(app.screen, CommandInputScreen) and "could be" in _hint(app)
        await pilot.press("backspace", *"xyz", "enter")
        await pilot.pause()
        error = _hint(app)
        assert error.startswith("Unknown command /xyz") and all(name in error for name in NAMES)
        await pilot.press(*["backspace"] * 3, *"help", "enter")
        await pilot.pause()
        listing = _hint(app).splitlines()
        assert [line.split()[0] for line in listing] == list(NAMES)   # each with what it does
        assert all(len(line.split()) > 1 for line in listing)
        await pilot.press(*"pro", "tab")                # Tab completes a unique prefix
        await pilot.pause()
        assert app.screen.query_one("#command").value == "/provider"


async def test_the_palette_finds_theme_language_and_sign_out() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        for query, check in (("theme", "#theme-select"), ("language", "#language-select")):
            await palette(pilot, query)
            await until(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.focused is not None,
                        "settings with a focus")
            assert app.focused is app.screen.query_one(check, Select)
        for query in ("sign", "logout"):
            said = len(notifications(app))
            await palette(pilot, query)
            # Not signed in with Qwen OAuth: said so, nothing asked.
            await until(pilot, lambda n=said: len(notifications(app)) > n, "a word on signing out")
            assert not isinstance(app.screen, ConfirmScreen)
            assert "not signed in with Qwen OAuth" in notifications(app)[said]


def _signed_in(home: Path) -> QwenTuiApp:
    write_qwen_oauth_sign_in()
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}   # as over SSH
    return QwenTuiApp(None, context=Context(Path.cwd(), env))


async def test_sign_out_in_the_app_asks_then_removes_the_credentials(isolated_home: Path) -> None:
    app = _signed_in(isolated_home)
    creds = isolated_home / ".qwen" / "oauth_creds.json"
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert app.resolution.credential.present
        await _slash(pilot, *"logout", "enter")
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "~/.qwen/oauth_creds.json" in str(app.screen.query_one("#confirm-question").content)
        await pilot.press("n")
        await _settle(pilot)
        assert creds.exists()
        await _slash(pilot, *"signout", "enter")
        await _settle(pilot)
        await pilot.press("y")
        await _settle(pilot)
        await _settle(pilot)
        assert not creds.exists()
        settings = json.loads((isolated_home / ".qwen" / "settings.json").read_text())
        assert "selectedType" not in settings.get("security", {}).get("auth", {})
        assert not app.resolution.credential.present


async def test_signing_in_again_while_signed_in_asks_first(isolated_home: Path) -> None:
    app = _signed_in(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("a")
        await _settle(pilot)
        assert isinstance(app.screen, ChooserScreen)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ChooserScreen)
        assert not any(isinstance(screen, OAuthSignInScreen) for screen in app.screen_stack)

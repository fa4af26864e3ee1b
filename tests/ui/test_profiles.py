"""Saved profiles on the home screen: listed with the active one marked; switch, edit, delete (with its key).

Profiles are set up with the real `save_profile` into the isolated HOME; the app runs the real resolver.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.widgets import Input
from ui_helpers import appeared, notice_text, notifications, profile_rows, settle, until

from qwen_tui.core.context import Context
from qwen_tui.core.providers.install import env_key_for
from qwen_tui.core.providers.profiles import KeyStore, save_profile
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.confirm import ConfirmScreen
from qwen_tui.ui.screens.home import HomeScreen
from qwen_tui.ui.screens.provider_form import ProviderFormScreen

SIZE = (80, 24)
FIRST = ("http://127.0.0.1:9101/v1", "model-one", "sk-first-key-0000000000001")
SECOND = ("http://127.0.0.1:9102/v1", "model-two", "sk-second-key-000000000002")


def app_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **extra}


def save_two() -> None:
    for url, model, key in (FIRST, SECOND):
        save_profile(base_url=url, model=model, key=key, store=KeyStore.SETTINGS,
                     context=Context(Path.cwd(), app_env()))


def user_settings(home: Path) -> dict:
    return json.loads((home / ".qwen" / "settings.json").read_text())


async def test_profiles_are_listed_with_the_active_one_marked(isolated_home: Path) -> None:
    save_two()
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        listed = profile_rows(app)
        # Qwen Code 0.24 puts the last install first; it is the active one.
        assert [row[1] for row in listed] == ["model-two", "model-one"]
        assert [row[2] for row in listed] == [SECOND[0], FIRST[0]]     # a custom provider is named by its URL
        assert [row[0] for row in listed] == ["●", ""]
        assert all("settings.json" in row[3] for row in listed)        # where each key is


async def test_enter_switches_the_active_profile(isolated_home: Path) -> None:
    save_two()
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = await appeared(pilot, "#profiles-table")
        table.focus()
        assert table.cursor_row == 0                                   # the cursor starts on the active one
        await pilot.press("down", "enter")
        await settle(pilot)
        assert [row[0] for row in profile_rows(app)] == ["", "●"]
        assert app.resolution.model.value == "model-one"
        assert app.resolution.base_url.value == FIRST[0]
    data = user_settings(isolated_home)
    assert data["model"] == {"name": "model-one", "baseUrl": FIRST[0]}


async def test_delete_asks_first_and_removes_the_key_too(isolated_home: Path) -> None:
    save_two()
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    first_key = env_key_for(FIRST[0], None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (await appeared(pilot, "#profiles-table")).focus()    # mounted a frame after home's first
        await pilot.press("down", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "model-one" in app.screen.question
        await pilot.press("n")                                          # declined: still there
        await settle(pilot)
        assert first_key in user_settings(isolated_home)["env"]
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [row[1] for row in profile_rows(app)] == ["model-two"]
    data = user_settings(isolated_home)
    assert [entry["id"] for entry in data["modelProviders"]["openai"]] == ["model-two"]
    assert first_key not in data["env"] and env_key_for(SECOND[0], None) in data["env"]


async def test_edit_opens_the_form_prefilled(isolated_home: Path) -> None:
    save_two()
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (await appeared(pilot, "#profiles-table")).focus()    # mounted a frame after home's first
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProviderFormScreen)
        assert "model-two" in str(form.query_one("#form-title").render())
        assert form.query_one("#base-url", Input).value == SECOND[0]
        assert form.query_one("#model", Input).value == "model-two"
        assert form.query_one("#api-key", Input).value == ""          # saved keys are never shown
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_no_profiles_says_how_to_add_one(isolated_home: Path) -> None:
    app = QwenTuiApp("status", context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "press n" in str(app.screen.query_one("#profiles-status").render())
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ProviderFormScreen)


async def test_home_names_openai_variables_and_imports_them(isolated_home: Path) -> None:
    env = app_env(OPENAI_API_KEY="sk-from-the-environment-0001", OPENAI_BASE_URL="https://api.example.com/v1")
    app = QwenTuiApp("status", context=Context(Path.cwd(), env))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notice = str(app.screen.query_one("#profiles-env-lines").render())
        assert "OPENAI_API_KEY" in notice and "OPENAI_BASE_URL" in notice
        assert "sk-from-the-environment-0001" not in notice
        app.screen.query_one("#profiles-import").press()
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProviderFormScreen)
        assert form.query_one("#base-url", Input).value == "https://api.example.com/v1"
        assert form.query_one("#api-key", Input).value == "sk-from-the-environment-0001"
        assert form.query_one("#api-key", Input).password is True


@pytest.mark.parametrize("configured", [True, False], ids=["home", "chooser"])
async def test_quitting_as_the_first_screen_is_drawn_raises_nothing(isolated_home: Path, configured: bool) -> None:
    """A `q` pressed as the first screen appears lands while what follows its first frame is still being
    mounted (home's profiles panel, the chooser's details): the profiles panel's set-up used to query children
    the closing app never composed (a traceback on the way out)."""
    if configured:
        save_two()

    class QuitsAtFirstFrame(QwenTuiApp):
        def screen_shown(self, screen) -> None:
            super().screen_shown(screen)
            if screen.name in ("home", "chooser"):
                self.exit()

    app = QuitsAtFirstFrame(context=Context(isolated_home, app_env()))
    async with app.run_test(size=SIZE) as pilot:   # a handler's exception is raised again on the way out
        for _ in range(100):
            if not app.is_running:
                break
            await pilot.pause(0.01)
    assert not app.is_running and app.return_code == 0


async def test_deleting_a_provider_whose_key_is_shared_keeps_it_and_says_so(isolated_home: Path) -> None:
    """Issue 14.1: the key stays for the providers still using it, and the message says only that."""
    url, key = FIRST[0], FIRST[2]
    for model in ("shared-a", "shared-b"):
        save_profile(base_url=url, model=model, key=key, store=KeyStore.SETTINGS,
                     context=Context(Path.cwd(), app_env()))
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (await appeared(pilot, "#profiles-table")).focus()    # mounted a frame after home's first
        await pilot.press("d")                       # the cursor is on the active one, shared-b
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        before = len(notifications(app))
        await pilot.press("y")
        await until(pilot, lambda: len(notifications(app)) > before, "a word on the deletion")
        await settle(pilot)
        said = notifications(app)[before:]
    assert any("Its key stays: shared-a still use it" in text for text in said), said
    assert not any("with its key" in text for text in said)
    assert user_settings(isolated_home)["env"] == {env_key_for(url, None): key}


async def test_switching_when_the_settings_file_broke_names_it_and_leaves_it(isolated_home: Path) -> None:
    """The list was read from a good file; then the file is broken outside the app. Enter on a profile says the
    file cannot be read (which, and what to do) instead of "There is no saved profile", and writes nothing."""
    save_two()
    path = isolated_home / ".qwen" / "settings.json"
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = await appeared(pilot, "#profiles-table")
        broken = path.read_text().replace("{", "{ oops", 1)
        path.write_text(broken)
        before = path.stat().st_mtime_ns
        table.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        shown = notice_text(app)
        assert str(path) in shown and "fix it or move it aside" in shown, shown
        assert "no saved profile" not in shown
        assert [row[0] for row in profile_rows(app)] == ["●", ""]     # nothing switched
    assert path.read_text() == broken and path.stat().st_mtime_ns == before

"""The hostile-input suite, screens: outside text on every screen, under Pilot, never drives the terminal or
crashes the app.

A cloned repository's workspace `.qwen/settings.json` and `.env` carry hostile strings (tests/hostile.py) in
every value qwen-tui shows: the auth type, base URL, model, a saved provider's id, name and URL, a variable
name. The real app (real resolver, real files) is walked through home, settings, usage data, privacy, the
chooser, the provider form (editing that provider) and the command line; at each stop the frame the terminal
would get (the compositor's strips: their text and their hyperlink targets) must hold no control character.
A device-flow server that lies does the same to the sign-in screen. Pilot re-raises any crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widgets import Input, Select
from ui_helpers import settle

from qwen_tui.core.context import Context
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.chooser import ChooserScreen
from qwen_tui.ui.screens.command_input import CommandInputScreen
from qwen_tui.ui.screens.home import HomeScreen
from qwen_tui.ui.screens.provider_form import ProviderFormScreen
from qwen_tui.ui.widgets.device_flow import DeviceFlowWidget
from qwen_tui.ui.widgets.device_flow_states import FlowState
from qwen_tui.ui.widgets.profiles import ProfilesPanel
from tests.hostile import CLEAR_AND_TITLE, OSC52, hostile_text, unsafe_in
from tests.servers.device_server import DeviceServer
from tests.servers.openai_server import OpenAIServer

SIZE = (120, 60)   # tall: more of each screen is in the frame that is checked
# Each test starts the app a few times: generous on a loaded machine (the CPU time is ~10 s per test).
pytestmark = pytest.mark.timeout(300)
# Each example starts the app (seconds on a loaded 2-CPU machine): a few derandomized examples beside the
# explicit ones, and no shrinking (a failing example is reported as drawn, and is the same on every run).
HOSTILE = settings(max_examples=2, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def frame(app: QwenTuiApp) -> tuple[str, list[str]]:
    """What the terminal would be sent for the current screen: its text and its hyperlink targets (toasts
    included: the apps run with notifications on, which run_test turns off by default)."""
    strips = app.screen._compositor.render_strips()
    text = "\n".join("".join(segment.text for segment in strip) for strip in strips)
    links = [segment.style.link for strip in strips for segment in strip
             if segment.style is not None and segment.style.link]
    return text, links


def assert_clean(app: QwenTuiApp, where: str) -> str:
    text, links = frame(app)
    assert unsafe_in(text) == [], f"{where}: control characters reach the terminal"
    assert all(unsafe_in(link) == [] for link in links), f"{where}: a hyperlink target carries control characters"
    return text


def plant_workspace(project: Path, texts: list[str]) -> None:
    """The repository's `.qwen/settings.json` (and `.env`) with hostile values everywhere they are shown."""
    auth_url, model, name, url, key_name = texts
    (project / ".qwen").mkdir(exist_ok=True)
    settings_file = {
        "security": {"auth": {"selectedType": "openai", "baseUrl": auth_url}},
        "model": {"name": model},
        "modelProviders": {"openai": [
            {"id": model, "name": name, "baseUrl": url, "envKey": "HOSTILE_KEY"},
            {"id": name, "name": "[/]", "baseUrl": "[bold", "envKey": key_name},
        ]},
        "env": {"HOSTILE_KEY": "sk-hostile-0123456789abcdef"},
    }
    (project / ".qwen" / "settings.json").write_text(json.dumps(settings_file), encoding="utf-8")
    # A key (shown masked: its last characters) and a variable named like the second provider's envKey.
    line = "".join(char for char in key_name if char not in "\n\r\x00=#")
    dotenv = f"OPENAI_API_KEY=sk-{line}{line}\n{line}=value\n"
    (project / ".env").write_text(dotenv, encoding="utf-8", errors="surrogatepass")


def new_app(project: Path) -> QwenTuiApp:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    return QwenTuiApp(context=Context(project, env))


@contextlib.asynccontextmanager
async def running_in(project: Path, texts: list[str]) -> AsyncIterator[tuple[QwenTuiApp, Pilot]]:
    """The app started in a repository planted with `texts`, its first screen (home) settled."""
    plant_workspace(project, texts)
    app = new_app(project)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        yield app, pilot


def hostile_workspaces(test: Callable) -> Callable:
    """The issue's reproductions, then generated hostile values (a few: each example starts the app)."""
    return HOSTILE(example(texts=[CLEAR_AND_TITLE, OSC52, "[/]", "[bold", "K\u202eYEK"])(
        given(texts=st.lists(hostile_text, min_size=5, max_size=5))(test)))


# The walk is split in two tests so each stays well within the per-test timeout on a loaded machine.
@example(texts=["https://h/v1", "[/]", "[/]", "x", "K"])   # a model id `[/]`, and two providers with one id
@example(texts=["https://h/v1", "m", OSC52, "u", "K"])     # the active provider's name, in a toast
@hostile_workspaces
async def test_hostile_workspace_on_home_the_provider_form_and_the_command_line(texts: list[str],
                                                                              project_dir: Path) -> None:
    async with running_in(project_dir, texts) as (app, pilot):
        assert isinstance(app.screen, HomeScreen)
        assert_clean(app, "home")
        app.screen.query_one("#profiles-table").focus()
        await pilot.press("enter")   # on the active provider: a toast names it
        await settle(pilot)
        assert_clean(app, "home, the active provider named")
        app.open_provider_form(app.screen.query_one(ProfilesPanel).installs[0].profiles[0])   # `e` on the first
        await settle(pilot)
        assert isinstance(app.screen, ProviderFormScreen)
        assert_clean(app, "provider form")
        await pilot.press("escape", "slash")
        app.screen.query_one(Input).value = "/[/][bold"   # typed on the command line, echoed back in a toast
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CommandInputScreen)
        assert "/[/][bold" in assert_clean(app, "command line")


@hostile_workspaces
async def test_hostile_workspace_on_settings_usage_data_privacy_and_the_chooser(texts: list[str],
                                                                              project_dir: Path) -> None:
    async with running_in(project_dir, texts) as (app, pilot):
        for key, name in (("s", "settings"), ("u", "usage data"), ("p", "privacy")):
            await pilot.press(key)
            await settle(pilot)
            assert_clean(app, name)
        app.action_auth()
        await settle(pilot)
        assert isinstance(app.screen, ChooserScreen)
        assert_clean(app, "chooser")


async def test_the_model_name_is_shown_escaped_not_dropped(project_dir: Path) -> None:
    async with running_in(project_dir, ["https://example.com/v1", OSC52, "[/]", CLEAR_AND_TITLE, "KEY"]) as (app, _):
        text = assert_clean(app, "home")
        assert "x\\x1b]52;c;cHduZWQ=\\x1b\\" in text          # the model name, visibly escaped
        assert "u\\x1b[2J\\x1b[H\\x1b]0;owned\\x07" in text     # the provider's base URL
        assert "[/]" in text                                      # a profile named `[/]`, as text


# ---- the sign-in screen and a lying device-flow server --------------------------------------------------------

async def wait_until(pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"condition not met within {timeout}s"
        await pilot.pause(0.05)


async def sign_in_with(server: DeviceServer, *, overrides: dict[str, object], refusal: str | None) -> None:
    server.device_overrides = overrides
    server.refusal_description = refusal
    server.device_fault = "refused" if refusal is not None else None
    app = QwenTuiApp("auth", context=Context.current())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ChooserScreen))
        await pilot.press("1")
        flow = app.screen.query_one(DeviceFlowWidget)
        await wait_until(pilot, lambda: flow.state in (FlowState.WAITING, FlowState.REFUSED, FlowState.ERROR))
        await pilot.pause()
        assert_clean(app, f"sign-in ({flow.state})")
        if flow.state is FlowState.WAITING:
            await pilot.press("u", "c", "v")   # copy the URL and the code (toasts name them), show the QR code
            await pilot.pause()
            assert_clean(app, "sign-in after copying")
            await pilot.press("escape")
            await pilot.press("escape")        # cancel: the flow stops polling
            await pilot.pause()


@HOSTILE
@example(url=OSC52 + "[/]", code="[/]" + CLEAR_AND_TITLE, refusal=None)
@example(url="https://chat.qwen.ai/authorize?c=[/]", code="[/]" + OSC52, refusal=None)   # a URL the flow accepts
@example(url="https://chat.qwen.ai/authorize?x=" + "a" * 4000, code="ABCD-EFGH", refusal=None)
@example(url="", code="", refusal=CLEAR_AND_TITLE + "[/]\nsecond line")
@given(url=hostile_text, code=hostile_text, refusal=st.none() | hostile_text)
async def test_a_lying_device_server_on_the_sign_in_screen(url: str, code: str, refusal: str | None,
                                                           device_server: DeviceServer) -> None:
    overrides = {"verification_uri": url, "verification_uri_complete": url, "user_code": code}
    await sign_in_with(device_server, overrides=overrides, refusal=refusal)


async def test_a_url_too_long_for_a_qr_code_hides_the_code(device_server: DeviceServer) -> None:
    # 1,041 characters (shown whole, unchanged by the sanitiser) but 3,041 bytes: past any QR code (2,953).
    long_url = "https://chat.qwen.ai/authorize?user_code=" + "码" * 1000
    device_server.device_overrides = {"verification_uri_complete": long_url}
    app = QwenTuiApp("auth", context=Context.current())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ChooserScreen))
        await pilot.press("1")
        flow = app.screen.query_one(DeviceFlowWidget)
        await wait_until(pilot, lambda: flow.state is FlowState.WAITING)
        await pilot.pause()
        assert not app.screen.query_one("#df-qr").display        # no code drawn, and `v` is not offered
        assert flow.check_action("show_qr", ()) is False
        assert "press v" not in frame(app)[0]
        assert "码" * 30 in frame(app)[0]                           # the URL itself is still shown
        await pilot.press("escape")
        await asyncio.sleep(0)


# ---- the provider form and a lying OpenAI-compatible server ---------------------------------------------------

@HOSTILE
@example(ids=["[/]", OSC52, "[bold"])   # the issue's `[/]` model id from /models
@given(ids=st.lists(hostile_text, min_size=1, max_size=3, unique=True))
async def test_a_lying_models_list_in_the_provider_form(ids: list[str], openai_server: OpenAIServer) -> None:
    openai_server.models = ids
    app = QwenTuiApp("auth", context=Context(Path.cwd(), {**os.environ,
                                                 "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")   # the chooser's OpenAI-compatible API
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProviderFormScreen)
        form.query_one("#base-url", Input).value = openai_server.url
        form.query_one("#api-key", Input).value = openai_server.key or ""
        await pilot.press("ctrl+f")   # fetch the models
        await settle(pilot)
        chooser = form.query_one("#model-list", Select)
        assert chooser.display
        chooser.expanded = True       # the list of ids itself
        await settle(pilot)
        assert_clean(app, "provider form, fetched models")

"""The provider form's picker as Qwen Code 0.24's `/auth` presents it (issue 13 points 3 and 4): the three groups,
Alibaba ModelStudio → plan → region, type-to-find across all of them, and a custom provider's protocol.

Keyboard only, at 80×24, against real loopback servers (OpenAI, Anthropic, Gemini dialects) and real files. What
the form saves is compared with what `qwen-tui auth login` writes, run as a real subprocess in another HOME.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_provider_form import SIZE, fill, make_real_app, open_form, outcome, settle
from textual.widgets import Input, RadioButton

from qwen_tui.ui.screens.form_picker import PresetList
from qwen_tui.ui.screens.home import HomeScreen
from tests.servers.dialect_servers import AnthropicServer, GeminiServer
from tests.servers.openai_server import OpenAIServer


def lines(picker: PresetList) -> list[str]:
    return [str(picker.get_option_at_index(n).prompt) for n in range(picker.option_count)]


def highlighted(picker: PresetList) -> str:
    assert picker.highlighted is not None
    return str(picker.get_option_at_index(picker.highlighted).prompt)


def cli_settings(home: Path, *args: str, key: str) -> dict:
    """settings.json as `qwen-tui auth login …` writes it into a fresh HOME (`home`)."""
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = subprocess.run([sys.executable, "-m", "qwen_tui.cli", "auth", "login", *args, "--api-key-stdin",
                             "--store", "settings"], input=key + "\n", env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads((home / ".qwen" / "settings.json").read_text())


def provider_settings(home: Path) -> dict:
    """The user settings without what the chooser wrote before the form opened (the usage-statistics choice)."""
    data = json.loads((home / ".qwen" / "settings.json").read_text())
    data.pop("privacy", None)
    return data


async def test_the_form_opens_on_the_three_groups_and_walks_to_a_region() -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        picker = form.query_one("#preset", PresetList)
        assert app.focused is picker
        assert lines(picker) == ["  Alibaba ModelStudio ›", "  Third-party providers ›",
                                 "● Custom provider / local server ›"]
        assert str(form.query_one("#preset-path").render()) == "Connect a provider"
        await pilot.press("enter")
        assert lines(picker) == ["  ModelStudio Coding Plan ›", "  ModelStudio Token Plan ›",
                                 "  ModelStudio Standard API Key ›"]
        assert str(form.query_one("#preset-path").render()) == "Alibaba ModelStudio"
        await pilot.press("enter")
        assert lines(picker) == ["  China (Beijing)", "  Singapore (International)"]
        assert str(form.query_one("#preset-path").render()) == "Alibaba ModelStudio › ModelStudio Coding Plan"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert picker.value == "coding-plan:alibabacloud"
        assert form.query_one("#base-url", Input).value == "https://coding-intl.dashscope.aliyuncs.com/v1"
        assert "BAILIAN_CODING_PLAN_API_KEY" in str(form.query_one("#key-hint").render())
        assert "Singapore (International)" in str(form.query_one("#preset-chosen").render())
        assert app.focused is form.query_one("#api-key", Input)     # on to the key, as Qwen Code's next step
        picker.focus()
        assert highlighted(picker) == "● Singapore (International)"
        await pilot.press("escape", "escape")                        # back up two levels: the form stays
        assert app.screen is form and picker.level == ()
        assert lines(picker)[0] == "● Alibaba ModelStudio ›"       # the group holding the choice is marked


@pytest.mark.parametrize(("typed", "level", "line", "value"), [
    ("groq", ("third-party",), "  Groq", None),
    ("sing", ("alibaba", "coding-plan"), "  Singapore (International)", "coding-plan:alibabacloud"),
    ("token", ("alibaba",), "  ModelStudio Token Plan ›", None),
    ("lm", ("custom",), "  LM Studio", "lmstudio"),
    ("kimi", ("third-party",), "  Kimi (Moonshot AI) ›", None),
])
async def test_typing_a_name_jumps_to_it_wherever_it_lives(typed: str, level: tuple[str, ...], line: str,
                                                            value: str | None) -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        picker = form.query_one("#preset", PresetList)
        await pilot.press(*typed)
        assert picker.level == level and highlighted(picker) == line
        assert typed in str(form.query_one("#preset-hint").render())
        if value is not None:
            await pilot.press("enter")
            await settle(pilot)
            assert picker.value == value


async def test_backspace_erases_what_was_typed_then_goes_back() -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        picker = form.query_one("#preset", PresetList)
        await pilot.press("g", "r", "x")                  # nothing is called "grx": the list stays at "gr"
        assert picker.level == ("third-party",) and highlighted(picker) == "  Grok (xAI)"
        await pilot.press("backspace", "backspace", "backspace")
        assert "type a name" in str(form.query_one("#preset-hint").render())
        await pilot.press("backspace")
        assert picker.level == ()
        assert app.screen is form


async def test_alibaba_coding_plan_region_saves_what_auth_login_writes(isolated_home: Path, tmp_path: Path) -> None:
    """Issue 13 point 3: walked by keyboard, the key's own model list fetched at the save (not asked for), the
    same settings.json as `auth login --preset coding-plan --region alibabacloud`."""
    key = "sk-sp-form-picker-0123456789"
    with OpenAIServer(key=key, models=("qwen3-coder-next", "qwen3.5-plus", "glm-5")) as server:
        app = make_real_app()
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            await pilot.press("enter", "enter", "down", "enter")   # Alibaba → Coding Plan → Singapore
            await settle(pilot)
            fill(form, url=server.url, key=key)
            form.query_one("#store-settings", RadioButton).value = True
            await pilot.pause()
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen), outcome(form)
        assert len(server.requests_to("/models")) == 1
        expected = cli_settings(tmp_path / "cli-home", "--method", "openai", "--preset", "coding-plan", "--region",
                                "alibabacloud", "--base-url", server.url, key=key)
    saved = provider_settings(isolated_home)
    assert saved == expected
    names = [entry["name"] for entry in saved["modelProviders"]["openai"]]
    assert names[0] == "[ModelStudio Coding Plan for Global/Intl] qwen3-coder-next" and len(names) == 3


async def test_without_a_model_list_the_built_in_one_is_saved_as_auth_login_does(isolated_home: Path,
                                                                                   tmp_path: Path) -> None:
    """Token Plan whose provider lists no models for the key: the test says so and the built-in list is
    installed, the same settings.json as `auth login --preset token-plan --region ap-southeast-1`."""
    key = "sk-token-plan-form-0123456789"
    with OpenAIServer(key=key, models=()) as server:
        app = make_real_app()
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            await pilot.press(*"token", "enter", "down", "enter")     # found by name → its regions → Singapore
            await settle(pilot)
            assert form.query_one("#preset", PresetList).value == "token-plan:ap-southeast-1"
            fill(form, url=server.url, key=key)
            form.query_one("#store-settings", RadioButton).value = True
            await pilot.press("ctrl+t")
            await settle(pilot)
            assert "not available from the provider, the built-in list is used" in outcome(form)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen), outcome(form)
        expected = cli_settings(tmp_path / "cli-home", "--method", "openai", "--preset", "token-plan", "--region",
                                "ap-southeast-1", "--base-url", server.url, key=key)
    saved = provider_settings(isolated_home)
    assert saved == expected
    assert all(entry["name"].startswith("[ModelStudio Token Plan for Global/Intl] ")
               for entry in saved["modelProviders"]["openai"])


@pytest.mark.parametrize(("protocol", "server_class", "model"), [
    ("anthropic", AnthropicServer, "claude-test-1"), ("gemini", GeminiServer, "gemini-test-pro")])
async def test_a_custom_provider_in_another_protocol_saves_what_auth_login_writes(
        protocol: str, server_class: type, model: str, isolated_home: Path, tmp_path: Path) -> None:
    """Issue 13 point 4: Custom → protocol; verified in that dialect; saved in modelProviders.<protocol> with
    selectedType, exactly as `auth login --method <protocol>`."""
    with server_class() as server:
        app = make_real_app()
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            picker = form.query_one("#preset", PresetList)
            await pilot.press("down", "down", "enter")      # the third group: Custom / local server
            assert lines(picker)[0] == "● Custom provider ›"
            await pilot.press("enter")
            assert lines(picker) == ["● OpenAI-compatible", "  Anthropic-compatible", "  Gemini-compatible"]
            await pilot.press(*(["down"] if protocol == "anthropic" else ["down", "down"]), "enter")
            await settle(pilot)
            assert picker.value == f"custom@{protocol}"
            title = {"anthropic": "Anthropic-compatible provider", "gemini": "Gemini-compatible provider"}[protocol]
            assert str(form.query_one("#form-title").render()) == title    # not "OpenAI-compatible provider"
            assert app.focused is form.query_one("#base-url", Input)
            assert form.query_one("#chat-field").display is False     # a chat completion: OpenAI protocol only
            fill(form, server.url, server.key, model)
            form.query_one("#store-settings", RadioButton).value = True
            await pilot.press("ctrl+t")
            await settle(pilot)
            assert "key was accepted" in outcome(form), outcome(form)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen), outcome(form)
        checks = [r for r in server.requests if r.method == "GET"]
        assert len(checks) == 1                              # tested once; the save reused the passed test
        path, header = ("/v1/models", "x-api-key") if protocol == "anthropic" else ("/v1beta/models", "x-goog-api-key")
        assert checks[0].path.split("?")[0] == path and checks[0].headers[header] == server.key
        expected = cli_settings(tmp_path / "cli-home", "--method", protocol, "--base-url", server.url,
                                "--model", model, key=server.key)
    saved = provider_settings(isolated_home)
    assert saved == expected
    assert saved["security"]["auth"]["selectedType"] == protocol and list(saved["modelProviders"]) == [protocol]

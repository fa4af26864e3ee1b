"""The provider form and a keyring that answers after the probe's 3 s cap (a real Secret Service behind a bus that
holds its answers until the test lets them through: tests/slow_bus.py). On a loaded machine a working keyring
answers so: the form first goes on as without one (Qwen Code's own `.env`, said in one line), and when the answer
comes the keyring gets the choice back, unless the user picked a store meanwhile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import RadioButton
from ui_helpers import settle, until

from qwen_tui.core.context import Context
from qwen_tui.core.providers.install import env_key_for
from qwen_tui.core.secrets import SecretStore
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.home import HomeScreen
from qwen_tui.ui.screens.provider_form import ProviderFormScreen
from tests.servers.openai_server import OpenAIServer
from tests.slow_bus import SlowBus

SECRET_SERVICE = "keyring.backends.SecretService.Keyring"


def _chosen(form: ProviderFormScreen) -> str:
    return next(store for store in ("keyring", "settings", "dotenv", "file")
                if form.query_one(f"#store-{store}", RadioButton).value)


@pytest.mark.keyring
@pytest.mark.parametrize("user_picks", [None, "settings"])
async def test_a_keyring_answering_after_the_cap_gets_the_choice_back_unless_the_user_chose(
    user_picks: str | None, openai_server: OpenAIServer, isolated_home: Path, secret_service: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with SlowBus(secret_service["DBUS_SESSION_BUS_ADDRESS"]) as bus:
        env = {**secret_service, "DBUS_SESSION_BUS_ADDRESS": bus.address, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE}
        for name, value in env.items():   # the D-Bus client reads the process environment
            monkeypatch.setenv(name, value)
        app = QwenTuiApp("auth", context=Context(Path.cwd(), {**os.environ, **env}))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("2")           # the chooser's "OpenAI-compatible": the form probes the keyring
            await until(pilot, lambda: isinstance(app.screen, ProviderFormScreen), "the provider form")
            form = app.screen
            assert isinstance(form, ProviderFormScreen)
            await until(pilot, lambda: form.keyring_probe is not None, "the probe's first answer (after its cap)")
            assert form.keyring_probe == (False, None)
            assert _chosen(form) == "dotenv" and form.query_one("#store-warning").display is True
            if user_picks:
                form.query_one(f"#store-{user_picks}", RadioButton).value = True   # as a press does
                await pilot.pause()
            bus.answer()
            await until(pilot, lambda: form.keyring_probe == (True, None), "the keyring's late answer")
            await pilot.pause()
            assert _chosen(form) == (user_picks or "keyring")
            assert form.query_one("#store-warning").display is False
            if user_picks:
                return
            form.query_one("#base-url").value = openai_server.url
            form.query_one("#api-key").value = openai_server.key
            form.query_one("#model").value = "qwen3-coder-plus"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        found = SecretStore({**os.environ, **env}).get(env_key_for(openai_server.url, None))
        assert found.value == openai_server.key and found.location == "keyring"

"""Home's "will qwen start here?" and "Start qwen", with real files in the isolated HOME, the real resolver and
the real verdict against the real `qwen` 0.24.4 from npm (found through $QWEN_TUI_QWEN, as `qwen-tui run` finds
it). Starting `qwen` for real (the exec) is the e2e journey's part: here the app's result is the Launch it
prepared. No keyring daemon: PYTHON_KEYRING_BACKEND=fail."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from textual.widgets import Button
from ui_helpers import make_app, resolution, settle

from qwen_tui.core import paths
from qwen_tui.core.context import Context
from qwen_tui.core.launch import Launch, QwenCli
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.home import HomeScreen
from tests.interop.conftest import CURRENT, PRE_SHUTDOWN, QwenCode, install_qwen_code

SIZE = (80, 24)
KEY = "sk-verdict-0123456789abcdef"
URL = "http://127.0.0.1:9/v1"
ENV_KEY = "QWEN_CUSTOM_API_KEY_VERDICT"
MODEL = "qwen3-coder-plus"


@pytest.fixture(scope="session")
def qwen() -> QwenCode:
    return install_qwen_code(CURRENT)


def write_provider(settings_env: dict[str, str] | None = None) -> None:
    """A custom provider as Qwen Code 0.24.4 saves it; its key in settings `env` only when given."""
    home = paths.qwen_home(os.environ)
    home.mkdir(mode=0o700, exist_ok=True)
    settings = {
        "security": {"auth": {"selectedType": "openai"}},
        "model": {"name": MODEL},
        "modelProviders": {"openai": [{"id": MODEL, "name": MODEL, "baseUrl": URL, "envKey": ENV_KEY}]},
    }
    if settings_env:
        settings["env"] = settings_env
    (home / "settings.json").write_text(json.dumps(settings))


def real_app(qwen_path: Path | str, **extra: str) -> QwenTuiApp:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "QWEN_TUI_QWEN": str(qwen_path),
           **extra}
    return QwenTuiApp(None, context=Context(Path.cwd(), env))


def text(app: QwenTuiApp, selector: str) -> str:
    return " ".join(str(widget.render()) if not hasattr(widget, "value") else f"{widget.value} {widget.source}"
                    for widget in app.screen.query(selector))


async def test_a_key_plain_qwen_reads_makes_it_start_as_it_is(qwen: QwenCode) -> None:
    write_provider({ENV_KEY: KEY})
    app = real_app(qwen.executable)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        direct = text(app, "#verdict-direct")
        assert "starts here as it is" in direct and f"qwen {CURRENT}" in direct and str(qwen.executable) in direct
        assert app.screen.query_one("#start-qwen", Button)
        assert KEY not in direct


async def test_a_key_only_qwen_tui_reads_starts_through_start_qwen(qwen: QwenCode) -> None:
    write_provider()
    secrets = paths.secrets_file_path(os.environ)
    secrets.write_text(json.dumps({ENV_KEY: KEY}))
    secrets.chmod(0o600)
    app = real_app(qwen.executable)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        verdict = text(app, "#verdict-direct")
        assert "✗ not as it is" in verdict and "✓ with Start qwen (qwen-tui run)" in verdict
        assert str(secrets) in verdict                                # the reason names where the key is
        await pilot.press("g")                                       # the footer's first key
        await settle(pilot)
    launch = app.return_value
    assert isinstance(launch, Launch)                                # cli.py execs it (see the e2e journey)
    assert launch.executable == str(qwen.executable) and launch.argv == [str(qwen.executable)]
    assert launch.env[ENV_KEY] == KEY
    assert KEY not in repr(launch)


async def test_qwen_not_installed_says_why_and_stays(isolated_home: Path) -> None:
    write_provider({ENV_KEY: KEY})
    app = real_app(isolated_home / "no-such" / "qwen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "not installed" in text(app, "#verdict-direct")
        assert "npm install -g @qwen-code/qwen-code" in text(app, "#verdict-fix-command")
        assert not app.screen.query("#start-qwen")
        await pilot.press("g")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, HomeScreen)
        failure = text(app, "#verdict-start-failed")
        assert "not installed" in failure and "\n" not in failure
        await pilot.press("r")                # read again: the line was about the configuration read before
        await settle(pilot)
        await settle(pilot)
        assert not app.screen.query("#verdict-start-failed")


async def test_qwen_oauth_refused_by_0_24_4_offers_the_sign_in_chooser(qwen: QwenCode) -> None:
    write_qwen_oauth_sign_in()
    app = real_app(qwen.executable)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "refuses Qwen OAuth" in text(app, "#verdict-direct")
        assert "not even through qwen-tui run" in text(app, "#verdict-direct")
        await pilot.press("g")
        await settle(pilot)
        assert app.is_running
        assert "refuses Qwen OAuth" in text(app, "#verdict-start-failed")
        fix = app.screen.query_one("#verdict-fix", Button)
        fix.press()
        await settle(pilot)
        assert app.screen.name == "chooser"


async def test_the_verdict_is_computed_off_the_ui_thread_after_the_first_frame() -> None:
    release = threading.Event()
    threads: list[bool] = []

    def slow_verdict(res, env) -> QwenCli:
        threads.append(threading.current_thread() is threading.main_thread())
        release.wait(10)
        return QwenCli(True, Path("/usr/local/bin/qwen"), "0.24.4", True, True, None, None)

    res = resolution("openai")
    app = QwenTuiApp(None, context=Context.current(), resolver=lambda context: res, verdict=slow_verdict)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        while not threads:
            await pilot.pause(0.02)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query("#verdict-checking")          # home is up while the verdict is still out
        release.set()
        await settle(pilot)
        assert "starts here as it is" in text(app, "#verdict-direct")
    assert threads == [False]


async def test_a_new_resolution_gets_a_new_verdict() -> None:
    seen: list[str | None] = []

    def verdict(res, env) -> QwenCli:
        seen.append(res.auth_type.value)
        return QwenCli(True, Path("/usr/local/bin/qwen"), "0.24.4", True, True, None, None)

    resolutions = iter([resolution("openai"), resolution("qwen-oauth")])
    current = [next(resolutions)]
    app = QwenTuiApp(None, context=Context.current(), resolver=lambda context: current[0],
                     verdict=verdict)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        current[0] = next(resolutions)
        await pilot.press("r")
        await settle(pilot)
        await settle(pilot)
    assert seen == ["openai", "qwen-oauth"]


async def test_start_qwen_is_first_in_the_footer() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.screen.query_one("Footer")
        first = next(iter(footer.query("FooterKey")))
        assert first.description == "Start qwen"


# ---- the outcome of a save or a sign-in offers to start qwen -------------------------------------------------

async def test_a_saved_provider_offers_start_qwen(qwen: QwenCode, openai_server) -> None:
    app = QwenTuiApp("auth", context=Context(Path.cwd(), {**os.environ, "QWEN_TUI_QWEN": str(qwen.executable),
                                                 "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        for field, value in (("#base-url", openai_server.url), ("#api-key", openai_server.key), ("#model", MODEL)):
            app.screen.query_one(field).value = value
        await pilot.press("ctrl+s")                   # tests, then saves (into Qwen Code's .env: no keyring)
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Saved. qwen can start now" in text(app, "#verdict-offer")
        assert "starts here as it is" in text(app, "#verdict-direct")
        assert app.screen.focused is app.screen.query_one("#start-qwen")
        await pilot.press("enter")
        await settle(pilot)
    launch = app.return_value
    assert isinstance(launch, Launch) and launch.executable == str(qwen.executable)


def write_qwen_oauth_sign_in() -> None:
    home = paths.qwen_home(os.environ)
    home.mkdir(mode=0o700, exist_ok=True)
    (home / "settings.json").write_text(json.dumps({"security": {"auth": {"selectedType": "qwen-oauth"}}}))
    creds = {"access_token": "verdict-access", "refresh_token": "verdict-refresh", "token_type": "Bearer",
             "resource_url": "127.0.0.1:9", "expiry_date": 4102444800000}
    (home / "oauth_creds.json").write_text(json.dumps(creds))
    (home / "oauth_creds.json").chmod(0o600)


@pytest.mark.parametrize(("version", "offered"), [(PRE_SHUTDOWN, True), (CURRENT, False)])
async def test_a_finished_sign_in_offers_start_qwen_where_qwen_accepts_it(version: str, offered: bool) -> None:
    installed = install_qwen_code(version)
    app = real_app(installed.executable)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        write_qwen_oauth_sign_in()        # what the sign-in screen saved, then it tells the app
        app.qwen_oauth_signed_in()
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert bool(app.screen.query("#verdict-offer")) is offered
        assert bool(app.screen.query("#start-qwen")) is offered
        if not offered:
            assert f"qwen {CURRENT} refuses Qwen OAuth" in text(app, "#verdict-direct")
            return
        await pilot.press("s")                  # away and back: the offer was said once
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.query("#verdict-offer") and app.screen.query("#start-qwen")


async def test_slash_run_is_start_qwen(isolated_home: Path) -> None:
    write_provider({ENV_KEY: KEY})
    app = real_app(isolated_home / "no-such" / "qwen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "r", "u", "n", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "not installed" in text(app, "#verdict-start-failed")


# ---- snapshots of home with each kind of verdict (80×24; ui_helpers.verdict gives the verdict) ---------------

async def _settled_verdict(pilot) -> None:
    await settle(pilot)
    await pilot.wait_for_animation()


@pytest.mark.parametrize(("auth", "lang"), [("openai", "fr"), ("qwen-oauth", "en"), (None, "en")],
                         ids=["run-only-fr", "refused", "no-method"])
def test_home_verdict_snapshot(snap_compare, auth: str | None, lang: str) -> None:
    res = resolution(auth)
    app = make_app(res, "status", LC_ALL=f"{lang}_FR.UTF-8" if lang == "fr" else "C.UTF-8")
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled_verdict)

"""Pilot tests of the provider form against a real OpenAI-compatible server on 127.0.0.1 and real files.

The app uses the real resolver and writes through the real profiles/settings/secrets code into the isolated
HOME. No keyring daemon here: PYTHON_KEYRING_BACKEND=fail, so the form preselects Qwen Code's own .env; the
keyring store itself is tested against a private Secret Service (marked `keyring`).
"""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, RadioButton, Select
from ui_helpers import notice_text, notifications, scrolled_into_view, settle, until

from qwen_tui.core import paths
from qwen_tui.core.context import Context
from qwen_tui.core.keystores import move_key
from qwen_tui.core.providers.install import env_key_for
from qwen_tui.core.providers.profiles import KeyStore
from qwen_tui.core.resolver import SourceKind
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.confirm import ConfirmScreen
from qwen_tui.ui.screens.form_picker import PresetList
from qwen_tui.ui.screens.form_store import Keyring
from qwen_tui.ui.screens.home import HomeScreen
from qwen_tui.ui.screens.provider_form import ProviderFormScreen
from tests.interop.conftest import CURRENT, install_qwen_code
from tests.servers.openai_server import OpenAIServer

SIZE = (80, 24)
FAIL_BACKEND = "keyring.backends.fail.Keyring"
MODEL = "qwen3-coder-plus"


def make_real_app(**extra: str) -> QwenTuiApp:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": FAIL_BACKEND, **extra}
    return QwenTuiApp("auth", context=Context(Path.cwd(), env))


async def open_form(pilot) -> ProviderFormScreen:
    await settle(pilot)
    await pilot.press("2")          # the chooser's "OpenAI-compatible"
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProviderFormScreen)
    return screen


def fill(form: ProviderFormScreen, url: str | None = None, key: str | None = None, model: str | None = None) -> None:
    for field, value in (("#base-url", url), ("#api-key", key), ("#model", model)):
        if value is not None:
            form.query_one(field, Input).value = value


def outcome(form: ProviderFormScreen) -> str:
    return str(form.query_one("#outcome").render())


def shown(widget) -> str:
    """The text a one-line widget puts on the screen."""
    return widget.render_line(0).text


def user_settings(home: Path) -> dict:
    return json.loads((home / ".qwen" / "settings.json").read_text())


def nothing_saved(home: Path) -> bool:
    """No provider in the user settings (the chooser itself writes the usage-statistics choice there)."""
    path = home / ".qwen" / "settings.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    return "modelProviders" not in data and "security" not in data and "model" not in data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_test_then_save_without_a_keyring(openai_server: OpenAIServer, isolated_home: Path) -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        # No keyring: Qwen Code's own .env (which plain qwen reads) is preselected, said in one line naming it.
        dotenv = isolated_home / ".qwen" / ".env"
        assert form.query_one("#store-dotenv", RadioButton).value is True
        warning = str(form.query_one("#store-warning").render())
        assert str(dotenv) in warning and "plain qwen reads" in warning
        assert "plain qwen sees it" in shown(form.query_one("#store-dotenv"))
        assert "qwen needs qwen-tui run" in shown(form.query_one("#store-keyring"))
        fill(form, openai_server.url, openai_server.key, MODEL)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "key was accepted" in outcome(form) and "ms)" in outcome(form)
        assert nothing_saved(isolated_home)                                   # a test saves nothing
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        texts = notifications(app)
        assert texts == ["Saved."]                     # short: home shows what was saved
        assert notice_text(app) == ""                  # the form named the .env before saving: nothing to act on
        assert not any(openai_server.key in text for text in texts)
        assert app.resolution.auth_type.value == "openai" and app.resolution.credential.present
        table_text = " ".join(str(cell) for cell in app.screen.query_one("#profiles-table").get_row_at(0))
        assert MODEL in table_text and "●" in table_text
    data = user_settings(isolated_home)
    env_key = env_key_for(openai_server.url, None)
    assert data["security"]["auth"]["selectedType"] == "openai"
    assert data["model"]["name"] == MODEL
    entry = {"id": MODEL, "name": MODEL, "baseUrl": openai_server.url, "envKey": env_key, "wireApi": "chat-completions"}
    assert entry in data["modelProviders"]["openai"]
    assert "env" not in data or env_key not in data["env"]
    assert f"{env_key}={openai_server.key}" in dotenv.read_text()
    assert stat.S_IMODE(dotenv.stat().st_mode) == 0o600
    assert not paths.secrets_file_path(os.environ).exists()


async def test_the_private_file_chosen_says_as_you_chose(openai_server: OpenAIServer, isolated_home: Path) -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill(form, openai_server.url, openai_server.key, MODEL)
        form.query_one("#store-file", RadioButton).value = True
        await pilot.pause()
        assert "qwen-tui run" in str(form.query_one("#store-help").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        secrets_file = paths.secrets_file_path(app.env)
        assert notifications(app) == ["Saved."]
        assert "as you chose" in notice_text(app) and str(secrets_file) in notice_text(app)   # on home
        for _ in range(2):                             # read again: the key is still there, so is the line
            await pilot.press("r")
            await settle(pilot)
            assert "as you chose" in notice_text(app)
        assert json.loads(secrets_file.read_text())[env_key_for(openai_server.url, None)] == openai_server.key
        assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
        # The situation changes (the key moved to Qwen Code's .env, as `qwen-tui auth move-key` does): it goes.
        move_key(KeyStore.DOTENV, app.context)
        await pilot.press("r")
        await settle(pilot)
        assert app.resolution.credential.source.kind == SourceKind.DOTENV
        assert notice_text(app) == ""


@pytest.mark.parametrize(("version", "hidden"), [("0.15.10", True), (CURRENT, False)])
async def test_a_nearer_env_file_is_named_where_the_installed_qwen_stops_at_it(
        isolated_home: Path, project_dir: Path, version: str, hidden: bool) -> None:
    """qwen up to 0.15.10 loads only the first .env it finds; later versions also load ~/.qwen/.env after it
    (found by run-core with the real versions: core.launch.loads_home_dotenv)."""
    nearer = project_dir / ".env"
    nearer.write_text("UNRELATED=1\n")
    app = make_real_app(QWEN_TUI_QWEN=str(install_qwen_code(version).executable))
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        warning = str(form.query_one("#store-warning").render())
        assert str(isolated_home / ".qwen" / ".env") in warning
        assert (str(nearer) in warning and "qwen-tui run" in warning) is hidden
        assert ("plain qwen reads" in warning) is not hidden
        assert (str(nearer) in str(form.query_one("#store-help").render())) is hidden


@pytest.mark.parametrize("store", ["settings", "dotenv"])
async def test_save_into_a_file_qwen_can_read(openai_server: OpenAIServer, isolated_home: Path, store: str) -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill(form, openai_server.url, openai_server.key, MODEL)
        form.query_one(f"#store-{store}", RadioButton).value = True
        await pilot.pause()
        assert "plain qwen reads it" in str(form.query_one("#store-help").render())
        await pilot.press("ctrl+s")                  # not tested yet: Save tests first, then saves
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    env_key = env_key_for(openai_server.url, None)
    settings_file = isolated_home / ".qwen" / "settings.json"
    dotenv = isolated_home / ".qwen" / ".env"
    if store == "settings":
        assert user_settings(isolated_home)["env"][env_key] == openai_server.key
        assert stat.S_IMODE(settings_file.stat().st_mode) == 0o600
        assert not dotenv.exists()
    else:
        assert f"{env_key}={openai_server.key}" in dotenv.read_text()
        assert stat.S_IMODE(dotenv.stat().st_mode) == 0o600
        assert openai_server.key not in settings_file.read_text()
    assert not paths.secrets_file_path(os.environ).exists()
    assert len(openai_server.requests_to("/models")) == 1


@pytest.mark.keyring
async def test_save_into_the_keyring(openai_server: OpenAIServer, isolated_home: Path, secret_service: dict[str, str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from qwen_tui.core.secrets import SecretStore

    for name, value in secret_service.items():   # the D-Bus client reads the process environment
        monkeypatch.setenv(name, value)
    env = {**secret_service, "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"}
    app = make_real_app(**env)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        # The probe's answer, however late it comes (a loaded machine's keyring may answer after the probe's cap:
        # tests/ui/test_form_keyring.py), not the keyring preselected before any answer.
        await until(pilot, lambda: form.keyring_probe is not None and form.keyring_probe[0] == Keyring.WORKS,
                    "the keyring's answer")
        assert form.query_one("#store-keyring", RadioButton).value is True
        assert form.query_one("#store-warning").display is False
        fill(form, openai_server.url, openai_server.key, MODEL)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    env_key = env_key_for(openai_server.url, None)
    found = SecretStore({**os.environ, **env}).get(env_key)
    assert found.value == openai_server.key and found.location == "keyring"
    assert not paths.secrets_file_path(os.environ).exists()
    assert openai_server.key not in (isolated_home / ".qwen" / "settings.json").read_text()


# ---- every error class: one line, nothing saved --------------------------------------------------------------


ERROR_CASES = {
    "wrong-key": ("normal", lambda s: s.url, "sk-wrong-key-000000000000", "rejected the key"),
    "wrong-path-404": ("normal", lambda s: s.origin, None, "/v1"),
    "rate-limited-429": ("429", lambda s: s.url, None, "HTTP 429"),
    "server-error-500": ("500", lambda s: s.url, None, "HTTP 500"),
    "not-json": ("malformed", lambda s: s.url, None, "not with JSON"),
    "timeout": ("slow", lambda s: s.url, None, "No answer within"),
    "tls": ("tls", lambda s: s.url, None, "TLS"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
async def test_each_server_error_is_one_line_and_saves_nothing(
    case: str, isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    mode, url_of, key, expected = ERROR_CASES[case]
    server = OpenAIServer(tls=True) if mode == "tls" else OpenAIServer(mode=mode, slow_seconds=3.0)
    server.start()
    if case == "timeout":
        # Only here: the slow server (3 s) outlasts a 1 s check. The other cases keep the product's deadline, so
        # a busy machine answering late is not mistaken for a timeout (CI saw 'No answer within 1 s' for not-json).
        monkeypatch.setattr(ProviderFormScreen, "check_timeout", 1.0)
    try:
        app = make_real_app()
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            fill(form, url_of(server), key or server.key, MODEL)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ProviderFormScreen)
            lines = outcome(form).splitlines()
            assert lines[0].startswith("✗") and expected in lines[0], lines
            assert "Nothing was saved" in lines[-1]
            assert server.key not in outcome(form) and (key is None or key not in outcome(form))
    finally:
        server.stop()
    assert nothing_saved(isolated_home)
    assert not paths.secrets_file_path(os.environ).exists()


@pytest.mark.parametrize("case", ["refused", "dns"])
async def test_unreachable_servers_are_explained(case: str, isolated_home: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1" if case == "refused" else "https://provider.invalid/v1"
    expected = "Connection refused" if case == "refused" else "cannot be found"
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill(form, url, "sk-some-key-0000000000000000", MODEL)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert expected in outcome(form)
        assert "Test failed" in outcome(form)
    assert nothing_saved(isolated_home)


async def test_save_without_verifying_needs_a_confirmation(isolated_home: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"      # nothing listens: a test would fail
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill(form, url, "sk-offline-key-000000000000", MODEL)
        form.query_one("#save-unverified").press()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")                       # declined: nothing saved
        await settle(pilot)
        assert app.screen is form
        assert nothing_saved(isolated_home)
        form.query_one("#save-unverified").press()
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert user_settings(isolated_home)["model"]["baseUrl"] == url


async def test_cleartext_http_to_another_host_asks_first(openai_server: OpenAIServer) -> None:
    # 0.0.0.0 is not a loopback name (so the form warns), yet on Linux it reaches the local server.
    url = f"http://0.0.0.0:{openai_server.port}/v1"
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill(form, url, openai_server.key, MODEL)
        await pilot.pause()
        assert "unencrypted" in str(form.query_one("#url-message").render())
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert "Nothing was sent" in outcome(form)
        assert openai_server.requests == []
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "key was accepted" in outcome(form)
        assert len(openai_server.requests_to("/models")) == 1


async def test_fetch_models_gives_a_searchable_list(openai_server: OpenAIServer) -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill(form, openai_server.url, openai_server.key)
        assert form.query_one("#model-list").display is False
        await pilot.press("ctrl+f")
        await settle(pilot)
        models = form.query_one("#model-list", Select)
        assert models.display is True
        assert [value for _, value in models._options if isinstance(value, str)] == sorted(openai_server.models)
        assert "2 models" in str(form.query_one("#model-message").render())
        models.value = "qwen3-coder-flash"
        await pilot.pause()
        assert form.query_one("#model", Input).value == "qwen3-coder-flash"
        form.query_one("#model", Input).value = "my-own-model"     # free text is still allowed
        await pilot.pause()
        assert form._model() == "my-own-model"


async def test_the_key_is_masked_trimmed_and_revealed_only_on_request(openai_server: OpenAIServer) -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill(form, openai_server.url, model=MODEL)
        key_input = form.query_one("#api-key", Input)
        key_input.focus()
        key_input.post_message(events.Paste(f"  {openai_server.key}  "))
        await pilot.pause()
        assert key_input.password is True
        assert openai_server.key not in shown(key_input) and "•" in shown(key_input)
        await pilot.press("ctrl+r")
        assert key_input.password is False and openai_server.key in shown(key_input)
        await pilot.press("ctrl+r")
        assert key_input.password is True
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "key was accepted" in outcome(form)
    sent = openai_server.requests_to("/models")[0].headers["authorization"]
    assert sent == f"Bearer {openai_server.key}"                    # the paste's spaces were trimmed


async def test_a_keyless_local_preset_needs_no_key(isolated_home: Path) -> None:
    server = OpenAIServer(key=None).start()
    try:
        app = make_real_app()
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            form.query_one("#preset", PresetList).value = "ollama"
            await settle(pilot)
            assert "runs on your machine" in " ".join(
                str(w.render()) for w in form.query("#preset-info Static")).lower()
            assert form.query_one("#base-url", Input).value == "http://localhost:11434/v1"
            fill(form, server.url, model=MODEL)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
    finally:
        server.stop()
    assert "authorization" not in server.requests_to("/models")[0].headers
    entry = user_settings(isolated_home)["modelProviders"]["openai"][0]
    assert entry["baseUrl"] == server.url and entry["id"] == MODEL
    assert not paths.secrets_file_path(os.environ).exists()


async def test_a_preset_fills_the_url_model_and_links() -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#preset", PresetList).value = "deepseek"
        await settle(pilot)
        assert form.query_one("#base-url", Input).value == "https://api.deepseek.com"
        assert form.query_one("#model", Input).value == "deepseek-v4-pro"
        assert "DEEPSEEK_API_KEY" in str(form.query_one("#key-hint").render())
        links = [link.url for link in form.query("#preset-info Link")]
        assert "https://api-docs.deepseek.com/zh-cn/" in links and len(links) == 3
        form.query_one("#preset", PresetList).value = "requesty"   # terms and privacy not verified: "unknown"
        await settle(pilot)
        texts = " ".join(str(w.render()) for w in form.query("#preset-info Static"))
        assert "Terms: unknown" in texts and "Privacy policy: unknown" in texts


async def test_type_to_search_picks_a_preset() -> None:
    """Typing a name jumps to it wherever it lives in the picker's groups (issue 13 point 3)."""
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        assert app.focused is form.query_one("#preset", PresetList)
        await pilot.press("g", "r", "o", "q", "enter")
        await settle(pilot)
        assert form.query_one("#preset", PresetList).value == "groq"
        assert form.query_one("#base-url", Input).value == "https://api.groq.com/openai/v1"
        assert app.focused is form.query_one("#api-key", Input)      # on to the key
        await pilot.press("escape")                   # a preset was picked: leaving asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, ProviderFormScreen)


async def test_missing_fields_are_one_line_each() -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "base URL" in outcome(form)
        fill(form, "ftp://example.com")
        await pilot.pause()
        assert "https://" in str(form.query_one("#url-message").render())
        fill(form, "https://api.example.com/v1")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "needs an API key" in outcome(form)
        assert app.focused is form.query_one("#api-key", Input)


async def test_environment_values_are_shown_and_imported(openai_server: OpenAIServer, isolated_home: Path,
                                                         project_dir: Path) -> None:
    (isolated_home / ".qwen").mkdir()
    (isolated_home / ".qwen" / ".env").write_text("OPENAI_MODEL=hidden-model\n")
    project_env = project_dir / ".env"
    project_env.write_text(f"OPENAI_BASE_URL={openai_server.url}\nOPENAI_API_KEY={openai_server.key}\n"
                           f"OPENAI_MODEL={MODEL}\n")
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        notice = str(form.query_one("#env-lines").render())
        assert str(project_env) in notice and "OPENAI_API_KEY" in notice
        assert openai_server.key not in notice
        # Not "hidden": qwen 0.24.4 reads ~/.qwen/.env after the project's (its OPENAI_MODEL simply loses).
        assert str(isolated_home / ".qwen" / ".env") not in notice
        form.query_one("#import-env").press()
        await settle(pilot)
        assert form.query_one("#base-url", Input).value == openai_server.url
        assert form.query_one("#model", Input).value == MODEL
        key_input = form.query_one("#api-key", Input)
        assert key_input.password is True and key_input.value == openai_server.key
        assert openai_server.key not in shown(key_input)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "key was accepted" in outcome(form)


async def test_q_on_a_button_keeps_the_form_and_what_was_typed() -> None:
    from textual.widgets import Button

    app = make_real_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        fill(form, url="http://127.0.0.1:9/v1", model=MODEL)
        form.query(Button).first().focus()
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and app.screen is form
        assert form.query_one("#model", Input).value == MODEL
        form.query_one("#model", Input).focus()
        await pilot.press("end", "q")
        assert form.query_one("#model", Input).value == MODEL + "q"   # typed as a letter in a field


async def test_the_key_never_appears_in_a_worker_description(isolated_home: Path) -> None:
    """Textual's default description is repr(args): the checks and the save name themselves instead."""
    server = OpenAIServer(mode="slow", slow_seconds=3.0).start()
    try:
        app = make_real_app()
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            form.check_timeout = 0.2   # each worker is read as it starts: how it ends (timed out here) does not count
            fill(form, server.url, server.key, MODEL)
            descriptions: list[str] = []
            for start, group in ((lambda: form.action_test(), "provider-check"),
                                 (lambda: form.action_fetch_models(), "provider-models")):
                start()   # the worker is registered at once: a pause first could outlast the 2 s check under load
                running = [worker for worker in app.workers if worker.group == group]
                assert running, group
                descriptions += [worker.description for worker in app.workers]
                await settle(pilot)
                # The check's result clears `busy` as a message after its worker ended (a fetch started while busy
                # does nothing): under load that came after settle's last pause.
                await until(pilot, lambda: not form.busy, "the end of the check")
            assert not any(server.key in text for text in descriptions)
    finally:
        server.stop()


async def test_leaving_the_form_while_it_saves_still_refreshes_the_app(isolated_home: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    key = "sk-offline-key-000000000000"
    lock = isolated_home / ".qwen" / "settings.json.lock"
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill(form, url, key, MODEL)
        lock.write_text("held by Qwen Code")          # the save waits for the settings lock
        form.query_one("#save-unverified").press()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert [worker for worker in app.workers if worker.group == "provider-save"]
        assert not any(key in worker.description for worker in app.workers)
        await pilot.press("escape")                   # the user leaves while it saves: nothing to lose, no question
        await pilot.pause()
        assert not isinstance(app.screen, ProviderFormScreen)
        lock.unlink()
        for _ in range(200):
            if app.resolution.auth_type.value == "openai":
                break
            await pilot.pause(0.05)
        assert app.resolution.auth_type.value == "openai" and app.resolution.base_url.value == url
    assert user_settings(isolated_home)["model"]["baseUrl"] == url


async def test_a_new_outcome_is_scrolled_fully_into_view(isolated_home: Path) -> None:
    """The outcome grows with its text (a failed test: several lines): the form scrolls once the new size is
    laid out, not to the old one-line box, which left the last line below the screen at 80×24."""
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        body = form.query_one("#form-body")
        body.scroll_home(animate=False)
        await pilot.pause()
        form.outcome = ("\n".join(f"line {n} of the outcome" for n in range(1, 6)), "error")
        await pilot.pause()
        await pilot.pause()
        box = form.query_one("#outcome").region
        assert box.height == 5
        assert body.region.contains_region(box), (box, body.region)


async def test_the_coding_plan_key_rule_shows_as_the_key_is_typed() -> None:
    """Issue 13.5: Qwen Code's own rule and message, under the key field, before anything is sent."""
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#preset", PresetList).value = "coding-plan:alibabacloud"
        await settle(pilot)
        form.query_one("#api-key", Input).focus()
        await pilot.press(*"sk-abc")
        await settle(pilot)
        hint = str(form.query_one("#key-hint").render())
        assert 'Coding Plan API keys start with "sk-sp-"' in hint
        form.query_one("#api-key", Input).value = "sk-sp-0123456789"
        await settle(pilot)
        assert "BAILIAN_CODING_PLAN_API_KEY" in str(form.query_one("#key-hint").render())
        form.query_one("#preset", PresetList).value = "alibabaStandard:sg-singapore"   # a Coding Plan key here
        await settle(pilot)
        assert "Coding Plan" in str(form.query_one("#key-hint").render())


async def test_a_different_key_for_a_shared_endpoint_asks_and_names_the_providers(isolated_home: Path) -> None:
    """Issue 14.1: a save that would replace the key other providers at the same URL use says which, and asks."""
    from qwen_tui.core.context import Context
    from qwen_tui.core.providers.profiles import KeyStore, save_profile

    url = f"http://127.0.0.1:{free_port()}/v1"
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": FAIL_BACKEND}
    for model in ("shared-a", "shared-b"):
        save_profile(base_url=url, model=model, key="sk-shared-old-0123456789", store=KeyStore.SETTINGS,
                     context=Context(Path.cwd(), env))
    before = (isolated_home / ".qwen" / "settings.json").read_text()
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_provider_form()
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProviderFormScreen)
        fill(form, url, "sk-shared-new-0123456789", "shared-c")
        form.query_one("#save-unverified").focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")                       # save without verifying: yes
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "shared-a" in app.screen.question and "shared-b" in app.screen.question
        await pilot.press("n")                       # keep the shared key: nothing saved
        await settle(pilot)
        assert app.screen is form and "Nothing was saved" in outcome(form)
        assert (isolated_home / ".qwen" / "settings.json").read_text() == before
        # The answer stays in view: the form came back from the question with no focus, took its first stop,
        # the picker at the top, and scrolled away from the answer (e2e test_truth_keys_tmux at 80x24).
        await until(pilot, lambda: scrolled_into_view(form.query_one("#outcome")), "the answer in view")
        assert form.focused is form.query_one("#form-body")   # where the keys scroll the answer; the picker was


async def test_coding_plan_saves_the_model_list_fetched_with_the_key(isolated_home: Path) -> None:
    """Issue 13.3: Coding Plan's models come from the provider for this key (else the built-in list)."""
    key = "sk-sp-form-discovery-0123456789"
    with OpenAIServer(key=key, models=("qwen3-coder-plus", "brand-new-model")) as server:
        app = make_real_app()
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            form.query_one("#preset", PresetList).value = "coding-plan:alibabacloud"
            await settle(pilot)
            fill(form, server.url, key, "qwen3-coder-plus")
            form.query_one("#store-settings", RadioButton).value = True
            await pilot.press("ctrl+f")
            await settle(pilot)
            assert "2" in str(form.query_one("#model-message").render())
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, ProviderFormScreen), outcome(form)
    entries = user_settings(isolated_home)["modelProviders"]["openai"]
    assert sorted(e["id"] for e in entries) == ["brand-new-model", "qwen3-coder-plus"]
    assert all(e["name"].startswith("[ModelStudio Coding Plan for Global/Intl] ") for e in entries)


async def test_a_two_line_paste_into_the_key_field_is_joined() -> None:
    """Issue 14.2: the help's promise (spaces and line breaks from a paste are removed), for a bracketed paste."""
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        key_input = form.query_one("#api-key", Input)
        key_input.focus()
        key_input.post_message(events.Paste("sk-first-half-0123\nsecond-half 4567\n"))
        await pilot.pause()
        assert key_input.value == "sk-first-half-0123second-half4567"


async def test_escape_on_a_changed_form_asks_and_escape_in_a_dropdown_closes_only_the_dropdown() -> None:
    """Issue 14 point 6: a pasted key is not one keypress from lost."""
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill(form, key="sk-pasted-key-0000000000")
        picker = form.query_one("#preset", PresetList)
        assert app.focused is picker
        await pilot.press("enter")                    # the picker opens its first group
        await pilot.pause()
        assert picker.level == ("alibaba",)
        await pilot.press("escape")                   # back to the groups only
        await pilot.pause()
        assert app.screen is form and picker.level == ()
        await pilot.press("escape")                   # the form: asks before discarding
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")                        # keep it
        await pilot.pause()
        assert app.screen is form and form.query_one("#api-key", Input).value == "sk-pasted-key-0000000000"
        await pilot.press("escape", "y")              # discard
        await pilot.pause()
        assert not isinstance(app.screen, ProviderFormScreen)


async def test_escape_on_an_untouched_form_leaves_at_once() -> None:
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (ProviderFormScreen, ConfirmScreen))


async def test_saving_a_model_the_provider_did_not_list_asks_first(openai_server: OpenAIServer,
                                                                 isolated_home: Path) -> None:
    """Issue 14 point 9: the key is checked before saving, and now the model too, against the list just fetched."""
    app = make_real_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        fill(form, openai_server.url, openai_server.key)
        await pilot.press("ctrl+f")
        await settle(pilot)
        fill(form, model="qwen3-coder-plsu")                      # a typo
        form.query_one("#save-unverified").press()
        await pilot.pause()
        await pilot.press("y")                                     # save without verifying: yes
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "qwen3-coder-plsu is not among the" in str(app.screen.query_one("#confirm-question").content)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and nothing_saved(isolated_home)
        fill(form, model="qwen3-coder-flash")                      # listed: saved without a question
        form.query_one("#save-unverified").press()
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert user_settings(isolated_home)["model"]["name"] == "qwen3-coder-flash"

"""The Qwen OAuth sign-in screen and its device-flow widget, against the real loopback device server.

Every test drives the real app (real resolver, real settings writer, real credentials file) with
QWEN_OAUTH_BASE_URL pointing at `tests/servers/device_server.py` (interval 1 s).
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ui_helpers import appeared, notifications, until, workers_done

from qwen_tui.core.context import Context
from qwen_tui.core.names import AuthMethod
from qwen_tui.core.oauth.credentials import Credentials
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.chooser import ChooserScreen
from qwen_tui.ui.screens.home import HomeScreen
from qwen_tui.ui.screens.next_step import next_step_screen
from qwen_tui.ui.screens.oauth_signin import OAuthSignInScreen
from qwen_tui.ui.widgets.device_flow import DeviceFlowWidget
from qwen_tui.ui.widgets.device_flow_states import FlowState
from qwen_tui.ui.widgets.plain import Plain
from qwen_tui.ui.widgets.qr import QrCode, QrScreen, half_block_lines, qr_matrix
from qwen_tui.ui.widgets.sourced_row import SourcedRow
from tests.servers.device_server import DISCONTINUED, DeviceServer

SIZE = (80, 24)


def real_app() -> QwenTuiApp:
    """The app opened on the chooser (`qwen-tui auth`), with the test's isolated environment."""
    return QwenTuiApp("auth", context=Context.current())


async def wait_until(pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; screen: {pilot.app.screen!r}")
        await pilot.pause(0.05)


def widget(app: QwenTuiApp) -> DeviceFlowWidget:
    return app.screen.query_one(DeviceFlowWidget)


def text_of(app: QwenTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Plain).render())


def screen_text(app: QwenTuiApp) -> str:
    plain = [str(w.render()) for w in app.screen.query(Plain) if w.display]
    rows = [f"{row.label} {row.value}\n{row.source}" for row in app.screen.query(SourcedRow)]
    return "\n".join(plain + rows)


async def open_sign_in(pilot, server: DeviceServer) -> str:
    """Chooser → `1` → the sign-in screen waiting with a code; returns the server's user code."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ChooserScreen))
    await pilot.press("1")
    await until(pilot, lambda: isinstance(pilot.app.screen, OAuthSignInScreen), "the sign-in screen")
    code = await asyncio.to_thread(server.wait_for_user_code)
    await wait_until(pilot, lambda: widget(pilot.app).state is FlowState.WAITING)
    return code


# ---- success --------------------------------------------------------------------------------------------------

async def test_approve_signs_in_and_home_shows_qwen_oauth(device_server: DeviceServer, qwen_home: Path) -> None:
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        code = await open_sign_in(pilot, device_server)
        assert text_of(app, "#df-code").replace(" ", "") == code
        assert code in text_of(app, "#df-url")  # verification_uri_complete
        device_server.approve(code)
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.resolution.credential.present)
        await pilot.pause()
        text = screen_text(app)
        assert "qwen-oauth" in text
        assert "https://portal.qwen.ai/v1" in text           # API base from the token's resource_url
        expiry = await appeared(pilot, "#row-token-expiry")        # home recomposes as the sign-in resolves
        assert expiry.value.startswith("valid for ")                # the file's UTC time, said as people say it
        assert any("Signed in with Qwen OAuth" in n for n in notifications(app))
    creds_file = qwen_home / "oauth_creds.json"
    assert stat.S_IMODE(creds_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(creds_file.parent.stat().st_mode) == 0o700
    creds = Credentials.from_json_text(creds_file.read_text())
    assert creds is not None and creds.resource_url == "portal.qwen.ai"
    settings = json.loads((qwen_home / "settings.json").read_text())
    assert settings["security"]["auth"]["selectedType"] == "qwen-oauth"
    assert settings["model"]["name"] == "coder-model"
    assert device_server.too_fast_polls == 0


async def test_success_keeps_a_model_already_set(device_server: DeviceServer, qwen_home: Path) -> None:
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text('{"$version": 3, "model": {"name": "qwen3-coder-plus"}}')
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        code = await open_sign_in(pilot, device_server)
        device_server.approve(code)
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
    settings = json.loads((qwen_home / "settings.json").read_text())
    assert settings["model"]["name"] == "qwen3-coder-plus" and settings["$version"] == 3
    assert settings["security"]["auth"]["selectedType"] == "qwen-oauth"


# ---- failures and their keys ----------------------------------------------------------------------------------

async def test_denied_then_retry_gets_a_new_code(device_server: DeviceServer, qwen_home: Path) -> None:
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        first = await open_sign_in(pilot, device_server)
        device_server.deny(first)
        await wait_until(pilot, lambda: widget(app).state is FlowState.DENIED)
        assert "denied" in text_of(app, "#df-status")
        assert not app.screen.query_one("#df-live").display   # a dead code is not shown
        await pilot.press("r")
        await wait_until(pilot, lambda: widget(app).state is FlowState.WAITING)
        second = widget(app).issued.user_code
        assert second != first and len(device_server.device_requests()) == 2
        assert text_of(app, "#df-code").replace(" ", "") == second
    assert not (qwen_home / "oauth_creds.json").exists()


async def test_expired_code(device_server: DeviceServer, qwen_home: Path) -> None:
    device_server.set_mode("expired")
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_sign_in(pilot, device_server)
        await wait_until(pilot, lambda: widget(app).state is FlowState.EXPIRED)
        assert "expired" in text_of(app, "#df-status")
        assert "r to get a new code" in text_of(app, "#df-next")
    assert not (qwen_home / "oauth_creds.json").exists()


async def test_refusal_shows_the_servers_words_and_o_opens_the_openai_step(
    device_server: DeviceServer, qwen_home: Path
) -> None:
    device_server.set_mode("discontinued")
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ChooserScreen))
        await pilot.press("1")
        await wait_until(pilot, lambda: widget(app).state is FlowState.REFUSED)
        assert text_of(app, "#df-detail") == DISCONTINUED       # verbatim
        assert "Press o" in text_of(app, "#df-next") and "o" in app.screen.active_bindings
        assert not device_server.polls()
        await pilot.press("o")
        openai_step = type(next_step_screen(AuthMethod.OPENAI))
        assert type(app.screen) is openai_step and openai_step is not OAuthSignInScreen
        assert not any(isinstance(s, OAuthSignInScreen) for s in app.screen_stack)  # replaced, not stacked
    assert not (qwen_home / "settings.json").exists() or "selectedType" not in (qwen_home / "settings.json").read_text()


async def test_escape_cancels_and_no_poll_reaches_the_server_after(device_server: DeviceServer) -> None:
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_sign_in(pilot, device_server)
        await wait_until(pilot, lambda: len(device_server.polls()) >= 1)
        await pilot.press("escape")
        cancelled_at = time.monotonic()
        assert widget(app).state is FlowState.CANCELLED
        assert "cancelled" in text_of(app, "#df-status")
        polls = len(device_server.polls())
        await asyncio.sleep(2.5)                                 # more than two intervals
        assert len(device_server.polls()) == polls
        assert all(r.time <= cancelled_at for r in device_server.polls())
        assert widget(app).state is FlowState.CANCELLED
        await pilot.press("escape")                              # nothing running: Esc goes back
        await until(pilot, lambda: isinstance(app.screen, ChooserScreen), "ChooserScreen after the key")


async def test_slow_down_shows_the_new_interval(device_server: DeviceServer) -> None:
    device_server.set_mode("slow_down-429")
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_sign_in(pilot, device_server)
        await wait_until(pilot, lambda: widget(app).state is FlowState.SLOWED_DOWN)
        assert "every 6 s" in text_of(app, "#df-status")          # 1 s + the 5 s RFC 8628 step
        assert app.screen.query_one("#df-live").display          # the code stays on screen
        await pilot.press("escape")


async def test_c_copies_the_code_and_u_the_url_with_a_notification(device_server: DeviceServer) -> None:
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        code = await open_sign_in(pilot, device_server)
        await pilot.press("c")
        await until(pilot, lambda: bool(app.clipboard), "the code copied")   # a key is handled rounds later
        assert app.clipboard == code
        assert any(code in n and "(OSC 52)" in n for n in notifications(app))
        await pilot.press("u")
        await until(pilot, lambda: app.clipboard != code, "the URL copied")
        assert app.clipboard == widget(app).url and code in app.clipboard
        assert "b" not in app.screen.active_bindings             # NO_BROWSER=1: no "open browser" key
        await pilot.press("escape")


async def test_server_error_is_one_line_and_r_retries(device_server: DeviceServer) -> None:
    device_server.set_mode("500")
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ChooserScreen))
        await pilot.press("1")
        await wait_until(pilot, lambda: widget(app).state is FlowState.ERROR)
        assert "HTTP 500" in text_of(app, "#df-detail") and "\n" not in text_of(app, "#df-detail")
        assert "o" not in app.screen.active_bindings               # not a refusal: no OpenAI offer
        device_server.device_fault = None
        await pilot.press("r")
        await wait_until(pilot, lambda: widget(app).state is FlowState.WAITING)
        await pilot.press("escape")


# ---- layout at 80×24 ------------------------------------------------------------------------------------------

def _visible(app: QwenTuiApp, widget_id: str) -> bool:
    """The widget is on screen, inside the terminal, and nothing covers its first cell."""
    target = app.screen.query_one(widget_id)
    region = target.region
    width, height = app.size
    if not target.display or region.area == 0 or region.right > width or region.bottom > height:
        return False
    found, _ = app.screen.get_widget_at(region.x + 1, region.y)
    return found is target


async def test_code_always_visible_and_qr_inline_or_behind_v_at_80x24(device_server: DeviceServer) -> None:
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_sign_in(pilot, device_server)
        await pilot.pause()
        assert _visible(app, "#df-code")
        assert _visible(app, "#df-url")
        qr_inline = app.screen.query_one("#df-qr").display
        if qr_inline:
            assert _visible(app, "#df-qr-code")
            qr_code = app.screen.query_one("#df-qr-code", QrCode)
            assert qr_code.region.height == qr_code.cell_size[1]    # not clipped
        else:
            assert "press v" in text_of(app, "#df-countdown")
        await pilot.press("v")                                      # always available while a code is live
        await until(pilot, lambda: isinstance(app.screen, QrScreen), "QrScreen after the key")
        assert app.screen.query_one(QrCode).region.bottom <= SIZE[1]
        assert widget_code(app) in str(app.screen.query_one("#qr-modal-user-code", Plain).render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, OAuthSignInScreen), "OAuthSignInScreen after the key")


def widget_code(app: QwenTuiApp) -> str:
    for screen in app.screen_stack:
        if isinstance(screen, OAuthSignInScreen):
            return screen.query_one(DeviceFlowWidget).issued.user_code
    raise AssertionError("no sign-in screen")


async def test_small_terminal_hides_the_qr_behind_v_but_keeps_the_code(device_server: DeviceServer) -> None:
    app = real_app()
    async with app.run_test(size=(80, 16)) as pilot:
        await open_sign_in(pilot, device_server)
        await pilot.pause()
        assert not app.screen.query_one("#df-qr").display
        assert _visible(app, "#df-code") and _visible(app, "#df-countdown")
        assert "press v for the QR code" in text_of(app, "#df-countdown")
        await pilot.press("escape")


async def test_wide_terminal_shows_the_qr_inline(device_server: DeviceServer) -> None:
    app = real_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sign_in(pilot, device_server)
        await pilot.pause()
        assert _visible(app, "#df-qr-code") and _visible(app, "#df-code")
        assert "press v" not in text_of(app, "#df-countdown")
        await pilot.press("escape")


# ---- the QR renderer ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["https://chat.qwen.ai/authorize?user_code=ABCD1234&client=qwen-code", "x"])
def test_half_blocks_encode_every_module(text: str) -> None:
    matrix = qr_matrix(text)
    lines = half_block_lines(matrix)
    assert len(lines) == (len(matrix) + 1) // 2 and {len(line) for line in lines} == {len(matrix[0])}
    decoded: list[list[bool]] = []
    for line in lines:
        decoded.append([ch in "▀█" for ch in line])
        decoded.append([ch in "▄█" for ch in line])
    assert decoded[: len(matrix)] == matrix
    assert not any(decoded[len(matrix):][0]) if len(decoded) > len(matrix) else True


def test_real_qwen_url_qr_fits_beside_the_text_at_80x24() -> None:
    lines = half_block_lines(qr_matrix("https://chat.qwen.ai/authorize?user_code=ABCD1234&client=qwen-code"))
    assert len(lines) <= 19 and len(lines[0]) <= 80 - 36 - 3


# ---- signed-out state -----------------------------------------------------------------------------------------

def _signed_in_before(qwen_home: Path, server: DeviceServer, expires_in_s: float) -> None:
    """A Qwen OAuth sign-in made earlier (settings + credentials file) whose token expires in `expires_in_s`."""
    qwen_home.mkdir(mode=0o700)
    (qwen_home / "settings.json").write_text('{"security": {"auth": {"selectedType": "qwen-oauth"}}}')
    server.seed_refresh_token("rt-earlier-sign-in")
    creds = Credentials("at-earlier-sign-in", "rt-earlier-sign-in", "Bearer", "portal.qwen.ai",
                        int((time.time() + expires_in_s) * 1000))
    path = qwen_home / "oauth_creds.json"
    path.write_text(creds.to_json_text())
    path.chmod(0o600)


def home_app() -> QwenTuiApp:
    return QwenTuiApp(None, context=Context.current())


@pytest.mark.parametrize("mode", ["refresh-reject-400", "refresh-reject-401"])
async def test_rejected_refresh_signs_out_and_offers_to_sign_in_again(
    device_server: DeviceServer, qwen_home: Path, mode: str
) -> None:
    device_server.set_mode(mode)
    _signed_in_before(qwen_home, device_server, expires_in_s=10)   # inside the 30 s margin: refresh now
    app = home_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen)
                         and bool(app.screen.query("#signed-out")))
        banner = text_of(app, "#signed-out")
        assert "oauth_creds.json.invalid" in banner and "Press i to sign in again" in banner
        await wait_until(pilot, lambda: not app.resolution.credential.present)
        assert len(device_server.refreshes()) == 1
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, OAuthSignInScreen), "OAuthSignInScreen after the key")
        await wait_until(pilot, lambda: widget(app).state is FlowState.WAITING)
        await pilot.press("escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen), "HomeScreen after the key")
    assert (qwen_home / "oauth_creds.json.invalid").exists()
    assert not (qwen_home / "oauth_creds.json").exists()


async def test_a_valid_sign_in_is_checked_without_a_banner(device_server: DeviceServer, qwen_home: Path) -> None:
    _signed_in_before(qwen_home, device_server, expires_in_s=10)   # near expiry: refreshed silently
    app = home_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and bool(device_server.refreshes()))
        await workers_done(app)
        await pilot.pause()
        assert not app.screen.query("#signed-out")
        assert app.qwen_signed_out is None
        await pilot.press("i")                                   # no sign-in offer when signed in
        assert isinstance(app.screen, HomeScreen)
    creds = Credentials.from_json_text((qwen_home / "oauth_creds.json").read_text())
    assert creds is not None and creds.access_token != "at-earlier-sign-in"


async def test_language_switch_relabels_without_restarting_the_flow(device_server: DeviceServer) -> None:
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        code = await open_sign_in(pilot, device_server)
        app.change_language("fr")
        await pilot.pause()
        assert text_of(app, "#df-code-label") == "et saisissez ce code :"
        assert "En attente" in text_of(app, "#df-status")
        assert widget(app).issued.user_code == code and len(device_server.device_requests()) == 1
        await pilot.press("escape")


async def test_a_finished_sign_in_is_recorded_when_usage_statistics_were_chosen(
    device_server: DeviceServer, qwen_home: Path
) -> None:
    """Choosing Qwen OAuth on the chooser with usage statistics on opens the gate: the outcome is recorded."""
    from qwen_tui.core.telemetry.recorder import recorded_events

    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text('{"privacy": {"usageStatisticsEnabled": true}}')
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        code = await open_sign_in(pilot, device_server)
        device_server.approve(code)
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.resolution.credential.present)
        await workers_done(app)
    events = [event for event in recorded_events(dict(os.environ)) if event.name == "sign_in_finished"]
    assert [(event.fields["method"], event.fields["outcome"]) for event in events] == [("qwen-oauth", "success")]


async def test_choosing_qwen_oauth_while_openai_is_active_records_nothing(
    device_server: DeviceServer, qwen_home: Path
) -> None:
    """Usage statistics on, OpenAI-compatible active: picking Qwen OAuth and leaving the sign-in without
    success keeps the gate closed (it follows the method only once a sign-in is saved)."""
    from qwen_tui.core.telemetry.recorder import recorded_events

    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(
        '{"security": {"auth": {"selectedType": "openai"}}, "privacy": {"usageStatisticsEnabled": true}}')
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_sign_in(pilot, device_server)
        assert app.usage.verdict.open is False
        await pilot.press("escape")                   # cancel the flow
        await pilot.pause()
        await pilot.press("escape")                   # back to the chooser
        await pilot.pause()
        await pilot.press("escape")                   # home: OpenAI-compatible is still active
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.resolution.auth_type.value == "openai"
        assert app.usage.verdict.open is False
    assert recorded_events(dict(os.environ)) == []


async def test_leaving_the_sign_in_while_it_saves_still_updates_the_app(
    device_server: DeviceServer, qwen_home: Path
) -> None:
    app = real_app()
    async with app.run_test(size=SIZE) as pilot:
        code = await open_sign_in(pilot, device_server)
        qwen_home.mkdir(exist_ok=True)
        lock = qwen_home / "oauth_creds.lock"
        lock.write_text("held by Qwen Code")          # the save waits for the credentials lock
        device_server.approve(code)
        await wait_until(pilot, lambda: widget(app).state is FlowState.SAVING)
        await pilot.press("escape")                   # the user leaves while it saves
        await pilot.pause()
        assert isinstance(app.screen, ChooserScreen)
        lock.unlink()
        await wait_until(pilot, lambda: app.resolution.auth_type.value == "qwen-oauth"
                         and app.resolution.credential.present)

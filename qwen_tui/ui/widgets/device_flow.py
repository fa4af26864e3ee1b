"""The Qwen OAuth device-flow widget (RFC 8628): URL, user code, QR code, countdown, and the flow's state.

The flow runs in an async worker (`group="device-flow"`) that consumes `DeviceFlow` events and only posts
them back as messages; cancelling the worker stops polling at once. On success the worker saves the sign-in
(`finish_sign_in`, in a thread) and the widget posts `DeviceFlowWidget.SignedIn` for its host screen.
The states and what each says: ui/widgets/device_flow_states.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from qwen_tui.core.i18n import t
from qwen_tui.core.oauth import device_flow as flow
from qwen_tui.core.oauth import protocol
from qwen_tui.core.oauth.browser import can_open_browser
from qwen_tui.core.oauth.signin import SignedIn as SavedSignIn
from qwen_tui.core.oauth.signin import SignInError, finish_sign_in
from qwen_tui.core.sanitize import clean
from qwen_tui.ui.describe import tilde
from qwen_tui.ui.widgets.device_flow_states import (
    CODE_STATES,
    POLLING_STATES,
    RETRY_STATES,
    SPINNER,
    FlowState,
    format_remaining,
    next_text,
    status_text,
)
from qwen_tui.ui.widgets.plain import Plain
from qwen_tui.ui.widgets.qr import QrCode, QrScreen

if TYPE_CHECKING:
    from textual.app import App

    from qwen_tui.core.context import Context
    from qwen_tui.core.oauth.credentials import Credentials

FlowFactory = Callable[[Mapping[str, str]], AsyncGenerator[flow.Event, None]]
TICK_S = 0.125
MIN_INFO_WIDTH = 36  # columns the URL / code column needs beside an inline QR code
URL_LIMIT = 2500     # characters of a verification URL shown (a usable URL is far shorter)


def default_flow(env: Mapping[str, str]) -> AsyncGenerator[flow.Event, None]:
    return flow.DeviceFlow(env).run()


class DeviceFlowWidget(Widget, can_focus=True):
    DEFAULT_CSS = """
    DeviceFlowWidget { height: 1fr; layout: horizontal; }
    DeviceFlowWidget > #df-info { width: 1fr; height: auto; }
    DeviceFlowWidget > #df-qr { width: auto; height: auto; margin-left: 1; }
    DeviceFlowWidget #df-status { text-style: bold; }
    DeviceFlowWidget #df-detail { color: $text-muted; }
    DeviceFlowWidget #df-detail.-refused { color: $text; text-style: bold; border-left: thick $error;
                                          padding-left: 1; }
    DeviceFlowWidget #df-detail.-success { color: $success; }
    DeviceFlowWidget #df-live { height: auto; }
    DeviceFlowWidget .df-label { margin-top: 1; }
    DeviceFlowWidget #df-code { width: auto; border: heavy $accent; padding: 0 2; text-style: bold;
                                color: $text; }
    DeviceFlowWidget #df-countdown { color: $text-muted; }
    DeviceFlowWidget #df-next { margin-top: 1; color: $text-muted; }
    DeviceFlowWidget.-done #df-status { color: $success; }
    DeviceFlowWidget.-failed #df-status { color: $error; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "signin.binding.cancel", id="device_flow.cancel"),
        Binding("r", "retry", "signin.binding.retry", id="device_flow.retry"),
        Binding("c", "copy_code", "signin.binding.copy_code", id="device_flow.copy_code"),
        Binding("u", "copy_url", "signin.binding.copy_url", id="device_flow.copy_url"),
        Binding("b", "open_browser", "signin.binding.open_browser", id="device_flow.open_browser"),
        Binding("v", "show_qr", "signin.binding.qr", id="device_flow.qr"),
        Binding("o", "use_openai", "signin.binding.use_openai", id="device_flow.use_openai"),
    ]

    class SignedIn(Message):
        """The sign-in succeeded and was saved (credentials stored, settings select Qwen OAuth)."""

        def __init__(self, result: SavedSignIn) -> None:
            super().__init__()
            self.result = result

    class UseOpenAI(Message):
        """The user asked for the OpenAI-compatible setup instead (offered when the server refuses)."""

    class Finished(Message):
        """The flow reached an end state (success or any of RETRY_STATES) after `seconds`."""

        def __init__(self, state: FlowState, seconds: float) -> None:
            super().__init__()
            self.state = state
            self.seconds = seconds

    class _FlowEvent(Message):
        def __init__(self, run: int, event: flow.Event) -> None:
            super().__init__()
            self.run = run
            self.event = event

    class _Saved(Message):
        def __init__(self, run: int, result: SavedSignIn | None, error: str | None) -> None:
            super().__init__()
            self.run = run
            self.result = result
            self.error = error

    def __init__(self, context: Context, *, flow_factory: FlowFactory = default_flow,
                 clock: Callable[[], float] = time.time, animate: bool = True, open_browser: bool = True,
                 on_saved: Callable[[], None] | None = None, id: str | None = None) -> None:
        """`clock` (epoch seconds) drives the countdown; `animate=False` freezes the spinner (snapshots)."""
        super().__init__(id=id)
        self.context = context   # where the sign-in is saved; its environment names the server
        self._flow_factory = flow_factory
        self._clock = clock
        self._spin = animate  # not `_animate`: that is Textual's animator on every widget
        self._open_browser = open_browser
        self._on_saved = on_saved
        self.state = FlowState.REQUESTING
        self._started = time.monotonic()
        self.issued: flow.DeviceCodeIssued | None = None
        self.interval: float | None = None
        self.detail = ""
        self._run = 0
        self._frame = 0
        self._qr_fits = True

    @property
    def env(self) -> Mapping[str, str]:
        return self.context.env

    @property
    def url(self) -> str | None:
        """The verification URL as shown, copied and encoded: the server's text, sanitised (a real URL has
        no control characters, so it is unchanged)."""
        if self.issued is None:
            return None
        return clean(self.issued.verification_uri_complete or self.issued.verification_uri, limit=URL_LIMIT)

    # ---- layout -------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="df-info"):
            yield Plain(id="df-status")
            yield Plain(id="df-detail")
            with Vertical(id="df-live"):
                yield Plain(t("signin.open_url"), id="df-url-label", classes="df-label")
                yield Plain(id="df-url")
                yield Plain(t("signin.enter_code"), id="df-code-label", classes="df-label")
                yield Plain(id="df-code")
                yield Plain(id="df-countdown")
            yield Plain(id="df-next")
        with Vertical(id="df-qr"):
            yield QrCode(id="df-qr-code")

    def on_mount(self) -> None:
        if self._spin:
            self.set_interval(TICK_S, self._tick)
        self.start()

    def on_resize(self) -> None:
        self._place_qr()

    def relabel(self) -> None:
        """Re-translate every text in place (rebuilding would restart the flow with a new code)."""
        self.query_one("#df-url-label", Plain).update(t("signin.open_url"))
        self.query_one("#df-code-label", Plain).update(t("signin.enter_code"))
        self._refresh_text()

    # ---- actions --------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start (or restart) the flow with a fresh device code."""
        self._run += 1
        self.issued = None
        self.interval = None
        self.detail = ""
        self._started = time.monotonic()
        self._set_state(FlowState.REQUESTING)
        self._run_flow(self._run)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the key and lets it reach the screen (Esc goes back once nothing is running).
        match action:
            case "cancel":
                return self.state in POLLING_STATES
            case "retry":
                return self.state in RETRY_STATES
            case "copy_code" | "copy_url":
                return self.state in CODE_STATES
            case "show_qr":
                return self.state in CODE_STATES and bool(self.query_one("#df-qr-code", QrCode).lines)
            case "open_browser":
                return self.state in CODE_STATES and can_open_browser(self.env)
            case "use_openai":
                return self.state is FlowState.REFUSED
        return True

    def action_cancel(self) -> None:
        self._run += 1  # messages still queued from the cancelled run are ignored
        self.workers.cancel_group(self, "device-flow")
        self.detail = ""
        self._set_state(FlowState.CANCELLED)

    def action_retry(self) -> None:
        self.start()

    def action_copy_code(self) -> None:
        if self.issued is not None:
            code = clean(self.issued.user_code)
            self.app.copy_to_clipboard(code)
            self.notify(t("signin.copied_code", code=code))

    def action_copy_url(self) -> None:
        if self.url is not None:
            self.app.copy_to_clipboard(self.url)
            self.notify(t("signin.copied_url", url=self.url))

    def action_open_browser(self) -> None:
        if self.url is not None:
            self._open_in_browser(self.url)

    def action_show_qr(self) -> None:
        if self.url is not None and self.issued is not None:
            self.app.push_screen(QrScreen(self.url, self.issued.user_code))

    def action_use_openai(self) -> None:
        self.post_message(self.UseOpenAI())

    # ---- workers (network and disk only here) ----------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="device-flow")
    async def _run_flow(self, run: int) -> None:
        async with contextlib.aclosing(self._flow_factory(self.env)) as events:
            async for event in events:
                self.post_message(self._FlowEvent(run, event))
                if isinstance(event, flow.Success):
                    try:
                        saved = await asyncio.to_thread(_save_sign_in, event.credentials, self.context,
                                                        self.app, self._on_saved)
                    except SignInError as exc:
                        self.post_message(self._Saved(run, None, str(exc)))
                    else:
                        self.post_message(self._Saved(run, saved, None))

    @work(thread=True, exit_on_error=False, group="device-flow-browser")
    def _open_in_browser(self, url: str) -> None:
        from qwen_tui.core.oauth.browser import open_url

        if open_url(url, self.env):
            self.app.call_from_thread(self.notify, t("signin.browser_opened"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # An unexpected exception in the flow ends it as an error with one line, never a traceback.
        if event.worker.group == "device-flow" and event.state is WorkerState.ERROR:
            error = event.worker.error
            if self.state in POLLING_STATES or self.state is FlowState.SAVING:
                self.detail = t("signin.error_detail", reason=f"{type(error).__name__}: {error}".splitlines()[0])
                self._set_state(FlowState.ERROR)

    # ---- events → state -------------------------------------------------------------------------------------

    @on(_FlowEvent)
    def _flow_event(self, message: _FlowEvent) -> None:
        message.stop()
        if message.run != self._run:
            return
        event = message.event
        if isinstance(event, flow.DeviceCodeIssued):
            self.issued = event
            self.interval = event.interval
            self._show_code()
            self._set_state(FlowState.WAITING)
            if self._open_browser and can_open_browser(self.env):
                self._open_in_browser(self.url or event.verification_uri)
        elif isinstance(event, flow.Polling):
            self.detail = ""
            self._refresh_text()
        elif isinstance(event, flow.SlowedDown):
            self.interval = event.new_interval
            self._set_state(FlowState.SLOWED_DOWN)
        elif isinstance(event, flow.NetworkRetry):
            self.detail = t("signin.network_retry", reason=event.reason, seconds=f"{event.delay:g}")
            self._refresh_text()
        elif isinstance(event, flow.Success):
            self._set_state(FlowState.SAVING)
        elif isinstance(event, flow.Denied):
            self._set_state(FlowState.DENIED)
        elif isinstance(event, flow.Expired):
            self._set_state(FlowState.EXPIRED)
        elif isinstance(event, flow.Refused):
            # Shown verbatim: this is where qwen.ai says why (e.g. the end of the free tier).
            self.detail = event.error_description or event.error
            self._set_state(FlowState.REFUSED)
        elif isinstance(event, flow.Failed):
            self.detail = event.reason
            self._set_state(FlowState.ERROR)

    @on(_Saved)
    def _saved(self, message: _Saved) -> None:
        message.stop()
        if message.run != self._run:
            return
        if message.result is None:
            self.detail = message.error or ""
            self._set_state(FlowState.ERROR)
            return
        result = message.result
        self.detail = t("signin.success_detail", location=tilde(result.location, self.env),
                        expiry=_utc_time(result.expiry_date), api_base=result.api_base)
        if result.warning:
            self.detail += "\n" + result.warning
        self._set_state(FlowState.SUCCESS)
        self.post_message(self.SignedIn(result))

    # ---- rendering ------------------------------------------------------------------------------------------

    def _set_state(self, state: FlowState) -> None:
        if state is not self.state and (state is FlowState.SUCCESS or state in RETRY_STATES):
            self.post_message(self.Finished(state, time.monotonic() - self._started))
        self.state = state
        self.set_class(state is FlowState.SUCCESS, "-done")
        self.set_class(state in RETRY_STATES, "-failed")
        self.query_one("#df-live").display = state in CODE_STATES
        detail = self.query_one("#df-detail", Plain)
        detail.set_class(state is FlowState.REFUSED, "-refused")
        detail.set_class(state is FlowState.SUCCESS, "-success")
        self._place_qr()
        self._refresh_text()
        self.refresh_bindings()

    def _status_text(self) -> str:
        host = urlsplit(protocol.base_url(self.env)).netloc
        text = status_text(self.state, self.interval, host)
        if self.state in POLLING_STATES or self.state is FlowState.SAVING:
            return f"{SPINNER[self._frame % len(SPINNER)]} {text}"
        return text

    def _refresh_text(self) -> None:
        self.query_one("#df-status", Plain).update(self._status_text())
        detail = self.query_one("#df-detail", Plain)
        detail.update(self.detail)
        detail.display = bool(self.detail)
        next_step = self.query_one("#df-next", Plain)
        next_step.update(next_text(self.state))
        next_step.display = bool(next_text(self.state))
        self._update_countdown()

    def _update_countdown(self) -> None:
        if self.issued is not None and self.state in CODE_STATES:
            remaining = self.issued.expires_at - self._clock()
            text = t("signin.countdown", time=format_remaining(remaining)) if remaining > 0 \
                else t("signin.countdown.over")
            if not self._qr_fits:  # on the same line, so it shows even when height is short
                text += " · " + t("signin.qr.hidden")
            self.query_one("#df-countdown", Plain).update(text)

    def _show_code(self) -> None:
        assert self.issued is not None and self.url is not None
        url = self.url
        # A Style object, not a style string: a URL is never parsed as style syntax.
        self.query_one("#df-url", Plain).update(Content.styled(url, Style(underline=True, link=url)))
        self.query_one("#df-code", Plain).update(" ".join(self.issued.user_code))
        # A QR code only of the server's very URL: not of one cut short or with characters escaped.
        raw = self.issued.verification_uri_complete or self.issued.verification_uri
        self.query_one("#df-qr-code", QrCode).encode(url if url == raw else "")

    def _place_qr(self) -> None:
        """Inline QR code only when it fits beside the text; otherwise `v` shows it on its own."""
        if not self.is_mounted:
            return
        panel = self.query_one("#df-qr", Vertical)
        code = self.query_one("#df-qr-code", QrCode)
        live = self.state in CODE_STATES and bool(code.lines)
        if live:
            columns, rows = code.cell_size
            self._qr_fits = rows <= self.size.height and self.size.width - columns - 1 >= MIN_INFO_WIDTH
        elif not code.lines:   # no code at all (the URL is too long for one): no "press v" either
            self._qr_fits = True
        panel.display = live and self._qr_fits
        self._update_countdown()

    def _tick(self) -> None:
        if self.state in POLLING_STATES or self.state is FlowState.SAVING:
            self._frame += 1
            self.query_one("#df-status", Plain).update(self._status_text())
            self._update_countdown()


def _save_sign_in(credentials: Credentials, context: Context, app: App[Any],
                  on_saved: Callable[[], None] | None) -> SavedSignIn:
    """Save the sign-in, then call `on_saved` on the app's thread at once: the app follows the new configuration
    even when the user left the sign-in screen while it was saving (its messages would be lost then)."""
    saved = finish_sign_in(credentials, context)
    if on_saved is not None:
        with contextlib.suppress(RuntimeError):   # the app is closing: nothing left to refresh
            app.call_from_thread(on_saved)
    return saved


def _utc_time(epoch_ms: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(epoch_ms / 1000))

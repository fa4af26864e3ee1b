"""Sign in with Qwen OAuth: the device-flow widget under an honest note about the end of the free tier.

On success the app selects Qwen OAuth and shows the home screen; when qwen.ai refuses, `o` leads to the
OpenAI-compatible setup instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from qwen_tui.core.i18n import t
from qwen_tui.core.methods import QWEN_OAUTH_FREE_TIER_END
from qwen_tui.resources import stylesheet
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.device_flow import DeviceFlowWidget, FlowFactory, default_flow
from qwen_tui.ui.widgets.device_flow_states import FlowState
from qwen_tui.ui.widgets.footer import Footer
from qwen_tui.ui.widgets.plain import Plain


class OAuthSignInScreen(QwenScreen):
    CSS_PATH = stylesheet("oauth_signin")
    BINDINGS = [Binding("escape", "back", "app.binding.back", id="oauth_signin.back")]

    def __init__(self, *, flow_factory: FlowFactory = default_flow, clock: Callable[[], float] | None = None,
                 animate: bool = True) -> None:
        """The keyword arguments exist for tests and snapshots (a scripted flow, a frozen clock)."""
        super().__init__(name="oauth_signin")
        self._flow_factory = flow_factory
        self._clock = clock
        self._animate_flow = animate

    def compose(self) -> ComposeResult:
        yield Plain(t("signin.title"), id="signin-title", classes="title")
        yield Plain(t("method.qwen_oauth.shutdown", date=QWEN_OAUTH_FREE_TIER_END), id="signin-shutdown",
                    classes="warning")
        yield DeviceFlowWidget(self.app.context, flow_factory=self._flow_factory, clock=self._clock or time.time,
                               animate=self._animate_flow, on_saved=self.app.sign_in_saved, id="device-flow")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeviceFlowWidget).focus()

    async def relabel(self) -> None:
        # Not recomposed: rebuilding the widget would restart the flow with a new code.
        self.query_one("#signin-title", Plain).update(t("signin.title"))
        self.query_one("#signin-shutdown", Plain).update(t("method.qwen_oauth.shutdown", date=QWEN_OAUTH_FREE_TIER_END))
        self.query_one(DeviceFlowWidget).relabel()
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(DeviceFlowWidget.SignedIn)
    def signed_in(self) -> None:
        self.app.qwen_oauth_signed_in()

    @on(DeviceFlowWidget.Finished)
    def record_outcome(self, message: DeviceFlowWidget.Finished) -> None:
        from qwen_tui.core.telemetry.names import DurationBucket, EventName, Method, SignInOutcome

        outcome = {FlowState.SUCCESS: SignInOutcome.SUCCESS, FlowState.DENIED: SignInOutcome.DENIED,
                   FlowState.EXPIRED: SignInOutcome.EXPIRED, FlowState.CANCELLED: SignInOutcome.CANCELLED}
        usage = self.app.usage
        # A success makes Qwen OAuth the active method: it is recorded once the app has resolved again and the
        # gate follows the new method; any other outcome is judged by the gate as it is now.
        record = usage.record_after_resolve if message.state is FlowState.SUCCESS else usage.record
        record(EventName.SIGN_IN_FINISHED, method=Method.QWEN_OAUTH,
               outcome=outcome.get(message.state, SignInOutcome.FAILED), duration=DurationBucket.of(message.seconds))

    @on(DeviceFlowWidget.UseOpenAI)
    def use_openai(self) -> None:
        self.app.open_openai_form()

"""The sign-in screen's states at 80×24, with the spinner and the countdown frozen.

A real device server issues random user codes on random ports, so these snapshots replay fixed
DeviceFlow events instead (the behaviour against the real server is in test_device_flow_widget.py).
Saving on success is real (finish_sign_in in the isolated HOME).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping

import pytest
from ui_helpers import resolution

from qwen_tui.core.context import Context
from qwen_tui.core.oauth import device_flow as flow
from qwen_tui.core.oauth.credentials import Credentials
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.chooser import ChooserScreen
from qwen_tui.ui.screens.oauth_signin import OAuthSignInScreen
from qwen_tui.ui.widgets.device_flow import DeviceFlowWidget
from qwen_tui.ui.widgets.device_flow_states import FlowState
from tests.servers.device_server import DISCONTINUED

FROZEN = 1_800_000_000.0  # 2027-01-15 08:00 UTC
ISSUED = flow.DeviceCodeIssued(
    user_code="WDJB-MJHT",
    verification_uri="https://chat.qwen.ai/authorize",
    verification_uri_complete="https://chat.qwen.ai/authorize?user_code=WDJB-MJHT&client=qwen-code",
    expires_at=FROZEN + 598,
    interval=5,
)
CREDS = Credentials("at-snapshot-token", "rt-snapshot-token", "Bearer", "portal.qwen.ai", int((FROZEN + 3600) * 1000))

SCRIPTS: dict[str, tuple[list[flow.Event], FlowState]] = {
    "waiting": ([ISSUED], FlowState.WAITING),
    "slowed_down": ([ISSUED, flow.Polling(1), flow.SlowedDown(10)], FlowState.SLOWED_DOWN),
    "success": ([ISSUED, flow.Polling(1), flow.Success(CREDS)], FlowState.SUCCESS),
    "denied": ([ISSUED, flow.Polling(1), flow.Denied()], FlowState.DENIED),
    "refused": ([flow.Refused("access_denied", DISCONTINUED)], FlowState.REFUSED),
}


def scripted(events: list[flow.Event]):
    async def run(env: Mapping[str, str]) -> AsyncIterator[flow.Event]:
        for event in events:
            yield event
        if not isinstance(event, flow.Result):
            await asyncio.Event().wait()  # still polling: wait until cancelled
    return run


class StayOnSignIn(QwenTuiApp):
    """Keeps the success state on screen (the real app moves on to home at once)."""

    def qwen_oauth_signed_in(self) -> None:
        pass


@pytest.mark.parametrize("state", sorted(SCRIPTS))
def test_signin_state_snapshot(snap_compare, state: str) -> None:
    events, expected = SCRIPTS[state]
    fixed = resolution()
    app = StayOnSignIn("auth", context=Context.current(), resolver=lambda context: fixed)

    async def run_before(pilot) -> None:
        while not isinstance(pilot.app.screen, ChooserScreen):
            await pilot.pause(0.02)
        pilot.app.push_screen(OAuthSignInScreen(flow_factory=scripted(events), clock=lambda: FROZEN, animate=False))
        for _ in range(200):
            await pilot.pause(0.02)
            widgets = pilot.app.screen.query(DeviceFlowWidget)
            if widgets and widgets.first().state is expected:
                break
        assert pilot.app.screen.query_one(DeviceFlowWidget).state is expected
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)

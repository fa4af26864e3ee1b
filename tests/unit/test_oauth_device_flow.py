"""The device flow client against the real loopback RFC 8628 server (1 s interval to keep tests quick)."""

from __future__ import annotations

import asyncio
import os
import re
import time
import uuid
from collections.abc import Callable

import pytest

from qwen_tui.core.oauth import device_flow as flow
from qwen_tui.core.oauth.device_flow import DeviceFlow
from tests.servers.device_server import DISCONTINUED, DeviceServer, closed_port_url, s256

MARGIN = 0.05  # timer granularity; the protocol's lower bounds are asserted, upper bounds only loosely


async def run(flow_: DeviceFlow, on_event: Callable[[flow.Event], None] | None = None) -> list[flow.Event]:
    events: list[flow.Event] = []
    async for event in flow_.run():
        events.append(event)
        if on_event is not None:
            on_event(event)
    return events


def approve_on_poll(server: DeviceServer, attempt: int) -> Callable[[flow.Event], None]:
    """Approve just before poll number `attempt` is sent (the Polling event precedes its request)."""

    def on_event(event: flow.Event) -> None:
        if isinstance(event, flow.Polling) and event.attempt == attempt:
            server.approve()

    return on_event


def kinds(events: list[flow.Event]) -> list[str]:
    return [type(event).__name__ for event in events]


async def test_success_after_pending_sends_qwen_wire_format(device_server: DeviceServer) -> None:
    events = await run(DeviceFlow(os.environ), approve_on_poll(device_server, 2))

    assert kinds(events) == ["DeviceCodeIssued", "Polling", "Polling", "Success"]
    issued = events[0]
    assert isinstance(issued, flow.DeviceCodeIssued)
    assert issued.interval == 1
    assert issued.verification_uri == f"{device_server.url}/authorize"
    assert issued.verification_uri_complete.endswith(f"user_code={issued.user_code}")
    assert 590 < issued.expires_at - time.time() <= 600

    [device] = device_server.device_requests()
    assert device.headers["accept"] == "application/json"
    assert device.headers["content-type"] == "application/x-www-form-urlencoded"
    assert uuid.UUID(device.headers["x-request-id"]).version == 4
    assert device.form["client_id"] == "f0304373b74a44d2b584a3fb70ca9e56"
    assert device.form["scope"] == "openid profile email model.completion"
    assert device.form["code_challenge_method"] == "S256"

    polls = device_server.polls()
    assert [p.status for p in polls] == [400, 200]
    verifier = polls[0].form["code_verifier"]
    assert len(verifier) == 43 and s256(verifier) == device.form["code_challenge"]
    assert all(p.headers["accept"] == "application/json" for p in polls)
    assert polls[0].time - device.time >= 1 - MARGIN
    assert polls[1].time - polls[0].time >= 1 - MARGIN
    assert device_server.too_fast_polls == 0

    creds = events[-1].credentials
    assert creds.access_token.startswith("at-") and creds.refresh_token.startswith("rt-")
    assert creds.token_type == "Bearer" and creds.resource_url == "portal.qwen.ai"
    assert abs(creds.expiry_date - (time.time() + 3600) * 1000) < 10_000


async def test_interval_defaults_to_five_seconds_when_absent(device_server: DeviceServer) -> None:
    device_server.interval = None
    stream = DeviceFlow(os.environ).run()
    issued = await anext(stream)
    assert isinstance(issued, flow.DeviceCodeIssued) and issued.interval == 5
    task = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(2.0)
    assert device_server.polls() == []  # still inside the 5 s wait
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_slow_down_as_429_adds_five_seconds_to_every_later_wait(device_server: DeviceServer) -> None:
    device_server.slow_down_polls = 1
    device_server.slow_down_status = 429
    events = await run(DeviceFlow(os.environ), approve_on_poll(device_server, 2))

    assert kinds(events) == ["DeviceCodeIssued", "Polling", "SlowedDown", "Polling", "Success"]
    assert events[2] == flow.SlowedDown(new_interval=6)
    polls = device_server.polls()
    assert [p.status for p in polls] == [429, 200]
    assert polls[1].time - polls[0].time >= 6 - MARGIN
    assert device_server.too_fast_polls == 0


async def test_slow_down_as_400_and_the_step_stays_for_later_polls(device_server: DeviceServer) -> None:
    # The step is a constructor parameter (RFC default 5 s); a shorter one keeps this test quick.
    device_server.slow_down_polls = 1
    device_server.slow_down_status = 400
    events = await run(DeviceFlow(os.environ, slow_down_step=0.75), approve_on_poll(device_server, 3))

    assert events[2] == flow.SlowedDown(new_interval=1.75)
    assert kinds(events)[-1] == "Success"
    polls = device_server.polls()
    assert [p.status for p in polls] == [400, 400, 200]
    assert polls[1].time - polls[0].time >= 1.75 - MARGIN
    assert polls[2].time - polls[1].time >= 1.75 - MARGIN  # a pending answer does not undo the slow-down


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("denied", flow.Denied()),
        ("expired", flow.Expired()),
        ("unknown", flow.Refused("server_busy", "Try a different region.")),
    ],
)
async def test_terminal_errors_stop_polling_at_once(
    device_server: DeviceServer, fault: str, expected: flow.Event
) -> None:
    device_server.poll_fault = fault
    events = await run(DeviceFlow(os.environ))
    assert events[-1] == expected
    assert len(device_server.polls()) == 1
    await asyncio.sleep(1.5)  # more than an interval: nothing else arrives
    assert len(device_server.polls()) == 1


async def test_denial_by_the_user_hook(device_server: DeviceServer) -> None:
    def deny_on_first_poll(event: flow.Event) -> None:
        if isinstance(event, flow.Polling):
            device_server.deny(device_server.wait_for_user_code())

    events = await run(DeviceFlow(os.environ), deny_on_first_poll)
    assert events[-1] == flow.Denied()


@pytest.mark.parametrize("fault", ["500", "malformed"])
async def test_broken_poll_answers_fail_with_one_line(device_server: DeviceServer, fault: str) -> None:
    device_server.poll_fault = fault
    events = await run(DeviceFlow(os.environ))
    result = events[-1]
    assert isinstance(result, flow.Failed) and "\n" not in result.reason
    assert ("500" in result.reason) == (fault == "500")
    assert len(device_server.polls()) == 1


class VirtualTime:
    """The flow's clock and sleep, moving only when the flow sleeps: what a test sees of the flow's timing is then
    the flow's own decisions, whatever the machine's load (the HTTP requests still go to the real server)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)  # still a suspension point, as the real sleep is


async def run_until_expiry(server: DeviceServer, expires_in: float) -> tuple[list[tuple[float, flow.Event]], float]:
    """The flow against a server that never says expired_token, on a virtual clock: (time, event) pairs and the
    time the device code was issued."""
    server.expires_in = expires_in
    server.report_expiry = False  # the client must stop alone
    clock = VirtualTime()
    server.clock = clock  # requests are stamped on the flow's clock
    timeline: list[tuple[float, flow.Event]] = []
    async for event in DeviceFlow(os.environ, clock=clock, sleep=clock.sleep).run():
        timeline.append((clock(), event))
        if clock() > 1000.0 + 60:  # long past the code's life: a flow that never stops fails here, not hangs
            break
    return timeline, server.device_requests()[0].time


async def test_stops_by_itself_at_expires_in(device_server: DeviceServer) -> None:
    timeline, issued_at = await run_until_expiry(device_server, 2.5)
    assert kinds([event for _, event in timeline]) == ["DeviceCodeIssued", "Polling", "Polling", "Expired"]
    # Polled every second while the code lived, never after it died ...
    assert [p.time - issued_at for p in device_server.polls()] == [1.0, 2.0]
    # ... and stopped exactly when it died: not at the last poll, not an interval later.
    assert timeline[-1] == (issued_at + 2.5, flow.Expired())


async def test_no_poll_leaves_at_the_instant_the_code_dies(device_server: DeviceServer) -> None:
    timeline, issued_at = await run_until_expiry(device_server, 2.0)  # the second poll would be due at +2 s
    assert [p.time - issued_at for p in device_server.polls()] == [1.0]
    assert timeline[-1] == (issued_at + 2.0, flow.Expired())


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("discontinued", flow.Refused("access_denied", DISCONTINUED)),
        ("refused", flow.Refused("unauthorized_client", "client not allowed")),
        ("403", flow.Refused("http_403", "Forbidden by policy")),
    ],
)
async def test_refused_device_request_carries_the_servers_words(
    device_server: DeviceServer, fault: str, expected: flow.Event
) -> None:
    device_server.device_fault = fault
    assert await run(DeviceFlow(os.environ)) == [expected]
    assert device_server.polls() == []


@pytest.mark.parametrize("fault", ["500", "malformed", "hang"])
async def test_broken_device_answers_fail(device_server: DeviceServer, fault: str) -> None:
    device_server.device_fault = fault
    [result] = await run(DeviceFlow(os.environ, request_timeout=0.5))
    assert isinstance(result, flow.Failed) and "\n" not in result.reason


async def test_refused_connection_fails_with_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    url = closed_port_url()
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", url)
    [result] = await run(DeviceFlow(os.environ))
    assert isinstance(result, flow.Failed) and url in result.reason


async def test_proxy_settings_from_the_environment_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    # trust_env must stay on: with HTTPS_PROXY pointing at a dead port, a remote request goes there and fails.
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", "https://chat.qwen.example")
    monkeypatch.setenv("HTTPS_PROXY", closed_port_url())
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    [result] = await run(DeviceFlow(os.environ))
    assert isinstance(result, flow.Failed)


async def test_a_loopback_server_is_reached_without_the_proxy(
    device_server: DeviceServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: a proxy must not receive what is meant for this machine (it would travel in clear to it)."""
    monkeypatch.setenv("HTTP_PROXY", closed_port_url())
    monkeypatch.setenv("ALL_PROXY", closed_port_url())
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    stream = DeviceFlow(os.environ).run()
    assert isinstance(await anext(stream), flow.DeviceCodeIssued)
    await stream.aclose()
    assert len(device_server.device_requests()) == 1


async def test_timeouts_back_off_exponentially_then_recover(device_server: DeviceServer) -> None:
    device_server.hang_polls = 2
    events = await run(DeviceFlow(os.environ, request_timeout=0.5), approve_on_poll(device_server, 3))

    retries = [e for e in events if isinstance(e, flow.NetworkRetry)]
    assert [r.delay for r in retries] == [1, 2]
    assert all("Timeout" in r.reason for r in retries)
    assert kinds(events)[-1] == "Success"
    polls = device_server.polls()
    assert len(polls) == 3
    assert polls[1].time - polls[0].time >= 0.5 + 1 - MARGIN
    assert polls[2].time - polls[1].time >= 0.5 + 2 - MARGIN


async def test_connection_errors_while_polling_back_off(device_server: DeviceServer) -> None:
    stream = DeviceFlow(os.environ).run()
    assert isinstance(await anext(stream), flow.DeviceCodeIssued)
    device_server.stop()  # the server goes away: connections are now refused
    seen = [await anext(stream) for _ in range(4)]
    await stream.aclose()
    assert kinds(seen) == ["Polling", "NetworkRetry", "Polling", "NetworkRetry"]
    assert [seen[1].delay, seen[3].delay] == [1, 2]
    assert "Connect" in seen[3].reason  # the first may be the kept-alive connection being dropped


async def test_cancel_while_waiting_sends_no_poll(device_server: DeviceServer) -> None:
    issued = asyncio.Event()

    async def consume() -> None:
        async for event in DeviceFlow(os.environ).run():
            if isinstance(event, flow.DeviceCodeIssued):
                issued.set()

    task = asyncio.create_task(consume())
    await issued.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(1.5)
    assert device_server.polls() == []


async def test_cancel_after_a_poll_sends_no_more(device_server: DeviceServer) -> None:
    polled = asyncio.Event()

    async def consume() -> None:
        async for event in DeviceFlow(os.environ).run():
            if isinstance(event, flow.Polling):
                polled.set()

    task = asyncio.create_task(consume())
    await polled.wait()
    await asyncio.sleep(0.3)  # the first poll has been answered (pending)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(1.8)
    assert len(device_server.polls()) == 1


def test_pkce_verifier_and_challenge() -> None:
    verifiers = {flow.new_code_verifier() for _ in range(20)}
    assert len(verifiers) == 20
    for verifier in verifiers:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", verifier)
        assert flow.code_challenge(verifier) == s256(verifier)


def test_base_url_comes_from_the_environment() -> None:
    assert DeviceFlow({}).base_url == "https://chat.qwen.ai"
    assert DeviceFlow({"QWEN_OAUTH_BASE_URL": "http://127.0.0.1:9/"}).base_url == "http://127.0.0.1:9"
    assert os.environ["QWEN_OAUTH_BASE_URL"] == "http://127.0.0.1:9", "tests never target the real server"


async def test_network_backoff_never_polls_sooner_than_a_long_server_interval(device_server: DeviceServer) -> None:
    """Review finding: the 60 s backoff cap must not undercut an interval above 60 s (RFC 8628 §3.5)."""
    device_server.interval = 90
    now = [0.0]
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:  # 90 s waits for real would make the suite crawl
        slept.append(seconds)
        now[0] += seconds

    stream = DeviceFlow(os.environ, clock=lambda: now[0], sleep=fake_sleep).run()
    assert isinstance(await anext(stream), flow.DeviceCodeIssued)
    device_server.stop()  # every poll now fails with a connection error
    seen = [await anext(stream) for _ in range(6)]
    await stream.aclose()
    retries = [e for e in seen if isinstance(e, flow.NetworkRetry)]
    assert [r.delay for r in retries] == [90, 90, 90]
    assert slept and min(slept) >= 90


async def test_non_finite_interval_and_lifetime_fall_back_to_defaults(device_server: DeviceServer) -> None:
    """Python's json accepts NaN / Infinity (Node rejects them): they must not become the poll interval."""
    device_server.interval = float("nan")
    device_server.expires_in = float("inf")
    stream = DeviceFlow(os.environ, default_interval=5).run()
    issued = await anext(stream)
    await stream.aclose()
    assert isinstance(issued, flow.DeviceCodeIssued)
    assert issued.interval == 5
    assert 590 < issued.expires_at - time.time() <= 600

"""The device flow's one-line results for each kind of bad token answer, and the network reason it shows; written
from the mutants of `qwen_tui/core/oauth/device_flow.py` that the other device-flow tests let live. Real loopback
servers (`tests/servers/hostile_server.py`), the flow on a virtual clock (no real waits)."""

from __future__ import annotations

import os

import httpx
import pytest

from qwen_tui.core.oauth import device_flow as flow
from tests.servers.device_server import closed_port_url
from tests.servers.hostile_server import HostileServer
from tests.unit.test_oauth_device_flow import VirtualTime
from tests.unit.test_untrusted_servers import serve
from tests.unit.test_untrusted_servers import servers as servers  # noqa: F401, PLC0414 - the fixture

DEVICE = "/api/v1/oauth2/device/code"
TOKEN = "/api/v1/oauth2/token"
DEVICE_ANSWER = {"device_code": "device-code-1", "user_code": "ABCD-EFGH",
                 "verification_uri": "https://chat.qwen.example/authorize", "interval": 1, "expires_in": 30}


async def result_for(servers: list[HostileServer], monkeypatch: pytest.MonkeyPatch, status: int,
                     body: str | dict) -> flow.Event:
    """The flow's last event when the first poll gets `status` and `body`."""
    server = serve(servers, routes={DEVICE: (200, DEVICE_ANSWER), TOKEN: (status, body)})
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    clock = VirtualTime()
    events = [event async for event in flow.DeviceFlow(os.environ, clock=clock, sleep=clock.sleep).run()]
    assert [type(event).__name__ for event in events[:2]] == ["DeviceCodeIssued", "Polling"]
    assert server.requests.count(("POST", TOKEN)) == 1
    return events[-1]


async def test_a_token_answer_without_an_access_token_says_so(servers, monkeypatch) -> None:
    result = await result_for(servers, monkeypatch, 200, {"token_type": "Bearer", "refresh_token": "r"})
    assert isinstance(result, flow.Failed)
    assert result.reason == "The sign-in server's answer has no access token; try again later."


@pytest.mark.parametrize("body", ["{not json", "[1, 2]"])
async def test_a_200_answer_that_is_not_a_json_object_says_so(servers, monkeypatch, body: str) -> None:
    result = await result_for(servers, monkeypatch, 200, body)
    assert isinstance(result, flow.Failed)
    assert result.reason == "The sign-in server's answer is not valid JSON; try again later."


async def test_another_status_without_an_oauth_error_names_the_status(servers, monkeypatch) -> None:
    result = await result_for(servers, monkeypatch, 502, "<html>Bad gateway</html>")
    assert isinstance(result, flow.Failed)
    assert result.reason == "The sign-in server answered HTTP 502; try again later."


async def test_a_token_that_is_not_printable_says_so(servers, monkeypatch) -> None:
    body = '{"access_token": "a\\u001b]52;c;SGk=\\u0007", "refresh_token": "r"}'
    result = await result_for(servers, monkeypatch, 200, body)
    assert isinstance(result, flow.Failed)
    assert "not printable ASCII" in result.reason and "\x1b" not in result.reason


def test_a_network_reason_is_the_errors_kind_and_first_line() -> None:
    """What NetworkRetry and the "Cannot reach" line show: httpx's words, one line, or the kind alone."""
    assert flow._exception_reason(httpx.ConnectError("[Errno 111] Connection refused\nmore")) == \
        "ConnectError: [Errno 111] Connection refused"
    assert flow._exception_reason(httpx.ReadTimeout("  \n")) == "ReadTimeout"
    assert flow._exception_reason(httpx.ReadError("")) == "ReadError"


async def test_a_token_answer_over_the_size_cap_ends_the_flow_saying_so(servers, monkeypatch) -> None:
    """Not a network hiccup to retry: one poll, then a one-line failure naming the server and the cap (8 MiB)."""
    result = await result_for(servers, monkeypatch, 200, "x" * (8 * 1024 * 1024 + 1))
    assert isinstance(result, flow.Failed)
    assert "larger than 8 MiB" in result.reason and "\n" not in result.reason
    assert os.environ["QWEN_OAUTH_BASE_URL"] in result.reason  # which server said it


async def test_after_an_answer_the_network_backoff_starts_again_from_the_interval(device_server) -> None:
    """Poll 1 is answered (pending), poll 2 times out, poll 3 is approved: the retry waits one interval."""
    clock = VirtualTime()

    def on_event(event: flow.Event) -> None:
        if isinstance(event, flow.Polling) and event.attempt == 2:
            device_server.hang_polls = 1  # this poll's request hangs past the client's deadline
        if isinstance(event, flow.Polling) and event.attempt == 3:
            device_server.approve()

    events = []
    async for event in flow.DeviceFlow(os.environ, request_timeout=0.5, clock=clock, sleep=clock.sleep).run():
        events.append(event)
        on_event(event)
    assert [type(e).__name__ for e in events] == [
        "DeviceCodeIssued", "Polling", "Polling", "NetworkRetry", "Polling", "Success"]
    assert events[3].delay == 1


# ---- the device-code request (`_request_device_code`) ------------------------------------------------------

async def device_events(servers: list[HostileServer], monkeypatch: pytest.MonkeyPatch, status: int,
                        body: str | dict, **flow_args: float) -> list[flow.Event]:
    """The flow's events when the device-code request gets `status` and `body` (polls stay pending)."""
    server = serve(servers, routes={DEVICE: (status, body), TOKEN: (400, {"error": "authorization_pending"})})
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    clock = VirtualTime()
    stream = flow.DeviceFlow(os.environ, clock=clock, wall_clock=clock, sleep=clock.sleep, **flow_args).run()
    events = [await anext(stream)]
    await stream.aclose()
    return events


async def test_a_401_device_answer_is_a_refusal_with_its_first_line(servers, monkeypatch) -> None:
    events = await device_events(servers, monkeypatch, 401, "Sign in first\nsecond line")
    assert events == [flow.Refused("http_401", "Sign in first")]


async def test_a_device_answer_with_another_status_names_it(servers, monkeypatch) -> None:
    events = await device_events(servers, monkeypatch, 503, "<html>down</html>")
    assert events == [flow.Failed("The sign-in server answered HTTP 503; try again later.")]


@pytest.mark.parametrize("body", ["{not json", "[1, 2]"])
async def test_a_device_answer_that_is_not_a_json_object_says_so(servers, monkeypatch, body: str) -> None:
    events = await device_events(servers, monkeypatch, 200, body)
    assert events == [flow.Failed("The sign-in server's answer is not valid JSON; try again later.")]


@pytest.mark.parametrize("missing", ["device_code", "user_code", "verification_uri"])
@pytest.mark.parametrize("value", [None, "", 7])
async def test_a_device_answer_lacking_a_field_says_so(servers, monkeypatch, missing: str, value: object) -> None:
    answer = {**DEVICE_ANSWER, missing: value}
    events = await device_events(servers, monkeypatch, 200, answer)
    assert events == [flow.Failed("The sign-in server's answer lacks a device code, user code or verification URL; "
                                  "try again later.")]


async def test_a_device_code_that_is_not_printable_says_so(servers, monkeypatch) -> None:
    events = await device_events(servers, monkeypatch, 200, {**DEVICE_ANSWER, "device_code": "dc\x1b[2J"})
    assert events == [flow.Failed("The sign-in server sent a token that is not printable ASCII text; nothing was "
                                  "saved. Try again later.")]


@pytest.mark.parametrize(("complete", "shown"), [
    ("https://chat.qwen.example/authorize?user_code=ABCD-EFGH", "https://chat.qwen.example/authorize?user_code=ABCD-EFGH"),
    ("", None), (42, None), (None, None)])
async def test_the_complete_verification_url_is_kept_only_when_it_is_text(servers, monkeypatch, complete: object,
                                                                         shown: str | None) -> None:
    [issued] = await device_events(servers, monkeypatch, 200, {**DEVICE_ANSWER, "verification_uri_complete": complete})
    assert isinstance(issued, flow.DeviceCodeIssued)
    assert (issued.user_code, issued.verification_uri) == ("ABCD-EFGH", "https://chat.qwen.example/authorize")
    assert issued.verification_uri_complete == shown


@pytest.mark.parametrize(("expires_in", "lifetime"), [
    (1, 1), (86400, 86400), (0.5, 600), (86401, 600), (None, 600), (True, 600), ("30", 600)])
async def test_the_code_lifetime_is_from_one_second_to_a_day_else_ten_minutes(servers, monkeypatch,
                                                                              expires_in: object,
                                                                              lifetime: float) -> None:
    [issued] = await device_events(servers, monkeypatch, 200, {**DEVICE_ANSWER, "expires_in": expires_in})
    assert isinstance(issued, flow.DeviceCodeIssued)
    assert issued.expires_at == 1000.0 + lifetime  # the wall clock is the virtual one, at 1000


@pytest.mark.parametrize(("interval", "used"), [
    (2.5, 2.5), (1, 1), (0.5, 1), (5e-324, 1), (0, 7), (-3, 7), (None, 7), ("2", 7), (False, 7)])
async def test_the_poll_interval_is_the_servers_never_under_a_second(servers, monkeypatch, interval: object,
                                                                     used: float) -> None:
    """A server's interval that is no positive number gives the flow's default (7 s here)."""
    [issued] = await device_events(servers, monkeypatch, 200, {**DEVICE_ANSWER, "interval": interval},
                                   default_interval=7)
    assert isinstance(issued, flow.DeviceCodeIssued) and issued.interval == used


async def test_a_device_answer_that_never_finishes_in_time_says_so(servers, monkeypatch) -> None:
    """One byte every 0.2 s: no single read times out, only the request's one deadline (1 s here) ends it."""
    server = serve(servers, "trickle", routes={DEVICE: (200, DEVICE_ANSWER)})
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    events = [event async for event in flow.DeviceFlow(os.environ, request_timeout=1).run()]
    assert events == [flow.Failed(f"No answer from {server.url} in time; check your network or proxy (HTTPS_PROXY) "
                                  "and try again.")]


async def test_an_unreachable_device_endpoint_names_the_url_and_the_error(monkeypatch) -> None:
    url = closed_port_url()
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", url)
    [result] = [event async for event in flow.DeviceFlow(os.environ).run()]
    assert isinstance(result, flow.Failed)
    assert result.reason.startswith(f"Cannot reach {url} (ConnectError: ")
    assert result.reason.endswith("); check your network or proxy (HTTPS_PROXY) and try again.")


async def test_a_device_answer_slower_than_httpx_default_but_inside_the_deadline_is_waited_for(servers,
                                                                                           monkeypatch) -> None:
    """The client's timeouts are the flow's own (30 s here), not httpx's 5 s default: a server silent for 5.5 s
    before answering still issues the code."""
    server = serve(servers, "late", delay=5.5, routes={DEVICE: (200, DEVICE_ANSWER)})
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    stream = flow.DeviceFlow(os.environ, request_timeout=30).run()
    issued = await anext(stream)
    await stream.aclose()
    assert isinstance(issued, flow.DeviceCodeIssued) and issued.user_code == "ABCD-EFGH"


async def test_cleartext_to_a_remote_host_names_the_masked_url(monkeypatch) -> None:
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", "http://user:pw@chat.qwen.example")
    [result] = [event async for event in flow.DeviceFlow(os.environ).run()]
    assert isinstance(result, flow.Failed)
    assert result.reason.startswith("http://***@chat.qwen.example uses plain http to another machine")

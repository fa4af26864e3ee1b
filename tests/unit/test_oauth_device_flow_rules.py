"""The device flow's one-line results for each kind of bad token answer, and the network reason it shows; written
from the mutants of `qwen_tui/core/oauth/device_flow.py` that the other device-flow tests let live. Real loopback
servers (`tests/servers/hostile_server.py`), the flow on a virtual clock (no real waits)."""

from __future__ import annotations

import os

import httpx
import pytest

from qwen_tui.core.oauth import device_flow as flow
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

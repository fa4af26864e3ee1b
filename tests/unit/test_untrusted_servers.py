"""Issue 11: servers may lie, stall or flood. One deadline per request, a byte cap on every answer, sane
device-flow numbers, printable tokens, no cleartext to a remote host, only https handed to the browser, and
`user:password@` masked wherever a base URL from a file is shown. Real loopback servers
(`tests/servers/hostile_server.py`); each test has a pytest-timeout instead of a timed assertion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qwen_tui.core.oauth import device_flow as flow
from qwen_tui.core.oauth.refresh import RefreshError, get_valid_credentials
from qwen_tui.core.providers.verify import ErrorKind, check_key
from qwen_tui.core.urls import browser_safe, mask_url
from tests.cli_run import run_cli
from tests.servers.hostile_server import HostileServer

DEVICE = "/api/v1/oauth2/device/code"
TOKEN = "/api/v1/oauth2/token"
MODELS = {"object": "list", "data": [{"id": f"model-{i}", "object": "model"} for i in range(8)]}


@pytest.fixture
def servers() -> Iterator[list[HostileServer]]:
    started: list[HostileServer] = []
    yield started
    for server in started:
        server.stop()


def serve(servers: list[HostileServer], *args, **kwargs) -> HostileServer:
    server = HostileServer(*args, **kwargs).start()
    servers.append(server)
    return server


# ---- one deadline, one byte cap ----------------------------------------------------------------------------

@pytest.mark.timeout(30)
async def test_a_server_trickling_one_byte_at_a_time_cannot_stretch_the_key_check(servers) -> None:
    """~400 bytes at 0.2 s each: 80 s of answer, every read well inside httpx's per-read timeout."""
    server = serve(servers, "trickle", body=MODELS)
    result = await check_key(server.url + "/v1", "sk-test-key-0123456789", None, timeout=2.0)
    assert result.kind == ErrorKind.TIMEOUT and "\n" not in result.message


@pytest.mark.timeout(60)
async def test_an_endless_body_is_cut_at_the_cap(servers) -> None:
    server = serve(servers, "huge")
    result = await check_key(server.url + "/v1", "sk-test-key-0123456789", None)
    assert not result.ok and "larger than" in result.message
    assert server.sent_bytes < 50 * 1024 * 1024   # stopped reading long before the 100 MB the server had


@pytest.mark.timeout(30)
async def test_a_declared_3_gb_body_is_refused_before_reading(servers) -> None:
    server = serve(servers, "huge", declare_length=True, huge_bytes=3 * 1024**3)
    result = await check_key(server.url + "/v1", "sk-test-key-0123456789", None)
    assert not result.ok and "larger than" in result.message


def _expired_creds(qwen_home: Path) -> str:
    qwen_home.mkdir(exist_ok=True)
    text = json.dumps({"access_token": "old-access", "refresh_token": "old-refresh", "token_type": "Bearer",
                       "resource_url": "portal.qwen.ai", "expiry_date": int((time.time() - 60) * 1000)})
    (qwen_home / "oauth_creds.json").write_text(text)
    return text


@pytest.mark.timeout(30)
def test_a_trickling_token_endpoint_gives_up_and_releases_the_lock(
    servers, qwen_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The refresh holds oauth_creds.lock, which others take over after 10 s: it must end well before."""
    before = _expired_creds(qwen_home)
    token = {"access_token": "new-access", "refresh_token": "new-refresh", "token_type": "Bearer",
             "expires_in": 3600, "padding": "x" * 200}
    server = serve(servers, "trickle", body=token)
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    with pytest.raises(RefreshError) as caught:
        get_valid_credentials(os.environ)
    assert "\n" not in str(caught.value) and f"No answer from {server.url} in time" in str(caught.value)
    assert not (qwen_home / "oauth_creds.lock").exists()
    assert (qwen_home / "oauth_creds.json").read_text() == before


@pytest.mark.parametrize("body", ["<html>maintenance</html>", "[]"])
def test_a_refresh_answer_that_is_not_a_json_object_keeps_the_file(
    servers, qwen_home: Path, monkeypatch: pytest.MonkeyPatch, body: str,
) -> None:
    before = _expired_creds(qwen_home)
    server = serve(servers, routes={TOKEN: (200, body)})
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    with pytest.raises(RefreshError, match="no access token"):
        get_valid_credentials(os.environ)
    assert (qwen_home / "oauth_creds.json").read_text() == before


# ---- device-flow numbers and tokens -----------------------------------------------------------------------

def _device_answer(**extra: object) -> dict:
    return {"device_code": "device-code-1", "user_code": "ABCD-EFGH",
            "verification_uri": "https://chat.qwen.example/authorize", **extra}


async def _run_flow() -> list[object]:
    return [event async for event in flow.DeviceFlow(os.environ).run()]


@pytest.mark.timeout(30)
async def test_a_tiny_interval_is_raised_to_one_second(servers, monkeypatch: pytest.MonkeyPatch) -> None:
    server = serve(servers, routes={DEVICE: (200, _device_answer(interval=1e-9, expires_in=3)),
                                    TOKEN: (400, {"error": "authorization_pending"})})
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    events = await _run_flow()
    assert isinstance(events[0], flow.DeviceCodeIssued) and events[0].interval == 1
    assert isinstance(events[-1], flow.Expired)
    assert server.paths().count(TOKEN) <= 3   # 1e-9 s apart would be thousands


@pytest.mark.parametrize("expires_in", ["NaN", "Infinity", "-Infinity", "1e300", "0", "-5", '"3600"'])
async def test_a_token_lifetime_that_is_not_one_counts_as_an_hour(
    servers, monkeypatch: pytest.MonkeyPatch, expires_in: str,
) -> None:
    token = '{"access_token": "new-access", "refresh_token": "r", "expires_in": ' + expires_in + "}"
    server = serve(servers, routes={DEVICE: (200, _device_answer(interval=1, expires_in=30)), TOKEN: (200, token)})
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    result = (await _run_flow())[-1]
    assert isinstance(result, flow.Success)
    assert abs(result.credentials.expiry_date - (time.time() + 3600) * 1000) < 120_000


@pytest.mark.parametrize("body", [
    '{"access_token": "\\ud800", "refresh_token": "r", "expires_in": 3600}',         # a lone surrogate
    '{"access_token": "a\\u001b]52;c;SGk=\\u0007", "refresh_token": "r"}',           # an escape sequence
    '{"access_token": "ok", "refresh_token": "caf\\u00e9", "expires_in": 3600}',      # not ASCII
    '{"access_token": "ok", "expires_in": ' + "9" * 5000 + "}",                       # a 5000-digit number
    '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",                                   # 100k-deep nesting
])
async def test_hostile_token_answers_end_in_one_line(servers, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    server = serve(servers, routes={DEVICE: (200, _device_answer(interval=1, expires_in=30)), TOKEN: (200, body)})
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    result = (await _run_flow())[-1]
    assert isinstance(result, flow.Failed) and result.reason and "\n" not in result.reason


async def test_a_device_code_that_is_not_printable_ascii_is_refused(servers, monkeypatch) -> None:
    server = serve(servers, routes={DEVICE: (200, _device_answer(device_code="\ud800"))})
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    [result] = await _run_flow()
    assert isinstance(result, flow.Failed) and TOKEN not in server.paths()


@pytest.mark.timeout(90)
def test_cli_sign_in_with_a_surrogate_token_is_one_line_and_saves_nothing(servers, qwen_home: Path) -> None:
    body = '{"access_token": "\\ud800", "refresh_token": "r", "expires_in": 3600}'
    server = serve(servers, routes={DEVICE: (200, _device_answer(interval=1, expires_in=30)), TOKEN: (200, body)})
    result = run_cli("auth", "login", "--method", "qwen-oauth", "--no-browser",
                     env={"QWEN_OAUTH_BASE_URL": server.url})   # in-process, with a real process's streams
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "unexpected" not in output.lower() and "printable" in output
    assert not (qwen_home / "oauth_creds.json").exists()


# ---- network rules -----------------------------------------------------------------------------------------

async def test_the_device_flow_refuses_cleartext_to_a_remote_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", "http://user:pw@chat.qwen.example")
    [result] = await _run_flow()
    assert isinstance(result, flow.Failed) and "plain http" in result.reason
    assert "pw@" not in result.reason


def test_the_refresh_never_sends_the_refresh_token_in_clear(qwen_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _expired_creds(qwen_home)
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", "http://user:pw@chat.qwen.example")
    with pytest.raises(RefreshError, match="plain http") as caught:
        get_valid_credentials(os.environ)
    assert "chat.qwen.example" in str(caught.value) and "pw@" not in str(caught.value)


@pytest.mark.parametrize(("url", "safe"), [
    ("https://chat.qwen.ai/authorize?user_code=X", True),
    ("http://127.0.0.1:8080/device", True),
    ("http://localhost/device", True),
    ("http://chat.qwen.example/device", False),
    ("file:///etc/passwd", False),
    ("javascript:alert(1)", False),
    ("data:text/html,hi", False),
    ("HTTPS://CHAT.QWEN.AI/", True),
    ("https:///no-host", False),
])
def test_only_https_or_loopback_http_goes_to_the_browser(url: str, safe: bool) -> None:
    assert browser_safe(url) is safe


_BROWSER_CHILD = """
import sys
from qwen_tui.core.oauth.browser import open_url
env = {"DISPLAY": ":0"}
print(open_url(sys.argv[1], env))
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("url", "opened"), [("file:///etc/passwd", False), ("https://chat.qwen.example/x", True)])
def test_a_file_url_never_reaches_the_browser(tmp_path: Path, url: str, opened: bool) -> None:
    """A real `$BROWSER` (a script recording what it was given), in a child so webbrowser's cache is fresh."""
    record = tmp_path / "browser-got"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\necho "$1" > {record}\n')
    script.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key != "NO_BROWSER"}
    result = subprocess.run([sys.executable, "-c", _BROWSER_CHILD, url], env={**env, "BROWSER": str(script)},
                            capture_output=True, text=True, timeout=50)
    assert result.stdout.strip() == str(opened)
    deadline = time.monotonic() + 10
    while opened and not record.exists() and time.monotonic() < deadline:  # webbrowser may run it in background
        time.sleep(0.1)
    assert record.exists() is opened


@pytest.mark.parametrize(("url", "shown"), [
    ("https://user:s3cret@api.example/v1", "https://***@api.example/v1"),
    ("http://token@127.0.0.1:8080/v1", "http://***@127.0.0.1:8080/v1"),
    ("https://api.example/v1?q=a@b", "https://api.example/v1?q=a@b"),
    ("https://api.example/v1", "https://api.example/v1"),
])
def test_mask_url(url: str, shown: str) -> None:
    assert mask_url(url) == shown


@pytest.mark.timeout(60)
@pytest.mark.parametrize("args", [["status"], ["status", "--json"]])
def test_status_never_shows_a_password_in_a_base_url(qwen_home: Path, args: list[str]) -> None:
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({"security": {"auth": {
        "selectedType": "openai", "apiKey": "sk-test-key-0123456789", "baseUrl": "https://me:s3cretpw@api.example/v1"}}}))
    result = run_cli(*args)
    assert "s3cretpw" not in result.stdout + result.stderr
    assert "https://***@api.example/v1" in result.stdout

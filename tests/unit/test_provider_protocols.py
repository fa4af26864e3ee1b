"""Anthropic- and Gemini-protocol providers: checked in their own dialects against real loopback servers,
saved where Qwen Code 0.24 saves them (`modelProviders.anthropic|gemini`, selectedType), and resolved."""

from __future__ import annotations

import json
import os

import pytest

from qwen_tui.core import paths
from qwen_tui.core.context import Context
from qwen_tui.core.providers.verify import ErrorKind, check_key
from qwen_tui.core.resolver import resolve
from tests.cli_run import Ran, run_cli
from tests.servers.dialect_servers import AnthropicServer, GeminiServer


def login(*args: str, stdin: str) -> Ran:
    return run_cli("auth", "login", *args, stdin=stdin, env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})


async def test_anthropic_key_check_speaks_its_dialect() -> None:
    with AnthropicServer() as server:
        ok = await check_key(server.url, server.key, None, protocol="anthropic")
        wrong = await check_key(server.url, "sk-ant-wrong-0123456789", None, protocol="anthropic")
    assert ok.ok, ok.message
    first = server.requests[0]
    assert first.path == "/v1/models" and first.headers["x-api-key"] == server.key   # the SDK's /v1 added
    assert first.headers["anthropic-version"] and "authorization" not in first.headers
    assert not wrong.ok and wrong.kind == ErrorKind.KEY_REJECTED and wrong.status == 401


async def test_gemini_key_check_speaks_its_dialect_and_maps_its_400() -> None:
    with GeminiServer() as server:
        ok = await check_key(server.url, server.key, None, protocol="gemini")
        wrong = await check_key(server.url, "AIza-wrong-0123456789", None, protocol="gemini")
    assert ok.ok, ok.message
    assert server.requests[0].path == "/v1beta/models" and server.requests[0].headers["x-goog-api-key"] == server.key
    assert "authorization" not in server.requests[0].headers
    # Google answers a bad key with 400 API_KEY_INVALID: mapped like a 401, not as a generic HTTP error.
    assert not wrong.ok and wrong.kind == ErrorKind.KEY_REJECTED


@pytest.mark.parametrize(("method", "server_class", "model"), [
    ("anthropic", AnthropicServer, "claude-test-1"), ("gemini", GeminiServer, "gemini-test-pro")])
def test_login_saves_the_protocols_bucket_and_resolves(method: str, server_class: type, model: str) -> None:
    with server_class() as server:
        result = login("--method", method, "--base-url", server.url, "--model", model, "--api-key-stdin",
                       "--store", "settings", stdin=server.key + "\n")
    assert result.returncode == 0, result.stderr
    data = json.loads(paths.user_settings_path(os.environ).read_text())
    [entry] = data["modelProviders"][method]
    assert entry["id"] == model and entry["baseUrl"] == server.url and "wireApi" not in entry
    assert entry["envKey"].startswith(f"QWEN_CUSTOM_API_KEY_{method.upper()}_HTTP_127_0_0_1_")
    assert data["security"]["auth"]["selectedType"] == method
    assert data["env"] == {entry["envKey"]: server.key}
    resolution = resolve(Context.current())
    assert resolution.ok, resolution.problems
    assert resolution.base_url.value == server.url and resolution.model.value == model


def test_anthropic_wrong_key_fails_with_one_line_and_saves_nothing() -> None:
    with AnthropicServer() as server:
        result = login("--method", "anthropic", "--base-url", server.url, "--model", "claude-test-1",
                       "--api-key-stdin", stdin="sk-ant-wrong-0123456789\n")
    assert result.returncode == 1 and "401" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not paths.user_settings_path(os.environ).exists()

"""Every error class of a provider check, each against a real loopback server (or a real failure)."""

from __future__ import annotations

import pytest

from qwen_tui.core.providers.catalog import preset
from qwen_tui.core.providers.verify import ErrorKind, check_chat, check_key, fetch_models
from tests.servers.device_server import closed_port_url
from tests.servers.openai_server import OpenAIServer

MODEL = "qwen3-coder-plus"


def assert_one_clean_line(message: str, *secrets: str) -> None:
    assert message and "\n" not in message
    for secret in secrets:
        assert secret not in message


async def test_good_key_is_accepted_and_sent_as_bearer(openai_server: OpenAIServer) -> None:
    result = await check_key(openai_server.url, openai_server.key, None)
    assert result.ok and result.kind is None and result.status == 200
    assert result.latency_ms is not None and result.latency_ms >= 0
    [request] = openai_server.requests_to("/models")
    assert request.headers["authorization"] == f"Bearer {openai_server.key}"


@pytest.mark.parametrize("preset_id", [None, "alibabaStandard"])
async def test_wrong_key_is_rejected_with_region_hint_for_model_studio(
    openai_server: OpenAIServer, preset_id: str | None
) -> None:
    wrong = "sk-wrong-0123456789abcdef"
    result = await check_key(openai_server.url, wrong, preset(preset_id) if preset_id else None)
    assert (result.ok, result.kind, result.status) == (False, ErrorKind.KEY_REJECTED, 401)
    assert_one_clean_line(result.message, wrong, openai_server.key)
    assert ("region" in result.message) == (preset_id is not None)


@pytest.mark.parametrize("preset_id", [None, "alibabaStandard"])
async def test_a_403_is_a_rejected_key_too(openai_server: OpenAIServer, preset_id: str | None) -> None:
    openai_server.mode = "403"
    result = await check_key(openai_server.url, openai_server.key, preset(preset_id) if preset_id else None)
    assert (result.ok, result.kind, result.status) == (False, ErrorKind.KEY_REJECTED, 403)
    assert "rejected the key (HTTP 403)" in result.message
    assert ("region" in result.message) == (preset_id is not None)
    assert_one_clean_line(result.message, openai_server.key)


async def test_url_without_v1_suggests_the_v1_form(openai_server: OpenAIServer) -> None:
    result = await check_key(openai_server.origin, openai_server.key, None)
    assert (result.kind, result.status) == (ErrorKind.NOT_FOUND, 404)
    assert openai_server.origin + "/v1" in result.message
    assert_one_clean_line(result.message, openai_server.key)


@pytest.mark.parametrize(("mode", "kind", "status"), [
    ("429", ErrorKind.RATE_LIMITED, 429),
    ("500", ErrorKind.SERVER_ERROR, 500),
    ("malformed", ErrorKind.NOT_JSON, 200),
])
async def test_server_faults(openai_server: OpenAIServer, mode: str, kind: ErrorKind, status: int) -> None:
    openai_server.mode = mode
    result = await check_key(openai_server.url, openai_server.key, None)
    assert (result.ok, result.kind, result.status) == (False, kind, status)
    assert_one_clean_line(result.message, openai_server.key)


async def test_slow_server_times_out() -> None:
    with OpenAIServer(mode="slow", slow_seconds=5) as server:
        result = await check_key(server.url, server.key, None, timeout=0.5)
    assert (result.kind, result.status) == (ErrorKind.TIMEOUT, None)
    assert "0.5" in result.message


async def test_refused_connection() -> None:
    url = closed_port_url() + "/v1"
    result = await check_key(url, "sk-x-0123456789", None)
    assert result.kind == ErrorKind.REFUSED and "127.0.0.1" in result.message


async def test_unknown_host_is_a_dns_error() -> None:
    # `.invalid` never resolves (RFC 6761); the failure comes from the real resolver.
    result = await check_key("https://api.no-such-provider.invalid/v1", "sk-x-0123456789", None)
    assert result.kind == ErrorKind.DNS and "api.no-such-provider.invalid" in result.message


async def test_closed_proxy_is_a_proxy_error(monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = closed_port_url()
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    result = await check_key("https://api.provider.example/v1", "sk-test-key-0123456789", None)
    assert result.kind == ErrorKind.PROXY


async def test_a_loopback_server_is_reached_without_the_proxy(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 11: with HTTP_PROXY set, a key meant for a local server must not travel in clear to the proxy."""
    proxy = closed_port_url()
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("ALL_PROXY", proxy)
    result = await check_key(openai_server.url, openai_server.key, None)
    assert result.ok, result.message
    assert len(openai_server.requests) == 1


async def test_tls_untrusted_then_trusted_through_ssl_cert_file(monkeypatch: pytest.MonkeyPatch) -> None:
    with OpenAIServer(tls=True) as server:
        assert server.url.startswith("https://")
        untrusted = await check_key(server.url, server.key, None)
        assert untrusted.kind == ErrorKind.TLS
        assert_one_clean_line(untrusted.message, server.key)
        monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_path))
        trusted = await check_key(server.url, server.key, None)
        assert trusted.ok, trusted.message


async def test_keyless_server_needs_no_authorization_header() -> None:
    with OpenAIServer(key=None) as server:
        result = await check_key(server.url, None, preset("ollama"))
        assert result.ok
        assert "authorization" not in server.requests[0].headers


async def test_openrouter_check_uses_the_key_endpoint(openai_server: OpenAIServer) -> None:
    result = await check_key(openai_server.url, openai_server.key, preset("openrouter"))
    assert result.ok
    assert [r.path for r in openai_server.requests] == ["/v1/key"]


async def test_chat_check_for_chat_presets(openai_server: OpenAIServer) -> None:
    coding = preset("coding-plan")
    needs = await check_key(openai_server.url, openai_server.key, coding)
    assert not needs.ok and openai_server.requests == []
    result = await check_key(openai_server.url, openai_server.key, coding, model=MODEL)
    assert result.ok and MODEL in result.message
    [request] = openai_server.requests_to("/chat/completions")
    assert request.body["max_tokens"] == 1 and request.body["model"] == MODEL
    wrong = await check_key(openai_server.url, "sk-bad-0123456789", coding, model=MODEL)
    assert wrong.kind == ErrorKind.KEY_REJECTED and "region" in wrong.message


async def test_unknown_model_quotes_the_providers_reason(openai_server: OpenAIServer) -> None:
    result = await check_chat(openai_server.url, openai_server.key, "no-such-model")
    assert result.kind == ErrorKind.NOT_FOUND and "no-such-model" in result.message


async def test_fetch_models(openai_server: OpenAIServer) -> None:
    models, result = await fetch_models(openai_server.url, openai_server.key)
    assert result.ok and models == sorted(openai_server.models)
    models, result = await fetch_models(openai_server.url, "sk-bad-0123456789")
    assert models == [] and result.kind == ErrorKind.KEY_REJECTED


async def test_a_key_with_impossible_characters_is_refused_locally(openai_server: OpenAIServer) -> None:
    result = await check_key(openai_server.url, "sk-é-0123456789", None)
    assert result.kind == ErrorKind.OTHER and openai_server.requests == []

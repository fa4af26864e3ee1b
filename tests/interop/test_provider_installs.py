"""Issue 13.2/13.4: providers qwen-tui saves in Qwen Code 0.24 shapes are used by the real `qwen` 0.24.4.

`qwen-tui auth login --method anthropic --store settings` against a loopback server speaking the Messages API
(with SSE); then `qwen -p` must call that server's /v1/messages with the saved key in `x-api-key`, and print
the streamed answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.interop.conftest import (
    NPM_INSTALL_TIMEOUT_S,
    QUIET_SETTINGS,
    QwenCode,
    describe,
    qwen_env,
    run_qwen,
    run_qwen_tui,
    tui_env,
    write_settings,
)
from tests.interop.guard_proxy import GuardProxy
from tests.servers.dialect_servers import AnthropicServer

pytestmark = [pytest.mark.interop, pytest.mark.timeout(NPM_INSTALL_TIMEOUT_S + 300)]

KEY = "sk-ant-interop-0123456789abcdef"
MODEL = "claude-test-1"


def test_anthropic_provider_saved_by_qwen_tui_is_used_by_qwen(
    qwen_current: QwenCode, guard: GuardProxy, isolated_home: Path, project_dir: Path,
) -> None:
    qwen_home = isolated_home / ".qwen"
    qwen_home.mkdir(exist_ok=True)
    write_settings(qwen_home / "settings.json", QUIET_SETTINGS)
    with AnthropicServer(key=KEY, models=(MODEL,)) as server:
        login = run_qwen_tui(
            "auth", "login", "--method", "anthropic", "--base-url", server.url, "--model", MODEL,
            "--api-key-stdin", "--store", "settings", env=tui_env(), cwd=project_dir, stdin=KEY + "\n",
        )
        assert login.returncode == 0, describe(login)
        assert server.requests_to("/messages") == []   # only the login's key check so far

        result = run_qwen(qwen_current, qwen_env(isolated_home, guard), project_dir)

        assert result.returncode == 0, describe(result)
        assert "pong" in result.stdout, describe(result)
        messages = server.requests_to("/messages")
    assert messages, f"no Messages API request reached the server\n{describe(result)}"
    # To a host other than Anthropic's, qwen 0.24.4 sends the key as a bearer token (its "proxy identity").
    assert all(request.headers.get("authorization") == f"Bearer {KEY}" for request in messages)
    assert messages[0].body["model"] == MODEL and messages[0].body.get("stream") is True
    assert guard.refused == [], f"qwen tried to leave the machine: {guard.refused}"
    settings = json.loads((qwen_home / "settings.json").read_text())
    assert settings["security"]["auth"]["selectedType"] == "anthropic"


def test_a_preset_install_written_by_qwen_tui_is_used_by_qwen(
    qwen_current: QwenCode, guard: GuardProxy, isolated_home: Path, project_dir: Path,
) -> None:
    """The /auth shape qwen-tui writes for a Qwen Code preset (entries with [prefix] names, capabilities,
    generationConfig, providerMetadata, model.baseUrl "") is what qwen 0.24.4 runs with. DeepSeek's install,
    its entries pointed at a loopback OpenAI-compatible server."""
    from tests.servers.openai_server import OpenAIServer

    qwen_home = isolated_home / ".qwen"
    qwen_home.mkdir(exist_ok=True)
    write_settings(qwen_home / "settings.json", QUIET_SETTINGS)
    key = "sk-deepseek-interop-0123456789"
    with OpenAIServer(key=key, models=("deepseek-v4-pro", "deepseek-v4-flash")) as server:
        login = run_qwen_tui(
            "auth", "login", "--method", "openai", "--preset", "deepseek", "--base-url", server.url,
            "--api-key-stdin", "--store", "settings", env=tui_env(), cwd=project_dir, stdin=key + "\n",
        )
        assert login.returncode == 0, describe(login)
        result = run_qwen(qwen_current, qwen_env(isolated_home, guard), project_dir)
        assert result.returncode == 0, describe(result)
        assert "pong" in result.stdout, describe(result)
        chats = server.requests_to("/chat/completions")
    assert chats and all(request.headers.get("authorization") == f"Bearer {key}" for request in chats)
    assert chats[0].body["model"] == "deepseek-v4-pro"
    settings = json.loads((qwen_home / "settings.json").read_text())
    assert settings["providerMetadata"]["deepseek"]["baseUrl"] == server.url
    assert guard.refused == [], f"qwen tried to leave the machine: {guard.refused}"

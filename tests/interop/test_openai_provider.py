"""Issue 6 item 2a/2b: OpenAI-compatible providers shared between qwen-tui and the current `qwen` (0.24.4).

a. A provider saved by `qwen-tui auth login --method openai --store settings|dotenv` is what `qwen -p`
   uses: the loopback server receives the chat request with that key, and `qwen` exits 0.
b. The files `qwen` itself writes for a custom provider (captured fixtures) are read by
   `qwen-tui status --json` as the same provider `qwen` actually calls.

QWEN_HOME points outside HOME: both programs must honour it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.interop.conftest import (
    NPM_INSTALL_TIMEOUT_S,
    QUIET_SETTINGS,
    QwenCode,
    describe,
    merged,
    qwen_env,
    run_qwen,
    run_qwen_tui,
    tui_env,
    write_settings,
)
from tests.interop.guard_proxy import GuardProxy
from tests.servers.openai_server import OpenAIServer

pytestmark = [pytest.mark.interop, pytest.mark.timeout(NPM_INSTALL_TIMEOUT_S + 300)]

KEY = "sk-interop-0123456789abcdef"
MODEL = "qwen3-coder-plus"
CAPTURED = FIXTURES / "qwen-code-interop"
CAPTURED_URL = "http://127.0.0.1:18080/v1"  # where the fixtures were captured
CAPTURED_KEY = "sk-bars-0123456789abcdef"


@pytest.fixture
def separate_qwen_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "qwen-home"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("QWEN_HOME", str(folder))
    return folder


def _chat_requests(server: OpenAIServer) -> list:
    return server.requests_to("/chat/completions")


def _assert_qwen_called_with_key(result, server: OpenAIServer, guard: GuardProxy, key: str) -> dict:
    """`qwen` exited 0 after calling the loopback server with `key`; returns the first request's body."""
    assert result.returncode == 0, describe(result)
    assert "pong" in result.stdout, describe(result)  # the server's answer reached the user
    requests = _chat_requests(server)
    assert requests, f"no chat request reached the server\n{describe(result)}"
    for request in requests:
        assert request.headers.get("authorization") == f"Bearer {key}"
    assert guard.refused == [], f"qwen tried to leave the machine: {guard.refused}"
    return requests[0].body


@pytest.mark.parametrize("store", ["settings", "dotenv"])
def test_provider_saved_by_qwen_tui_is_used_by_qwen(
    store: str, qwen_current: QwenCode, guard: GuardProxy, isolated_home: Path, separate_qwen_home: Path,
    project_dir: Path,
) -> None:
    write_settings(separate_qwen_home / "settings.json", QUIET_SETTINGS)
    with OpenAIServer(key=KEY) as server:
        login = run_qwen_tui(
            "auth", "login", "--method", "openai", "--base-url", server.url, "--model", MODEL,
            "--api-key-stdin", "--store", store, env=tui_env(), cwd=project_dir, stdin=KEY + "\n",
        )
        assert login.returncode == 0, describe(login)
        assert _chat_requests(server) == []  # only the login's own check so far

        result = run_qwen(qwen_current, qwen_env(isolated_home, guard, separate_qwen_home), project_dir)

        body = _assert_qwen_called_with_key(result, server, guard, KEY)
    assert body["model"] == MODEL and body["stream"] is True
    settings_text = (separate_qwen_home / "settings.json").read_text()
    dotenv = separate_qwen_home / ".env"
    if store == "dotenv":
        assert KEY not in settings_text, "with --store dotenv the key must live only in .env"
        assert KEY in dotenv.read_text()
    else:
        assert KEY in settings_text and not dotenv.exists()
    # qwen-tui kept the settings it did not own: qwen still had usage statistics and auto-update off.
    settings = json.loads(settings_text)
    assert settings["privacy"]["usageStatisticsEnabled"] is False
    assert settings["general"]["enableAutoUpdate"] is False


def _install_captured(name: str, qwen_home: Path, server_url: str) -> dict:
    """The captured files of `name`, pointed at this test's server; returns the settings written."""
    text = (CAPTURED / f"{name}.settings.json").read_text().replace(CAPTURED_URL, server_url)
    settings = merged(json.loads(text), QUIET_SETTINGS)
    write_settings(qwen_home / "settings.json", settings)
    dotenv = CAPTURED / f"{name}.env"
    if dotenv.exists():
        (qwen_home / ".env").write_text(dotenv.read_text())
        (qwen_home / ".env").chmod(0o600)
    return settings


@pytest.mark.parametrize(
    ("name", "credential_kind"),
    [
        ("v0244-custom-sse", "settings-env"),
        ("v0244-dotenv", "dotenv"),
        ("v0244-legacy", "settings"),
    ],
)
def test_status_reads_what_qwen_wrote_for_its_custom_provider(
    name: str, credential_kind: str, qwen_current: QwenCode, guard: GuardProxy, isolated_home: Path,
    separate_qwen_home: Path, project_dir: Path,
) -> None:
    # Without a model qwen 0.24.4 asks for its default, `qwen3.7-max`: the server must know it.
    with OpenAIServer(key=CAPTURED_KEY, models=(MODEL, "qwen3.7-max")) as server:
        settings = _install_captured(name, separate_qwen_home, server.url)
        # First `qwen` proves these files, as it wrote them, still drive the current version.
        result = run_qwen(qwen_current, qwen_env(isolated_home, guard, separate_qwen_home), project_dir)
        body = _assert_qwen_called_with_key(result, server, guard, CAPTURED_KEY)
        status = run_qwen_tui("status", "--json", env=tui_env(), cwd=project_dir)

    assert status.returncode == 0, describe(status)
    assert CAPTURED_KEY not in status.stdout  # masked
    document = json.loads(status.stdout)
    # The only problem: a key Qwen Code's /auth left in plain text in settings.json (issue 10), with its fix.
    plaintext = [p for p in document["problems"] if "qwen-tui auth move-key --to keyring" in p]
    assert document["ok"] is True and len(document["problems"]) == len(plaintext)
    assert len(plaintext) == (1 if credential_kind == "settings-env" else 0), document["problems"]
    # What qwen-tui reports is what qwen actually did.
    assert document["authType"]["value"] == "openai"
    assert document["baseUrl"]["value"] == server.url
    assert document["model"]["value"] == body["model"]
    credential = document["credential"]
    assert credential["present"] is True
    assert credential["masked"].endswith(CAPTURED_KEY[-4:])
    assert credential["source"]["kind"] == credential_kind
    env_key = next((p.get("envKey") for p in settings.get("modelProviders", {}).get("openai", [])), None)
    if env_key:  # the variable qwen's provider entry names (as `env.<name>` when it is in settings.env)
        assert credential["source"]["key"].removeprefix("env.") == env_key
    assert document["usageStatistics"]["value"] is False

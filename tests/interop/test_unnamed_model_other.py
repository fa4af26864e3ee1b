"""No model named anywhere, Anthropic or Gemini selected, `modelProviders.<protocol>` entries: which entry the real
`qwen` uses, and `qwen-tui status` saying the same (tests/interop/test_unnamed_model.py does OpenAI).

What 0.24.4 sent to loopback servers (Nov 2026): with no key or base URL from outside the entries, the first entry's
model to its URL with its key (status said "no key, no model, Google's/Anthropic's API": qwen works, the verdict
said it would not); with ANTHROPIC_API_KEY + ANTHROPIC_BASE_URL (GEMINI_API_KEY + GOOGLE_GEMINI_BASE_URL) exported,
those, with a model of its own (`coder-model`, not asserted: status names none). GOOGLE_GEMINI_BASE_URL alone (read
by Google's SDK, which status ignored) leaves the first entry at its own URL. Each server accepts one key only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.interop.conftest import (
    CURRENT,
    NPM_INSTALL_TIMEOUT_S,
    QUIET_SETTINGS,
    describe,
    install_qwen_code,
    merged,
    qwen_env,
    run_qwen,
    run_qwen_tui,
    tui_env,
    write_settings,
)
from tests.interop.guard_proxy import GuardProxy
from tests.servers.dialect_servers import AnthropicServer, GeminiServer
from tests.servers.openai_server import OpenAIServer

pytestmark = [pytest.mark.interop, pytest.mark.timeout(NPM_INSTALL_TIMEOUT_S + 300)]

KEYS = {"A": "sk-alpha-0123456789abcdAAAA", "B": "sk-beta-0123456789abcdBBBB", "O": "sk-outside-0123456789abOOOO"}
OUTSIDE = {"anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"), "openai": ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
           "gemini": ("GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL")}
MODELS = ("alpha", "beta", "coder-model")
# (protocol, case) → the server 0.24.4 sent its request to (and whose key it sent).
OBSERVED = {("anthropic", "entries"): "A", ("anthropic", "outside"): "O",
            ("gemini", "entries"): "A", ("gemini", "outside"): "O", ("gemini", "url-only"): "A"}


@pytest.mark.parametrize(("protocol", "case"), list(OBSERVED), ids=[f"{p}-{c}" for p, c in OBSERVED])
def test_status_names_the_entry_qwen_uses_when_no_model_is_named(
    protocol: str, case: str, guard: GuardProxy, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    qwen = install_qwen_code(CURRENT)
    server_type = GeminiServer if protocol == "gemini" else AnthropicServer
    servers = {name: server_type(key=key, models=MODELS) for name, key in KEYS.items()}
    for server in servers.values():
        server.__enter__()
    try:
        entries = [{"id": "alpha", "name": "alpha", "baseUrl": servers["A"].url, "envKey": "ALPHA_KEY"},
                   {"id": "beta", "name": "beta", "baseUrl": servers["B"].url, "envKey": "BETA_KEY"}]
        settings = {"security": {"auth": {"selectedType": protocol}}, "modelProviders": {protocol: entries},
                    "env": {"ALPHA_KEY": KEYS["A"], "BETA_KEY": KEYS["B"]}}
        write_settings(qwen_home / "settings.json", merged(QUIET_SETTINGS, settings))
        key_variable, url_variable = OUTSIDE[protocol]
        exported = {key_variable: KEYS["O"]} if case == "outside" else {}
        if case != "entries":
            exported[url_variable] = servers["O"].url
        plain = {**qwen_env(isolated_home, guard), **exported}
        result = run_qwen(qwen, plain, project_dir)
        status = run_qwen_tui("status", "--json", env={**tui_env(), **plain, "QWEN_TUI_QWEN": str(qwen.executable)},
                              cwd=project_dir)
        asked = {name for name, server in servers.items() if any(call.method == "POST" for call in server.requests)}
        urls = {server.url: name for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.__exit__()

    expected = OBSERVED[protocol, case]
    # Gemini's loopback server answers no streamed generation, so `qwen` may end non-zero: the request is what counts.
    assert asked == {expected}, f"{CURRENT} now asks {asked}\n{describe(result)}"
    assert status.returncode == 0, describe(status)
    document = json.loads(status.stdout)
    assert urls.get(document["baseUrl"]["value"]) == expected, document["baseUrl"]
    assert document["credential"]["masked"].endswith(KEYS[expected][-4:]), document["credential"]
    assert document["model"]["value"] == ("alpha" if expected == "A" else None), document["model"]
    assert document["qwenCli"]["direct"] is True, document["qwenCli"]


@pytest.mark.parametrize("protocol", ["anthropic", "gemini", "openai"])
def test_model_base_url_alone_is_not_where_qwen_goes(
    protocol: str, guard: GuardProxy, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    """`model.name` + `model.baseUrl`, no entry: 0.24.4 asks the protocol's own API (0.12.0, 0.15.10 and 0.21.2
    too in a trial run; OpenAI: 0.15.10), never model.baseUrl; status names that API."""
    qwen = install_qwen_code(CURRENT)
    server_type = {"anthropic": AnthropicServer, "gemini": GeminiServer}.get(protocol)
    server = server_type(key=KEYS["O"], models=MODELS) if server_type else OpenAIServer(key=None, models=MODELS)
    with server:
        settings = {"security": {"auth": {"selectedType": protocol}}, "model": {"name": "alpha", "baseUrl": server.url}}
        write_settings(qwen_home / "settings.json", merged(QUIET_SETTINGS, settings))
        plain = {**qwen_env(isolated_home, guard), OUTSIDE[protocol][0]: KEYS["O"]}
        result = run_qwen(qwen, plain, project_dir)
        status = run_qwen_tui("status", "--json", env={**tui_env(), **plain, "QWEN_TUI_QWEN": str(qwen.executable)},
                              cwd=project_dir)
    assert server.requests == [], describe(result)
    assert status.returncode == 0, describe(status)
    assert json.loads(status.stdout)["baseUrl"]["source"]["kind"] == "default", status.stdout

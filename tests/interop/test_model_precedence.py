"""Which model the real `qwen` asks the server for when a model variable and settings `model.name` disagree, and
`qwen-tui status` naming that same model (with the key of the provider entry `qwen` picked) for that directory.

The expected models are what each version sent to the loopback server when these tests were written (Nov 2026):
from 0.15.6 on settings `model.name` wins over OPENAI_MODEL / ANTHROPIC_MODEL, exported or from a `.env`; 0.12.0
asked for OPENAI_MODEL's model, unless settings named a `modelProviders` entry. qwen-tui must show that model, for
the version it finds (QWEN_TUI_QWEN).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.interop.conftest import (
    CURRENT,
    NPM_INSTALL_TIMEOUT_S,
    PRE_SHUTDOWN,
    QUIET_SETTINGS,
    QwenCode,
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
from tests.servers.dialect_servers import AnthropicServer
from tests.servers.openai_server import OpenAIServer

pytestmark = [pytest.mark.interop, pytest.mark.timeout(NPM_INSTALL_TIMEOUT_S + 300)]

KEY = "sk-model-interop-0123456789abcdef"
ENTRY_KEY = "sk-model-entry-0123456789abcwxyz"
MODELS = ("env-model", "settings-model", "entry-model", "qwen3.7-max")


def _scenario(name: str, url: str, qwen_home: Path) -> tuple[dict, dict[str, str]]:
    """(user settings, exported variables) of one case; a `.env` case writes `<home>/.qwen/.env` too."""
    openai = {"security": {"auth": {"selectedType": "openai"}}, "model": {"name": "settings-model"}}
    trio = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": url, "OPENAI_MODEL": "env-model"}
    if name == "exported":
        return openai, trio
    if name == "qwen-model-only":   # no method in settings: the variables choose it, QWEN_MODEL as the model
        return {}, {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": url, "QWEN_MODEL": "env-model"}
    if name == "dotenv":
        qwen_home.mkdir(mode=0o700)
        (qwen_home / ".env").write_text("OPENAI_MODEL=env-model\n")
        return openai, {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": url}
    entry = {"id": "entry-model", "name": "entry-model", "baseUrl": url, "envKey": "ENTRY_KEY"}
    if name == "entry":
        # The entry's own key and URL; the exported key would be refused by the server.
        settings = {**openai, "model": {"name": "entry-model"}, "modelProviders": {"openai": [entry]}}
        return settings, {**trio, "OPENAI_API_KEY": "sk-not-this-one-0123456789", "ENTRY_KEY": ENTRY_KEY}
    if name == "variable-entry":
        # No `model.name`: OPENAI_MODEL names the entry, whose key and URL are used (no OPENAI_BASE_URL at all).
        settings = {"security": openai["security"], "modelProviders": {"openai": [entry]}}
        return settings, {"OPENAI_API_KEY": "sk-not-this-one-0123456789", "OPENAI_MODEL": "entry-model",
                          "ENTRY_KEY": ENTRY_KEY}
    settings = {"security": {"auth": {"selectedType": "anthropic"}}, "model": {"name": "settings-model"}}
    if name == "anthropic-variable":
        settings.pop("model")
    return settings, {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": url, "ANTHROPIC_MODEL": "env-model"}


# (version, case) → the model that version sent, and the key it sent it with.
OBSERVED = {
    (CURRENT, "exported"): ("settings-model", KEY),
    (CURRENT, "dotenv"): ("settings-model", KEY),
    (CURRENT, "qwen-model-only"): ("env-model", KEY),
    (CURRENT, "entry"): ("entry-model", ENTRY_KEY),
    (CURRENT, "variable-entry"): ("entry-model", ENTRY_KEY),
    (CURRENT, "anthropic"): ("settings-model", KEY),
    (CURRENT, "anthropic-variable"): ("env-model", KEY),
    ("0.15.10", "exported"): ("settings-model", KEY),
    (PRE_SHUTDOWN, "exported"): ("env-model", KEY),
    (PRE_SHUTDOWN, "entry"): ("entry-model", ENTRY_KEY),
    (PRE_SHUTDOWN, "variable-entry"): ("entry-model", ENTRY_KEY),
}


@pytest.mark.parametrize(("version", "case"), list(OBSERVED), ids=[f"{v}-{c}" for v, c in OBSERVED])
def test_status_names_the_model_qwen_sends(
    version: str, case: str, guard: GuardProxy, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    qwen: QwenCode = install_qwen_code(version)
    anthropic = case.startswith("anthropic")
    server_type = AnthropicServer if anthropic else OpenAIServer
    with server_type(key=ENTRY_KEY if case.endswith("entry") else KEY, models=MODELS) as server:
        settings, exported = _scenario(case, server.url, qwen_home)
        write_settings(qwen_home / "settings.json", merged(QUIET_SETTINGS, settings))
        plain = {**qwen_env(isolated_home, guard), **exported}
        result = run_qwen(qwen, plain, project_dir)
        calls = server.requests_to("/messages" if anthropic else "/chat/completions")
        status = run_qwen_tui("status", "--json", env={**tui_env(), **plain, "QWEN_TUI_QWEN": str(qwen.executable)},
                              cwd=project_dir)

    assert result.returncode == 0 and calls, describe(result)
    sent = {(call.body["model"], call.headers.get("x-api-key") or call.headers.get("authorization", "")[7:])
            for call in calls}
    assert sent == {OBSERVED[version, case]}, f"{qwen.version} now sends {sent}\n{describe(result)}"
    assert guard.refused == []
    assert status.returncode == 0, describe(status)
    document = json.loads(status.stdout)
    assert document["model"]["value"] == OBSERVED[version, case][0], document["model"]
    assert document["credential"]["masked"].endswith(OBSERVED[version, case][1][-4:]), document["credential"]
    assert document["qwenCli"]["version"] == version and document["qwenCli"]["direct"] is True, document["qwenCli"]

"""No model named anywhere, Anthropic or Gemini selected: which model, URL and key the real `qwen` uses, and
`qwen-tui status` saying the same (tests/interop/test_unnamed_model.py does OpenAI).

What the real CLIs sent to loopback servers (Nov 2026; 0.12.0, 0.15.6, 0.15.10, 0.21.2 and 0.24.4 in a trial run,
the cases below kept for 0.24.4 and 0.15.10): with no key or base URL from outside the `modelProviders.<protocol>`
entries, the first entry's model to its URL with its key; with ANTHROPIC_API_KEY + ANTHROPIC_BASE_URL
(GEMINI_API_KEY + GOOGLE_GEMINI_BASE_URL) exported or in a `.env`, with or without entries, `coder-model` to that URL
with that key (status said the model was "not set"); with an entry whose id is `coder-model` (not the first entry),
that entry's URL and key, whatever comes from outside: Anthropic and Gemini alike (Gemini, with and without
GEMINI_API_KEY + GOOGLE_GEMINI_BASE_URL exported, measured on every version above: 0.12.0 asked Google's own API,
or GOOGLE_GEMINI_BASE_URL when exported, still with that entry's key; the cases below prove status right on 0.24.4 and
0.15.10). GOOGLE_GEMINI_BASE_URL alone (read by Google's SDK) leaves the first entry at its own URL from
0.15.6 on; 0.12.0 gave Google's SDK no base URL, so it asked GOOGLE_GEMINI_BASE_URL, else Google's own API, for the
entry's model with the entry's key. Each server accepts one key only, and records the one sent.
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

OLD = "0.15.10"
KEYS = {"A": "sk-alpha-0123456789abcdAAAA", "B": "sk-beta-0123456789abcdBBBB", "O": "sk-outside-0123456789abOOOO"}
OUTSIDE = {"anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"), "openai": ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
           "gemini": ("GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL")}
MODELS = ("alpha", "beta", "coder-model")
# case → (the second entry's id, None without entries; what is exported: "key+url", "url" or nothing)
CASES = {"entries": ("beta", ""), "outside": ("beta", "key+url"), "url-only": ("beta", "url"),
         "bare": (None, "key+url"), "default-entry": ("coder-model", ""),
         "default-entry-outside": ("coder-model", "key+url")}
GOOGLE = "https://generativelanguage.googleapis.com"
# (version, protocol, case) → (server, model, whose key) that `qwen` sent; server None: Google's own API (refused by
# the guard proxy).
OBSERVED: dict[tuple[str, str, str], tuple[str | None, str, str]] = {
    (CURRENT, "anthropic", "entries"): ("A", "alpha", "A"),
    (CURRENT, "anthropic", "outside"): ("O", "coder-model", "O"),
    (CURRENT, "anthropic", "bare"): ("O", "coder-model", "O"),
    (CURRENT, "anthropic", "default-entry"): ("B", "coder-model", "B"),
    (CURRENT, "anthropic", "default-entry-outside"): ("B", "coder-model", "B"),
    (CURRENT, "gemini", "entries"): ("A", "alpha", "A"),
    (CURRENT, "gemini", "outside"): ("O", "coder-model", "O"),
    (CURRENT, "gemini", "url-only"): ("A", "alpha", "A"),
    (CURRENT, "gemini", "bare"): ("O", "coder-model", "O"),
    (CURRENT, "gemini", "default-entry"): ("B", "coder-model", "B"),
    (CURRENT, "gemini", "default-entry-outside"): ("B", "coder-model", "B"),
    (OLD, "anthropic", "outside"): ("O", "coder-model", "O"),
    (OLD, "anthropic", "default-entry"): ("B", "coder-model", "B"),
    (OLD, "gemini", "outside"): ("O", "coder-model", "O"),
    (OLD, "gemini", "default-entry"): ("B", "coder-model", "B"),
    (OLD, "gemini", "default-entry-outside"): ("B", "coder-model", "B"),
    (PRE_SHUTDOWN, "gemini", "entries"): (None, "alpha", "A"),
    (PRE_SHUTDOWN, "gemini", "url-only"): ("O", "alpha", "A"),
}


def _sent(servers: dict[str, AnthropicServer | GeminiServer]) -> set[tuple[str, str, str]]:
    """(server, model, server whose key it was) of every generation request: Anthropic's model is in the body,
    Gemini's in the path (`/v1beta/models/<model>:streamGenerateContent`)."""
    by_key = {value: name for name, value in KEYS.items()}
    sent = set()
    for name, server in servers.items():
        for call in server.requests:
            if call.method != "POST":
                continue
            key = call.headers.get("x-api-key") or call.headers.get("x-goog-api-key") \
                or call.headers.get("authorization", "").removeprefix("Bearer ")
            model = call.body.get("model") if isinstance(call.body, dict) and "model" in call.body \
                else call.path.split("/models/")[-1].split(":")[0]
            sent.add((name, str(model), by_key.get(key, "?")))
    return sent


@pytest.mark.parametrize(("version", "protocol", "case"), list(OBSERVED), ids=["-".join(k) for k in OBSERVED])
def test_status_names_what_qwen_uses_when_no_model_is_named(
    version: str, protocol: str, case: str, guard: GuardProxy, isolated_home: Path, qwen_home: Path,
    project_dir: Path,
) -> None:
    qwen = install_qwen_code(version)
    server_type = GeminiServer if protocol == "gemini" else AnthropicServer
    servers = {name: server_type(key=key, models=MODELS) for name, key in KEYS.items()}
    for server in servers.values():
        server.__enter__()
    try:
        second, exported_what = CASES[case]
        settings: dict = {"security": {"auth": {"selectedType": protocol}}}
        if second is not None:
            settings["modelProviders"] = {protocol: [
                {"id": "alpha", "name": "alpha", "baseUrl": servers["A"].url, "envKey": "ALPHA_KEY"},
                {"id": second, "name": second, "baseUrl": servers["B"].url, "envKey": "BETA_KEY"}]}
            settings["env"] = {"ALPHA_KEY": KEYS["A"], "BETA_KEY": KEYS["B"]}
        write_settings(qwen_home / "settings.json", merged(QUIET_SETTINGS, settings))
        key_variable, url_variable = OUTSIDE[protocol]
        exported = {key_variable: KEYS["O"]} if "key" in exported_what else {}
        if "url" in exported_what:
            exported[url_variable] = servers["O"].url
        plain = {**qwen_env(isolated_home, guard), **exported}
        result = run_qwen(qwen, plain, project_dir)
        status = run_qwen_tui("status", "--json", env={**tui_env(), **plain, "QWEN_TUI_QWEN": str(qwen.executable)},
                              cwd=project_dir)
        sent = _sent(servers)
        urls = {server.url: name for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.__exit__()

    expected, model, key = OBSERVED[version, protocol, case]
    # Gemini's loopback server answers no streamed generation, so `qwen` may end non-zero: the request is what counts.
    if expected is None:
        asked_google = any(GOOGLE.removeprefix("https://") in line for line in guard.refused)
        assert sent == set() and asked_google, f"{version} now sends {sent}, {guard.refused}\n{describe(result)}"
    else:
        assert sent == {(expected, model, key)}, f"{version} now sends {sent}\n{describe(result)}"
    assert status.returncode == 0, describe(status)
    document = json.loads(status.stdout)
    assert document["qwenCli"]["version"] == version, document["qwenCli"]
    assert document["model"]["value"] == model, document["model"]
    # `coder-model` is qwen's built-in default even when an entry has that id; any other model is the first entry's.
    source = {"kind": "default"} if model == "coder-model" else {"key": f"modelProviders.{protocol}[0].id"}
    assert source.items() <= document["model"]["source"].items(), document["model"]
    assert urls.get(document["baseUrl"]["value"], document["baseUrl"]["value"]) == (expected or GOOGLE), document
    assert document["credential"]["masked"].endswith(KEYS[key][-4:]), document["credential"]
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

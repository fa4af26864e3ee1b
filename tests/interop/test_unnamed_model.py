"""No model named anywhere (no `model.name`, no OPENAI_MODEL / QWEN_MODEL) but `modelProviders.openai` entries: which
model, URL and key the real `qwen` uses, and `qwen-tui status` / `run` saying exactly that for the version found.

What 0.15.10 and 0.24.4 sent to loopback servers when these tests were written (Nov 2026; 0.12.0, 0.15.6 and 0.21.2
behaved alike in a trial run): the entry whose id is `qwen`'s default model (0.15.10: `qwen3.5-plus`, 0.24.4:
`qwen3.7-max`) when there is one; else, with OPENAI_API_KEY (or a base URL) from outside the entries, the default
model with those; else the first entry. With the default's entry *and* OPENAI_BASE_URL exported, 0.24.4 sends the
entry's key to OPENAI_BASE_URL, 0.15.10 to the entry's URL. A base URL alone makes `qwen` skip the entries and stop
("Missing API key"). From 0.21.2 on "the first entry" is the first not marked imageOnly (voiceOnly, realtimeOnly).
Every server here is keyless and records the key it got, so the test sees which one was sent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.interop.conftest import (
    NO_KEYRING,
    NPM_INSTALL_TIMEOUT_S,
    QUIET_SETTINGS,
    describe,
    install_qwen_code,
    merged,
    qwen_env,
    run_qwen,
    run_qwen_tui,
    run_through_qwen_tui,
    tui_env,
    write_settings,
)
from tests.interop.guard_proxy import GuardProxy
from tests.servers.openai_server import OpenAIServer

pytestmark = [pytest.mark.interop, pytest.mark.timeout(NPM_INSTALL_TIMEOUT_S + 600)]

OLD, CURRENT = "0.15.10", "0.24.4"
DEFAULT = {OLD: "qwen3.5-plus", CURRENT: "qwen3.7-max"}   # what each asked for with nothing named (measured)
KEYS = {"ALPHA_KEY": "sk-alpha-0123456789abcdAAAA", "BETA_KEY": "sk-beta-0123456789abcdBBBB",
        "DEFAULT_KEY": "sk-default-0123456789abDDDD", "OPENAI_API_KEY": "sk-outside-0123456789abOOOO"}
SERVED = ("alpha", "beta", "imagegen", *DEFAULT.values())

# (version, case) → (server, model, key variable) of what that `qwen` sent; None: it started nothing.
OBSERVED: dict[tuple[str, str], tuple[str, str, str] | None] = {
    (CURRENT, "entries"): ("A", "alpha", "ALPHA_KEY"),
    (OLD, "entries"): ("A", "alpha", "ALPHA_KEY"),
    (CURRENT, "default-entry"): ("D", "qwen3.7-max", "DEFAULT_KEY"),
    (OLD, "default-entry"): ("D", "qwen3.5-plus", "DEFAULT_KEY"),
    (CURRENT, "default-entry-url"): ("O", "qwen3.7-max", "DEFAULT_KEY"),
    (OLD, "default-entry-url"): ("D", "qwen3.5-plus", "DEFAULT_KEY"),
    (CURRENT, "outside"): ("O", "qwen3.7-max", "OPENAI_API_KEY"),
    (OLD, "outside"): ("O", "qwen3.5-plus", "OPENAI_API_KEY"),
    (CURRENT, "url-only"): None,
    (CURRENT, "image-first"): ("A", "alpha", "ALPHA_KEY"),       # an `imageOnly` first entry is passed over …
    (OLD, "image-first"): ("D", "imagegen", "DEFAULT_KEY"),      # … by 0.24.4 (and 0.21.2), not by 0.15.10
}


def _settings(case: str, version: str, servers: dict[str, OpenAIServer]) -> tuple[dict, dict[str, str]]:
    """(user settings, exported variables): the entries' keys in settings `env`, as Qwen Code's `/auth` keeps them."""
    entries = [{"id": "alpha", "name": "alpha", "baseUrl": servers["A"].url, "envKey": "ALPHA_KEY"},
               {"id": "beta", "name": "beta", "baseUrl": servers["B"].url, "envKey": "BETA_KEY"}]
    if case.startswith("default-entry"):   # last, so "the first entry" would be another one
        entries.append({"id": DEFAULT[version], "baseUrl": servers["D"].url, "envKey": "DEFAULT_KEY"})
    if case == "image-first":
        entries.insert(0, {"id": "imagegen", "baseUrl": servers["D"].url, "envKey": "DEFAULT_KEY", "imageOnly": True})
    settings = {"security": {"auth": {"selectedType": "openai"}}, "modelProviders": {"openai": entries},
                "env": {name: KEYS[name] for name in ("ALPHA_KEY", "BETA_KEY", "DEFAULT_KEY")}}
    exported = {"OPENAI_BASE_URL": servers["O"].url} if case in ("default-entry-url", "outside", "url-only") else {}
    if case == "outside":
        exported["OPENAI_API_KEY"] = KEYS["OPENAI_API_KEY"]
    return settings, exported


def _sent(servers: dict[str, OpenAIServer]) -> set[tuple[str, str, str]]:
    """(server, model, key variable) of every chat request the servers got."""
    by_key = {f"Bearer {value}": name for name, value in KEYS.items()}
    return {(name, call.body["model"], by_key.get(call.headers.get("authorization", ""), "?"))
            for name, server in servers.items() for call in server.requests_to("/chat/completions")}


@pytest.mark.parametrize(("version", "case"), list(OBSERVED), ids=[f"{v}-{c}" for v, c in OBSERVED])
def test_status_names_what_qwen_uses_when_no_model_is_named(
    version: str, case: str, guard: GuardProxy, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    qwen = install_qwen_code(version)
    servers = {name: OpenAIServer(key=None, models=SERVED).start() for name in "ABDO"}
    try:
        settings, exported = _settings(case, version, servers)
        write_settings(qwen_home / "settings.json", merged(QUIET_SETTINGS, settings))
        plain = {**qwen_env(isolated_home, guard), **exported}
        result = run_qwen(qwen, plain, project_dir)
        sent = _sent(servers)
        status = run_qwen_tui("status", "--json", env={**tui_env(), **plain, **NO_KEYRING,
                                                       "QWEN_TUI_QWEN": str(qwen.executable)}, cwd=project_dir)
        urls = {server.url: name for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()

    expected = OBSERVED[version, case]
    # No `assert guard.refused == []`: with nothing named, 0.24.4 also tries api.openai.com (refused by the guard)
    # before it settles on an entry; the request that counts is the one the loopback servers record.
    document = json.loads(status.stdout)
    verdict = document["qwenCli"]
    assert verdict["version"] == version, verdict
    if expected is None:   # `qwen` stops before sending anything; so must the verdict
        assert result.returncode != 0 and sent == set(), describe(result)
        assert "Missing API key" in result.stdout + result.stderr, describe(result)
        assert status.returncode == 1 and verdict["direct"] is False and verdict["viaRun"] is False, verdict
        assert document["credential"]["present"] is False, document["credential"]
        return
    assert result.returncode == 0 and sent == {expected}, f"{version} now sends {sent}\n{describe(result)}"
    server, model, key = expected
    assert status.returncode == 0, describe(status)
    assert document["model"]["value"] == model, document["model"]
    assert urls.get(document["baseUrl"]["value"]) == server, document["baseUrl"]
    assert document["credential"]["masked"].endswith(KEYS[key][-4:]), document["credential"]
    assert verdict["direct"] is True and verdict["reason"] is None, verdict


def test_run_passes_the_first_entrys_key_kept_by_qwen_tui(
    guard: GuardProxy, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    """The first entry's key moved into qwen-tui's own 0600 file: plain `qwen` 0.24.4 has no key for the entry it
    picks and stops; the verdict says so, and `qwen-tui run` passes that key under the entry's envKey."""
    qwen = install_qwen_code(CURRENT)
    servers = {name: OpenAIServer(key=None, models=SERVED).start() for name in "ABDO"}
    try:
        settings, _ = _settings("entries", CURRENT, servers)
        write_settings(qwen_home / "settings.json", merged(QUIET_SETTINGS, settings))
        plain = qwen_env(isolated_home, guard)
        env = {**tui_env(), **plain, **NO_KEYRING, "QWEN_TUI_QWEN": str(qwen.executable)}
        moved = run_qwen_tui("auth", "move-key", "--to", "file", "--profile", "alpha", env=env, cwd=project_dir)
        assert moved.returncode == 0, describe(moved)
        direct = run_qwen(qwen, plain, project_dir)
        sent_direct = _sent(servers)
        status = run_qwen_tui("status", "--json", env=env, cwd=project_dir)
        through_run, _ = run_through_qwen_tui(env, project_dir, "-p", "say pong")
        sent_run = _sent(servers)
    finally:
        for server in servers.values():
            server.stop()

    assert direct.returncode != 0 and sent_direct == set(), describe(direct)
    verdict = json.loads(status.stdout)["qwenCli"]
    assert (verdict["direct"], verdict["viaRun"], verdict["fix"]) == (False, True, "qwen-tui run"), verdict
    assert through_run.returncode == 0 and "pong" in through_run.stdout, describe(through_run)
    assert sent_run == {("A", "alpha", "ALPHA_KEY")}, sent_run

"""Issue 10: `qwen-tui run` and the `qwen CLI` verdict against the real `qwen` from npm.

For every place a key can live, the verdict of `qwen-tui status --json` is compared with what really happens:
plain `qwen -p` (does it reach the loopback server with the key? = `direct`) and `qwen-tui run -- -p …`
(= `viaRun`). Both are also checked against the expected answer, so a verdict and a `run` that were wrong
together would not pass. Qwen OAuth: 0.24.4 refuses it (and `run` says so before starting anything), 0.12.0
accepts it. Everything stays on the machine: loopback servers and the guard proxy.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from qwen_tui.core.oauth.credentials import Credentials
from tests.interop.conftest import (
    NO_KEYRING,
    NPM_INSTALL_TIMEOUT_S,
    PROCESS_TIMEOUT_S,
    PROMPT,
    QUIET_SETTINGS,
    QwenCode,
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
from tests.servers.dialect_servers import AnthropicServer
from tests.servers.openai_server import OpenAIServer

pytestmark = [pytest.mark.interop, pytest.mark.timeout(NPM_INSTALL_TIMEOUT_S + 600)]

KEY = "sk-run-interop-0123456789abcdef"
MODEL = "qwen3-coder-plus"

# store → (direct, viaRun): what the real `qwen` 0.24.4 does, and so what the verdict must say.
EXPECTED = {
    "keyring": (False, True),
    "file": (False, True),
    "settings": (True, True),
    "dotenv": (True, True),
    "dotenv-shadowed": (True, True),   # 0.24.4 also loads the home .env files after the project's
    "exported": (True, True),
}


def _environments(qwen: QwenCode, home: Path, guard: GuardProxy, extra: dict[str, str]) -> tuple[dict, dict]:
    """(plain qwen's environment, qwen-tui's): the same user, the same shell."""
    plain = {**qwen_env(home, guard), **extra}
    tui = {**tui_env(), **plain, "QWEN_TUI_QWEN": str(qwen.executable)}
    return plain, tui


def _verdict(env: dict[str, str], cwd: Path) -> dict:
    """`status --json`'s qwenCli object; in every case here the credential row must name the key qwen-tui found."""
    status = run_qwen_tui("status", "--json", env=env, cwd=cwd)
    assert KEY not in status.stdout + status.stderr
    document = json.loads(status.stdout)
    assert document["credential"]["present"] is True, document["credential"]
    return document["qwenCli"]


def _answered(result: subprocess.CompletedProcess[str], server: OpenAIServer, before: int) -> bool:
    """`qwen` called the server with the key and printed its answer."""
    calls = server.requests_to("/chat/completions")[before:]
    with_key = bool(calls) and all(c.headers.get("authorization") == f"Bearer {KEY}" for c in calls)
    return result.returncode == 0 and "pong" in result.stdout and with_key


@dataclass(frozen=True)
class Tried:
    """Plain `qwen -p` and `qwen-tui run -- -p`, one after the other, and whether each got the answer."""
    direct: bool
    via_run: bool
    plain: subprocess.CompletedProcess[str]
    through_run: subprocess.CompletedProcess[str]
    cmdlines: list[str]
    imported: list[str]    # the modules `qwen-tui run` imported before it became qwen (python -X importtime)

    def __str__(self) -> str:
        return f"plain: {describe(self.plain)}\nrun: {describe(self.through_run)}"


def _try_both(qwen: QwenCode, server: OpenAIServer, plain_env: dict, env: dict, cwd: Path) -> Tried:
    plain = run_qwen(qwen, plain_env, cwd)
    calls = len(server.requests_to("/chat/completions"))
    traced, cmdlines = run_through_qwen_tui(env, cwd, "-p", PROMPT, python=("-X", "importtime"))
    # The interpreter's import trace went to the stderr qwen then inherited: take it out, keep the module names.
    trace = [line for line in traced.stderr.splitlines() if line.startswith("import time:")]
    imported = [line.rpartition("|")[2].strip() for line in trace]
    rest = "".join(line for line in traced.stderr.splitlines(keepends=True) if not line.startswith("import time:"))
    through_run = subprocess.CompletedProcess(traced.args, traced.returncode, traced.stdout, rest)
    return Tried(_answered(plain, server, 0), _answered(through_run, server, calls), plain, through_run, cmdlines,
                 imported)


def _configure(store: str, server: OpenAIServer, env: dict[str, str], project: Path, qwen_home: Path) -> None:
    """Save the provider as a user would, its key in `store`."""
    saved_in = {"dotenv-shadowed": "dotenv", "exported": "settings"}.get(store, store)
    login = run_qwen_tui("auth", "login", "--method", "openai", "--base-url", server.url, "--model", MODEL,
                         "--api-key-stdin", "--store", saved_in, "--no-verify", env=env, cwd=project,
                         stdin=KEY + "\n")
    assert login.returncode == 0, describe(login)
    if store == "dotenv-shadowed":
        (project / ".env").write_text("UNRELATED=1\n")   # Qwen Code loads only this one from here
    if store == "exported":   # the key lives in the shell only
        settings = json.loads((qwen_home / "settings.json").read_text())
        del settings["env"]
        write_settings(qwen_home / "settings.json", settings)


@pytest.mark.parametrize("store", list(EXPECTED))
def test_verdict_and_run_match_the_real_qwen_for_each_key_store(
    store: str, request: pytest.FixtureRequest, qwen_current: QwenCode, guard: GuardProxy, isolated_home: Path,
    qwen_home: Path, project_dir: Path,
) -> None:
    write_settings(qwen_home / "settings.json", QUIET_SETTINGS)
    with OpenAIServer(key=KEY, models=(MODEL,)) as server:
        extra = dict(request.getfixturevalue("secret_service")) if store == "keyring" else dict(NO_KEYRING)
        plain_env, env = _environments(qwen_current, isolated_home, guard, extra)
        _configure(store, server, env, project_dir, qwen_home)
        if store == "exported":   # the profile's own variable, exported in the shell both programs start from
            settings = json.loads((qwen_home / "settings.json").read_text())
            name = settings["modelProviders"]["openai"][0]["envKey"]
            plain_env[name] = env[name] = KEY
        verdict = _verdict(env, project_dir)
        tried = _try_both(qwen_current, server, plain_env, env, project_dir)

    assert (tried.direct, tried.via_run) == EXPECTED[store], tried
    assert (verdict["direct"], verdict["viaRun"]) == EXPECTED[store], verdict
    assert verdict["found"] is True and verdict["version"] == qwen_current.version
    assert verdict["path"] == str(qwen_current.executable)
    direct = tried.direct
    assert (verdict["reason"] is None) == direct and (verdict["fix"] == "qwen-tui run") == (not direct), verdict
    assert guard.refused == [], guard.refused
    # The exec kept the PID: its command line became qwen's, and no command line ever held the key.
    assert any("qwen-code" in line for line in tried.cmdlines), tried.cmdlines
    assert not any(KEY in line for line in tried.cmdlines)
    # What `run` imported before the exec: never keyring, SecretStorage or cryptography, even for a key in the
    # Secret Service (read over D-Bus: core/secrets_dbus.py); only the file store asks keyring (told: no backend).
    assert "qwen_tui.core.launch" in tried.imported, tried.imported[-20:]
    heavy = [name for name in tried.imported if name.split(".")[0] in ("keyring", "secretstorage", "cryptography")]
    assert heavy == [] or store == "file", heavy
    if store == "keyring":
        assert "keyring" in verdict["reason"]
        holding = [p for p in isolated_home.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()]
        assert holding == [], f"the key was written under HOME: {holding}"


def test_project_dotenv_hides_qwen_home_dotenv_from_qwen_01510_but_not_from_run(
    guard: GuardProxy, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    """Up to 0.15.10 `qwen` loads only the first `.env` it finds: a project `.env` hides `~/.qwen/.env`."""
    old_qwen = install_qwen_code("0.15.10")
    write_settings(qwen_home / "settings.json", QUIET_SETTINGS)
    with OpenAIServer(key=KEY, models=(MODEL,)) as server:
        plain_env, env = _environments(old_qwen, isolated_home, guard, dict(NO_KEYRING))
        _configure("dotenv-shadowed", server, env, project_dir, qwen_home)
        verdict = _verdict(env, project_dir)
        tried = _try_both(old_qwen, server, plain_env, env, project_dir)
    assert (tried.direct, tried.via_run) == (False, True), tried
    assert (verdict["direct"], verdict["viaRun"], verdict["fix"]) == (False, True, "qwen-tui run"), verdict
    assert str(project_dir / ".env") in verdict["reason"] and str(qwen_home / ".env") in verdict["reason"]


def test_run_passes_arguments_and_exit_code(qwen_current: QwenCode, guard: GuardProxy, isolated_home: Path,
                                            qwen_home: Path, project_dir: Path) -> None:
    write_settings(qwen_home / "settings.json", QUIET_SETTINGS)
    failing = ("-p", PROMPT, "--no-such-flag")   # qwen's own usage error
    with OpenAIServer(key=KEY, models=(MODEL,)) as server:
        plain_env, env = _environments(qwen_current, isolated_home, guard, dict(NO_KEYRING))
        _configure("settings", server, env, project_dir, qwen_home)
        version, _ = run_through_qwen_tui(env, project_dir, "--version")
        failed, _ = run_through_qwen_tui(env, project_dir, *failing)
        plain_failed = subprocess.run([str(qwen_current.executable), *failing], env=plain_env, cwd=project_dir,
                                      capture_output=True, text=True, timeout=PROCESS_TIMEOUT_S,
                                      stdin=subprocess.DEVNULL)
    assert version.returncode == 0 and version.stdout.strip() == qwen_current.version, describe(version)
    assert plain_failed.returncode not in (0, None), describe(plain_failed)
    assert failed.returncode == plain_failed.returncode, describe(failed)   # qwen's own exit code …
    assert "Unknown argument" in failed.stderr and "qwen" in failed.stderr, describe(failed)   # … and its words


def test_anthropic_key_kept_by_qwen_tui_reaches_qwen_through_run_only(
    qwen_current: QwenCode, guard: GuardProxy, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    """An Anthropic-protocol profile whose key is in qwen-tui's own 0600 file: plain qwen has no key, run passes
    it under the profile's envKey."""
    write_settings(qwen_home / "settings.json", QUIET_SETTINGS)
    model = "claude-test-1"
    with AnthropicServer(key=KEY, models=(model,)) as server:
        plain_env, env = _environments(qwen_current, isolated_home, guard, dict(NO_KEYRING))
        login = run_qwen_tui("auth", "login", "--method", "anthropic", "--base-url", server.url, "--model", model,
                             "--api-key-stdin", "--store", "file", "--no-verify", env=env, cwd=project_dir,
                             stdin=KEY + "\n")
        assert login.returncode == 0, describe(login)
        verdict = _verdict(env, project_dir)
        plain = run_qwen(qwen_current, plain_env, project_dir)
        assert server.requests_to("/messages") == [], describe(plain)
        through_run, _ = run_through_qwen_tui(env, project_dir, "-p", PROMPT)
        messages = server.requests_to("/messages")
    assert (verdict["direct"], verdict["viaRun"], verdict["fix"]) == (False, True, "qwen-tui run"), verdict
    assert plain.returncode != 0, describe(plain)
    assert through_run.returncode == 0 and "pong" in through_run.stdout, describe(through_run)
    assert messages and all(m.headers.get("authorization") == f"Bearer {KEY}" for m in messages)
    assert guard.refused == []


def _signed_in_with_qwen_oauth(qwen_home: Path, api: OpenAIServer) -> Credentials:
    write_settings(qwen_home / "settings.json",
                   merged(QUIET_SETTINGS, {"security": {"auth": {"selectedType": "qwen-oauth"}}}))
    creds = Credentials("at-run-interop-0123456789", "rt-run", "Bearer", api.origin,
                        int((time.time() + 3600) * 1000))
    path = qwen_home / "oauth_creds.json"
    path.write_text(creds.to_json_text())
    path.chmod(0o600)
    return creds


def test_qwen_oauth_is_refused_by_0244_and_run_says_so_before_starting_it(
    qwen_current: QwenCode, guard: GuardProxy, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    with OpenAIServer(key=None, models=("coder-model",)) as api:
        _signed_in_with_qwen_oauth(qwen_home, api)
        plain_env, env = _environments(qwen_current, isolated_home, guard, dict(NO_KEYRING))
        verdict = _verdict(env, project_dir)
        plain = run_qwen(qwen_current, plain_env, project_dir)
        through_run, cmdlines = run_through_qwen_tui(env, project_dir, "-p", PROMPT)
        calls = api.requests_to("/chat/completions")
    assert plain.returncode != 0 and "discontinued" in plain.stderr, describe(plain)
    assert (verdict["direct"], verdict["viaRun"], verdict["fix"]) == (False, False, "qwen-tui auth"), verdict
    assert "0.24.4" in verdict["reason"]
    assert through_run.returncode == 1 and through_run.stderr.count("\n") == 1, describe(through_run)
    assert "0.24.4" in through_run.stderr and "discontinued" not in through_run.stderr   # ours, not qwen's
    assert not any("qwen-code" in line for line in cmdlines) and calls == []


def test_qwen_oauth_is_accepted_by_0120_directly_and_through_run(
    qwen_pre_shutdown: QwenCode, guard: GuardProxy, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    with OpenAIServer(key=None, models=("coder-model",)) as api:
        creds = _signed_in_with_qwen_oauth(qwen_home, api)
        plain_env, env = _environments(qwen_pre_shutdown, isolated_home, guard, dict(NO_KEYRING))
        verdict = _verdict(env, project_dir)
        plain = run_qwen(qwen_pre_shutdown, plain_env, project_dir)
        through_run, _ = run_through_qwen_tui(env, project_dir, "-p", PROMPT)
        calls = api.requests_to("/chat/completions")
    assert (verdict["direct"], verdict["viaRun"], verdict["reason"]) == (True, True, None), verdict
    assert verdict["version"] == "0.12.0"
    assert plain.returncode == 0 and "pong" in plain.stdout, describe(plain)
    assert through_run.returncode == 0 and "pong" in through_run.stdout, describe(through_run)
    assert len(calls) == 2 and all(c.headers["authorization"] == f"Bearer {creds.access_token}" for c in calls)
    assert guard.refused == []

"""After saving a key with each store, the key is nowhere but in the store the user chose.

Scans every file under HOME (settings, their `.orig` backups, locks, .env files, logs, the secrets file)
except the chosen one, the log files (logging configured first, so httpx and qwen-tui events reach them),
and `qwen-tui status` output (run in-process: tests/cli_run.py). A key moved between stores must leave no copy
behind either.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from qwen_tui.core import log, paths
from qwen_tui.core.context import Context
from qwen_tui.core.providers.profiles import KeyStore, ProfileError, save_profile
from qwen_tui.core.providers.verify import check_key
from tests.cli_run import run_cli
from tests.servers.openai_server import OpenAIServer

FAIL_BACKEND = "keyring.backends.fail.Keyring"
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"


@pytest.fixture
def logging_on(isolated_home: Path):
    path = log.configure_logging(os.environ, interactive=False)
    assert path is not None
    yield path
    log._remove_handler()  # as test_log_redaction does: no handler may outlive its tmp HOME


def files_holding(secret: str, root: Path, allowed: set[Path]) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and path not in allowed and secret.encode() in path.read_bytes():
            found.append(path)
    return found


def chosen_file(store: KeyStore) -> Path | None:
    return {
        KeyStore.SETTINGS: paths.user_settings_path(os.environ),
        KeyStore.DOTENV: paths.qwen_home(os.environ) / ".env",
        KeyStore.FILE: paths.secrets_file_path(os.environ),
        KeyStore.KEYRING: paths.qwen_home(os.environ) / ".env",  # no keyring backend here: Qwen Code's own .env
    }[store]


def status_output(**extra_env: str) -> str:
    env = {"PYTHON_KEYRING_BACKEND": FAIL_BACKEND, **extra_env}
    outputs = []
    for args in (["status"], ["status", "--json"]):
        result = run_cli(*args, env=env)
        outputs.append(result.stdout + result.stderr)
    return "\n".join(outputs)


def exercise(server: OpenAIServer, store: KeyStore) -> None:
    """Verify (right and wrong key), save, and save again, with logging on."""
    for key in (server.key, "sk-wrong-0123456789abcdef"):
        assert (asyncio.run(check_key(server.url, key, None)).ok) == (key == server.key)
    save_profile(base_url=server.url, model="m", key=server.key, store=store, context=Context.current())
    # a settings rewrite: .orig
    save_profile(base_url=server.url, model="m2", key=server.key + "\n", store=store, context=Context.current())


@pytest.mark.parametrize("store", list(KeyStore))
def test_key_is_only_in_the_chosen_store(
    store: KeyStore, openai_server: OpenAIServer, logging_on: Path, isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL_BACKEND)
    exercise(openai_server, store)
    chosen = chosen_file(store)
    assert chosen is not None and openai_server.key.encode() in chosen.read_bytes()
    assert logging_on.exists() and logging_on.stat().st_size > 0  # the log did receive events
    allowed = {chosen}
    if store == KeyStore.SETTINGS:
        allowed.add(chosen.with_name(chosen.name + ".orig"))  # the writer's backup of the chosen file
    assert files_holding(openai_server.key, isolated_home, allowed) == []
    assert files_holding(openai_server.key, isolated_home.parent / "project", set()) == []
    assert openai_server.key not in status_output()


def test_moving_the_key_between_stores_leaves_no_copy(
    openai_server: OpenAIServer, logging_on: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL_BACKEND)
    for store in (KeyStore.SETTINGS, KeyStore.DOTENV, KeyStore.FILE, KeyStore.SETTINGS, KeyStore.KEYRING):
        save_profile(base_url=openai_server.url, model="m", key=openai_server.key, store=store,
                     context=Context.current())
        allowed = {chosen_file(store)}
        assert files_holding(openai_server.key, isolated_home, allowed) == [], store


def test_failed_save_leaks_nothing(logging_on: Path, isolated_home: Path, qwen_home: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL_BACKEND)
    key = "sk-failing-0123456789abcdef"
    qwen_home.mkdir(exist_ok=True)
    paths.user_settings_path(os.environ).write_text("{ broken")
    with pytest.raises(ProfileError) as error:
        save_profile(base_url="http://127.0.0.1:1/v1", model="m", key=key, store=KeyStore.SETTINGS,
                     context=Context.current())
    assert key not in str(error.value)
    assert files_holding(key, isolated_home, set()) == []


@pytest.mark.keyring
def test_keyring_store_writes_no_file_at_all(
    openai_server: OpenAIServer, logging_on: Path, isolated_home: Path, secret_service: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in secret_service.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", SECRET_SERVICE_BACKEND)
    exercise(openai_server, KeyStore.KEYRING)   # the key stays in the keyring: `secret_service` empties it first
    assert files_holding(openai_server.key, isolated_home, set()) == []
    assert openai_server.key not in status_output(**secret_service, PYTHON_KEYRING_BACKEND=SECRET_SERVICE_BACKEND)

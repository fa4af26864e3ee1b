"""SecretStore.late_answer: a keyring probe that outlived its timeout still counts when the keyring answers (a real
Secret Service behind a bus that holds its answers until the test lets them through: tests/slow_bus.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from qwen_tui.core.secrets import SecretStore
from tests.slow_bus import SlowBus, keyring_threads

FAKE_KEY = "sk-test-late-0123456789abcdef"


@pytest.fixture
def late_bus(secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowBus]:
    """The process's session bus: the tests' Secret Service behind a bus that holds its answers."""
    with SlowBus(secret_service["DBUS_SESSION_BUS_ADDRESS"]) as bus:
        for name, value in {**secret_service, "DBUS_SESSION_BUS_ADDRESS": bus.address}.items():
            monkeypatch.setenv(name, value)   # the D-Bus client reads the process environment
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.SecretService.Keyring")
        yield bus


@pytest.mark.keyring
def test_a_probe_that_timed_out_counts_once_the_keyring_answers(late_bus: SlowBus) -> None:
    store = SecretStore(os.environ, timeout=0.5)
    assert store.keyring_available() is False
    assert store.late_answer(0.1) is None          # asked, not answered yet
    late_bus.answer()
    assert store.late_answer(60) is True
    assert store.keyring_available() is True
    assert store.keyring_set("LATE_KEY", FAKE_KEY) and store.keyring_get("LATE_KEY") == FAKE_KEY
    assert store.late_answer(0) is False           # nothing pending any more


def test_without_a_pending_probe_there_is_no_late_answer(qwen_home) -> None:
    store = SecretStore({**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert store.late_answer(0) is False                # not probed yet
    assert store.keyring_available() is False
    assert store.late_answer(0) is False                # probed: no keyring, an answer in time


@pytest.mark.keyring
def test_stores_asking_a_keyring_that_has_not_answered_share_its_probe(late_bus: SlowBus) -> None:
    """A keyring that never answers costs one hung thread (and bus connection), however many stores ask it."""
    before = keyring_threads()   # (an earlier test's may still be ending)
    stores = [SecretStore(os.environ, timeout=0.2) for _ in range(3)]
    assert [store.keyring_available() for store in stores] == [False] * 3
    assert len(keyring_threads() - before) == 1
    late_bus.answer()
    assert [store.late_answer(60) for store in stores] == [True] * 3


@pytest.mark.keyring
def test_a_probe_answering_as_its_timeout_ends_is_not_lost(late_bus: SlowBus, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keyring answers just after the wait gave up, before the store looks whether the probe still runs: the
    answer is still there to take (late_answer), not lost for good."""
    from qwen_tui.core import secrets

    real, raced = secrets._Call.result, []

    def answered_as_it_timed_out(call, timeout, **options):
        try:
            return real(call, timeout, **options)
        except secrets._KeyringFailed:
            if not raced:   # the first timeout only: the bus answers and the probe ends right then
                raced.append(call)
                late_bus.answer()
                call._thread.join(60)
            raise

    monkeypatch.setattr(secrets._Call, "result", answered_as_it_timed_out)
    store = SecretStore(os.environ, timeout=0.5)
    assert store.keyring_available() is False and raced
    assert store.late_answer(0) is True
    assert store.keyring_set("RACED_KEY", FAKE_KEY) and store.keyring_get("RACED_KEY") == FAKE_KEY


@pytest.mark.keyring
def test_a_write_that_outlived_its_timeout_takes_itself_back_when_it_lands(late_bus: SlowBus) -> None:
    """The keyring worked, then does not answer a write within the timeout: the key goes to the 0600 file, and the
    held write, once the bus lets it through, deletes what it wrote (one copy of each secret: the file's)."""
    late_bus.answer()
    store = SecretStore(os.environ, timeout=0.5)
    assert store.keyring_available() or store.late_answer(60)   # (a loaded machine's probe may miss 0.5 s)
    before = keyring_threads()
    late_bus.hold()
    written = store.set("LATE_WRITE_KEY", FAKE_KEY)
    assert written.location == "file" and written.warning
    late_bus.answer()
    for thread in keyring_threads() - before:   # the held write lands, then takes itself back, in its thread
        thread.join(60)
    # Asked of the keyring directly, with no timeout: an answer that did not come must not pass for "not there".
    from keyring.core import load_keyring

    assert load_keyring("keyring.backends.SecretService.Keyring").get_password("qwen-tui", "LATE_WRITE_KEY") is None
    assert store.file_get("LATE_WRITE_KEY") == FAKE_KEY and store.file_path.stat().st_mode & 0o777 == 0o600


@pytest.mark.keyring
def test_a_refresh_waits_for_a_silent_keyring_once_not_once_per_key(
    late_bus: SlowBus, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A resolution and the saved providers listed from it, with their keys in qwen-tui's file and a keyring that
    does not answer: the keyring's cap is waited out once (the credential's read), not again for the providers'
    keys (home's table) — each wait is seconds on the user's screen."""
    import json

    from qwen_tui.core import paths, secrets
    from qwen_tui.core.context import Context
    from qwen_tui.core.providers.saved import list_profiles
    from qwen_tui.core.resolver import Source, SourceKind, resolve

    monkeypatch.setattr(secrets, "KEYRING_CAP_S", 0.2)   # every read here misses it: the bus holds its answers
    env = dict(os.environ)
    entries = [{"id": f"model-{n}", "name": f"model-{n}", "baseUrl": f"http://127.0.0.1:{n}/v1", "envKey": f"KEY_{n}"}
               for n in (1, 2)]
    settings = {"security": {"auth": {"selectedType": "openai"}}, "model": {"name": "model-1"},
                "modelProviders": {"openai": entries}}
    paths.user_settings_path(env).parent.mkdir(parents=True, exist_ok=True)
    paths.user_settings_path(env).write_text(json.dumps(settings))
    for n in (1, 2):
        SecretStore(env).file_set(f"KEY_{n}", f"{FAKE_KEY}-{n}")
    before = keyring_threads()
    resolution = resolve(Context(Path.cwd(), env))
    profiles = list_profiles(resolution)
    assert resolution.credential.secret == f"{FAKE_KEY}-1"
    assert resolution.credential.source.kind == SourceKind.SECRET_FILE
    in_file = [Source(SourceKind.SECRET_FILE, paths.secrets_file_path(env), f"KEY_{n}").describe() for n in (1, 2)]
    assert [profile.key_location for profile in profiles] == in_file
    waits = keyring_threads() - before   # a read that ran out its cap waits in its thread for the bus
    assert len(waits) == 1, f"the keyring's cap waited out {len(waits)} times"

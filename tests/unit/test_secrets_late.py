"""SecretStore.late_answer: a keyring probe that outlived its timeout still counts when the keyring answers (a real
Secret Service behind a bus that holds its answers until the test lets them through: tests/slow_bus.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

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

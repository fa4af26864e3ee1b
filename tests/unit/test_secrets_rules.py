"""SecretStore's keyring choice and probe, written from the mutants of `qwen_tui/core/secrets.py` that
test_secrets.py lets live: which backends count as a keyring, that the probe's round trip decides, that the probe
and a first read touch only their own item. A real Secret Service (gnome-keyring on a private bus); the backend
choices that keyring caches for a whole process run in fresh processes, with real misbehaving backends
(`tests/odd_keyrings.py`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from qwen_tui.core.secrets import SERVICE, SecretStore
from tests.keyring_service import start_secret_service
from tests.unit.test_secrets import captured_log

REPO = Path(__file__).resolve().parents[2]
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"
_SET_SCRIPT = """
import importlib, json, os, sys
for module in sys.argv[1:]:
    importlib.import_module(module)
from qwen_tui.core.secrets import SecretStore
store = SecretStore(os.environ)
available = store.keyring_available()
print(json.dumps({"available": available, "location": store.set("OPENAI_API_KEY_rules", "sk-rules-0123").location}))
"""


_GET_SCRIPT = """
import os
from qwen_tui.core.secrets import SecretStore
print(repr(SecretStore(os.environ).keyring_get("OPENAI_API_KEY_rules")))
"""


def fresh_set(*imports: str, **env: str) -> dict[str, object]:
    """A fresh process's probe and set, with `env` added to this one's (bus, backend) and `imports` loaded first."""
    result = subprocess.run([sys.executable, "-c", _SET_SCRIPT, *imports],
                            env={**os.environ, "PYTHONPATH": str(REPO), **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr[-2000:]
    return json.loads(result.stdout)


def secret_tool(*args: str, bus_env: dict[str, str], value: str | None = None) -> str:
    """secret-tool's output; a lookup that finds nothing prints nothing (and exits 1)."""
    result = subprocess.run(["secret-tool", *args], input=value, env={**os.environ, **bus_env},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 or (args[0] == "lookup" and result.stdout == ""), result.stderr
    return result.stdout


@pytest.mark.parametrize("backend", ["tests.odd_keyrings.ForgetfulKeyring", "tests.odd_keyrings.UnrankedKeyring"])
def test_a_keyring_that_forgets_or_ranks_itself_unusable_is_no_keyring(qwen_home: Path, backend: str) -> None:
    assert fresh_set(PYTHON_KEYRING_BACKEND=backend) == {"available": False, "location": "file"}


def test_a_keyring_answering_with_something_else_than_text_has_no_key(qwen_home: Path) -> None:
    result = subprocess.run([sys.executable, "-c", _GET_SCRIPT], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(REPO),
                                 "PYTHON_KEYRING_BACKEND": "tests.odd_keyrings.BytesKeyring"})
    assert (result.returncode, result.stdout, result.stderr) == (0, "None\n", "")


def test_a_keyring_that_failed_a_read_is_no_keyring_for_the_store(tmp_path: Path) -> None:
    """No probe after a failed first read: the store already knows its keyring does not work."""
    store = SecretStore({**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    with captured_log(tmp_path) as log_file:
        assert store.keyring_get("ANY_KEY") is None
        assert store.keyring_available() is False
    assert "keyring_probe" not in [json.loads(line)["event"] for line in log_file.read_text().splitlines()]


@pytest.mark.keyring
def test_keyrings_own_detection_and_its_chainer_find_the_secret_service(
    qwen_home: Path, secret_service: dict[str, str],
) -> None:
    # No backend named: keyring's detection (the Secret Service is the one usable backend here).
    assert fresh_set(**secret_service) == {"available": True, "location": "keyring"}
    # The chainer named, with two usable backends to chain (the Secret Service first, by its priority).
    chained = fresh_set("tests.odd_keyrings", PYTHON_KEYRING_BACKEND="keyring.backends.chainer.ChainerBackend",
                        **secret_service)
    assert chained == {"available": True, "location": "keyring"}
    assert secret_tool("lookup", "service", SERVICE, "username", "OPENAI_API_KEY_rules",
                       bus_env=secret_service) == "sk-rules-0123"


@pytest.fixture
def two_keys(secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Callable[[], SecretStore]:
    """Two keys another program stored under qwen-tui's service; new stores on that Secret Service."""
    for key, value in secret_service.items():
        monkeypatch.setenv(key, value)
    for name in ("FIRST_KEY", "SECOND_KEY"):
        secret_tool("store", "--label", name, "service", SERVICE, "username", name, bus_env=secret_service,
                    value=f"value-of-{name}")
    return lambda: SecretStore({**os.environ, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE_BACKEND})


@pytest.mark.keyring
def test_the_probe_removes_only_its_own_item(two_keys: Callable[[], SecretStore], secret_service) -> None:
    assert two_keys().keyring_available()
    for name in ("FIRST_KEY", "SECOND_KEY"):
        assert secret_tool("lookup", "service", SERVICE, "username", name, bus_env=secret_service) == \
            f"value-of-{name}"
    assert secret_tool("lookup", "service", SERVICE, "username", "qwen-tui-keyring-probe",
                       bus_env=secret_service) == ""


@pytest.mark.keyring
def test_a_first_read_through_keyring_reads_the_named_key(two_keys: Callable[[], SecretStore]) -> None:
    """With no bus in the store's environment the direct read declines and keyring is asked, before any probe."""
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["PYTHON_KEYRING_BACKEND"] = SECRET_SERVICE_BACKEND
    assert SecretStore(env).keyring_get("FIRST_KEY") == "value-of-FIRST_KEY"
    assert SecretStore(env).keyring_get("SECOND_KEY") == "value-of-SECOND_KEY"


@pytest.mark.keyring
def test_a_bus_that_did_not_answer_is_no_keyring_for_the_store(tmp_path: Path) -> None:
    """Its own Secret Service, its bus stopped (the socket still accepts): after the first read found no answer the
    store knows it has no keyring; it neither probes nor waits on that bus again."""
    session = start_secret_service(tmp_path)
    bus = session.processes[0]
    bus.send_signal(signal.SIGSTOP)
    try:
        store = SecretStore({**os.environ, **session.env, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE_BACKEND},
                            timeout=0.5)
        with captured_log(tmp_path) as log_file:
            assert store.keyring_get("ANY_KEY") is None
            assert store.keyring_available() is False
            assert store.keyring_get("ANY_KEY") is None
        events = [json.loads(line)["event"] for line in log_file.read_text().splitlines()]
        assert "keyring_probe" not in events
    finally:
        bus.send_signal(signal.SIGCONT)
        session.stop()

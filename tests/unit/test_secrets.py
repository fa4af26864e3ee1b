"""SecretStore against a real Secret Service (gnome-keyring on a private bus) and real fallback files.

Runs that depend on keyring's process-wide backend detection (`keyring.get_keyring()`, cached at first
use) happen in subprocesses, so each sees a fresh detection like a real `qwen-tui` process does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qwen_tui.core import paths
from qwen_tui.core.fileops import FileOpError
from qwen_tui.core.secrets import SERVICE, SecretLocation, SecretLookup, SecretStore

REPO = Path(__file__).resolve().parents[2]
FAIL_BACKEND = "keyring.backends.fail.Keyring"
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"
SLOW_BACKEND = "tests.slow_keyring.SlowKeyring"
FAKE_KEY = "sk-test-secrets-0123456789abcdef"

_STORE_SCRIPT = """
import json, os, sys
from qwen_tui.core.secrets import SecretStore
store = SecretStore(os.environ)
op, name, value = sys.argv[1], sys.argv[2], sys.stdin.read()
result = {"available": store.keyring_available()}
if op == "set":
    written = store.set(name, value)
    result.update(location=written.location, path=str(written.path), warning=written.warning)
elif op == "get":
    found = store.get(name)
    result.update(value=found.value, location=found.location)
elif op == "delete":
    store.delete(name)
print(json.dumps(result))
"""


@pytest.fixture
def slow_backend() -> Iterator[str]:
    """SLOW_BACKEND, for a store in this process. Loading it imports its class, and keyring's detection weighs
    every backend class imported: a later test of this process relying on that detection (no backend named, no
    bus) would find its every keyring call hanging to the cap. Forgotten again afterwards."""
    yield SLOW_BACKEND
    import keyring.backend
    import keyring.core

    from tests.slow_keyring import SlowKeyring

    keyring.backend.KeyringBackend._classes.discard(SlowKeyring)
    with contextlib.suppress(KeyError):   # (cached once computed; KeyError: not computed yet)
        keyring.backend.get_all_keyring.reset()
    if isinstance(keyring.core._keyring_backend, SlowKeyring):
        keyring.core._keyring_backend = None   # detected meanwhile: detected again, without it


def run_store(op: str, name: str, value: str = "", drop: tuple[str, ...] = (), **extra_env: str) -> dict[str, object]:
    """Run one SecretStore operation in a fresh process, in that process's own environment."""
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PYTHONPATH=str(REPO), **extra_env)
    result = subprocess.run(
        [sys.executable, "-c", _STORE_SCRIPT, op, name],
        input=value, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == ""  # nothing printed besides our JSON
    return json.loads(result.stdout)


def secret_tool(*args: str, bus_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["secret-tool", *args], env={**os.environ, **bus_env},
                          capture_output=True, text=True, timeout=30)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextlib.contextmanager
def captured_log(tmp_path: Path) -> Iterator[Path]:
    """qwen-tui's log file, configured for the block and flushed at its end."""
    from qwen_tui.core import log

    log_file = log.configure_logging({"QWEN_HOME": str(tmp_path / "logs-home")}, interactive=False)
    assert log_file is not None
    try:
        yield log_file
        for handler in logging.getLogger().handlers:
            handler.flush()
    finally:
        log._remove_handler()
        log._configure_silent()


# --- real Secret Service -------------------------------------------------------------------------

# What a busy machine does to a fresh process: the keyring stack takes seconds to import (0.2 s of CPU).
_SLOW_KEYRING_IMPORTS = """
import sys, time

class SlowImports:
    slowed = set()

    def find_spec(self, name, path=None, target=None):
        if name in ("keyring", "secretstorage") and name not in self.slowed:
            self.slowed.add(name)
            time.sleep(2)
        return None

sys.meta_path.insert(0, SlowImports())
"""


@pytest.mark.keyring
def test_a_slow_import_is_not_taken_for_a_keyring_that_does_not_answer(
        secret_service: dict[str, str], tmp_path: Path) -> None:
    # 4 s of imports against the store's 3 s timeout: the timeout is for D-Bus, so the key still goes to the keyring.
    (tmp_path / "sitecustomize.py").write_text(_SLOW_KEYRING_IMPORTS)
    env = {**os.environ, **secret_service, "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"}
    result = subprocess.run([sys.executable, "-c", _STORE_SCRIPT, "set", "OPENAI_API_KEY_slow"], input=FAKE_KEY,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == {"available": True, "location": "keyring", "path": "None", "warning": None}
    assert not paths.secrets_file_path(os.environ).exists()
    run_store("delete", "OPENAI_API_KEY_slow", **secret_service)


@pytest.mark.keyring
def test_secret_goes_to_secret_service_not_the_file(secret_service: dict[str, str]) -> None:
    name = "OPENAI_API_KEY_subprocess"
    written = run_store("set", name, FAKE_KEY, **secret_service)
    assert written == {"available": True, "location": "keyring", "path": "None", "warning": None}
    # Really in the Secret Service, under our service and the secret's name as username ...
    lookup = secret_tool("lookup", "service", SERVICE, "username", name, bus_env=secret_service)
    assert lookup.returncode == 0 and lookup.stdout == FAKE_KEY
    # --all: the Secret Service is shared by the session's tests, and a plain search prints only its first match.
    found = secret_tool("search", "--all", "service", SERVICE, bus_env=secret_service).stderr
    assert f"attribute.username = {name}" in found
    # ... and not in the plain file.
    assert not paths.secrets_file_path(os.environ).exists()
    assert run_store("get", name, **secret_service) == {"available": True, "value": FAKE_KEY, "location": "keyring"}
    run_store("delete", name, **secret_service)
    assert secret_tool("lookup", "service", SERVICE, "username", name, bus_env=secret_service).stdout == ""
    assert run_store("get", name, **secret_service)["value"] is None


@pytest.mark.keyring
def test_in_process_store_uses_secret_service(
    secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in secret_service.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", SECRET_SERVICE_BACKEND)
    name = "OPENAI_API_KEY_in_process"
    # A plain-text copy left over from a time without keyring ...
    SecretStore({**os.environ, "PYTHON_KEYRING_BACKEND": FAIL_BACKEND}).set(name, "old-plain")
    assert paths.secrets_file_path(os.environ).exists()

    store = SecretStore(os.environ)
    assert store.keyring_available()
    written = store.set(name, FAKE_KEY)
    assert (written.location, written.path, written.warning) == (SecretLocation.KEYRING, None, None)
    # ... is removed once the secret moves into the keyring.
    assert not paths.secrets_file_path(os.environ).exists()
    assert store.get(name) == SecretLookup(FAKE_KEY, SecretLocation.KEYRING, None)
    assert secret_tool("lookup", "service", SERVICE, "username", name, bus_env=secret_service).stdout == FAKE_KEY
    # The probe entry never stays behind.
    search = secret_tool("search", "--all", "service", SERVICE, bus_env=secret_service).stderr
    assert "qwen-tui-keyring-probe" not in search
    store.delete(name)
    store.delete(name)  # deleting twice is fine
    assert store.get(name) == SecretLookup(None, None, None)


# --- no keyring: the explicit file -----------------------------------------------------------------

def fail_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHON_KEYRING_BACKEND": FAIL_BACKEND, **extra}


def test_fail_backend_falls_back_to_private_file(qwen_home: Path) -> None:
    store = SecretStore(fail_env())
    assert not store.keyring_available()
    written = store.set("OPENAI_API_KEY", FAKE_KEY)
    file = qwen_home / "qwen-tui-secrets.json"
    assert written.location is SecretLocation.FILE and written.path == file
    assert written.warning is not None and str(file) in written.warning and "\n" not in written.warning
    assert FAKE_KEY not in written.warning
    assert mode(file) == 0o600 and mode(qwen_home) == 0o700
    assert json.loads(file.read_text()) == {"OPENAI_API_KEY": FAKE_KEY}

    store.set("OTHER", "value-2")
    assert store.get("OPENAI_API_KEY") == SecretLookup(FAKE_KEY, SecretLocation.FILE, file)
    store.delete("OPENAI_API_KEY")
    assert json.loads(file.read_text()) == {"OTHER": "value-2"}
    store.delete("OTHER")
    assert not file.exists()
    assert store.get("OTHER") == SecretLookup(None, None, None)


def test_qwen_home_decides_where_the_file_goes(tmp_path: Path) -> None:
    home = tmp_path / "custom-qwen"
    written = SecretStore(fail_env(QWEN_HOME=str(home))).set("K", "v")
    assert written.path == home / "qwen-tui-secrets.json" and written.path.exists()


def test_keyring_reads_python_keyring_backend_itself(qwen_home: Path) -> None:
    """The process's own environment in a fresh process: PYTHON_KEYRING_BACKEND there is the backend."""
    result = run_store("set", "OPENAI_API_KEY", FAKE_KEY, PYTHON_KEYRING_BACKEND=FAIL_BACKEND)
    assert result["available"] is False and result["location"] == "file"
    assert str(qwen_home / "qwen-tui-secrets.json") in str(result["warning"])
    assert run_store("get", "OPENAI_API_KEY", PYTHON_KEYRING_BACKEND=FAIL_BACKEND)["value"] == FAKE_KEY


def test_chainer_without_backends_counts_as_no_keyring() -> None:
    # No session bus: the Secret Service is not viable, so the chainer has nothing to chain.
    result = run_store("set", "K", "v", drop=("DBUS_SESSION_BUS_ADDRESS",),
                       PYTHON_KEYRING_BACKEND="keyring.backends.chainer.ChainerBackend")
    assert result["available"] is False and result["location"] == "file"


def test_hanging_keyring_is_abandoned_within_the_timeout(qwen_home: Path, slow_backend: str) -> None:
    store = SecretStore({**os.environ, "PYTHON_KEYRING_BACKEND": slow_backend}, timeout=0.5)
    started = time.monotonic()
    assert store.keyring_available() is False
    # Generous bound for a loaded machine; SlowKeyring itself would block for 10 s.
    assert time.monotonic() - started < 5.0
    written = store.set("OPENAI_API_KEY", FAKE_KEY)
    assert written.location is SecretLocation.FILE
    assert store.get("OPENAI_API_KEY").value == FAKE_KEY


def test_a_hanging_keyring_never_keeps_the_process_alive(qwen_home: Path, tmp_path: Path, slow_backend: str) -> None:
    """The abandoned keyring call runs in a daemon thread: the process ends with its answer instead of waiting
    for the call (SlowKeyring marks the file only if its call ever finishes)."""
    mark = tmp_path / "finished"
    result = run_store("get", "OPENAI_API_KEY", PYTHON_KEYRING_BACKEND=SLOW_BACKEND, SLOW_KEYRING_MARK=str(mark))
    assert result == {"available": False, "value": None, "location": None}
    assert not mark.exists()
    # and in this process: the store gives up on it the same way (so a mutation run maps this test to _run)
    assert SecretStore({**os.environ, "PYTHON_KEYRING_BACKEND": slow_backend}, timeout=0.2).keyring_get("K") is None


def test_timeout_is_capped_at_three_seconds() -> None:
    store = SecretStore({}, timeout=30)
    assert store._timeout == 3.0


def test_unparsable_file_is_never_clobbered(qwen_home: Path) -> None:
    qwen_home.mkdir(mode=0o700)
    file = qwen_home / "qwen-tui-secrets.json"
    file.write_text('{"OPENAI_API_KEY": "sk-only-copy", ')
    store = SecretStore(fail_env())
    with pytest.raises(FileOpError) as error:
        store.set("OTHER", "value")
    assert str(file) in str(error.value) and "\n" not in str(error.value)
    assert "sk-only-copy" not in str(error.value)
    with pytest.raises(FileOpError):
        store.get("OPENAI_API_KEY")
    assert file.read_text() == '{"OPENAI_API_KEY": "sk-only-copy", '


def test_secret_values_stay_out_of_reprs_and_logs(tmp_path: Path, qwen_home: Path, slow_backend: str) -> None:
    with captured_log(tmp_path) as log_file:
        store = SecretStore(fail_env(), timeout=0.5)
        store.set("OPENAI_API_KEY", FAKE_KEY)
        found = store.get("OPENAI_API_KEY")
        assert FAKE_KEY not in repr(found)
        slow = SecretStore({**os.environ, "PYTHON_KEYRING_BACKEND": slow_backend}, timeout=0.2)
        slow.set("OPENAI_API_KEY", FAKE_KEY)
    text = log_file.read_text()
    assert "keyring_probe" in text and "keyring_timeout" in text
    assert FAKE_KEY not in text
    events = [json.loads(line) for line in text.splitlines()]
    assert {(e["event"], e.get("timeout_s")) for e in events if "timeout" in e["event"]} == {("keyring_timeout", 0.2)}


def test_secrets_file_that_is_not_utf8_is_a_one_line_error_and_left_alone(qwen_home: Path) -> None:
    qwen_home.mkdir(mode=0o700)
    file = qwen_home / "qwen-tui-secrets.json"
    content = b'\xff{"OPENAI_API_KEY": "sk-only-copy"}'
    file.write_bytes(content)
    store = SecretStore(fail_env())
    for attempt in (lambda: store.get("OPENAI_API_KEY"), lambda: store.set("OTHER", "value")):
        with pytest.raises(FileOpError) as error:
            attempt()
        assert str(file) in str(error.value) and "\n" not in str(error.value)
        assert "sk-only-copy" not in str(error.value)
    assert file.read_bytes() == content


# --- one store at a time, and the shapes others read (found open by a mutation run) --------------------------

@pytest.fixture
def keyring_store(secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Callable[[], SecretStore]:
    """New stores on the private Secret Service (keyring's backend finds the bus in the process environment)."""
    for key, value in secret_service.items():
        monkeypatch.setenv(key, value)
    return lambda: SecretStore({**os.environ, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE_BACKEND})


@pytest.mark.keyring
def test_a_key_stored_by_another_program_is_read_without_a_probe(
    secret_service: dict[str, str], keyring_store: Callable[[], SecretStore],
) -> None:
    """`qwen-tui run` reads a key on every `qwen` start: one bounded read, no write round trip first."""
    name = "OPENAI_API_KEY_stored_by_secret_tool"
    stored = subprocess.run(["secret-tool", "store", "--label", "test", "service", SERVICE, "username", name],
                            input=FAKE_KEY, env={**os.environ, **secret_service}, capture_output=True, text=True,
                            timeout=30)
    assert stored.returncode == 0, stored.stderr
    try:
        assert keyring_store().keyring_get(name) == FAKE_KEY
        assert keyring_store().get(name) == SecretLookup(FAKE_KEY, SecretLocation.KEYRING, None)
        assert keyring_store().keyring_get(name + "-missing") is None
    finally:
        secret_tool("clear", "service", SERVICE, "username", name, bus_env=secret_service)


@pytest.mark.keyring
def test_keyring_only_calls_touch_the_keyring_only(
    secret_service: dict[str, str], keyring_store: Callable[[], SecretStore], qwen_home: Path,
) -> None:
    name = "OPENAI_API_KEY_keyring_only"
    store = keyring_store()
    assert store.keyring_set(name, FAKE_KEY) is True
    assert secret_tool("lookup", "service", SERVICE, "username", name, bus_env=secret_service).stdout == FAKE_KEY
    assert store.file_get(name) is None and not paths.secrets_file_path(os.environ).exists()
    store.file_set(name, "plain-copy")                 # the file alone, even with a keyring at hand
    assert json.loads(paths.secrets_file_path(os.environ).read_text()) == {name: "plain-copy"}
    assert store.keyring_get(name) == FAKE_KEY and store.file_get(name) == "plain-copy"
    assert store.keyring_set("OTHER_KEY_keyring_only", "other-value") is True
    store.keyring_delete(name)
    store.keyring_delete(name)                         # nothing stored under the name any more: fine
    assert secret_tool("lookup", "service", SERVICE, "username", name, bus_env=secret_service).stdout == ""
    assert store.keyring_get("OTHER_KEY_keyring_only") == "other-value"      # only that name went
    store.keyring_delete("OTHER_KEY_keyring_only")
    assert store.file_get(name) == "plain-copy"
    store.file_delete(name)
    assert not paths.secrets_file_path(os.environ).exists()


def test_keyring_only_calls_without_a_keyring(qwen_home: Path) -> None:
    store = SecretStore(fail_env())
    assert store.keyring_set("K", "v") is False
    assert store.keyring_get("K") is None
    store.keyring_delete("K")
    assert not paths.secrets_file_path(os.environ).exists()      # nothing fell back to the file


def test_the_file_is_sorted_indented_json(qwen_home: Path) -> None:
    """The file is the user's to read: one key per line, sorted, whatever order they were saved in."""
    store = SecretStore(fail_env())
    store.set("ZED_KEY", "z-value")
    store.file_set("ALPHA_KEY", "a-value")
    expected = '{\n  "ALPHA_KEY": "a-value",\n  "ZED_KEY": "z-value"\n}\n'
    assert paths.secrets_file_path(os.environ).read_text() == expected


def test_a_lookup_shows_where_but_never_what(qwen_home: Path) -> None:
    file = qwen_home / "qwen-tui-secrets.json"
    assert repr(SecretLookup(FAKE_KEY, SecretLocation.FILE, file)) == (
        f"SecretLookup(value=***, location=<SecretLocation.FILE: 'file'>, path={file!r})")
    assert repr(SecretLookup(None, None, None)) == "SecretLookup(value=None, location=None, path=None)"


@pytest.mark.keyring
def test_when_the_direct_read_declines_keyring_is_asked(
    secret_service: dict[str, str], keyring_store: Callable[[], SecretStore],
) -> None:
    """The store's environment names no session bus, so the direct D-Bus read (secrets_dbus) declines; keyring's
    own backend finds the bus in the process environment: a fresh store asks keyring, in one bounded call before
    any probe. (keyring's chainer would say the same, but it caches its backends for the whole process.)"""
    name = "OPENAI_API_KEY_read_through_keyring"
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["PYTHON_KEYRING_BACKEND"] = SECRET_SERVICE_BACKEND
    assert keyring_store().keyring_set(name, FAKE_KEY)
    try:
        assert SecretStore(env).keyring_get(name) == FAKE_KEY
        assert SecretStore(env).get(name) == SecretLookup(FAKE_KEY, SecretLocation.KEYRING, None)
    finally:
        keyring_store().keyring_delete(name)
    assert SecretStore(env).keyring_get(name) is None


@pytest.mark.keyring
def test_the_log_says_where_a_secret_went_never_what(
    tmp_path: Path, qwen_home: Path, keyring_store: Callable[[], SecretStore],
) -> None:
    with captured_log(tmp_path) as log_file:
        keyring_store().set("OPENAI_API_KEY_logged", FAKE_KEY)
        SecretStore(fail_env()).set("OTHER_KEY_logged", "other-value")
    events = [json.loads(line) for line in log_file.read_text().splitlines()]
    stored = [(e["event"], e["name"], e["location"]) for e in events if e.get("event") == "secret_stored"]
    assert stored == [("secret_stored", "OPENAI_API_KEY_logged", "keyring"),
                      ("secret_stored", "OTHER_KEY_logged", "file")]
    probes = [(e["event"], e["available"]) for e in events if "probe" in e["event"]]
    assert probes == [("keyring_probe", True), ("keyring_probe", False)]
    ours = {e["logger"] for e in events if e["event"] in ("secret_stored", "keyring_probe")}
    assert ours == {"qwen_tui.core.secrets"}
    assert FAKE_KEY not in log_file.read_text() and "other-value" not in log_file.read_text()
    keyring_store().delete("OPENAI_API_KEY_logged")


def test_a_secrets_file_that_is_a_link_is_refused_not_followed(qwen_home: Path, tmp_path: Path) -> None:
    """Someone who can plant a link there must not make qwen-tui read or write the key file elsewhere."""
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text('{"OPENAI_API_KEY": "sk-from-elsewhere"}')
    qwen_home.mkdir(mode=0o700)
    file = qwen_home / "qwen-tui-secrets.json"
    file.symlink_to(elsewhere)
    store = SecretStore(fail_env())
    for attempt in (lambda: store.get("OPENAI_API_KEY"), lambda: store.set("OTHER", "value")):
        with pytest.raises(FileOpError) as error:
            attempt()
        assert str(error.value) == (f"Cannot read the secrets file {file}: a symbolic link, which qwen-tui does "
                                    "not follow here. Fix its permissions and try again.")
    assert file.is_symlink() and elsewhere.read_text() == '{"OPENAI_API_KEY": "sk-from-elsewhere"}'


def test_the_plain_text_warning_names_the_key_and_the_file(qwen_home: Path) -> None:
    written = SecretStore(fail_env()).set("OPENAI_API_KEY", FAKE_KEY)
    assert written.warning == (f"No OS keyring available: OPENAI_API_KEY stored in plain text in "
                               f"{qwen_home / 'qwen-tui-secrets.json'} (0600)")


@pytest.mark.keyring
def test_each_name_reads_and_deletes_its_own_keyring_entry(
    secret_service: dict[str, str], keyring_store: Callable[[], SecretStore], qwen_home: Path,
) -> None:
    store = keyring_store()
    names = ("OPENAI_API_KEY_first_of_two", "OPENAI_API_KEY_second_of_two")
    for name in names:
        assert store.set(name, f"value-of-{name}").location is SecretLocation.KEYRING
    for name in names:                                    # after the probe: through keyring
        assert store.get(name) == SecretLookup(f"value-of-{name}", SecretLocation.KEYRING, None)
    store.delete(names[0])
    assert store.get(names[0]) == SecretLookup(None, None, None)
    assert keyring_store().keyring_get(names[1]) == f"value-of-{names[1]}"
    store.delete(names[1])


@pytest.mark.keyring
def test_a_keyring_that_stops_working_is_not_asked_again(
    secret_service: dict[str, str], tmp_path: Path, qwen_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its own Secret Service, locked after the probe (a locked collection cannot be unlocked without a prompt):
    the failed write falls back to the file, and the store stops asking the keyring (each ask could cost the
    whole timeout)."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    from qwen_tui.core.secrets_dbus import BUS_NAME, DEFAULT_COLLECTION, SERVICE_PATH
    from tests.keyring_service import start_secret_service

    session = start_secret_service(tmp_path / "own-service")
    try:
        for key, value in session.env.items():
            monkeypatch.setenv(key, value)
        store = SecretStore({**os.environ, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE_BACKEND})
        assert store.keyring_available()
        with open_dbus_connection(bus=session.env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
            service = DBusAddress(SERVICE_PATH, BUS_NAME, "org.freedesktop.Secret.Service")
            connection.send_and_get_reply(new_method_call(service, "Lock", "ao", ([DEFAULT_COLLECTION],)), timeout=5)
        with captured_log(tmp_path) as log_file:
            assert store.keyring_set("OPENAI_API_KEY_locked", FAKE_KEY) is False
            assert store.keyring_available() is False
            assert store.set("OPENAI_API_KEY_locked", FAKE_KEY).location is SecretLocation.FILE
    finally:
        session.stop()
    failures = [(e["event"], e.get("error_type")) for e in map(json.loads, log_file.read_text().splitlines())
                if e["event"].startswith("keyring_") and e["event"] != "keyring_probe"]
    assert failures == [("keyring_error", "KeyringLocked")]     # the exception's type only: never its text

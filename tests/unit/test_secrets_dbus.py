"""The Secret Service read without `keyring` (core/secrets_dbus.py), against the real private Secret Service.

A key saved by qwen-tui's normal keyring path (a fresh process, keyring's own backend detection) must come back
from the D-Bus read, and `SecretStore.get` in a fresh process must then import neither keyring, SecretStorage nor
cryptography. Where keyring might use another backend, or the item is locked, the read declines (None) and the
store asks keyring as before. No such item, or a bus that does not answer, is the answer: keyring is not loaded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

from qwen_tui.core.secrets import SERVICE, SecretLocation, SecretLookup, SecretStore
from qwen_tui.core.secrets_dbus import BUS_NAME, DEFAULT_COLLECTION, SERVICE_PATH, Final, read_secret
from tests.keyring_service import start_secret_service
from tests.unit.test_secrets import _SLOW_KEYRING_IMPORTS, FAKE_KEY, REPO, SECRET_SERVICE_BACKEND, run_store

pytestmark = pytest.mark.keyring

HEAVY = ("keyring", "secretstorage", "cryptography")
_FRESH_GET = """
import json, os, sys
from qwen_tui.core.secrets import SecretStore
found = SecretStore(os.environ).get(sys.argv[1])
heavy = sys.argv[2].split(",")
print(json.dumps({"value": found.value, "location": found.location,
                  "imported": sorted(m for m in heavy if m in sys.modules)}))
"""


def fresh_get(name: str, env: dict[str, str], site: Path | None = None) -> dict[str, object]:
    """`SecretStore(env).get(name)` in a fresh process: the value, its store, and which heavy modules it imported
    (`site`: a folder whose sitecustomize.py that process runs first)."""
    path = os.pathsep.join(str(folder) for folder in (site, REPO) if folder)
    done = subprocess.run([sys.executable, "-c", _FRESH_GET, name, ",".join(HEAVY)],
                          env={**env, "PYTHONPATH": path}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr[-2000:]
    return json.loads(done.stdout)


def bus_env(secret_service: dict[str, str], **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    return {**env, **secret_service, **extra}


@pytest.mark.parametrize("named", [False, True], ids=["detected", "named"])
def test_a_key_saved_through_keyring_is_read_back_without_it(secret_service: dict[str, str], named: bool) -> None:
    name = f"QWEN_CUSTOM_API_KEY_FAST_{int(named)}"
    extra = {"PYTHON_KEYRING_BACKEND": SECRET_SERVICE_BACKEND} if named else {}
    env = bus_env(secret_service, **extra)
    assert run_store("set", name, FAKE_KEY, **secret_service, **extra)["location"] == "keyring"   # keyring's path
    assert read_secret(SERVICE, name, env, 3.0) == FAKE_KEY
    assert SecretStore(env).get(name) == SecretLookup(FAKE_KEY, SecretLocation.KEYRING, None)  # in this process too
    assert fresh_get(name, env) == {"value": FAKE_KEY, "location": "keyring", "imported": []}
    run_store("delete", name, **secret_service)


@pytest.mark.parametrize("setting", ["other-backend", "keyringrc", "kde"])
def test_where_keyring_may_choose_another_backend_keyring_is_asked(
    secret_service: dict[str, str], isolated_home: Path, setting: str,
) -> None:
    """The item is in the Secret Service, but keyring might not read it from there: the D-Bus read declines and
    the store answers what keyring answers (nothing with the fail backend; the item when keyring reads there)."""
    name = f"QWEN_CUSTOM_API_KEY_OTHER_{setting.replace('-', '_').upper()}"
    run_store("set", name, FAKE_KEY, **secret_service)
    extra: dict[str, str] = {}
    if setting == "other-backend":
        extra["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    elif setting == "keyringrc":
        config = isolated_home / ".config" / "python_keyring"
        config.mkdir(parents=True)
        (config / "keyringrc.cfg").write_text(f"[backend]\ndefault-keyring={SECRET_SERVICE_BACKEND}\n")
        extra["XDG_CONFIG_HOME"] = str(isolated_home / ".config")
    else:
        extra["XDG_CURRENT_DESKTOP"] = "KDE"
    env = bus_env(secret_service, **extra)
    assert read_secret(SERVICE, name, env, 3.0) is None
    got = fresh_get(name, env)
    assert "keyring" in got["imported"]
    expected = (None, None) if setting == "other-backend" else (FAKE_KEY, "keyring")
    assert (got["value"], got["location"]) == expected
    run_store("delete", name, **secret_service)


def test_a_slow_keyring_import_is_no_missing_key(
    secret_service: dict[str, str], isolated_home: Path, tmp_path: Path,
) -> None:
    """Where keyring reads the item (keyringrc names its backend), a machine so busy that importing the keyring
    stack takes longer than the store's timeout (4 s against 3) still reads the key: the timeout is for a
    keyring that does not answer. The import inside it made CI under load read no key at all."""
    name = "QWEN_CUSTOM_API_KEY_SLOW_IMPORT"
    run_store("set", name, FAKE_KEY, **secret_service)
    config = isolated_home / ".config" / "python_keyring"
    config.mkdir(parents=True)
    (config / "keyringrc.cfg").write_text(f"[backend]\ndefault-keyring={SECRET_SERVICE_BACKEND}\n")
    (tmp_path / "sitecustomize.py").write_text(_SLOW_KEYRING_IMPORTS)
    env = bus_env(secret_service, XDG_CONFIG_HOME=str(isolated_home / ".config"))
    got = fresh_get(name, env, site=tmp_path)
    assert (got["value"], got["location"]) == (FAKE_KEY, "keyring")
    run_store("delete", name, **secret_service)


def test_a_missing_item_is_an_answer_without_keyring(secret_service: dict[str, str], isolated_home: Path) -> None:
    """keyring searches the same collection on the same attributes: it would find nothing either. A key kept in
    qwen-tui's own file (read on every `qwen-tui run`) then costs no keyring import while a Secret Service runs."""
    env = bus_env(secret_service)
    assert read_secret(SERVICE, "QWEN_CUSTOM_API_KEY_NEVER_SAVED", env, 3.0) is Final.NOT_STORED
    assert fresh_get("QWEN_CUSTOM_API_KEY_NEVER_SAVED", env) == {"value": None, "location": None, "imported": []}
    secrets = isolated_home / ".qwen" / "qwen-tui-secrets.json"
    secrets.parent.mkdir(mode=0o700)
    secrets.write_text(json.dumps({"QWEN_CUSTOM_API_KEY_ONLY_IN_FILE": FAKE_KEY}))
    secrets.chmod(0o600)
    assert fresh_get("QWEN_CUSTOM_API_KEY_ONLY_IN_FILE", env) == {"value": FAKE_KEY, "location": "file",
                                                                 "imported": []}


def test_a_bus_that_does_not_answer_is_waited_for_once(tmp_path: Path) -> None:
    """A stopped session bus (its socket still accepts): the D-Bus read's timeout is the answer, and keyring, whose
    backend would wait on the same bus again, is not loaded. Its own Secret Service: the bus is stopped."""
    session = start_secret_service(tmp_path)
    bus = session.processes[0]
    bus.send_signal(signal.SIGSTOP)
    try:
        env = bus_env(session.env)
        assert read_secret(SERVICE, "ANY", env, 0.5) is Final.NO_ANSWER
        assert fresh_get("QWEN_CUSTOM_API_KEY_ANY", env) == {"value": None, "location": None, "imported": []}
    finally:
        bus.send_signal(signal.SIGCONT)
        session.stop()


def test_no_session_bus_or_a_dead_one_is_left_to_keyring(secret_service: dict[str, str], tmp_path: Path) -> None:
    env = bus_env(secret_service)
    assert read_secret(SERVICE, "ANY", {k: v for k, v in env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}, 3.0) is None
    assert read_secret(SERVICE, "ANY", {**env, "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/none"}, 3.0) is None


def test_a_locked_item_is_left_to_keyring(secret_service: dict[str, str], tmp_path: Path) -> None:
    """Its own Secret Service (the shared one only tells that the binaries are there): a locked collection cannot
    be unlocked again without a prompt."""
    session = start_secret_service(tmp_path)
    try:
        env = bus_env(session.env)
        run_store("set", "QWEN_CUSTOM_API_KEY_LOCKED", FAKE_KEY, **session.env)
        assert read_secret(SERVICE, "QWEN_CUSTOM_API_KEY_LOCKED", env, 3.0) == FAKE_KEY
        with open_dbus_connection(bus=session.env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
            service = DBusAddress(SERVICE_PATH, BUS_NAME, "org.freedesktop.Secret.Service")
            connection.send_and_get_reply(new_method_call(service, "Lock", "ao", ([DEFAULT_COLLECTION],)), timeout=5)
        assert read_secret(SERVICE, "QWEN_CUSTOM_API_KEY_LOCKED", env, 3.0) is None
    finally:
        session.stop()

"""A private, unlocked Secret Service (session D-Bus + gnome-keyring) for keyring tests.

The daemons get their own HOME / XDG dirs, so the per-test HOME changes made by `isolated_home` do not
affect them: clients only need `DBUS_SESSION_BUS_ADDRESS` (keyring's SecretService backend talks D-Bus).
The hanging backend for the probe-timeout tests lives in tests/slow_keyring.py: keyring auto-detects every
imported backend class, so it must not be imported by the test process itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED_BINARIES = ("dbus-daemon", "gnome-keyring-daemon", "dbus-send", "secret-tool")
SECRETS_BUS_NAME = "org.freedesktop.secrets"
SECRETS_PATH = "/org/freedesktop/secrets"
DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"
UNLOCK_PASSWORD = b"qwen-tui-test-keyring"


def missing_binaries() -> list[str]:
    return [name for name in REQUIRED_BINARIES if shutil.which(name) is None]


@dataclass
class SecretServiceSession:
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        # Keyring daemon first, then the bus it is connected to.
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)


def _name_has_owner(env: dict[str, str], name: str) -> bool:
    result = subprocess.run(
        ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
         "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
        env=env, capture_output=True, text=True, timeout=5,
    )
    return result.returncode == 0 and "boolean true" in result.stdout


def start_secret_service(base: Path, timeout: float = 20.0) -> SecretServiceSession:
    """Start `dbus-daemon` and an unlocked `gnome-keyring-daemon --unlock` with dirs under `base`."""
    home, data, config, runtime = (base / n for n in ("home", "data", "config", "runtime"))
    for folder in (home, data, config, runtime):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    daemon_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home), "XDG_DATA_HOME": str(data), "XDG_CONFIG_HOME": str(config),
        "XDG_RUNTIME_DIR": str(runtime),
    }
    session = SecretServiceSession(env={})
    # --nofork under Popen rather than --fork + pid: we own the process object and can always reap it.
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1", f"--address=unix:path={runtime}/bus"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=daemon_env,
    )
    session.processes.append(bus)
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        if not address:
            raise RuntimeError("dbus-daemon printed no address")
        daemon_env["DBUS_SESSION_BUS_ADDRESS"] = address
        keyring_daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=daemon_env,
        )
        session.processes.append(keyring_daemon)
        assert keyring_daemon.stdin is not None
        # The password of the new "login" keyring, which is created unlocked. gnome-keyring 42 creates
        # no keyring for an empty password (`printf ''`): writes then need a GUI prompt and fail.
        keyring_daemon.stdin.write(UNLOCK_PASSWORD)
        keyring_daemon.stdin.close()
        deadline = time.monotonic() + timeout
        while not _name_has_owner(daemon_env, SECRETS_BUS_NAME):
            if keyring_daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gnome-keyring-daemon did not register org.freedesktop.secrets")
            time.sleep(0.1)
    except BaseException:
        session.stop()
        raise
    session.env = {"DBUS_SESSION_BUS_ADDRESS": address}
    return session


def stored_items(env: dict[str, str]) -> list[str]:
    """The object paths of every item in the service's default collection (where keyring and secret-tool store)."""
    from jeepney import DBusAddress, Properties
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus=env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
        collection = DBusAddress(DEFAULT_COLLECTION, SECRETS_BUS_NAME, "org.freedesktop.Secret.Collection")
        reply = connection.send_and_get_reply(Properties(collection).get("Items"), timeout=5)
        _signature, items = reply.body[0]
        return list(items)


def clear_items(env: dict[str, str]) -> None:
    """Delete every item of the default collection: the session's service then holds nothing a test stored."""
    from jeepney import DBusAddress, MessageType, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    paths = stored_items(env)
    with open_dbus_connection(bus=env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
        for path in paths:
            item = DBusAddress(path, SECRETS_BUS_NAME, "org.freedesktop.Secret.Item")
            reply = connection.send_and_get_reply(new_method_call(item, "Delete"), timeout=5)
            if reply.header.message_type == MessageType.error:
                raise RuntimeError(f"the test Secret Service did not delete {path}: {reply.body}")

"""One keyring secret read straight from the Secret Service over D-Bus, without `keyring`.

`keyring` (its entry-point scan), SecretStorage and `cryptography` (for SecretStorage's encrypted session) cost
hundreds of milliseconds to import, paid by every `qwen` started through `qwen-tui run`. When keyring would use its
SecretService backend anyway, the same item is read here with jeepney (pure Python): `SearchItems` in the default
collection on the attributes that backend writes, a "plain" session, `GetSecrets`. Whenever that is not certain
(another backend named or configured, a KDE session where KWallet ranks first, no session bus) or anything else
happens (a locked item, any D-Bus error), the answer is None and the caller asks `keyring` as before: what is read
never differs, only how fast. Two answers are final without keyring: NOT_STORED, the default collection holds no
item of those attributes (keyring searches the same, so a key kept in qwen-tui's file costs no keyring import);
NO_ANSWER, the bus did not answer in time (keyring's backend would wait on the same bus a second time).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from enum import Enum
from typing import Any

BUS_NAME = "org.freedesktop.secrets"
SERVICE_PATH = "/org/freedesktop/secrets"
# keyring's SecretService backend reads the default collection only (`get_preferred_collection`).
DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"
_INTERFACE = "org.freedesktop.Secret."
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"


def keyring_uses_secret_service(env: Mapping[str, str]) -> bool:
    """Whether `keyring` (25.x) would read through its SecretService backend with `env`: on Linux, with a session
    bus, and either that backend named in PYTHON_KEYRING_BACKEND or nothing overriding keyring's own choice (no
    PYTHON_KEYRING_BACKEND, no keyringrc.cfg, not KDE, where KWallet outranks it)."""
    if not sys.platform.startswith("linux") or not env.get("DBUS_SESSION_BUS_ADDRESS"):
        return False
    named = env.get("PYTHON_KEYRING_BACKEND")
    if named:
        return named == SECRET_SERVICE_BACKEND
    if "KDE" in env.get("XDG_CURRENT_DESKTOP", "").split(":"):
        return False
    home = env.get("HOME") or os.path.expanduser("~")
    config_root = env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return not os.path.lexists(os.path.join(config_root, "python_keyring", "keyringrc.cfg"))


class _Declined(Exception):
    """The Secret Service answered with an error: leave the read to keyring."""


class Final(Enum):
    """A read that found no secret, and that keyring would not find either."""
    NOT_STORED = "not-stored"   # no such item in the default collection
    NO_ANSWER = "no-answer"     # the session bus did not answer within the timeout


def read_secret(service: str, name: str, env: Mapping[str, str], timeout: float) -> str | Final | None:
    """The secret keyring's SecretService backend stores for (`service`, `name`), a Final answer without one, or
    None when keyring must be asked instead (see the module docstring). Never raises; nothing about the secret is
    logged."""
    if not keyring_uses_secret_service(env):
        return None
    try:
        return _read(service, name, env["DBUS_SESSION_BUS_ADDRESS"], timeout)
    except TimeoutError:
        return Final.NO_ANSWER
    except Exception:  # noqa: BLE001 - any failure means "ask keyring", which reports it its own way
        return None


def _read(service: str, name: str, address: str, timeout: float) -> str | Final | None:
    from jeepney import DBusAddress
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus=address, auth_timeout=timeout) as connection:
        collection = DBusAddress(DEFAULT_COLLECTION, BUS_NAME, _INTERFACE + "Collection")
        # keyring's SchemeSelectable._query for the "default" scheme: {username, service}.
        query = {"username": name, "service": service}
        (items,) = _call(connection, collection, timeout, "SearchItems", "a{ss}", query)
        if not items:
            return Final.NOT_STORED
        secrets = DBusAddress(SERVICE_PATH, BUS_NAME, _INTERFACE + "Service")
        # "plain": the secret crosses only this user's session bus socket (0700 runtime dir, peer uid checked by
        # the bus), which every process of the user can already reach; keyring's DH session would need cryptography.
        _output, session = _call(connection, secrets, timeout, "OpenSession", "sv", "plain", ("s", ""))
        (found,) = _call(connection, secrets, timeout, "GetSecrets", "aoo", [items[0]], session)
        secret = found.get(items[0])   # a locked item is left out of the answer: keyring would unlock it
        if secret is None:
            return None
        value: str = bytes(secret[2]).decode("utf-8")
        return value


def _call(connection: Any, address: Any, timeout: float, method: str, signature: str, *body: Any) -> Any:
    from jeepney import MessageType, new_method_call

    reply = connection.send_and_get_reply(new_method_call(address, method, signature, body), timeout=timeout)
    if reply.header.message_type == MessageType.error:
        raise _Declined
    return reply.body

"""A real keyring backend whose calls hang, for the probe-timeout tests.

Kept in its own module: keyring considers every imported KeyringBackend subclass during auto-detection, so
importing this into the test process would make every keyring call in it hang. Select it only through
PYTHON_KEYRING_BACKEND=tests.slow_keyring.SlowKeyring in a subprocess.
"""

from __future__ import annotations

import os
import time

from keyring.backend import KeyringBackend


def _hang() -> None:
    """Block far longer than any probe timeout; then, if the process is still there, leave a mark in the file that
    SLOW_KEYRING_MARK names (a process that waited for its keyring thread instead of exiting)."""
    time.sleep(SlowKeyring.DELAY_S)
    mark = os.environ.get("SLOW_KEYRING_MARK")
    if mark:
        with open(mark, "w") as file:
            file.write("the hung keyring call finished: the process waited for it\n")


class SlowKeyring(KeyringBackend):  # type: ignore[misc,valid-type]
    """A keyring whose every call hangs far longer than any probe timeout (a stuck D-Bus peer).

    Selected with PYTHON_KEYRING_BACKEND=tests.slow_keyring.SlowKeyring (the repo root is on sys.path)."""

    priority = 1  # type: ignore[assignment]
    DELAY_S = 10.0

    def get_password(self, service: str, username: str) -> str | None:
        _hang()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        _hang()

    def delete_password(self, service: str, username: str) -> None:
        _hang()

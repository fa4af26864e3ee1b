"""Real keyring backends that misbehave in ways a keyring can, for the probe's rules (tests/unit/test_secrets_rules.py).

Like tests/slow_keyring.py, kept in its own module and selected only in a subprocess (PYTHON_KEYRING_BACKEND, or an
import before the store runs): keyring's detection considers every imported KeyringBackend subclass.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class ForgetfulKeyring(KeyringBackend):  # type: ignore[misc,valid-type]
    """Accepts every write and delete and keeps nothing (a collection that is never saved): only reading back
    what was written tells."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        pass

    def delete_password(self, service: str, username: str) -> None:
        pass


class UnrankedKeyring(KeyringBackend):  # type: ignore[misc,valid-type]
    """Works (in this process's memory) but ranks itself 0, keyring's own word for "not a usable store"."""

    priority = 0  # type: ignore[assignment]
    items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class BytesKeyring(KeyringBackend):  # type: ignore[misc,valid-type]
    """Answers every read with bytes instead of text (a backend that skips decoding)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> bytes:  # type: ignore[override]
        return b"sk-bytes-0123"

    def set_password(self, service: str, username: str, password: str) -> None:
        pass

    def delete_password(self, service: str, username: str) -> None:
        pass

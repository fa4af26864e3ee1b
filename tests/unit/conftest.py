"""Fixtures for unit tests: a private Secret Service for the keyring tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.keyring_service import missing_binaries, start_secret_service


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Env vars (the session bus address) that reach an unlocked gnome-keyring; shared by the session.

    The daemons keep their own HOME/XDG dirs, so per-test HOME changes do not disturb them."""
    missing = missing_binaries()
    if missing:
        reason = f"Secret Service tests need {', '.join(missing)} (Debian: dbus gnome-keyring libsecret-tools)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run them")
        pytest.skip(reason)
    session = start_secret_service(tmp_path_factory.mktemp("secret-service"))
    try:
        yield dict(session.env)
    finally:
        session.stop()

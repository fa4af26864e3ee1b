"""Fixtures for unit tests: a private Secret Service for the keyring tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.keyring_service import clear_items, missing_binaries, start_secret_service


@pytest.fixture(scope="session")
def secret_service_daemons(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Env vars (the session bus address) that reach an unlocked gnome-keyring, started once per session (per
    xdist worker). Tests use `secret_service`, which empties it first.

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


@pytest.fixture
def secret_service(secret_service_daemons: dict[str, str]) -> dict[str, str]:
    """The session's Secret Service, holding no item: what earlier tests in this worker stored (the order changes
    from run to run under `--dist worksteal`) is deleted first, so no test reads another's leftovers."""
    clear_items(secret_service_daemons)
    return dict(secret_service_daemons)

"""Pytest fixtures for the loopback servers: `from tests.servers.fixtures import device_server`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.device_server import DeviceServer


@pytest.fixture
def device_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[DeviceServer]:
    """A running device-flow server with a 1 s interval; QWEN_OAUTH_BASE_URL points at it."""
    server = DeviceServer(interval=1).start()
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    try:
        yield server
    finally:
        server.stop()

"""Pytest fixtures for the loopback servers, loaded for every test by `tests/conftest.py` (`pytest_plugins`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.device_server import DeviceServer
from tests.servers.openai_server import OpenAIServer


@pytest.fixture
def device_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[DeviceServer]:
    """A running device-flow server with a 1 s interval; QWEN_OAUTH_BASE_URL points at it."""
    server = DeviceServer(interval=1).start()
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", server.url)
    try:
        yield server
    finally:
        server.stop()


from tests.servers.collector import Collector  # noqa: E402 - appended with its fixture


@pytest.fixture
def collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[Collector]:
    """A running OTLP logs collector; QWEN_TUI_USAGE_ENDPOINT points at it."""
    server = Collector().start()
    monkeypatch.setenv("QWEN_TUI_USAGE_ENDPOINT", server.url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    """A running OpenAI-compatible server on 127.0.0.1 (key `openai_server.key`, base URL `.url`)."""
    server = OpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()

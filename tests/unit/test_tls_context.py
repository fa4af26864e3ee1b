"""The TLS trust store is loaded once per process per trust configuration (qwen_tui/core/trust.py), against a real
HTTPS loopback server whose certificate comes from its own CA (`OpenAIServer(tls=True)`).

Loads are counted with a spy on `ssl.SSLContext.load_verify_locations` (what `ssl.create_default_context`
calls with httpx's cafile/capath): it counts and calls the real method, so every context still loads its CAs.
Each test points SSL_CERT_FILE at a CA file of its own first, so what earlier tests cached does not count.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from qwen_tui.core.bounded_http import blocking_client, fetch, fetch_blocking
from tests.servers.device_server import closed_port_url
from tests.servers.openai_server import OpenAIServer

DEADLINE = 20.0


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(tls=True) as running:
        yield running


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The CA files loaded from now on, one entry per load."""
    seen: list[Any] = []
    real = ssl.SSLContext.load_verify_locations

    def spy(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        seen.append(kwargs.get("cafile") or args[0])
        real(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", spy)
    return seen


def other_ca(path: Path) -> Path:
    """A CA file that did not sign the server's certificate."""
    trustme.CA().cert_pem.write_to_path(str(path))
    return path


def get_models(server: OpenAIServer) -> int:
    response = fetch_blocking("GET", server.url + "/models", deadline=DEADLINE,
                              headers={"Authorization": f"Bearer {server.key}"})
    return response.status_code


def refused(server: OpenAIServer) -> bool:
    """True when the TLS handshake failed on the server's certificate (any other failure is raised)."""
    try:
        get_models(server)
    except httpx.ConnectError as exc:
        assert "CERTIFICATE_VERIFY_FAILED" in str(exc), exc
        return True
    return False


def test_clients_share_one_load(server: OpenAIServer, loads: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # Proxies in the environment: httpx builds a transport (and, left alone, a TLS context) for each of them,
    # although a loopback request goes past them.
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, closed_port_url())
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_path))
    assert get_models(server) == 200
    assert get_models(server) == 200
    answer = asyncio.run(fetch("GET", server.url + "/models", deadline=DEADLINE,
                               headers={"Authorization": f"Bearer {server.key}"}))
    assert answer.status_code == 200
    blocking_client("https://example.invalid").close()
    assert loads == [str(server.ca_path)]
    assert len(server.requests) == 3


def test_a_changed_ssl_cert_file_is_honoured(server: OpenAIServer, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    assert refused(server)                                  # certifi's bundle does not know the test CA
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_path))
    assert not refused(server)
    monkeypatch.setenv("SSL_CERT_FILE", str(other_ca(tmp_path / "other.pem")))
    assert refused(server)
    monkeypatch.setenv("SSL_CERT_FILE", "")                 # empty: unset for httpx, so certifi again
    assert refused(server)
    assert len(server.requests) == 1


def test_a_replaced_ca_file_is_read_again(server: OpenAIServer, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Same variable, same path, new bundle (as a CA update replaces it): the next client trusts the new one."""
    bundle = other_ca(tmp_path / "bundle.pem")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    assert refused(server)
    update = tmp_path / "bundle.pem.new"
    assert server.ca_path
    update.write_bytes(server.ca_path.read_bytes())
    os.replace(update, bundle)
    assert not refused(server)


def test_ssl_keylogfile_gets_its_own_context(server: OpenAIServer, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`ssl.create_default_context` reads SSLKEYLOGFILE too: set later, it applies to the next client."""
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_path))
    assert get_models(server) == 200
    keylog = tmp_path / "keys.log"
    monkeypatch.setenv("SSLKEYLOGFILE", str(keylog))
    assert get_models(server) == 200
    assert keylog.exists() and keylog.read_text().strip()     # the TLS secrets of that connection


def test_threads_wait_for_one_load(tmp_path: Path, loads: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers making clients at once: one thread loads the store, the others wait for its context."""
    monkeypatch.setenv("SSL_CERT_FILE", str(other_ca(tmp_path / "ca.pem")))
    slow_load: Callable[..., None] = ssl.SSLContext.load_verify_locations

    def slowly(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        time.sleep(0.2)   # a busy machine: every thread reaches the cache while the first still loads
        slow_load(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", slowly)
    start = threading.Barrier(6)

    def make_client() -> None:
        start.wait()
        blocking_client("https://example.invalid").close()

    threads = [threading.Thread(target=make_client) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    assert len(loads) == 1


def test_a_ca_removed_from_ssl_cert_dir_is_no_longer_trusted(server: OpenAIServer, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenSSL reads a CA directory at the handshake but keeps what it read in the context's store: a context kept
    across a change of the directory would go on trusting a CA taken out of it, which a new client (httpx's own
    context) refuses."""
    import subprocess

    ca_hash = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", str(server.ca_path)],
                             capture_output=True, text=True, check=True).stdout.strip()
    folder = tmp_path / "certs"
    folder.mkdir()
    trusted = folder / f"{ca_hash}.0"   # the name OpenSSL looks a CA up by (c_rehash's)
    trusted.write_bytes(Path(server.ca_path).read_bytes())
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.setenv("SSL_CERT_DIR", str(folder))
    assert get_models(server) == 200
    trusted.unlink()
    assert refused(server)

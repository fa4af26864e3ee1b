"""One TLS context per process per trust configuration, shared by every HTTP client (`bounded_http`).

httpx builds a new `ssl.SSLContext` for each client, and one more per proxy it reads from the environment,
loading the whole CA bundle each time (~44 ms of CPU). Here the context httpx 0.28 would build with
`verify=True, trust_env=True` is built once, when the first client is made, and reused while what decides it is
unchanged. httpx's rule: `SSL_CERT_FILE` if set and not empty, else `SSL_CERT_DIR`, else certifi's bundle;
`ssl.create_default_context` also reads `SSLKEYLOGFILE`. A CA file is also keyed by its identity on disk
(device, inode, size, mtime), so a replaced or edited bundle is read again, as a new client read it before. A
CA directory is read by OpenSSL at the handshake, but what it read stays in the context's store: the directory's
identity is in the key too, so a CA taken out of it (its entry's change moves the directory's mtime) is no longer
trusted, as by a new client. Verification is OpenSSL's default
client setting (certificate required, host name checked), the same context httpx makes, never weakened here.
"""

from __future__ import annotations

import os
import ssl
import threading

_lock = threading.Lock()
_cached: tuple[tuple[object, ...], ssl.SSLContext] | None = None


def _read_process() -> tuple[str, str, str]:
    """SSL_CERT_FILE, SSL_CERT_DIR, SSLKEYLOGFILE ("" when unset): from the process, not from a Context,
    because httpx and ssl read them there: the CA store is the process's, whatever configuration it resolves."""
    env = os.environ
    return env.get("SSL_CERT_FILE", ""), env.get("SSL_CERT_DIR", ""), env.get("SSLKEYLOGFILE", "")


def _key() -> tuple[object, ...]:
    """("cafile" | "capath", path, keylog, its identity on disk...): what decides the context httpx 0.28 would build
    (`_config.create_ssl_context`: a non-empty SSL_CERT_FILE, else SSL_CERT_DIR, else certifi's bundle)."""
    cafile, capath, keylog = _read_process()
    if capath and not cafile:
        return "capath", capath, keylog, *_identity(capath)
    if not cafile:
        import certifi  # as httpx does, only when needed

        cafile = certifi.where()
    return "cafile", cafile, keylog, *_identity(cafile)


def _identity(path: str) -> tuple[int, ...]:
    """The file's or directory's identity on disk; () when it cannot be read (a CA file then fails to load, as
    httpx's did: nothing is cached)."""
    try:
        seen = os.stat(path)
    except OSError:
        return ()
    return seen.st_dev, seen.st_ino, seen.st_size, seen.st_mtime_ns


def shared_context() -> ssl.SSLContext:
    """The context for this process's current trust configuration, built on first need (one thread builds it,
    the others wait for it rather than loading the bundle too). httpcore sets its ALPN list on the context per
    connection; every client here is HTTP/1.1, so the shared value never differs."""
    global _cached
    key = _key()
    with _lock:
        if _cached is None or _cached[0] != key:
            path = str(key[1])
            context = ssl.create_default_context(cafile=path) if key[0] == "cafile" else \
                ssl.create_default_context(capath=path)
            _cached = (key, context)
        return _cached[1]

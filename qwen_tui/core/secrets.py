"""Secrets (API keys, optionally OAuth tokens): the OS keyring, or an explicit 0600 file.

Secret names are keyring usernames under the service "qwen-tui". Every keyring call runs in a daemon
thread joined with a timeout: a locked or dead Secret Service must never hang the app, and any keyring
failure just means "no keyring". Without a keyring, secrets go to `paths.secrets_file_path()` (0600, dir
0700) with a visible warning, like `gh auth login --insecure-storage`. Values never reach logs or errors.
"""

from __future__ import annotations

import json
import secrets as _random
import threading
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from qwen_tui.core import paths
from qwen_tui.core.fileops import FileOpError, atomic_write, ensure_private_dir, read_regular
from qwen_tui.core.i18n import t
from qwen_tui.core.record import record

SERVICE = "qwen-tui"
KEYRING_CAP_S = 3.0   # the longest wait for one keyring call
_PROBE_NAME = "qwen-tui-keyring-probe"
_T = TypeVar("_T")


class SecretLocation(StrEnum):
    KEYRING = "keyring"
    FILE = "file"


@record
class SecretLookup:
    value: str | None
    location: SecretLocation | None
    path: Path | None

    def __repr__(self) -> str:  # keep the value out of reprs (logs, assertion messages)
        shown = None if self.value is None else "***"
        return f"SecretLookup(value={shown}, location={self.location!r}, path={self.path!r})"


@record
class SecretWrite:
    location: SecretLocation
    path: Path | None
    warning: str | None


class _KeyringFailed(Exception):
    """A keyring call timed out or raised; deliberately carries no detail (it could hold a secret)."""


def _log(event: str, **fields: object) -> None:
    from qwen_tui.core import log

    if log.logging_configured():  # else logs go nowhere: don't pay for importing structlog
        log.get_logger(__name__).info(event, **fields)


def _import_keyring() -> None:
    """Import keyring and its Secret Service backend (SecretStorage, cryptography) before the timeout starts: the
    timeout is for a keyring that does not answer, and on a busy machine these imports alone take seconds of wall
    time for a fraction of a second of CPU — a working keyring was then taken for none and a key went to the file.
    Importing reads only local files, so it cannot hang the way a D-Bus call can."""
    import keyring  # noqa: F401

    try:
        import keyring.backends.SecretService  # noqa: F401
    except Exception:  # noqa: BLE001 - a broken optional backend: keyring's detection skips it as well
        pass


class _Call:
    """One keyring call in its own daemon thread: a locked or dead Secret Service never hangs the caller, who waits
    as long as it chooses (`result`) and may wait again later for a call that outlived the first wait."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self._outcome: dict[str, Any] = {}
        self._thread = threading.Thread(target=self._target, args=(call,), name="qwen-tui-keyring", daemon=True)
        self._thread.start()

    def _target(self, call: Callable[[], Any]) -> None:
        try:
            self._outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - any keyring failure means "no keyring"
            self._outcome["error"] = type(exc).__name__

    def running(self) -> bool:
        return self._thread.is_alive()

    def result(self, timeout: float, *, quiet: bool = False, stop: Callable[[], bool] | None = None) -> Any:
        """The call's value once it ended within `timeout`; _KeyringFailed on timeout or any error, or as soon as
        `stop()` holds (checked every 0.25 s: the waiting thread is wanted back, a closed form's)."""
        end = time.monotonic() + timeout
        while self._thread.is_alive() and (left := end - time.monotonic()) > 0:
            if stop is not None and stop():
                break
            self._thread.join(min(left, 0.25) if stop is not None else left)
        if self._thread.is_alive():
            if not quiet:
                _log("keyring_timeout", timeout_s=timeout)
            raise _KeyringFailed
        if "error" in self._outcome:
            _log("keyring_error", error_type=self._outcome["error"])
            raise _KeyringFailed
        return self._outcome["value"]


# Probes still running after their timeout, by the keyring they ask (the backend named in the context, the process's
# session bus): a keyring that never answers gets one hung thread and connection, not one more per form opened.
_RUNNING_PROBES: dict[tuple[str | None, str | None], _Call] = {}
_RUNNING_LOCK = threading.Lock()


def _shared_probe(asked: tuple[str | None, str | None], probe: Callable[[], Any]) -> _Call:
    """The probe of `asked` still running, else a new one."""
    with _RUNNING_LOCK:
        running = _RUNNING_PROBES.get(asked)
        if running is None or not running.running():
            running = _RUNNING_PROBES[asked] = _Call(probe)
        return running


class SecretStore:
    def __init__(self, env: Mapping[str, str], timeout: float | None = None) -> None:
        self._env = env
        self._timeout = KEYRING_CAP_S if timeout is None else min(timeout, KEYRING_CAP_S)
        self._available: bool | None = None
        self._backend: Any = None
        self._late: _Call | None = None   # a probe still running after the timeout (late_answer)

    # --- keyring, always behind a timeout ------------------------------------------------------

    def _run(self, call: Callable[[], _T]) -> _T:
        """Run `call` in a daemon thread; raise _KeyringFailed on timeout or any error."""
        value: _T = _Call(call).result(self._timeout)
        return value

    def _load_backend(self) -> Any:
        import keyring
        from keyring.backends import chainer, fail, null

        # An explicit PYTHON_KEYRING_BACKEND in the context's environment wins, even if keyring's process-wide
        # backend was already chosen; otherwise keyring's own detection. That detection, and the Secret Service
        # backend's D-Bus connection (DBUS_SESSION_BUS_ADDRESS), read the process's environment themselves:
        # the session bus belongs to this process, whatever context it resolves for.
        name = self._env.get("PYTHON_KEYRING_BACKEND")
        backend = keyring.core.load_keyring(name) if name else keyring.get_keyring()
        if isinstance(backend, (fail.Keyring, null.Keyring)):
            return None
        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            return None
        # keyring's own scale: ≤ 0 means "not a usable store" (fail, null, an empty chainer).
        return backend if backend.priority > 0 else None

    def _probe(self) -> Any:
        """The backend if a set/get/delete round trip of a random marker works, else None."""
        backend = self._load_backend()
        if backend is None:
            return None
        marker = _random.token_hex(8)
        backend.set_password(SERVICE, _PROBE_NAME, marker)
        try:
            works = backend.get_password(SERVICE, _PROBE_NAME) == marker
        finally:
            backend.delete_password(SERVICE, _PROBE_NAME)
        return backend if works else None

    def keyring_available(self, stop: Callable[[], bool] | None = None) -> bool:
        """A real round trip, bounded by the timeout (and by `stop`: see _Call.result); cached per store (False
        after any failure, until a probe that timed out answers after all: late_answer)."""
        if self._available is None:
            _import_keyring()
            # One thread for the whole probe: backend detection itself talks to D-Bus. A probe of the same keyring
            # still running (another form's, or this store's asked from another thread) is waited for, not repeated.
            asked = (self._env.get("PYTHON_KEYRING_BACKEND"), self._env.get("DBUS_SESSION_BUS_ADDRESS"))
            probe = _shared_probe(asked, self._probe)
            try:
                self._backend = probe.result(self._timeout, stop=stop)
            except _KeyringFailed:
                # Kept even when it has just ended: an answer that came as the wait gave up is late_answer's.
                self._backend = None
                self._late = probe
            self._available = self._backend is not None
            _log("keyring_probe", available=self._available)
        return self._available

    def late_answer(self, wait: float) -> bool | None:
        """After a probe that timed out (a loaded machine's keyring answers late, not never): wait up to `wait`
        more seconds for it. True when it answered and the keyring works (usable from then on), False when it
        answered otherwise or no probe is pending, None while it still has not answered."""
        probe = self._late
        if probe is None:
            return False
        try:
            backend = probe.result(wait, quiet=True)
        except _KeyringFailed:
            if probe.running():
                return None
            backend = None
        self._late = None
        if backend is None:
            return False
        self._backend, self._available = backend, True
        _log("keyring_probe_late", available=True)
        return True

    def _keyring(self, call: Callable[[Any], _T]) -> _T:
        """Run `call(backend)`; a failure marks the keyring unavailable for this store."""
        backend = self._backend
        if not self._available or backend is None:
            raise _KeyringFailed
        try:
            return self._run(lambda: call(backend))
        except _KeyringFailed:
            self._available = False
            raise

    # --- the plain file ------------------------------------------------------------------------

    @property
    def file_path(self) -> Path:
        return paths.secrets_file_path(self._env)

    def _read_file(self) -> dict[str, str]:
        path = self.file_path
        try:
            raw = read_regular(path, follow_link=False)
            if raw is None:
                return {}
            text = raw.decode("utf-8")
        except UnicodeDecodeError:   # not chained: the decode error holds the file's bytes, keys included
            raise FileOpError(t("secrets.file_invalid", path=path)) from None
        except FileOpError as exc:
            raise FileOpError(t("secrets.file_unreadable", path=path, reason=exc.reason)) from exc
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            # Never rewrite a file we cannot understand: it may hold the user's only copy of a key.
            raise FileOpError(t("secrets.file_invalid", path=path))
        return data

    def _write_file(self, data: dict[str, str]) -> None:
        path = self.file_path
        ensure_private_dir(path.parent)
        atomic_write(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())

    # --- public API ----------------------------------------------------------------------------

    def get(self, name: str) -> SecretLookup:
        """The keyring (if available) first, then the file."""
        value = self.keyring_get(name)
        if value is not None:
            return SecretLookup(value, SecretLocation.KEYRING, None)
        value = self._read_file().get(name)
        if value is not None:
            return SecretLookup(value, SecretLocation.FILE, self.file_path)
        return SecretLookup(None, None, None)

    def set(self, name: str, value: str) -> SecretWrite:
        """Store in the keyring when it works, else in the 0600 file with a warning."""
        if self.keyring_available():
            # A write that outlives the timeout may still land later, after the key went to the file: it then
            # takes itself back (one copy of each secret). The lock orders its landing against the giving up.
            lock, state = threading.Lock(), {"landed": False, "abandoned": False}

            def write(backend: Any) -> None:
                backend.set_password(SERVICE, name, value)
                with lock:
                    state["landed"] = not state["abandoned"]
                if not state["landed"]:
                    backend.delete_password(SERVICE, name)

            try:
                self._keyring(write)
            except _KeyringFailed:
                with lock:
                    state["abandoned"] = not state["landed"]
            if state["landed"]:
                self._forget_in_file(name)  # a stale plain-text copy must not outlive the move
                _log("secret_stored", name=name, location=SecretLocation.KEYRING.value)
                return SecretWrite(SecretLocation.KEYRING, None, None)
        data = self._read_file()
        data[name] = value
        self._write_file(data)
        _log("secret_stored", name=name, location=SecretLocation.FILE.value)
        path = self.file_path
        return SecretWrite(SecretLocation.FILE, path, t("secrets.plaintext_warning", name=name, path=path))

    def delete(self, name: str) -> None:
        """Remove `name` from the keyring and from the file (missing is fine)."""
        self.keyring_delete(name)
        self._forget_in_file(name)

    def _forget_in_file(self, name: str) -> None:
        if not self.file_path.exists():
            return
        data = self._read_file()
        if name not in data:
            return
        del data[name]
        if data:
            self._write_file(data)
        else:
            try:
                self.file_path.unlink()
            except FileNotFoundError:
                pass


    # --- one store at a time (moving a key between stores: core/keystores.py) ----------------------

    def keyring_get(self, name: str) -> str | None:
        """The keyring's value only; None without a working keyring. A read needs no write round trip (the
        probe): before any probe the backend is loaded and asked in one bounded call (`qwen-tui run` reads
        a key on every `qwen` start)."""
        if self._available is False:
            return None
        if self._available is None:
            answered, found = self._secret_service_get(name)
            if answered:
                return found
        try:
            if self._available:
                value = self._keyring(lambda backend: backend.get_password(SERVICE, name))
            else:
                _import_keyring()   # outside the timeout, as for the probe: a slow import is no dead keyring
                value = self._run(lambda: self._load_and_get(name))
        except _KeyringFailed:
            if self._available is None:
                self._available = False
            return None
        return value if isinstance(value, str) else None

    def _secret_service_get(self, name: str) -> tuple[bool, str | None]:
        """(answered, value): the same read without importing keyring, when keyring would use the Secret Service
        (secrets_dbus); not answered: ask keyring. No such item is an answer; a bus that does not answer within the
        timeout is a keyring that does not work, and is not waited for a second time through keyring."""
        from qwen_tui.core import secrets_dbus

        if not secrets_dbus.keyring_uses_secret_service(self._env):
            return False, None
        try:
            found = self._run(lambda: secrets_dbus.read_secret(SERVICE, name, self._env, self._timeout))
        except _KeyringFailed:
            found = secrets_dbus.Final.NO_ANSWER
        if found is secrets_dbus.Final.NO_ANSWER:
            self._available = False
        if isinstance(found, secrets_dbus.Final):
            return True, None
        return found is not None, found

    def _load_and_get(self, name: str) -> str | None:
        backend = self._load_backend()
        if backend is None:
            raise _KeyringFailed   # no backend: the same as a failing one
        value: str | None = backend.get_password(SERVICE, name)
        return value

    def keyring_set(self, name: str, value: str) -> bool:
        """Store in the keyring only; False when it does not work."""
        if not self.keyring_available():
            return False
        try:
            self._keyring(lambda backend: backend.set_password(SERVICE, name, value))
        except _KeyringFailed:
            return False
        return True

    def keyring_delete(self, name: str) -> None:
        if self.keyring_available():
            try:
                self._keyring(lambda backend: _delete_quietly(backend, name))
            except _KeyringFailed:
                pass

    def file_get(self, name: str) -> str | None:
        return self._read_file().get(name)

    def file_set(self, name: str, value: str) -> None:
        data = self._read_file()
        data[name] = value
        self._write_file(data)

    def file_delete(self, name: str) -> None:
        self._forget_in_file(name)


def _delete_quietly(backend: Any, name: str) -> None:
    from keyring.errors import PasswordDeleteError

    try:
        backend.delete_password(SERVICE, name)
    except PasswordDeleteError:
        pass  # nothing stored under this name

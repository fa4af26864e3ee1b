"""Safe file writing shared by every writer: private directories, atomic replace, lock files.

The lock file protocol is Qwen Code's (`oauth_creds.lock`): create exclusively, write a random UUID,
treat a lock older than 10 s as stale, try 20 times with a backoff of 100 ms × 1.5 up to 2 s.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

from qwen_tui.core.i18n import t

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class FileOpError(Exception):
    """A one-line, user-facing reason a file could not be written or locked."""


def ensure_private_dir(path: Path) -> None:
    """Create `path` and its missing parents 0700 (a directory qwen-tui creates may come to hold secrets: a log
    under a new `~/.qwen` is often written first), and make `path` itself 0700. Existing parents are left alone."""
    try:
        missing = [path, *(parent for parent in path.parents if not parent.exists())]
        for directory in reversed(missing):
            directory.mkdir(exist_ok=True, mode=PRIVATE_DIR_MODE)
        if (path.stat().st_mode & 0o777) != PRIVATE_DIR_MODE:
            path.chmod(PRIVATE_DIR_MODE)
    except OSError as exc:
        raise FileOpError(t("files.error.create_dir", path=path, reason=exc.strerror or exc)) from None


def atomic_write(path: Path, data: bytes, mode: int = PRIVATE_FILE_MODE) -> None:
    """Write `data` to a temp file beside `path`, fsync, chmod, then rename over `path`.

    A symlinked `path` (settings kept in a dotfiles repository) is written through: its target is replaced,
    the link stays.
    """
    path = Path(os.path.realpath(path))
    if not path.parent.exists():
        ensure_private_dir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise FileOpError(t("files.error.write", path=path, reason=exc.strerror or exc)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise FileOpError(t("files.error.write", path=path, reason=exc.strerror or exc)) from None


class LockFile:
    """An exclusive lock file holding a UUID; usable as a context manager.

    Another process (old Qwen Code versions) may delete our lock while we hold it, so callers that
    must not lose an update re-check the protected file's content before writing.
    """

    STALE_AFTER_S = 10.0
    ATTEMPTS = 20
    FIRST_DELAY_S = 0.1
    BACKOFF = 1.5
    MAX_DELAY_S = 2.0

    def __init__(self, path: Path) -> None:
        self.path = path
        self.token = str(uuid.uuid4())
        self.held = False

    def acquire(self) -> None:
        delay = self.FIRST_DELAY_S
        for attempt in range(self.ATTEMPTS):
            if self._try_create():
                self.held = True
                return
            self._remove_if_stale()
            if attempt < self.ATTEMPTS - 1:
                time.sleep(delay)
                delay = min(delay * self.BACKOFF, self.MAX_DELAY_S)
        raise FileOpError(t("files.error.lock_busy", path=self.path))

    def _try_create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE)
        except FileExistsError:
            return False
        except OSError as exc:
            raise FileOpError(t("files.error.lock_create", path=self.path, reason=exc.strerror or exc)) from None
        with os.fdopen(fd, "w") as handle:
            handle.write(self.token)
        return True

    def _remove_if_stale(self) -> None:
        try:
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return
        if age > self.STALE_AFTER_S:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass

    def release(self) -> None:
        """Remove the lock only if it is still ours."""
        if not self.held:
            return
        self.held = False
        try:
            if self.path.read_text() == self.token:
                self.path.unlink()
        except FileNotFoundError:
            pass

    def __enter__(self) -> LockFile:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

"""Safe file writing shared by every writer: private directories, atomic replace, lock files.

The lock file protocol is Qwen Code's (`oauth_creds.lock`): create exclusively, write a random UUID,
treat a lock older than 10 s as stale, try 20 times with a backoff of 100 ms × 1.5 up to 2 s.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.i18n import t

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


class FileOpError(QwenTuiError):
    """A one-line, user-facing reason a file could not be read, written or locked; `reason` is the short cause
    (for callers that word their own line around it)."""

    kind = "file"

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


# Size caps for files qwen-tui reads: far above any real file of the kind, far below memory trouble.
SETTINGS_LIMIT = 4 * 1024 * 1024
SMALL_FILE_LIMIT = 1024 * 1024


def read_regular(path: Path, limit: int = SMALL_FILE_LIMIT, *, follow_link: bool = True) -> bytes | None:
    """The bytes of `path`, None when it does not exist. Refused with a one-line FileOpError: anything but a
    regular file (a FIFO, `/dev/zero`, a directory), a file over `limit` bytes, and with `follow_link=False`
    a symlink. O_NONBLOCK: opening a FIFO must not wait for a writer."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_link else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        link = not follow_link and os.path.islink(path)
        raise _read_error(path, t("security.reason.symlink") if link else str(exc.strerror or exc)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _read_error(path, t("security.reason.not_regular"))
        chunks: list[bytes] = []
        size = 0
        while size <= limit and (chunk := os.read(fd, min(65536, limit + 1 - size))):
            size += len(chunk)
            chunks.append(chunk)
        if size > limit:
            raise _read_error(path, t("security.reason.too_big", limit=_size(limit)))
        return b"".join(chunks)
    except OSError as exc:
        raise _read_error(path, str(exc.strerror or exc)) from exc
    finally:
        os.close(fd)


def _read_error(path: Path, reason: str) -> FileOpError:
    return FileOpError(t("files.error.read", path=path, reason=reason), reason)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def refuse_link(path: Path) -> None:
    """FileOpError when `path` exists as a symlink or as anything but a regular file (a place qwen-tui
    creates or replaces a file and must not be steered elsewhere)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise FileOpError(t("files.error.read", path=path, reason=exc.strerror or exc)) from exc
    if stat.S_ISLNK(info.st_mode):
        raise FileOpError(t("security.file.symlink", path=path))
    if not stat.S_ISREG(info.st_mode):
        raise FileOpError(t("security.file.not_regular", path=path))


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
        raise FileOpError(t("files.error.create_dir", path=path, reason=exc.strerror or exc)) from exc


def atomic_write(path: Path, data: bytes, mode: int = PRIVATE_FILE_MODE, *, follow_link: bool = False) -> None:
    """Write `data` to a temp file beside `path`, fsync, chmod, then rename over `path`.

    A symlink (or a non-regular file) at `path` is refused, unless `follow_link` says the caller chose to
    write through it (the user's own settings kept in a dotfiles repository): then its target is replaced
    and the link stays. The temp file is created with O_EXCL under a random name, so it never follows a link.
    """
    if follow_link:
        path = Path(os.path.realpath(path))
    else:
        refuse_link(path)
    if not path.parent.exists():
        ensure_private_dir(path.parent)
    import tempfile  # here, not at the top: `qwen-tui run` (on every `qwen` start) writes no file

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise FileOpError(t("files.error.write", path=path, reason=exc.strerror or exc)) from exc
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
        raise FileOpError(t("files.error.write", path=path, reason=exc.strerror or exc)) from exc


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
        import uuid

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
            # O_EXCL never follows a link; a link or a directory in the lock's place is refused, not waited on.
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, PRIVATE_FILE_MODE)
        except FileExistsError:
            refuse_link(self.path)
            return False
        except OSError as exc:
            raise FileOpError(t("files.error.lock_create", path=self.path, reason=exc.strerror or exc)) from exc
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(self.token)
        except OSError as exc:  # a full disk: leave no empty lock behind to block the next writer
            self.path.unlink(missing_ok=True)
            raise FileOpError(t("files.error.lock_create", path=self.path, reason=exc.strerror or exc)) from exc
        return True

    def _remove_if_stale(self) -> None:
        try:
            age = time.time() - os.lstat(self.path).st_mtime
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
            if read_regular(self.path, 4096, follow_link=False) == self.token.encode():
                self.path.unlink()
        except (FileNotFoundError, FileOpError):
            pass

    def __enter__(self) -> LockFile:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

"""The lock file and the atomic write every writer uses, pinned down on their own (issue 15).

Expectations are Qwen Code's protocol as written in shared/reference/qwen-code.md, never read back from
`LockFile`'s own constants: stale after 10 s, 20 attempts, backoff 100 ms x 1.5 up to 2 s.
"""

from __future__ import annotations

import os
import resource
import signal
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from qwen_tui.core import fileops
from qwen_tui.core.fileops import FileOpError, LockFile, atomic_write, read_regular
from qwen_tui.core.oauth.credentials import Credentials, save_credentials
from qwen_tui.core.settings_writer import update_settings

OTHER = "9b2f1c7e-another-process"


def age(path: Path, seconds: float) -> None:
    """Make `path` look last written `seconds` ago (Qwen Code judges a lock's age by its mtime)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


class QuickLock(LockFile):
    """Three quick attempts: enough to see whether a lock is waited for or taken, without waiting 27 s."""

    ATTEMPTS = 3
    FIRST_DELAY_S = 0.01


# --- release ---------------------------------------------------------------------------------------------------


def test_the_lock_holds_our_token_privately(tmp_path: Path) -> None:
    lock = LockFile(tmp_path / "oauth_creds.lock")
    with lock:
        assert lock.path.read_text() == lock.token
        assert stat.S_IMODE(lock.path.stat().st_mode) == 0o600
        assert LockFile(lock.path).token != lock.token  # a random id per holder
    assert not lock.path.exists()


def test_release_never_removes_a_lock_another_process_now_holds(tmp_path: Path) -> None:
    # Our lock was judged stale (or deleted by an old Qwen Code) and another process took the lock meanwhile.
    path = tmp_path / "oauth_creds.lock"
    with LockFile(path):
        path.write_text(OTHER)
    assert path.read_text() == OTHER


def test_release_twice_or_without_holding_leaves_the_others_lock(tmp_path: Path) -> None:
    path = tmp_path / "oauth_creds.lock"
    lock = LockFile(path)
    lock.acquire()
    lock.release()
    assert not path.exists()
    path.write_text(lock.token)  # even a file with our token (our id reused by nobody else) is not ours now
    lock.release()
    assert path.read_text() == lock.token
    never_held = QuickLock(path)
    with pytest.raises(FileOpError):
        never_held.acquire()
    never_held.release()
    assert path.exists()


def test_release_of_a_lock_already_removed_is_quiet(tmp_path: Path) -> None:
    path = tmp_path / "oauth_creds.lock"
    with LockFile(path):
        path.unlink()
    assert not path.exists()


# --- waiting ---------------------------------------------------------------------------------------------------


def test_a_live_lock_nine_seconds_old_is_waited_for_not_taken(tmp_path: Path) -> None:
    path = tmp_path / "oauth_creds.lock"
    path.write_text(OTHER)
    age(path, 9.0)
    with pytest.raises(FileOpError) as caught:
        QuickLock(path).acquire()
    assert path.read_text() == OTHER
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_a_lock_over_ten_seconds_old_is_stale_and_taken(tmp_path: Path) -> None:
    path = tmp_path / "oauth_creds.lock"
    path.write_text(OTHER)
    age(path, 10.5)
    lock = QuickLock(path)
    with lock:
        assert path.read_text() == lock.token
    assert not path.exists()


def test_a_busy_lock_is_tried_twenty_times_with_qwen_codes_backoff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real wait is ~27 s: the sleeps are recorded instead of slept (the lock stays fresh meanwhile).
    slept: list[float] = []
    monkeypatch.setattr(fileops.time, "sleep", slept.append)
    path = tmp_path / "oauth_creds.lock"
    path.write_text(OTHER)
    with pytest.raises(FileOpError):
        LockFile(path).acquire()
    assert slept == pytest.approx(
        [0.1, 0.15, 0.225, 0.3375, 0.50625, 0.759375, 1.1390625, 1.70859375] + [2.0] * 11
    )
    assert path.read_text() == OTHER


def test_a_lock_released_during_the_wait_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "oauth_creds.lock"
    path.write_text(OTHER)
    attempts: list[float] = []

    def other_process_releases_on_the_third_wait(delay: float) -> None:
        attempts.append(delay)
        if len(attempts) == 3:
            path.unlink()

    monkeypatch.setattr(fileops.time, "sleep", other_process_releases_on_the_third_wait)
    lock = LockFile(path)
    with lock:
        assert path.read_text() == lock.token
    assert len(attempts) == 3


# --- atomic writes ---------------------------------------------------------------------------------------------


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """A real write failure: the kernel refuses (EFBIG) to grow any file past `limit` bytes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the default action kills the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder of its own (tmp_path also holds the isolated HOME)."""
    path = tmp_path / "files"
    path.mkdir()
    return path


def assert_only(folder: Path, *names: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)  # no temporary file left behind


def test_a_failed_write_leaves_the_old_file_whole(folder: Path) -> None:
    target = folder / "settings.json"
    target.write_bytes(b'{"old": true}')
    with file_size_limit(64), pytest.raises(FileOpError) as caught:
        atomic_write(target, b'{"new": "' + b"x" * 200 + b'"}')
    assert target.read_bytes() == b'{"old": true}'
    assert str(caught.value) == (f"Cannot write {target} (File too large); "
                                 "check the folder's permissions and free disk space.")
    assert_only(folder, "settings.json")


def test_no_room_for_the_temporary_file_is_one_line_and_the_old_file_stays(folder: Path) -> None:
    target = folder / "settings.json"
    target.write_bytes(b'{"old": true}')
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (3, hard))  # a real refusal: no file descriptor left to open it
    try:
        with pytest.raises(FileOpError) as caught:
            atomic_write(target, b'{"new": true}')
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert str(caught.value) == (f"Cannot write {target} (Too many open files); "
                                 "check the folder's permissions and free disk space.")
    assert target.read_bytes() == b'{"old": true}'
    assert_only(folder, "settings.json")


def test_a_write_replaces_the_file_instead_of_rewriting_it_in_place(folder: Path) -> None:
    # A reader that opened the old file (here: a second name of the same inode) keeps the old bytes whole.
    target = folder / "settings.json"
    target.write_bytes(b'{"old": true}')
    os.link(target, folder / "reader")
    atomic_write(target, b'{"new": true}')
    assert (folder / "reader").read_bytes() == b'{"old": true}'
    assert target.read_bytes() == b'{"new": true}'
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_settings_update_leaves_settings_json_whole(folder: Path) -> None:
    settings = folder / "settings.json"
    old = b'{\n  "model": {"name": "kept"}\n}\n'
    settings.write_bytes(old)
    with file_size_limit(len(old) + 8), pytest.raises(FileOpError):
        update_settings(settings, {"security.auth.apiKey": "sk-" + "k" * 100})
    assert settings.read_bytes() == old
    assert_only(folder, "settings.json", "settings.json.orig")  # the copy of the old file, and no lock


def test_settings_update_replaces_the_file(folder: Path) -> None:
    settings = folder / "settings.json"
    settings.write_bytes(b'{"a": 1}')
    os.link(settings, folder / "reader")
    update_settings(settings, {"a": 2})
    assert (folder / "reader").read_bytes() == b'{"a": 1}'
    assert b'"a": 2' in settings.read_bytes()


def test_a_failed_credentials_save_leaves_the_old_credentials_whole(qwen_home: Path) -> None:
    env = {"HOME": str(qwen_home.parent), "QWEN_HOME": str(qwen_home),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    old = Credentials("at-old", "rt-old", "Bearer", None, 1_795_826_716_921)
    save_credentials(old, "file", env)
    path = qwen_home / "oauth_creds.json"
    before = path.read_bytes()
    os.link(path, qwen_home.parent / "reader")
    new = Credentials("at-" + "n" * 300, "rt-new", "Bearer", None, 1_795_826_716_921)
    with file_size_limit(len(before) + 8), pytest.raises(FileOpError):
        save_credentials(new, "file", env)
    assert path.read_bytes() == before
    assert_only(qwen_home, "oauth_creds.json")  # no temporary file, no lock left
    save_credentials(new, "file", env)
    assert (qwen_home.parent / "reader").read_bytes() == before  # replaced, not rewritten in place
    assert Credentials.from_json_text(path.read_text()) == new


def test_the_temporary_file_is_a_hidden_sibling_of_the_target(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Where the temporary file lives shows only at the rename: watch it (and still rename) there.
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def watched(source: str, target: str) -> None:
        renames.append((str(source), str(target)))
        real_replace(source, target)

    monkeypatch.setattr(fileops.os, "replace", watched)
    atomic_write(folder / "settings.json", b"{}")
    [(source, target)] = renames
    assert Path(source).parent == folder and target == str(folder / "settings.json")
    assert Path(source).name.startswith(".settings.json.") and source.endswith(".tmp")


def test_a_write_creates_a_missing_folder_private_and_leaves_an_existing_one_alone(folder: Path) -> None:
    atomic_write(folder / "new" / "settings.json", b"{}")
    assert stat.S_IMODE((folder / "new").stat().st_mode) == 0o700
    shared = folder / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    atomic_write(shared / "settings.json", b"{}")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755


# --- bounded reads: the one-line errors ------------------------------------------------------------------------


@pytest.mark.parametrize(("limit", "size"), [(1024 * 1024, "1 MiB"), (4 * 1024 * 1024, "4 MiB"), (2048, "2 KiB"),
                                             (1024 * 1024 - 1024, "1023 KiB")])
def test_a_file_over_the_limit_is_refused_naming_the_limit(folder: Path, limit: int, size: str) -> None:
    big = folder / "settings.json"
    with big.open("wb") as handle:
        handle.truncate(limit + 1)  # sparse: one byte too many
    with pytest.raises(FileOpError) as caught:
        read_regular(big, limit)
    assert caught.value.reason == f"larger than {size}"
    assert str(caught.value) == (f"Cannot read {big} (larger than {size}); "
                                 "check the file, or move it away and try again.")
    with big.open("wb") as handle:
        handle.truncate(limit)
    assert read_regular(big, limit) == bytes(limit)


def test_a_pipe_is_refused_with_its_reason(folder: Path) -> None:
    fifo = folder / "settings.json"
    os.mkfifo(fifo)
    with pytest.raises(FileOpError) as caught:
        read_regular(fifo)
    assert caught.value.reason == "not a regular file: a folder, device or pipe"
    assert str(fifo) in str(caught.value)


def test_an_error_without_a_short_reason_uses_its_message() -> None:
    assert FileOpError("the whole line").reason == "the whole line"
    assert FileOpError("the whole line", "short").reason == "short"


def test_a_pipe_where_the_file_goes_is_refused_by_name(folder: Path) -> None:
    fifo = folder / "settings.json"
    os.mkfifo(fifo)
    with pytest.raises(FileOpError) as caught:
        atomic_write(fifo, b"{}")
    assert str(caught.value).startswith(f"{fifo} is not a regular file (a folder, device or pipe)")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_place_that_cannot_be_looked_at_is_one_line_with_the_reason(folder: Path) -> None:
    (folder / "plain").write_text("a file, not a folder")
    target = folder / "plain" / "settings.json"
    with pytest.raises(FileOpError) as caught:
        atomic_write(target, b"{}")
    assert str(target) in str(caught.value) and "(Not a directory)" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_every_folder_a_write_creates_is_private(folder: Path) -> None:
    atomic_write(folder / "a" / "b" / "settings.json", b"{}")
    assert [stat.S_IMODE(p.stat().st_mode) for p in (folder / "a", folder / "a" / "b")] == [0o700, 0o700]


def test_a_folder_that_cannot_be_created_is_one_line_with_the_reason(folder: Path) -> None:
    (folder / "plain").write_text("a file, not a folder")
    with pytest.raises(FileOpError) as caught:
        fileops.ensure_private_dir(folder / "plain" / "sub")
    assert str(folder / "plain" / "sub") in str(caught.value) and "(Not a directory)" in str(caught.value)


def test_release_leaves_a_link_in_the_locks_place_even_to_our_token(folder: Path) -> None:
    path = folder / "oauth_creds.lock"
    lock = LockFile(path)
    lock.acquire()
    (folder / "elsewhere").write_text(lock.token)
    path.unlink()
    path.symlink_to(folder / "elsewhere")  # someone else's link: not the file we created
    lock.release()
    assert path.is_symlink() and (folder / "elsewhere").read_text() == lock.token


def test_a_lock_that_cannot_be_created_is_one_line_with_the_reason(folder: Path) -> None:
    path = folder / "missing" / "oauth_creds.lock"
    with pytest.raises(FileOpError) as caught:
        LockFile(path).acquire()
    assert str(caught.value) == (f"Cannot create the lock {path} (No such file or directory); "
                                 "check the folder's permissions.")


def test_a_lock_whose_token_cannot_be_written_leaves_no_empty_lock(folder: Path) -> None:
    path = folder / "oauth_creds.lock"
    with file_size_limit(10), pytest.raises(FileOpError) as caught:  # a full disk, for the 36-character token
        LockFile(path).acquire()
    assert str(caught.value) == f"Cannot create the lock {path} (File too large); check the folder's permissions."
    assert_only(folder)  # an empty lock would block every other writer for 10 s


def test_release_without_acquire_removes_nothing(folder: Path) -> None:
    path = folder / "oauth_creds.lock"
    never = LockFile(path)
    path.write_text(never.token)
    never.release()
    assert path.exists()


def test_a_read_that_must_not_follow_a_link_names_the_link_as_the_reason(folder: Path) -> None:
    (folder / "real.json").write_text("{}")
    link = folder / "settings.json"
    link.symlink_to(folder / "real.json")
    with pytest.raises(FileOpError) as caught:
        read_regular(link, follow_link=False)
    assert caught.value.reason == "a symbolic link, which qwen-tui does not follow here"
    assert str(link) in str(caught.value)
    assert read_regular(link) == b"{}"  # followed when the caller chose to
    (folder / "plain").write_text("a file, not a folder")
    with pytest.raises(FileOpError) as caught:
        read_regular(folder / "plain" / "x", follow_link=False)  # not a link: the kernel's own reason
    assert caught.value.reason == "Not a directory"
    (folder / "a").symlink_to(folder / "b")
    (folder / "b").symlink_to(folder / "a")
    with pytest.raises(FileOpError) as caught:
        read_regular(folder / "a")  # a loop of links, followed as asked: the kernel's reason, not "a link"
    assert caught.value.reason == "Too many levels of symbolic links"


def test_an_existing_folder_given_to_ensure_private_dir_becomes_private(folder: Path) -> None:
    shared = folder / "qwen-home"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    fileops.ensure_private_dir(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o700


def test_an_error_while_reading_a_regular_file_is_one_line_naming_it() -> None:
    """/proc/self/mem is a regular file whose first read fails (EIO: address 0 is never mapped): the error names
    the file and the OS's words, not Python's `[Errno 5]` form."""
    path = Path("/proc/self/mem")
    with pytest.raises(FileOpError) as caught:
        read_regular(path)
    assert str(caught.value) == ("Cannot read /proc/self/mem (Input/output error); check the file, or move it "
                                 "away and try again.")
    assert caught.value.reason == "Input/output error"

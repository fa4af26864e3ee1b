"""Issue 6 item 2d: qwen-tui and a real Qwen Code (pre-shutdown 0.12.0) share `oauth_creds.lock`.

The lock holder is the real `qwen`: with an expired token it takes the lock and refreshes at its
hard-coded https://chat.qwen.ai. The guard proxy refuses that connection only after a delay, so `qwen`
holds the lock for that long — a fresh lock owned by another process. qwen-tui (`auth token`, which
refreshes at the loopback device server under the same lock) must wait for it; a lock left behind by a
killed `qwen` and older than 10 s is stale, and qwen-tui must proceed.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qwen_tui.core.oauth.credentials import Credentials, creds_lock, save_credentials
from tests.conftest import FIXTURES
from tests.interop.conftest import (
    NPM_INSTALL_TIMEOUT_S,
    PROCESS_TIMEOUT_S,
    QUIET_SETTINGS,
    QwenCode,
    describe,
    finish,
    kill_group,
    merged,
    qwen_env,
    run_qwen_tui,
    start_qwen,
    tui_env,
    write_settings,
)
from tests.interop.guard_proxy import guard_proxy
from tests.servers.device_server import DeviceServer

pytestmark = [pytest.mark.interop, pytest.mark.timeout(NPM_INSTALL_TIMEOUT_S + 300)]

REFRESH_TOKEN = "rt-shared-between-processes"
HOLD_S = 4.0  # how long `qwen` keeps its lock: well under the 10 s after which a lock counts as stale
SETTINGS_0120 = json.loads((FIXTURES / "qwen-code-interop" / "v0120-oauth-sse.settings.json").read_text())


@pytest.fixture
def refresh_server() -> Iterator[DeviceServer]:
    server = DeviceServer().start()
    server.seed_refresh_token(REFRESH_TOKEN)
    try:
        yield server
    finally:
        server.stop()


def _expired_sign_in(qwen_home: Path, env: dict[str, str]) -> None:
    """A Qwen OAuth sign-in written by qwen-tui whose access token expired an hour ago."""
    write_settings(qwen_home / "settings.json", merged(SETTINGS_0120, QUIET_SETTINGS))
    expired = int((time.time() - 3600) * 1000)
    save_credentials(Credentials("at-expired", REFRESH_TOKEN, "Bearer", "http://127.0.0.1:9", expired), "file", env)


def _wait_for(path: Path, process: subprocess.Popen[str], timeout: float = 60.0) -> str:
    """The lock's content once it exists; fails if `qwen` exits or the time runs out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return path.read_text()
        except FileNotFoundError:
            pass
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"qwen exited ({process.returncode}) without taking {path.name}:\n{out[-800:]}\n{err[-800:]}")
        time.sleep(0.01)
    pytest.fail(f"qwen did not create {path} within {timeout:g} s")


class LockWatcher:
    """Records (monotonic time) when the lock file stops holding `token`."""

    def __init__(self, path: Path, token: str) -> None:
        self.path, self.token = path, token
        self.released_at: float | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        deadline = time.monotonic() + PROCESS_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if self.path.read_text() != self.token:
                    break
            except FileNotFoundError:
                break
            time.sleep(0.005)
        self.released_at = time.monotonic()

    def join(self) -> None:
        self._thread.join(timeout=PROCESS_TIMEOUT_S)


def test_qwen_tui_waits_while_qwen_holds_the_lock(
    qwen_pre_shutdown: QwenCode, refresh_server: DeviceServer, isolated_home: Path, qwen_home: Path,
    project_dir: Path,
) -> None:
    env = tui_env(QWEN_OAUTH_BASE_URL=refresh_server.url)
    _expired_sign_in(qwen_home, env)
    lock = qwen_home / "oauth_creds.lock"
    with guard_proxy(refuse_delay_s=HOLD_S) as proxy:
        qwen = start_qwen(qwen_pre_shutdown, qwen_env(isolated_home, proxy), project_dir)
        try:
            qwen_token = _wait_for(lock, qwen)
            watcher = LockWatcher(lock, qwen_token)
            started = time.monotonic()
            result = run_qwen_tui("auth", "token", env=env, cwd=project_dir)
            watcher.join()
            kill_group(qwen)  # its part is done; it would only go on to a (refused) device flow
        finally:
            finish(qwen)
        assert any("chat.qwen.ai" in line for line in proxy.refused), proxy.refused  # qwen was refreshing

    assert result.returncode == 0, describe(result)
    refreshes = refresh_server.refreshes()
    assert len(refreshes) == 1, refreshes
    assert refreshes[0].form["refresh_token"] == REFRESH_TOKEN
    assert watcher.released_at is not None
    # qwen-tui refreshed only once qwen's lock was gone (5 ms watcher granularity + margin), so it waited.
    assert refreshes[0].time >= watcher.released_at - 0.05, (refreshes[0].time, watcher.released_at)
    assert watcher.released_at - started >= 1.0, "qwen released its lock too early to show any waiting"
    token = result.stdout.strip()
    assert token.startswith("at-") and token != "at-expired"


def test_qwen_tui_proceeds_past_a_stale_lock_left_by_a_killed_qwen(
    qwen_pre_shutdown: QwenCode, refresh_server: DeviceServer, isolated_home: Path, qwen_home: Path,
    project_dir: Path,
) -> None:
    env = tui_env(QWEN_OAUTH_BASE_URL=refresh_server.url)
    _expired_sign_in(qwen_home, env)
    lock = qwen_home / "oauth_creds.lock"
    with guard_proxy(refuse_delay_s=PROCESS_TIMEOUT_S) as proxy:
        qwen = start_qwen(qwen_pre_shutdown, qwen_env(isolated_home, proxy), project_dir)
        try:
            qwen_token = _wait_for(lock, qwen)
            kill_group(qwen)  # SIGKILL: no exit handler runs, the lock stays behind
        finally:
            finish(qwen)
    assert lock.read_text() == qwen_token
    # Age it past the 10 s staleness limit instead of sleeping 10 s.
    old = time.time() - 60
    os.utime(lock, (old, old))

    result = run_qwen_tui("auth", "token", env=env, cwd=project_dir)

    assert result.returncode == 0, describe(result)
    assert len(refresh_server.refreshes()) == 1
    assert not lock.exists(), "qwen-tui must remove the stale lock and then its own"
    saved = Credentials.from_json_text((qwen_home / "oauth_creds.json").read_text())
    assert saved is not None and saved.access_token == result.stdout.strip() != "at-expired"


def test_qwen_waits_while_qwen_tui_holds_the_lock(
    qwen_pre_shutdown: QwenCode, isolated_home: Path, qwen_home: Path, project_dir: Path,
) -> None:
    """The other direction: the real `qwen` does not start its refresh while qwen-tui holds the lock."""
    env = tui_env()
    _expired_sign_in(qwen_home, env)
    with guard_proxy() as proxy:
        lock = creds_lock(env)
        lock.acquire()
        try:
            qwen = start_qwen(qwen_pre_shutdown, qwen_env(isolated_home, proxy), project_dir)
            # qwen needs about 2 s to start and reach its refresh; it must find our lock then.
            time.sleep(HOLD_S + 1)
            released_at = time.monotonic()
            held_throughout = lock.path.read_text() == lock.token
        finally:
            lock.release()
        qwen_output = describe(finish(qwen))
        attempts = [at for at, line in zip(proxy.refused_at, proxy.refused, strict=False) if "chat.qwen.ai" in line]
    assert held_throughout, "something removed qwen-tui's lock while qwen was waiting"
    assert attempts, f"qwen never tried to refresh:\n{qwen_output}"
    assert attempts[0] >= released_at, "qwen started refreshing while qwen-tui held oauth_creds.lock"

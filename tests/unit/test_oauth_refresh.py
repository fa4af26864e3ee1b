"""Refresh under Qwen Code's lock, against the real loopback token endpoint and real files/processes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qwen_tui.core.oauth.credentials import Credentials
from qwen_tui.core.oauth.refresh import RefreshError, SignedOut, get_valid_credentials
from tests.servers.device_server import DeviceServer, closed_port_url

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(qwen_home: Path, device_server: DeviceServer) -> dict[str, str]:
    qwen_home.mkdir(mode=0o700)
    return {
        "HOME": str(qwen_home.parent),
        "QWEN_HOME": str(qwen_home),
        "QWEN_OAUTH_BASE_URL": device_server.url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def write_creds(qwen_home: Path, *, expires_in_s: float, refresh_token: str = "rt-old",
                resource_url: str | None = "old.example") -> Credentials:
    creds = Credentials("at-old", refresh_token, "Bearer", resource_url, int((time.time() + expires_in_s) * 1000))
    (qwen_home / "oauth_creds.json").write_text(creds.to_json_text())
    return creds


def test_valid_token_needs_no_request(env: dict[str, str], qwen_home: Path, device_server: DeviceServer) -> None:
    creds = write_creds(qwen_home, expires_in_s=120)
    assert get_valid_credentials(env) == creds
    assert device_server.requests == []


def test_expired_token_is_refreshed_with_rotation(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    device_server.seed_refresh_token("rt-old")
    write_creds(qwen_home, expires_in_s=20)  # inside the 30 s margin
    fresh = get_valid_credentials(env)

    [request] = device_server.refreshes()
    assert request.form == {
        "grant_type": "refresh_token", "refresh_token": "rt-old", "client_id": "f0304373b74a44d2b584a3fb70ca9e56"
    }
    assert request.headers["accept"] == "application/json"
    assert fresh.access_token.startswith("at-") and fresh.access_token != "at-old"
    assert fresh.refresh_token.startswith("rt-") and fresh.refresh_token != "rt-old"
    assert fresh.resource_url == "portal.qwen.ai"
    assert Credentials.from_json_text((qwen_home / "oauth_creds.json").read_text()) == fresh
    assert (qwen_home / "oauth_creds.json").stat().st_mode & 0o777 == 0o600
    assert not (qwen_home / "oauth_creds.lock").exists()
    assert get_valid_credentials(env) == fresh and len(device_server.refreshes()) == 1


def test_refresh_without_new_refresh_token_keeps_the_old_one(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    device_server.set_mode("refresh-keep")
    device_server.seed_refresh_token("rt-old")
    write_creds(qwen_home, expires_in_s=-5)
    fresh = get_valid_credentials(env)
    assert fresh.refresh_token == "rt-old" and fresh.access_token != "at-old"


def test_refresh_without_resource_url_keeps_the_old_one(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    device_server.set_mode("refresh-no-resource-url")
    device_server.seed_refresh_token("rt-old")
    write_creds(qwen_home, expires_in_s=-5)
    assert get_valid_credentials(env).resource_url == "old.example"


@pytest.mark.parametrize("mode", ["refresh-reject-400", "refresh-reject-401"])
def test_rejected_refresh_moves_the_file_aside(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer, mode: str
) -> None:
    device_server.set_mode(mode)
    write_creds(qwen_home, expires_in_s=-5)
    before = (qwen_home / "oauth_creds.json").read_text()
    with pytest.raises(SignedOut) as caught:
        get_valid_credentials(env)
    message = str(caught.value)
    assert "\n" not in message and "oauth_creds.json.invalid" in message and "qwen-tui auth" in message
    assert "rt-old" not in message and "at-old" not in message
    assert not (qwen_home / "oauth_creds.json").exists()
    assert (qwen_home / "oauth_creds.json.invalid").read_text() == before
    with pytest.raises(SignedOut):  # afterwards: simply signed out
        get_valid_credentials(env)


def test_server_error_keeps_the_file(env: dict[str, str], qwen_home: Path, device_server: DeviceServer) -> None:
    device_server.refresh_mode = "500"
    write_creds(qwen_home, expires_in_s=-5)
    before = (qwen_home / "oauth_creds.json").read_text()
    with pytest.raises(RefreshError, match="500"):
        get_valid_credentials(env)
    assert (qwen_home / "oauth_creds.json").read_text() == before
    assert not (qwen_home / "oauth_creds.lock").exists()


def test_unreachable_server_keeps_the_file(env: dict[str, str], qwen_home: Path) -> None:
    write_creds(qwen_home, expires_in_s=-5)
    before = (qwen_home / "oauth_creds.json").read_text()
    url = closed_port_url()
    with pytest.raises(RefreshError) as caught:
        get_valid_credentials({**env, "QWEN_OAUTH_BASE_URL": url})
    assert url in str(caught.value) and "rt-old" not in str(caught.value)
    # The reason: the error's type and its own text (a refused connection on Linux).
    assert "(ConnectError: [Errno 111] Connection refused)" in str(caught.value)
    assert (qwen_home / "oauth_creds.json").read_text() == before


def test_signed_out_when_nothing_is_stored(env: dict[str, str]) -> None:
    with pytest.raises(SignedOut, match="qwen-tui auth"):
        get_valid_credentials(env)


def test_waits_for_the_lock_and_skips_when_another_process_refreshed(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    write_creds(qwen_home, expires_in_s=-5)
    lock = qwen_home / "oauth_creds.lock"
    lock.write_text("another-process-uuid")
    theirs = Credentials("at-theirs", "rt-theirs", "Bearer", None, int((time.time() + 3600) * 1000))

    def other_process_finishes() -> None:
        time.sleep(0.6)
        (qwen_home / "oauth_creds.json").write_text(theirs.to_json_text())
        lock.unlink()

    worker = threading.Thread(target=other_process_finishes)
    worker.start()
    try:
        assert get_valid_credentials(env) == theirs
    finally:
        worker.join()
    assert device_server.refreshes() == []


def test_stale_lock_is_removed(env: dict[str, str], qwen_home: Path, device_server: DeviceServer) -> None:
    device_server.seed_refresh_token("rt-old")
    write_creds(qwen_home, expires_in_s=-5)
    lock = qwen_home / "oauth_creds.lock"
    lock.write_text("crashed-process-uuid")
    old = time.time() - 20
    os.utime(lock, (old, old))
    assert get_valid_credentials(env).access_token != "at-old"
    assert not lock.exists()


@pytest.mark.parametrize("mode", ["refresh-rotate", "refresh-reject-400"])
def test_a_writer_that_ignored_the_lock_wins(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer, mode: str
) -> None:
    # Old Qwen Code deletes our lock and writes anyway: our refreshed creds must not overwrite theirs, and a
    # rejected refresh must not set their new sign-in aside.
    device_server.set_mode(mode)
    device_server.seed_refresh_token("rt-old")
    write_creds(qwen_home, expires_in_s=-5)
    theirs = Credentials("at-theirs", "rt-theirs", "Bearer", None, int((time.time() + 3600) * 1000))
    device_server.on_refresh = lambda: (qwen_home / "oauth_creds.json").write_text(theirs.to_json_text())

    assert get_valid_credentials(env) == theirs
    assert len(device_server.refreshes()) == 1
    assert Credentials.from_json_text((qwen_home / "oauth_creds.json").read_text()) == theirs
    assert not (qwen_home / "oauth_creds.json.invalid").exists()


def test_an_unparseable_concurrent_write_is_not_clobbered(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    device_server.seed_refresh_token("rt-old")
    write_creds(qwen_home, expires_in_s=-5)
    device_server.on_refresh = lambda: (qwen_home / "oauth_creds.json").write_text("{half")
    fresh = get_valid_credentials(env)
    assert fresh.access_token.startswith("at-") and fresh.access_token != "at-old"
    assert (qwen_home / "oauth_creds.json").read_text() == "{half"


def test_three_concurrent_token_commands_refresh_once(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    device_server.seed_refresh_token("rt-old")
    # A slow refresh answer makes the three processes really overlap on the lock.
    device_server.on_refresh = lambda: time.sleep(0.5)
    write_creds(qwen_home, expires_in_s=-5)
    code = "import os; from qwen_tui.commands.oauth import token; raise SystemExit(token(os.environ))"
    child_env = {**env, "PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), "NO_BROWSER": "1"}
    processes = [
        subprocess.Popen([sys.executable, "-c", code], env=child_env, cwd=REPO, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    results = [process.communicate(timeout=60) for process in processes]

    assert [process.returncode for process in processes] == [0, 0, 0], [err for _, err in results]
    tokens = {out.strip() for out, _ in results}
    stored = Credentials.from_json_text((qwen_home / "oauth_creds.json").read_text())
    assert tokens == {stored.access_token} and stored.access_token != "at-old"
    assert len(device_server.refreshes()) == 1
    assert not (qwen_home / "oauth_creds.lock").exists()


def test_keyring_store_is_refreshed_in_place(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    # Failing backend: SecretStore's explicit file stands in for the keyring (same code path for us).
    from qwen_tui.core.oauth.credentials import KeyringStore, load_credentials, save_credentials

    env = {**env, "QWEN_TUI_OAUTH_STORE": "keyring"}
    device_server.seed_refresh_token("rt-old")
    old = Credentials("at-old", "rt-old", "Bearer", None, int((time.time() - 5) * 1000))
    save_credentials(old, "keyring", env)
    fresh = get_valid_credentials(env)
    assert fresh.access_token != "at-old"
    assert load_credentials(env) == (fresh, "qwen-oauth-creds")
    assert not (qwen_home / "oauth_creds.json").exists()

    device_server.refresh_mode = "reject_401"
    expired = Credentials("at-x", fresh.refresh_token, "Bearer", None, 0)
    save_credentials(expired, "keyring", env)
    with pytest.raises(SignedOut, match="qwen-oauth-creds.invalid"):
        get_valid_credentials(env)
    assert KeyringStore(env).read_text() is None


def test_keyring_is_not_consulted_unless_preferred(env: dict[str, str], qwen_home: Path) -> None:
    from qwen_tui.core.oauth.credentials import load_credentials, save_credentials

    save_credentials(Credentials("a", "r", "Bearer", None, 1), "keyring", {**env})
    assert load_credentials(env) == (None, None)
    assert load_credentials({**env, "QWEN_TUI_OAUTH_STORE": "keyring"})[1] == "qwen-oauth-creds"


# ---- the margin and the clock the caller gives ------------------------------------------------------------

@pytest.mark.parametrize(("margin_s", "refreshed"), [(300, True), (60, False)])
def test_the_callers_margin_decides_whether_to_refresh(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer, margin_s: float, refreshed: bool
) -> None:
    # `qwen-tui launch` refreshes a token that expires within its own margin; 30 s is only the default.
    device_server.seed_refresh_token("rt-old")
    old = write_creds(qwen_home, expires_in_s=120)
    creds = get_valid_credentials(env, margin_s=margin_s)
    assert (creds != old) is refreshed
    assert len(device_server.refreshes()) == (1 if refreshed else 0)


def test_the_callers_clock_decides_expiry_and_dates_the_new_token(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    device_server.seed_refresh_token("rt-old")
    write_creds(qwen_home, expires_in_s=3600)  # valid for an hour by the wall clock
    two_hours_later = time.time() + 7200
    fresh = get_valid_credentials(env, clock=lambda: two_hours_later)
    assert fresh.access_token != "at-old"
    # The test server gives tokens 3600 s of life, counted from the caller's clock.
    assert fresh.expiry_date == int((two_hours_later + 3600) * 1000)


# ---- what another process did while we refreshed ----------------------------------------------------------

def test_a_sign_out_during_the_refresh_is_respected(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    # `qwen` (or another qwen-tui) removed the file meanwhile: we use our token for this call, write nothing back.
    device_server.seed_refresh_token("rt-old")
    write_creds(qwen_home, expires_in_s=-5)
    device_server.on_refresh = lambda: (qwen_home / "oauth_creds.json").unlink()
    fresh = get_valid_credentials(env)
    assert fresh.access_token.startswith("at-") and fresh.access_token != "at-old"
    assert not (qwen_home / "oauth_creds.json").exists()
    assert not (qwen_home / "oauth_creds.json.invalid").exists()


@pytest.mark.parametrize("concurrent", ["unparseable", "removed"])
def test_a_rejected_refresh_never_touches_a_file_changed_meanwhile(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer, concurrent: str
) -> None:
    device_server.set_mode("refresh-reject-401")
    write_creds(qwen_home, expires_in_s=-5)
    path = qwen_home / "oauth_creds.json"
    device_server.on_refresh = (lambda: path.write_text("{half")) if concurrent == "unparseable" else path.unlink
    with pytest.raises(SignedOut, match="qwen-tui auth") as caught:
        get_valid_credentials(env)
    assert ".invalid" not in str(caught.value)
    assert (path.read_text() == "{half") if concurrent == "unparseable" else not path.exists()
    assert not (qwen_home / "oauth_creds.json.invalid").exists()


@pytest.mark.parametrize(("change", "says"), [
    ("removed", "Not signed in with Qwen OAuth"), ("broken", "are not usable"),
])
def test_a_sign_out_while_we_wait_for_the_lock_means_signed_out(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer, change: str, says: str
) -> None:
    write_creds(qwen_home, expires_in_s=-5)
    lock = qwen_home / "oauth_creds.lock"
    lock.write_text("another-process-uuid")  # `qwen auth logout` (say) holds the lock
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            get_valid_credentials(env)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    # Synchronise on the caller's stack, not on a timer: once it waits in the lock loop, the other side signs out.
    until_waiting_in(caller, "acquire")
    path = qwen_home / "oauth_creds.json"
    if change == "removed":
        path.unlink()
    else:
        path.write_text("{half")
    lock.unlink()
    caller.join(30)
    [error] = outcome
    assert isinstance(error, SignedOut) and says in str(error)
    assert change == "removed" or str(path) in str(error)
    assert device_server.refreshes() == []


def until_waiting_in(thread: threading.Thread, function: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        frame = sys._current_frames().get(thread.ident or 0)
        while frame is not None and frame.f_code.co_name != function:
            frame = frame.f_back
        if frame is not None:
            return
        time.sleep(0.01)
    raise AssertionError(f"the thread never reached {function}()")


# ---- files we cannot use --------------------------------------------------------------------------------

def test_no_refresh_token_signs_out_without_asking_the_server(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    write_creds(qwen_home, expires_in_s=-5, refresh_token="")
    with pytest.raises(SignedOut, match="oauth_creds.json.invalid"):
        get_valid_credentials(env)
    assert device_server.requests == []
    assert not (qwen_home / "oauth_creds.json").exists()


def test_a_file_that_is_not_credentials_signs_out_naming_it(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    (qwen_home / "oauth_creds.json").write_text('{"access_token": "at-old"}')
    with pytest.raises(SignedOut) as caught:
        get_valid_credentials(env)
    assert str(qwen_home / "oauth_creds.json") in str(caught.value) and "at-old" not in str(caught.value)
    assert (qwen_home / "oauth_creds.json").read_text() == '{"access_token": "at-old"}'
    assert device_server.requests == []


def test_an_unreadable_file_is_a_refresh_error_naming_it(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    (qwen_home / "oauth_creds.json").write_bytes(b'{"access_token": "at-\xff"}')
    with pytest.raises(RefreshError) as caught:
        get_valid_credentials(env)
    message = str(caught.value)
    assert str(qwen_home / "oauth_creds.json") in message and "UTF-8" in message and "xff" not in message


def test_a_lock_that_cannot_be_created_is_a_refresh_error(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer
) -> None:
    write_creds(qwen_home, expires_in_s=-5)
    # A folder where the lock file goes: its creation fails whoever runs the test, root included.
    (qwen_home / "oauth_creds.lock").mkdir()
    with pytest.raises(RefreshError) as caught:
        get_valid_credentials(env)
    assert str(qwen_home / "oauth_creds.lock") in str(caught.value) and "\n" not in str(caught.value)
    assert device_server.refreshes() == []


# ---- token answers we cannot store ----------------------------------------------------------------------

@pytest.mark.parametrize(("overrides", "says"), [
    ({"access_token": None}, "no access token"),
    ({"access_token": "at-caf\u00e9"}, "printable"),
])
def test_an_unusable_refresh_answer_keeps_the_file(
    env: dict[str, str], qwen_home: Path, device_server: DeviceServer, overrides: dict[str, object], says: str
) -> None:
    device_server.seed_refresh_token("rt-old")
    device_server.token_overrides = overrides
    write_creds(qwen_home, expires_in_s=-5)
    before = (qwen_home / "oauth_creds.json").read_text()
    with pytest.raises(RefreshError, match=says):
        get_valid_credentials(env)
    assert (qwen_home / "oauth_creds.json").read_text() == before

"""oauth_creds.json exactly as Qwen Code reads and writes it; the one-copy rule; api_base; browser rules."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from qwen_tui.core.oauth.browser import can_open_browser, open_url
from qwen_tui.core.oauth.credentials import (
    DEFAULT_API_BASE,
    Credentials,
    FileStore,
    KeyringStore,
    api_base,
    delete_credentials,
    load_credentials,
    move_credentials,
    save_credentials,
    switch_store,
)
from tests.conftest import FIXTURES

CREDS = Credentials("at-one", "rt-one", "Bearer", "portal.qwen.ai", 1_795_826_716_921)


@pytest.fixture
def env(tmp_path: Path, qwen_home: Path) -> dict[str, str]:
    """QWEN_HOME (not yet created) and a keyring backend that always fails (SecretStore's file fallback)."""
    return {
        "HOME": str(qwen_home.parent),
        "QWEN_HOME": str(qwen_home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def test_file_is_written_exactly_like_qwen_code(env: dict[str, str], qwen_home: Path) -> None:
    save_credentials(CREDS, "file", env)
    path = qwen_home / "oauth_creds.json"
    assert path.read_text() == (
        '{\n  "access_token": "at-one",\n  "refresh_token": "rt-one",\n  "token_type": "Bearer",\n'
        '  "resource_url": "portal.qwen.ai",\n  "expiry_date": 1795826716921\n}'
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(qwen_home.stat().st_mode) == 0o700
    assert not (qwen_home / "oauth_creds.lock").exists()
    assert load_credentials(env) == (CREDS, path)


def test_reads_a_file_the_real_qwen_code_accepted(env: dict[str, str], qwen_home: Path) -> None:
    text = (FIXTURES / "qwen-code-interop" / "v071-oauth-sse.oauth_creds.json").read_text()
    creds = Credentials.from_json_text(text)
    assert creds is not None and creds.resource_url == "http://127.0.0.1:18080"
    assert api_base(creds) == "http://127.0.0.1:18080/v1"
    assert json.loads(creds.to_json_text()) == json.loads(text)


def test_missing_resource_url_is_left_out_as_qwen_code_does() -> None:
    creds = Credentials("a", "r", "Bearer", None, 5)
    assert "resource_url" not in json.loads(creds.to_json_text())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '{"refresh_token": "r", "token_type": "Bearer", "expiry_date": 1}',
        '{"access_token": 1, "refresh_token": "r", "token_type": "Bearer", "expiry_date": 1}',
        '{"access_token": "a", "refresh_token": null, "token_type": "Bearer", "expiry_date": 1}',
        '{"access_token": "a", "refresh_token": "r", "token_type": "Bearer", "expiry_date": "1"}',
        '{"access_token": "a", "refresh_token": "r", "token_type": "Bearer", "expiry_date": true}',
        '{"access_token": "a", "refresh_token": "r", "token_type": "Bearer"}',
    ],
)
def test_files_of_the_wrong_shape_are_ignored(env: dict[str, str], qwen_home: Path, text: str) -> None:
    qwen_home.mkdir()
    path = qwen_home / "oauth_creds.json"
    path.write_text(text)
    assert load_credentials(env) == (None, path)
    assert path.read_text() == text  # never rewritten


def test_float_expiry_is_a_number() -> None:
    text = '{"access_token": "a", "refresh_token": "r", "token_type": "Bearer", "expiry_date": 1.5e12}'
    assert Credentials.from_json_text(text).expiry_date == 1.5e12


def test_nothing_stored(env: dict[str, str]) -> None:
    assert load_credentials(env) == (None, None)


def test_tokens_stay_out_of_repr() -> None:
    assert "at-one" not in repr(CREDS) and "rt-one" not in repr(CREDS)


def test_expiry_margin_is_thirty_seconds() -> None:
    expiry_s = CREDS.expiry_date / 1000
    assert not CREDS.needs_refresh(expiry_s - 30.5)
    assert CREDS.needs_refresh(expiry_s - 30)
    assert CREDS.needs_refresh(expiry_s + 1)


def test_token_response_keeps_what_a_refresh_omits() -> None:
    fresh = Credentials.from_token_response({"access_token": "at-two", "expires_in": 60}, 1000.0, previous=CREDS)
    assert fresh == Credentials("at-two", "rt-one", "Bearer", "portal.qwen.ai", 1_060_000)
    rotated = Credentials.from_token_response(
        {"access_token": "at-3", "refresh_token": "rt-3", "resource_url": "x.example", "token_type": "bearer",
         "expires_in": 10}, 0.0, previous=CREDS)
    assert (rotated.refresh_token, rotated.resource_url, rotated.token_type) == ("rt-3", "x.example", "bearer")
    assert Credentials.from_token_response({"token_type": "Bearer"}, 0.0) is None


@pytest.mark.parametrize(
    ("resource_url", "expected"),
    [
        (None, DEFAULT_API_BASE),
        ("", DEFAULT_API_BASE),
        ("portal.qwen.ai", "https://portal.qwen.ai/v1"),
        ("https://portal.qwen.ai/", "https://portal.qwen.ai/v1"),
        ("https://portal.qwen.ai/v1", "https://portal.qwen.ai/v1"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1"),
    ],
)
def test_api_base(resource_url: str | None, expected: str) -> None:
    assert api_base(Credentials("a", "r", "Bearer", resource_url, 0)) == expected


def test_one_copy_only_when_moving_between_stores(env: dict[str, str], qwen_home: Path) -> None:
    # With the failing backend, SecretStore keeps "keyring" secrets in its explicit 0600 file: the
    # one-copy rule is the same whichever backend holds them (the real Secret Service test is below).
    save_credentials(CREDS, "file", env)
    assert switch_store("keyring", env)
    assert json.loads((qwen_home / "tui.json").read_text())["oauth_store"] == "keyring"
    assert not (qwen_home / "oauth_creds.json").exists()
    assert KeyringStore(env).read_text() == CREDS.to_json_text()
    assert load_credentials(env) == (CREDS, "qwen-oauth-creds")

    assert switch_store("file", env)
    assert KeyringStore(env).read_text() is None
    assert load_credentials(env) == (CREDS, qwen_home / "oauth_creds.json")
    assert not move_credentials("file", env)  # nothing left to move


def test_saving_a_new_sign_in_removes_the_other_copy(env: dict[str, str], qwen_home: Path) -> None:
    save_credentials(CREDS, "keyring", env)
    other = Credentials("at-two", "rt-two", "Bearer", None, 1)
    save_credentials(other, "file", env)
    assert KeyringStore(env).read_text() is None
    assert load_credentials(env)[0] == other


def test_delete_removes_both(env: dict[str, str], qwen_home: Path) -> None:
    save_credentials(CREDS, "file", env)
    assert delete_credentials(env)
    assert load_credentials(env) == (None, None)
    assert not delete_credentials(env)


@pytest.mark.keyring
def test_keyring_store_with_a_real_secret_service(
    env: dict[str, str], qwen_home: Path, secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in secret_service.items():  # the D-Bus client reads the bus address from os.environ
        monkeypatch.setenv(key, value)
    env = {**env, **secret_service, "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
           "QWEN_TUI_OAUTH_STORE": "keyring"}
    store = save_credentials(CREDS, "keyring", env)
    assert store.warning is None  # really in the keyring, not the plain-file fallback
    assert not (qwen_home / "oauth_creds.json").exists()
    assert load_credentials(env) == (CREDS, "qwen-oauth-creds")
    assert move_credentials("file", env)
    assert KeyringStore(env).read_text() is None
    assert FileStore(env).read_text() == CREDS.to_json_text()


# ---- browser rules ----

GUI = {"DISPLAY": ":0"}


@pytest.mark.parametrize(
    ("env", "platform", "allowed"),
    [
        (GUI, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"MIR_SOCKET": "/run/mir"}, "linux", True),
        ({}, "linux", False),
        ({}, "darwin", True),
        ({**GUI, "NO_BROWSER": "1"}, "linux", False),
        ({**GUI, "CI": "true"}, "linux", False),
        ({**GUI, "DEBIAN_FRONTEND": "noninteractive"}, "linux", False),
        ({**GUI, "DEBIAN_FRONTEND": "dialog"}, "linux", True),
        ({**GUI, "BROWSER": "www-browser"}, "linux", False),
        ({**GUI, "SSH_CONNECTION": "1.2.3.4 22 5.6.7.8 22"}, "linux", False),
        ({"SSH_CLIENT": "1.2.3.4 22 22"}, "darwin", False),
        ({"SSH_TTY": "/dev/pts/1"}, "darwin", False),
    ],
)
def test_can_open_browser(env: dict[str, str], platform: str, allowed: bool) -> None:
    assert can_open_browser(env, platform) is allowed


def test_open_url_does_not_start_a_browser_when_not_allowed(tmp_path: Path) -> None:
    # BROWSER names a real program that would leave a mark if it were run.
    marker = tmp_path / "opened"
    script = tmp_path / "fake-browser"
    script.write_text(f"#!/bin/sh\necho \"$1\" > {marker}\n")
    script.chmod(0o755)
    assert open_url("http://127.0.0.1:9/x", {"NO_BROWSER": "1", "BROWSER": str(script), "DISPLAY": ":0"}) is False
    assert not marker.exists()
    assert os.environ.get("NO_BROWSER") == "1"  # the test suite's isolation keeps browsers off


def test_switching_with_an_unreadable_preferences_file_moves_nothing(env: dict[str, str], qwen_home: Path) -> None:
    from qwen_tui.core.prefs import PrefsError

    save_credentials(CREDS, "file", env)
    (qwen_home / "tui.json").write_text("{broken")
    with pytest.raises(PrefsError):
        switch_store("keyring", env)
    assert (qwen_home / "tui.json").read_text() == "{broken"
    assert load_credentials(env) == (CREDS, qwen_home / "oauth_creds.json")


def _with_expiry(expiry: str, extra: str = "") -> str:
    return '{"access_token": "a", "refresh_token": "r", "token_type": "Bearer", "expiry_date": ' + expiry + extra + "}"


@pytest.mark.parametrize(
    "text",
    [
        _with_expiry("NaN"),              # Python's json accepts it, Node's JSON.parse does not
        _with_expiry("Infinity"),
        _with_expiry("-Infinity"),
        _with_expiry("1e300"),            # beyond year 9999: datetime.fromtimestamp overflows
        _with_expiry("-1e300"),
        _with_expiry("1" + "0" * 400),    # an integer too big for a float
        _with_expiry("1", ', "x": ' + "[" * 100_000 + "]" * 100_000),  # deeper than Python's stack
    ],
    ids=["nan", "inf", "-inf", "1e300", "-1e300", "huge-int", "deep"],
)
def test_absurd_expiry_or_nesting_counts_as_invalid(env: dict[str, str], qwen_home: Path, text: str) -> None:
    """Review finding: such a file is ignored like one whose expiry is not a number, and never rewritten."""
    assert Credentials.from_json_text(text) is None
    qwen_home.mkdir()
    path = qwen_home / "oauth_creds.json"
    path.write_text(text)
    assert load_credentials(env) == (None, path)
    assert path.read_text() == text


def test_expiry_up_to_year_9999_is_kept() -> None:
    assert Credentials.from_json_text(_with_expiry("253402214400000")).expiry_date == 253_402_214_400_000


def test_file_errors_are_translated(env: dict[str, str], qwen_home: Path) -> None:
    from qwen_tui.core.fileops import FileOpError
    from qwen_tui.core.i18n import set_language

    qwen_home.mkdir()
    (qwen_home / "oauth_creds.json").write_bytes(b'\xff{"access_token": "secret-at"}')
    set_language("fr")
    with pytest.raises(FileOpError) as error:
        FileStore(env).read_text()
    message = str(error.value)
    assert "Impossible de lire" in message and "texte non UTF-8" in message
    assert "\n" not in message and "secret-at" not in message

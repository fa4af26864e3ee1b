"""The exact rules of credentials.py that a mutation run found unpinned: what oauth_creds.json and a token answer
may hold (bounds written down here, not taken from the code), and the two stores' edge cases on real files
(the keyring store through SecretStore with a failing backend, i.e. its 0600 fallback file)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qwen_tui.core.fileops import FileOpError
from qwen_tui.core.oauth.credentials import (
    Credentials,
    FileStore,
    KeyringStore,
    TokenResponseError,
    api_base,
    delete_credentials,
    load_credentials,
    move_credentials,
    only_in_keyring,
    save_credentials,
)
from qwen_tui.core.secrets import SecretStore

CREDS = Credentials("at-one", "rt-one", "Bearer", "portal.qwen.ai", 1_795_826_716_921)
# The dates a datetime can hold, as epoch milliseconds: a file beyond them is not credible.
FIRST_MS = int(datetime(1, 1, 2, tzinfo=UTC).timestamp() * 1000)
LAST_MS = int(datetime(9999, 12, 31, tzinfo=UTC).timestamp() * 1000)
LEAP_YEAR_S = 366 * 24 * 3600


@pytest.fixture
def qwen_home(tmp_path: Path) -> Path:
    """A QWEN_HOME away from ~/.qwen: code that read the process environment instead of `env` would miss it."""
    return tmp_path / "qwen-home"


@pytest.fixture
def env(qwen_home: Path, isolated_home: Path) -> dict[str, str]:
    return {"HOME": str(isolated_home), "QWEN_HOME": str(qwen_home),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def creds_text(**fields: object) -> str:
    return json.dumps({"access_token": "a", "refresh_token": "r", "token_type": "Bearer", "expiry_date": 1, **fields})


# ---- oauth_creds.json ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["access_token", "refresh_token", "token_type"])
@pytest.mark.parametrize(("length", "kept"), [(16_384, True), (16_385, False)])
def test_tokens_of_up_to_16_kib_are_kept(field: str, length: int, kept: bool) -> None:
    assert (Credentials.from_json_text(creds_text(**{field: "a" * length})) is not None) is kept


@pytest.mark.parametrize(("expiry", "kept"), [(FIRST_MS, True), (FIRST_MS - 1, False), (LAST_MS, True),
                                              (LAST_MS + 1, False)])
def test_expiry_dates_from_year_1_to_9999_are_kept(expiry: int, kept: bool) -> None:
    assert (Credentials.from_json_text(creds_text(expiry_date=expiry)) is not None) is kept


def test_a_resource_url_that_is_not_text_counts_as_absent() -> None:
    creds = Credentials.from_json_text(creds_text(resource_url=5))
    assert creds == Credentials("a", "r", "Bearer", None, 1)


def test_needs_refresh_without_a_time_reads_the_clock() -> None:
    now_ms = time.time() * 1000
    assert Credentials("a", "r", "Bearer", None, now_ms + 20_000).needs_refresh()
    assert not Credentials("a", "r", "Bearer", None, now_ms + 120_000).needs_refresh()


def test_the_margin_counts_to_the_millisecond() -> None:
    creds = Credentials("a", "r", "Bearer", None, 100_000)  # expires at 100 s
    assert creds.needs_refresh(70.0) and not creds.needs_refresh(69.9995)  # the default margin: 30 s
    assert creds.needs_refresh(90.0, margin_s=10) and not creds.needs_refresh(89.995, margin_s=10)


# ---- token answers ------------------------------------------------------------------------------------

def test_a_first_sign_in_answer_with_only_an_access_token() -> None:
    # Nothing to keep from before: no refresh token, no resource_url, a Bearer token valid for an hour.
    assert Credentials.from_token_response({"access_token": "at"}, 1000.0) == Credentials(
        "at", "", "Bearer", None, 4_600_000)


@pytest.mark.parametrize("payload", [{}, {"access_token": ""}, {"access_token": 5}])
def test_no_access_token_means_no_credentials(payload: dict[str, object]) -> None:
    assert Credentials.from_token_response(payload, 0.0, previous=CREDS) is None


@pytest.mark.parametrize("value", ["", 7])
def test_empty_or_non_text_fields_keep_the_previous_ones(value: object) -> None:
    payload = {"access_token": "at", "refresh_token": value, "resource_url": value, "token_type": value}
    fresh = Credentials.from_token_response(payload, 0.0, previous=CREDS)
    assert fresh == Credentials("at", "rt-one", "Bearer", "portal.qwen.ai", 3_600_000)


@pytest.mark.parametrize("field", ["refresh_token", "resource_url", "token_type"])
def test_a_field_that_is_not_printable_ascii_is_refused(field: str) -> None:
    with pytest.raises(TokenResponseError, match="printable ASCII"):
        Credentials.from_token_response({"access_token": "at", field: "caf\u00e9"}, 0.0)


@pytest.mark.parametrize(("expires_in", "lifetime_s"), [
    (1, 1), (0.5, 3600), (True, 3600), (LEAP_YEAR_S, LEAP_YEAR_S), (LEAP_YEAR_S + 1, 3600),
])
def test_a_token_lives_from_a_second_to_a_leap_year_else_an_hour(expires_in: object, lifetime_s: int) -> None:
    fresh = Credentials.from_token_response({"access_token": "at", "expires_in": expires_in}, 0.0)
    assert fresh is not None and fresh.expiry_date == lifetime_s * 1000


@pytest.mark.parametrize(("resource_url", "expected"), [
    (None, "https://dashscope.aliyuncs.com/compatible-mode/v1"),  # Qwen Code's default (reference/qwen-code.md)
    ("  ", "https://dashscope.aliyuncs.com/compatible-mode/v1"),
    (" portal.qwen.ai/ ", "https://portal.qwen.ai/v1"),
    ("https://x.example/v1/", "https://x.example/v1"),
    ("https://gw.example/X", "https://gw.example/X/v1"),  # only slashes are trimmed
])
def test_api_base_trims_and_completes_the_resource_url(resource_url: str | None, expected: str) -> None:
    assert api_base(Credentials("a", "r", "Bearer", resource_url, 0)) == expected


def test_api_base_without_credentials_is_qwen_codes_default() -> None:
    assert api_base(None) == "https://dashscope.aliyuncs.com/compatible-mode/v1"


# ---- the two stores -----------------------------------------------------------------------------------

def test_the_keyring_store_sets_rejected_credentials_aside(env: dict[str, str]) -> None:
    save_credentials(CREDS, "keyring", env)
    store = KeyringStore(env)
    assert store.set_aside() == "qwen-oauth-creds.invalid"
    assert SecretStore(env).get("qwen-oauth-creds.invalid").value == CREDS.to_json_text()
    assert store.read_text() is None
    assert store.set_aside() is None  # nothing left to set aside


def test_the_file_store_sets_aside_only_what_exists(env: dict[str, str], qwen_home: Path) -> None:
    store = FileStore(env)
    assert store.set_aside() is None
    save_credentials(CREDS, "file", env)
    (qwen_home / "oauth_creds.json.invalid").mkdir()  # a file cannot be renamed onto a folder
    with pytest.raises(FileOpError) as caught:
        store.set_aside()
    assert str(caught.value).startswith(f"Cannot rename {qwen_home / 'oauth_creds.json'} (Is a directory);")
    assert load_credentials(env) == (CREDS, qwen_home / "oauth_creds.json")


def test_a_file_copy_that_cannot_be_removed_stops_a_keyring_save(env: dict[str, str], qwen_home: Path) -> None:
    # Two copies would diverge once the refresh token rotates: failing to remove the file is an error.
    (qwen_home / "oauth_creds.json").mkdir(parents=True)
    with pytest.raises(FileOpError) as caught:
        save_credentials(CREDS, "keyring", env)
    assert str(caught.value).startswith(f"Cannot delete {qwen_home / 'oauth_creds.json'} (Is a directory);")


def test_save_returns_the_store_it_wrote(env: dict[str, str], qwen_home: Path) -> None:
    assert save_credentials(CREDS, "keyring", env).location == "qwen-oauth-creds"
    assert save_credentials(CREDS, "file", env).location == qwen_home / "oauth_creds.json"


def test_only_in_keyring_needs_no_file_and_the_keyring_preference(env: dict[str, str]) -> None:
    keyring_env = {**env, "QWEN_TUI_OAUTH_STORE": "keyring"}
    assert only_in_keyring(keyring_env) and not only_in_keyring(env)
    save_credentials(CREDS, "file", env)
    assert not only_in_keyring(keyring_env)


def test_the_keyring_is_asked_only_when_it_holds_credentials(env: dict[str, str]) -> None:
    keyring_env = {**env, "QWEN_TUI_OAUTH_STORE": "keyring"}
    assert load_credentials(keyring_env) == (None, None)
    save_credentials(CREDS, "keyring", env)
    assert load_credentials(keyring_env) == (CREDS, "qwen-oauth-creds")


def test_delete_can_leave_the_keyring_copy(env: dict[str, str]) -> None:
    save_credentials(CREDS, "keyring", env)
    assert delete_credentials(env, include_keyring=False) is False  # no file copy to remove
    assert KeyringStore(env).read_text() == CREDS.to_json_text()
    assert delete_credentials(env)
    assert KeyringStore(env).read_text() is None


def test_unusable_credentials_are_not_moved(env: dict[str, str], qwen_home: Path) -> None:
    qwen_home.mkdir()
    (qwen_home / "oauth_creds.json").write_text('{"access_token": "a"}')
    assert not move_credentials("keyring", env)
    assert (qwen_home / "oauth_creds.json").read_text() == '{"access_token": "a"}'
    assert KeyringStore(env).read_text() is None


def test_a_non_ascii_resource_url_is_written_unescaped_as_qwen_code_does(env: dict[str, str], qwen_home: Path) -> None:
    # Qwen Code's JSON.stringify writes non-ASCII text as it is, not as \u escapes.
    save_credentials(Credentials("a", "r", "Bearer", "p\u00f6rtal.example", 1), "file", env)
    assert '"resource_url": "p\u00f6rtal.example"' in (qwen_home / "oauth_creds.json").read_text(encoding="utf-8")


def test_a_credentials_file_that_is_not_utf8_names_the_file(env: dict[str, str], qwen_home: Path) -> None:
    qwen_home.mkdir()
    (qwen_home / "oauth_creds.json").write_bytes(b'{"access_token": "\xff\xfe"}')
    with pytest.raises(FileOpError) as error:
        FileStore(env).read_text()
    message = str(error.value)
    assert str(qwen_home / "oauth_creds.json") in message and "UTF-8" in message and "xff" not in message

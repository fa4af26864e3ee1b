"""The base URL validator and key normalisation, with properties checked by hypothesis."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qwen_tui.core.providers.validate import check_base_url, is_loopback, normalize_key

KEY_CHARS = string.ascii_letters + string.digits + "-_."
keys = st.text(alphabet=KEY_CHARS, min_size=1, max_size=80)
paste_noise = st.text(alphabet=" \t\r\n\u200b\ufeff", max_size=6)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){1,3}", fullmatch=True)
paths = st.from_regex(r"(/[a-z0-9-]{1,12}){0,3}", fullmatch=True)


@given(keys, paste_noise, paste_noise)
def test_pasted_key_is_trimmed(key: str, before: str, after: str) -> None:
    assert normalize_key(before + key + after) == key


@given(st.text())
def test_normalize_key_is_idempotent_and_leaves_no_edges_or_newlines(text: str) -> None:
    once = normalize_key(text)
    assert normalize_key(once) == once
    assert "\n" not in once and "\r" not in once
    assert once == once.strip()


@given(st.sampled_from(["http", "https", "HTTPS"]), hosts, st.none() | st.integers(1, 65535), paths,
       st.sampled_from(["", "/", "//"]), paste_noise)
def test_valid_urls_are_normalised(scheme: str, host: str, port: int | None, path: str, slash: str,
                                   noise: str) -> None:
    netloc = host if port is None else f"{host}:{port}"
    check = check_base_url(noise + f"{scheme}://{netloc}{path}{slash}" + noise)
    assert check.error is None
    assert check.url == f"{scheme}://{netloc}{path}"
    assert check.cleartext_remote == (scheme == "http")  # generated hosts are never loopback


@given(st.text())
def test_any_text_gives_either_a_url_or_one_error_line(text: str) -> None:
    check = check_base_url(text)
    assert (check.url is None) != (check.error is None)
    if check.error is not None:
        assert "\n" not in check.error and not check.cleartext_remote
    else:
        assert check.url.lower().startswith(("http://", "https://")) and not check.url.endswith("/")
        assert check_base_url(check.url) == check  # normalising twice changes nothing


def test_invalid_urls_each_get_their_reason() -> None:
    reasons = {text: check_base_url(text).error for text in (
        "", "api.openai.com/v1", "ftp://host/v1", "https:///v1", "https://host:99999/v1",
        "https://user:pw@host/v1", "https://host/v1?x=1", "https://ho st/v1")}
    assert all(reasons.values()), reasons
    assert len(set(reasons.values())) >= 6  # distinct, specific messages


def test_loopback_and_cleartext() -> None:
    for url in ("http://localhost:11434/v1", "http://127.0.0.2:8080", "http://[::1]:1234/v1", "http://a.localhost/v1"):
        assert is_loopback(url)
        assert check_base_url(url).cleartext_remote is False
    assert check_base_url("http://192.168.1.10:8000/v1").cleartext_remote
    assert not is_loopback("https://api.openai.com/v1") and not is_loopback("http://[::1")


@pytest.mark.parametrize("url", [
    "http://evillocalhost.example/v1",      # "localhost" inside another name
    "http://localhost.evil.example/v1",     # "localhost" as the first label of another domain
    "http://evil.example/localhost/v1",     # in the path
    "http://localhost@evil.example/v1",     # as a user name: the host is evil.example
    "http://evil.example/v1?host=127.0.0.1",
    "http://127.0.0.1.evil.example/v1",     # a loopback address as labels of a name
    "http://evil-localhost/v1",
    "http://128.0.0.1/v1",                  # just outside 127.0.0.0/8
    "http://0.0.0.0:8080/v1",
    "http://[::2]/v1",
])
def test_names_that_only_look_loopback_are_remote(url: str) -> None:
    assert not is_loopback(url)
    check = check_base_url(url)
    assert check.cleartext_remote or check.error is not None  # flagged as clear text, or refused (user, query)


def test_invalid_url_message_never_echoes_userinfo() -> None:
    for url in ("https://me:sk-live-SECRET123@api.x.com:99999/v1", "https://me:sk-live-SECRET123@[::1/v1"):
        check = check_base_url(url)
        assert check.url is None and check.error
        assert "SECRET123" not in check.error and "me:" not in check.error
    assert "api.x.com:99999" in check_base_url("https://me:sk-live-SECRET123@api.x.com:99999/v1").error


@given(keys, keys, st.sampled_from([" ", "\t", "\n", "\r\n", " \n  "]))
def test_whitespace_inside_a_pasted_key_is_removed_and_reported(left: str, right: str, gap: str) -> None:
    """Issue 14.2: the help says spaces and line breaks from a paste are removed — inside the key too."""
    from qwen_tui.core.providers.validate import normalize_key_checked

    assert normalize_key_checked(left + gap + right) == (left + right, True)
    assert normalize_key_checked(" " + left + right + "\n") == (left + right, False)   # edges only: not reshaped


def test_only_trailing_slashes_are_trimmed() -> None:
    assert check_base_url("https://api.example.com/SANDBOX//").url == "https://api.example.com/SANDBOX"
    assert check_base_url("https://api.example.com/v1X/").url == "https://api.example.com/v1X"


@pytest.mark.parametrize("url", ["https://user@host/v1", "https://:sk-live-123@host/v1", "https://user:pw@host/v1"])
def test_a_user_name_or_a_password_alone_is_refused(url: str) -> None:
    assert check_base_url(url).error == ("Do not put a user name or password in the base URL: the key has its own "
                                         "field.")

"""Logging writes JSON lines to a private rotating file, never to the terminal, and never a secret."""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from qwen_tui.core import log
from qwen_tui.core.log import configure_logging, get_logger, redact_event, redact_text

FAKE_KEY = "sk-test-XXXXXXXXXXXXXXXXXXXX"
FAKE_TOKEN = "eyJhbGciOiJIUzI1NiJ9.a1b2c3d4e5f6g7h8i9j0k1l2.m3n4o5p6q7r8s9t0"
FAKE_REFRESH = "rt_9f8e7d6c5b4a39281706"  # short: only its field name gives it away


@pytest.fixture
def qwen_home_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {"HOME": str(tmp_path / "home"), "QWEN_HOME": str(tmp_path / "qwen-home")}
    yield env
    log._remove_handler()
    log._configure_silent()
    logging.captureWarnings(False)


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def _leaky_function(api_key: str, access_token: str) -> None:
    headers = {"Authorization": f"Bearer {access_token}"}  # locals holding both secrets
    raise RuntimeError(f"request failed for key {api_key} with headers {headers}")


def _all_text_under(root: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())


def test_no_secret_reaches_any_file_and_nothing_is_printed(
    qwen_home_env: dict[str, str], capfd: pytest.CaptureFixture[str]
) -> None:
    path = configure_logging(qwen_home_env, interactive=True)
    assert path == Path(qwen_home_env["QWEN_HOME"]) / "logs" / "qwen-tui.log"
    logger = get_logger("qwen_tui.test")

    logger.info(f"event text with {FAKE_KEY} and Bearer {FAKE_TOKEN}")
    logger.info("kwargs", api_key=FAKE_KEY, access_token=FAKE_TOKEN, refresh_token=FAKE_REFRESH)
    logger.info("innocent names", value=FAKE_KEY, note=f"token is {FAKE_TOKEN}")
    logger.info("nested", request={"headers": {"Authorization": f"Bearer {FAKE_TOKEN}"},
                                   "body": {"refresh_token": FAKE_REFRESH, "list": [FAKE_KEY]}})
    logging.getLogger("httpx").info("HTTP Request: %s headers=%s", "POST https://h/v1?api_key=" + FAKE_KEY,
                                     {"authorization": f"Bearer {FAKE_TOKEN}"})
    logging.getLogger("httpx").warning(f"Authorization: Bearer {FAKE_TOKEN}")
    try:
        _leaky_function(FAKE_KEY, FAKE_TOKEN)
    except RuntimeError:
        logger.error("structlog exception", exc_info=True)
        logging.getLogger("stdlib").exception("stdlib exception")
    _flush()

    text = _all_text_under(Path(qwen_home_env["QWEN_HOME"]))
    for secret in (FAKE_KEY, FAKE_TOKEN, FAKE_REFRESH, "XXXXXXXXXXXXXXXXXXXX"):
        assert secret not in text
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    events = [entry["event"] for entry in lines]
    assert "kwargs" in events and "nested" in events and "structlog exception" in events
    assert all({"level", "timestamp"} <= entry.keys() for entry in lines)
    kwargs = lines[events.index("kwargs")]
    assert kwargs["api_key"] == kwargs["access_token"] == kwargs["refresh_token"] == "[redacted]"
    # The exceptions are there (type and frames), just without locals and with the message masked.
    for event in ("structlog exception", "stdlib exception"):
        exception = lines[events.index(event)]["exception"]
        assert exception[0]["exc_type"] == "RuntimeError"
        assert "[redacted]" in exception[0]["exc_value"]
        frames = exception[0]["frames"]
        assert any(frame["name"] == "_leaky_function" for frame in frames)
        assert all("locals" not in frame for frame in frames)
    assert lines[events.index("HTTP Request: POST https://h/v1?api_key=[redacted] headers="
                              "{'authorization': '[redacted]'}")]["logger"] == "httpx"

    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_file_and_dir_are_private(qwen_home_env: dict[str, str]) -> None:
    path = configure_logging(qwen_home_env, interactive=False)
    assert path is not None
    get_logger().info("hello")
    _flush()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_rotated_files_stay_private(qwen_home_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log, "MAX_BYTES", 2_000)
    path = configure_logging(qwen_home_env, interactive=False)
    assert path is not None
    for index in range(200):
        get_logger().info("filler", index=index, padding="x" * 50)
    _flush()
    files = sorted(path.parent.iterdir())
    assert [f.name for f in files] == ["qwen-tui.log", "qwen-tui.log.1", "qwen-tui.log.2", "qwen-tui.log.3"]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_unwritable_home_disables_logging_silently(
    tmp_path: Path, qwen_home_env: dict[str, str], capfd: pytest.CaptureFixture[str]
) -> None:
    # A regular file where a directory should be: mkdir fails even for root (unlike chmod 0500).
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    assert configure_logging({"QWEN_HOME": str(blocker / "qwen")}, interactive=True) is None
    get_logger("x").error("dropped", api_key=FAKE_KEY)
    logging.getLogger("httpx").error("also dropped")
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_reconfiguring_moves_the_file(tmp_path: Path, qwen_home_env: dict[str, str]) -> None:
    first = configure_logging(qwen_home_env, interactive=False)
    second = configure_logging({"QWEN_HOME": str(tmp_path / "second")}, interactive=False)
    assert first is not None and second is not None and first != second
    get_logger().info("only-in-second")
    _flush()
    assert "only-in-second" in second.read_text()
    assert "only-in-second" not in first.read_text()


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("key sk-proj-abc123DEF456ghi789 end", "abc123DEF456ghi789"),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("curl -H 'authorization: Token abcdef'", "abcdef"),
        ("token=abc123&x=1", "abc123"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjEyMzR9.c2lnbmF0dXJl here", "eyJzdWIiOjEyMzR9"),
        ("opaque 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "9f86d081884c7d659a2f"),
    ],
)
def test_redact_text_masks_secrets(text: str, hidden: str) -> None:
    masked = redact_text(text)
    assert hidden not in masked
    assert "[redacted]" in masked


@pytest.mark.parametrize(
    "text",
    [
        "task-force meeting",
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        "/tmp/pytest-of-root/pytest-123/test_something0/home/.qwen/logs",
        "polling every 5 s, expires_in=900",
    ],
)
def test_redact_text_keeps_ordinary_text(text: str) -> None:
    assert redact_text(text) == text


def test_redact_event_by_field_name() -> None:
    event = {"event": "e", "password": "hunter2", "client_secret": "s", "max_tokens": 4096,
             "has_api_key": True, "code_verifier": "v", "device_code": "d", "user_code": "ABCD-EFGH",
             "_record": object()}
    out = redact_event(None, "info", event)
    assert out["password"] == out["client_secret"] == out["code_verifier"] == out["device_code"] == "[redacted]"
    assert out["max_tokens"] == 4096 and out["has_api_key"] is True and out["user_code"] == "ABCD-EFGH"
    assert out["_record"] is event["_record"]


def test_the_qwen_home_the_log_creates_is_private_too(qwen_home_env: dict[str, str]) -> None:
    """The log is often the first thing written: the `~/.qwen` it creates will hold oauth_creds.json and
    settings with keys, so it is 0700 like every directory qwen-tui creates (a plain mkdir gave 0755)."""
    qwen_home = Path(qwen_home_env["QWEN_HOME"])
    assert not qwen_home.exists()
    previous = os.umask(0o022)
    try:
        path = configure_logging(qwen_home_env, interactive=False)
    finally:
        os.umask(previous)
    assert path is not None and qwen_home in path.parents
    assert stat.S_IMODE(qwen_home.stat().st_mode) == 0o700

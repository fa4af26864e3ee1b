"""Logging: structlog into a rotating file under QWEN_HOME, secrets redacted, nothing on the terminal.

structlog events and stdlib `logging` records (httpx, …) share one pipeline ending in a 0600 JSON-lines
file: level, timestamp, tracebacks without local variables, then redaction of everything that reaches
the file. Until `configure_logging` runs (or when the log dir cannot be created) logging is silent.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from qwen_tui.core import paths
from qwen_tui.core.fileops import PRIVATE_FILE_MODE, FileOpError, ensure_private_dir

LOG_FILE_NAME = "qwen-tui.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
REDACTED = "[redacted]"

# Field names whose values are secrets whatever they look like.
_SENSITIVE_KEY = re.compile(
    r"key|token|secret|passw(or)?d|authorization|credential|cookie|code_verifier|device_code", re.I
)
_TOKEN_CHARS = r"A-Za-z0-9._~+/=-"
_TEXT_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # OpenAI-style keys: sk-..., sk-proj-..., sk-test-...
    (re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9._-]{4,}"), REDACTED),
    # Header values, in any rendering: `Authorization: Bearer x`, `'authorization': 'Basic x'`.
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)[^\r\n\"',}]+"), r"\1" + REDACTED),
    (re.compile(r"(?i)\b(bearer|basic)\s+[" + _TOKEN_CHARS + r"]+"), r"\1 " + REDACTED),
    # Query strings and form bodies: ?api_key=…&refresh_token=…
    (re.compile(r"(?i)\b([a-z_]*(?:key|token|secret|password|code_verifier|device_code)=)[^&\s\"']+"),
     r"\1" + REDACTED),
]
_LONG_TOKEN = re.compile(r"[" + _TOKEN_CHARS + r"]{24,}")
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9]")

_handler: logging.Handler | None = None


def _random_looking(candidate: str) -> bool:
    def mixed(text: str) -> bool:
        return bool(_LETTER.search(text) and _DIGIT.search(text))

    if not mixed(candidate) or candidate.startswith(("/", ".", "~")):
        return False  # absolute/relative paths stay readable
    if "/" in candidate:
        # URLs like host.com/compatible-mode/v1 stay readable; base64 with '/' still has a long mixed run.
        return any(len(part) >= 16 and mixed(part) for part in candidate.split("/"))
    return True


def redact_text(text: str) -> str:
    """Mask sk-… keys, Bearer/Basic credentials, Authorization values, secret query parameters and
    long random-looking tokens (≥ 24 chars mixing letters and digits, e.g. JWTs)."""
    for pattern, replacement in _TEXT_PATTERNS:
        text = pattern.sub(replacement, text)
    return _LONG_TOKEN.sub(lambda m: REDACTED if _random_looking(m.group()) else m.group(), text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {key: _redact_field(str(key), item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_redact_value(item) for item in value]
    if isinstance(value, bytes):
        return redact_text(value.decode("utf-8", errors="replace"))
    # The JSON renderer would fall back to repr(), which can embed secrets (dataclasses, headers …).
    return redact_text(repr(value))


def _redact_field(key: str, value: Any) -> Any:
    # None/booleans/numbers under such names are flags and counts (`max_tokens`), not secrets.
    if _SENSITIVE_KEY.search(key) and not (value is None or value == "" or isinstance(value, (bool, int, float))):
        return REDACTED
    return _redact_value(value)


def redact_event(logger: Any, method_name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: redact sensitive fields and secret-looking text anywhere in the event."""
    return {
        key: value if key.startswith("_") else _redact_field(key, value)  # _record & co: stdlib internals
        for key, value in event_dict.items()
    }


class RedactingFilter(logging.Filter):
    """Redacts stdlib records (httpx logs URLs and headers) before any formatter sees their text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, dict):  # dict = an event already handled by structlog's chain
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a bad %-format must not break logging
                message = f"{record.msg!r} {record.args!r}"
            record.msg, record.args = redact_text(message), None
        return True


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every file it opens (the first one and those after each rollover) is created 0600, never through a
    symlink; a failed write (a full disk) is dropped silently: stderr belongs to the command or the screen."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, PRIVATE_FILE_MODE)
        os.fchmod(fd, PRIVATE_FILE_MODE)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        """The stdlib default prints "--- Logging error ---" and a traceback to stderr: say nothing."""


def _import_structlog() -> None:
    """Import structlog without the rich tracebacks it loads for its console renderer whenever rich is
    installed (Textual brings it): `rich.traceback` pulls in pygments, ~3.4 MB of the TUI's 42 MB peak
    (bench/startup.py), for a renderer this module never uses. A `None` entry in `sys.modules` makes that
    optional import fail, as it would without rich; it is there only while structlog is being imported."""
    if "structlog" in sys.modules or "rich.traceback" in sys.modules:
        return
    modules = cast(dict[str, Any], sys.modules)
    modules["rich.traceback"] = None
    try:
        import structlog  # noqa: F401 - imported once, here
    finally:
        if "rich.traceback" in modules and modules["rich.traceback"] is None:
            del modules["rich.traceback"]


def _shared_processors() -> list[Any]:
    import structlog
    from structlog.tracebacks import ExceptionDictTransformer

    return [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        # Locals would put keys and tokens held in variables straight into the file.
        structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
        # Last, so rendered exception messages are redacted too.
        redact_event,
    ]


def _drop(logger: Any, method_name: str, event_dict: Any) -> Any:
    import structlog

    raise structlog.DropEvent


def _configure_silent() -> None:
    """structlog's default prints to stdout; until a file is set up, events go nowhere."""
    _import_structlog()
    import structlog

    structlog.configure(
        processors=[_drop],
        logger_factory=structlog.ReturnLoggerFactory(),
        cache_logger_on_first_use=False,
    )


def _remove_handler() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def configure_logging(env: Mapping[str, str], *, interactive: bool) -> Path | None:
    """Log to `<QWEN_HOME>/logs/qwen-tui.log`; None (and silence) when the dir cannot be created.

    `interactive` (the TUI) also routes Python warnings into the log, as stderr belongs to the screen."""
    global _handler
    _import_structlog()
    import structlog

    _remove_handler()
    root = logging.getLogger()
    directory = paths.log_dir(env)
    path = directory / LOG_FILE_NAME
    try:
        ensure_private_dir(directory)
        handler = _PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except (FileOpError, OSError):
        _configure_silent()
        # With no handler at all, stdlib's "last resort" would print warnings to stderr.
        if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
            root.addHandler(logging.NullHandler())
        return None

    shared = _shared_processors()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _handler = handler
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    if interactive:
        logging.captureWarnings(True)
    return path


def logging_configured() -> bool:
    """True while a log file is set up; lets hot paths skip importing structlog when logs go nowhere."""
    return _handler is not None


def get_logger(name: str | None = None) -> Any:
    """A structlog BoundLogger; silent until `configure_logging` has set up the file."""
    _import_structlog()
    import structlog

    if not structlog.is_configured():
        _configure_silent()
    return structlog.get_logger(name)

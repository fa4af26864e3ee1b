"""JSON with comments, as Qwen Code reads settings.json (`//` and `/* */` outside strings).

Comments are blanked with spaces rather than cut out, so the JSON parser's line/column of an error
points at the same place in the file the user edits.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from typing import Any

from qwen_tui.core.errors import QwenTuiError

_BOM = "\ufeff"


@cache
def _token() -> re.Pattern[str]:
    """A string literal (kept as is), a line comment, or a closed block comment. An unclosed `/*` matches
    nothing and is left for the JSON parser to reject at its exact position."""
    return re.compile(r'"(?:\\.|[^"\\\n])*"|//[^\n\r]*|/\*[\s\S]*?\*/')


class JsoncError(QwenTuiError, ValueError):
    """Why a text is not JSON with comments; `line`/`column` are 1-based, None when unknown.

    `code` names our own reasons (`not_finite` with `token`, `too_deep`, `invalid_utf8`) so callers can
    translate them; None means `reason` is the JSON parser's own message.
    """

    kind = "jsonc"

    def __init__(
        self, reason: str, line: int | None = None, column: int | None = None,
        code: str | None = None, token: str = "",
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column
        self.code = code
        self.token = token


def _blank(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.startswith('"'):
        return token
    return "".join(char if char in "\r\n" else " " for char in token)


def strip_comments(text: str) -> str:
    """`text` with every comment replaced by spaces (line breaks kept)."""
    return _token().sub(_blank, text)


class _NotFinite(Exception):
    def __init__(self, token: str) -> None:
        self.token = token


def _reject_constant(token: str) -> Any:
    raise _NotFinite(token)


def _parse_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):  # e.g. 1e400: Python would make it inf and later write invalid JSON
        raise _NotFinite(token)
    return value


def _parse_int(token: str) -> int:
    # Node reads an integer beyond the float range as Infinity; Python would stop at 4300 digits with a ValueError.
    if len(token) > 300 and not math.isfinite(float(token)):
        raise _NotFinite(token)
    return int(token)


def loads(text: str, empty: Any = None) -> Any:
    """Parse JSON with comments; a text of only whitespace/comments gives `empty`. Raises JsoncError."""
    if text.startswith(_BOM):
        text = text[1:]
    try:
        # Most files hold no comment: plain JSON is its own text with the comments blanked, and is parsed
        # without the comment expression (~0.9 M instructions to compile at launch).
        return _parse(text)
    except json.JSONDecodeError:
        pass
    stripped = strip_comments(text)
    if not stripped.strip(" \t\r\n"):
        return empty
    try:
        return _parse(stripped)
    except json.JSONDecodeError as exc:   # not chained: the decode error holds the whole text, API keys included
        raise JsoncError(exc.msg, exc.lineno, exc.colno) from None


def _parse(text: str) -> Any:
    """Strict JSON with the checks Qwen Code's parser makes implicitly; JSONDecodeError is the caller's."""
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_parse_float, parse_int=_parse_int)
    except _NotFinite as exc:
        token = exc.token[:40]
        raise JsoncError(f"{token} is not a finite JSON number", code="not_finite", token=token) from exc
    except RecursionError as exc:
        raise JsoncError("nested too deeply", code="too_deep") from exc


def decode_utf8(raw: bytes) -> str:
    """Decode `raw` as UTF-8 (a BOM is dropped); raises JsoncError at the first invalid byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[line_start:exc.start].decode("utf-8", "replace")) + 1
        # Not chained: the decode error holds the file's bytes, API keys included.
        raise JsoncError("invalid UTF-8", line, column, code="invalid_utf8") from None

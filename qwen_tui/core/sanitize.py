"""The one sanitiser between outside text and the terminal.

Text from a file qwen-tui did not write (a cloned repository's `.qwen/settings.json` or `.env`) or from a
server (error bodies, device-flow answers, model lists) can carry escape sequences that drive the terminal:
OSC 52 writes the clipboard, CSI clears the screen, bidi overrides reorder what the user reads. `clean`
turns every such character into a visible escape and caps the length, so the words stay readable and
nothing reaches the terminal as a command. Markup is not this module's job: widgets show outside text as
`Content`/`Text` objects, never parsed as markup.
"""

from __future__ import annotations

import json
import re
from functools import cache

ELLIPSIS = "…"

# C0 controls, DEL, C1; bidi embeddings/overrides/isolates and the invisible bidi marks (Trojan Source);
# the Unicode line and paragraph separators (a line break nobody asked for); lone surrogates; the zero-width
# space, non-joiner and joiner, the word joiner and the BOM (invisible: `OPENAI\u200b_API_KEY` from a workspace
# file would look exactly like OPENAI_API_KEY). Each of them is "Other" or "Separator" in Unicode, so text for
# which `str.isprintable()` holds has none (clean's quick path).
_INVISIBLE = "\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff"
_UNSAFE = f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]"
_UNSAFE_KEEP_NEWLINE = f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_INVISIBLE}]"


@cache
def _pattern(multiline: bool) -> re.Pattern[str]:
    """Compiled on first use: a class reaching past U+00FF makes `re` build a 64K-entry table (~1 ms each; both
    were compiled at import, before the TUI's first frame), while most text takes the quick path."""
    return re.compile(_UNSAFE_KEEP_NEWLINE if multiline else _UNSAFE)


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: object, *, limit: int = 300, multiline: bool = False) -> str:
    """`text` made safe to print: unsafe characters as visible escapes (`\\x1b`, `\\u202e`), at most
    `limit` characters (the last one an ellipsis when cut). With `multiline`, newlines stay (and CRLF
    becomes a newline); otherwise a newline is escaped too."""
    raw = text if isinstance(text, str) else str(text)
    limit = max(limit, 1)
    # Escapes only lengthen the text, so the first `limit + 1` characters decide the whole output;
    # a huge body is never scanned past that.
    raw = raw[: limit + 1]
    if multiline:
        raw = raw.replace("\r\n", "\n")
    if (raw.replace("\n", "") if multiline else raw).isprintable():
        return _cap([raw], limit)   # nothing to escape (the common case)
    pattern = _pattern(multiline)
    pieces: list[str] = []
    used = 0
    position = 0
    for match in pattern.finditer(raw):
        pieces.append(raw[position : match.start()])
        pieces.append(_escape(match.group()))
        used += match.start() - position + len(pieces[-1])
        position = match.end()
        if used > limit:
            break
    else:
        pieces.append(raw[position:])
    return _cap(pieces, limit)


def _cap(pieces: list[str], limit: int) -> str:
    """Join `pieces` (plain runs alternating with escapes), cut to `limit` with an ellipsis; an escape is
    dropped whole rather than cut in half."""
    total = sum(len(piece) for piece in pieces)
    if total <= limit:
        return "".join(pieces)
    room = limit - len(ELLIPSIS)
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if len(piece) <= room:
            out.append(piece)
            room -= len(piece)
            continue
        if index % 2 == 0:  # plain text may be cut anywhere
            out.append(piece[:room])
        break
    return "".join(out) + ELLIPSIS


def safe_json(document: object) -> str:
    """`document` as indented JSON for a terminal: every unsafe character inside a string (DEL, C1, bidi,
    zero-width, surrogates; json already escapes C0) written as a `\\uXXXX` escape, so a JSON parser reads back the very
    same data while the terminal sees only printable text. Nothing is cut: the reader is a program."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _pattern(True).sub(lambda match: f"\\u{ord(match.group()):04x}", text)

"""The sanitiser: terminal-driving characters become visible escapes, length is capped, words stay."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from qwen_tui.core import sanitize
from qwen_tui.core.sanitize import clean, safe_json


def _unsafe(char: str, *, keep_newline: bool = False) -> bool:
    """Written from the rules (C0, DEL, C1, bidi controls and marks, line separators, surrogates, the zero-width
    and invisible characters), not from the module's own table."""
    code = ord(char)
    if keep_newline and char == "\n":
        return False
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or 0x202A <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
        or code in (0x061C, 0x200E, 0x200F, 0x2028, 0x2029)
        or 0xD800 <= code <= 0xDFFF
        or 0x200B <= code <= 0x200D or code in (0x2060, 0xFEFF)   # zero-width space, (non-)joiner, word joiner, BOM
    )


def test_osc52_clipboard_write_becomes_visible_text() -> None:
    hostile = "x\x1b]52;c;aGVsbG8=\x1b\\"
    assert clean(hostile) == "x\\x1b]52;c;aGVsbG8=\\x1b\\"


def test_clear_screen_title_c1_and_bidi_are_escaped() -> None:
    assert clean("a\x1b[2J\x1b]0;pwned\x07b") == "a\\x1b[2J\\x1b]0;pwned\\x07b"
    assert clean("\x9b31m") == "\\x9b31m"  # C1 CSI
    assert clean("abc\u202edcba") == "abc\\u202edcba"
    assert clean("\u2066x\u2069") == "\\u2066x\\u2069"
    assert clean("\x7f") == "\\x7f"


def test_zero_width_characters_are_escaped_so_two_names_never_look_the_same() -> None:
    """A workspace file can name `OPENAI\u200b_API_KEY` or a model `qwen3\u2060-coder`: shown as they are, they
    look exactly like the real names. Each invisible is shown as its escape, inside JSON too."""
    for invisible in ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"):
        name = f"OPENAI{invisible}_API_KEY"
        shown = clean(name)
        assert shown == f"OPENAI\\u{ord(invisible):04x}_API_KEY", shown
        assert shown != clean("OPENAI_API_KEY")
        assert clean(name, multiline=True) == shown
        assert f"\\u{ord(invisible):04x}" in safe_json({"model": name})
        assert json.loads(safe_json({"model": name})) == {"model": name}


def test_lone_surrogate_is_escaped() -> None:
    assert clean("tok\ud800en") == "tok\\ud800en"


def test_newlines_escape_unless_multiline() -> None:
    assert clean("one\ntwo\tthree\r") == "one\\ntwo\\tthree\\r"
    assert clean("one\r\ntwo\n", multiline=True) == "one\ntwo\n"
    assert clean("a\x1bb\nc", multiline=True) == "a\\x1bb\nc"


def test_plain_text_and_non_ascii_words_stay() -> None:
    words = "Modèle qwen3-coder — 模型 [bold]x[/] https://example.com/v1?q=1"
    assert clean(words) == words


def test_length_is_capped_with_an_ellipsis() -> None:
    assert clean("a" * 10, limit=10) == "a" * 10
    assert clean("a" * 11, limit=10) == "a" * 9 + "…"
    assert clean("a" * 5_000_000) == "a" * 299 + "…"


def test_an_escape_is_never_cut_in_half() -> None:
    # "ab" + "\\x1b" is 6 characters; a limit of 5 leaves room for "ab" and the ellipsis only.
    assert clean("ab\x1bcdef", limit=5) == "ab…"
    assert clean("ab\x1b", limit=6) == "ab\\x1b"


def test_non_strings_are_shown_as_text() -> None:
    assert clean(404) == "404"
    assert clean(ValueError("bad\x1b[2J")) == "bad\\x1b[2J"


@settings(max_examples=300, deadline=None)
@given(text=st.text(), limit=st.integers(min_value=1, max_value=400), multiline=st.booleans())
def test_no_control_character_survives(text: str, limit: int, multiline: bool) -> None:
    out = clean(text, limit=limit, multiline=multiline)
    assert not any(_unsafe(char, keep_newline=multiline) for char in out)
    assert len(out) <= limit


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))))
def test_printable_text_within_the_limit_is_unchanged(text: str) -> None:
    assert clean(text, limit=len(text) + 1) == text


@settings(max_examples=200, deadline=None)
@given(document=st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                             lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                             max_leaves=10))
def test_safe_json_reads_back_the_same_data_and_carries_no_control_character(document: object) -> None:
    text = safe_json(document)
    assert not any(_unsafe(char, keep_newline=True) for char in text)
    assert json.loads(text) == document


def test_text_with_nothing_to_escape_compiles_no_pattern() -> None:
    """The quick path (the TUI's first frame shows only such text): the patterns, whose tables cost ~1 ms each
    to build, are compiled only when a character may need escaping."""
    sanitize._pattern.cache_clear()
    assert clean("Reading your configuration… 简体中文") == "Reading your configuration… 简体中文"
    assert clean("two\nlines", multiline=True) == "two\nlines"
    assert sanitize._pattern.cache_info().currsize == 0
    assert clean("tab\there") == "tab\\there"
    assert sanitize._pattern.cache_info().currsize == 1

"""Hostile text for the hostile-input suite: what a cloned repository's files or a lying server may contain.

`hostile_text` draws strings built from terminal escape sequences (OSC 52 clipboard writes, clear screen,
window title, C1 CSI, DCS), C0 controls, DEL, bidi overrides and isolates, lone surrogates, zero-width
characters, markup that Textual or Rich would parse (`[/]`, `[bold`, `[@click=…]`), huge repetitions, and
ordinary text around them.
`unsafe_in` says which characters of an output must never reach a terminal; it is written from the rules
(C0 but a newline, DEL, C1, bidi controls and marks, line separators, surrogates, zero-width and invisible
characters), not from the sanitiser.
"""

from __future__ import annotations

from hypothesis import strategies as st

OSC52 = "x\x1b]52;c;cHduZWQ=\x1b\\"                 # write "pwned" to the terminal's clipboard
CLEAR_AND_TITLE = "u\x1b[2J\x1b[H\x1b]0;owned\x07"    # clear the screen, set the window title
ESCAPES = (
    OSC52, CLEAR_AND_TITLE, "\x1b[31mred", "\x9b2J", "\x9d0;title\x9c", "\x1bP+q\x1b\\", "\x1b", "\x07", "\x08",
    "\r", "\n", "\t", "\x00", "\x7f", "\x85", "\u202e", "\u2066", "\u2069", "\u200f", "\u2028", "\ud800", "\udfff",
    "\u200b", "\u200d", "\u2060", "\ufeff",
)
MARKUP = ("[/]", "[bold", "[/bold]", "[@click=app.quit]x[/]", "[link=file:///etc/passwd]x[/link]", "[$accent]",
          "[red on", "]", "\\[")
PIECES = ESCAPES + MARKUP

_plain = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=6)
_mixed = st.lists(st.sampled_from(PIECES) | _plain, min_size=1, max_size=8).map("".join)
_huge = st.builds(lambda piece, times: piece * times, st.sampled_from(PIECES), st.integers(500, 3000))
hostile_text = st.one_of(_mixed, _mixed, _huge).filter(lambda text: text.strip() != "")

# Where a name must be a file name too (a project directory): no NUL, no slash, no surrogate.
hostile_name = st.lists(st.sampled_from([p for p in PIECES if "\x00" not in p and "/" not in p
                                         and not any(0xD800 <= ord(c) <= 0xDFFF for c in p)]),
                        min_size=1, max_size=4).map(lambda parts: "d" + "".join(parts))


def _unsafe(char: str) -> bool:
    code = ord(char)
    return (
        (code < 0x20 and char != "\n")
        or 0x7F <= code <= 0x9F
        or 0x202A <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
        or code in (0x061C, 0x200E, 0x200F, 0x2028, 0x2029)
        or 0xD800 <= code <= 0xDFFF
        or 0x200B <= code <= 0x200D or code in (0x2060, 0xFEFF)   # zero-width and invisible: names look alike
    )


def unsafe_in(text: str) -> list[str]:
    """The characters of `text` that must not reach a terminal (empty when it is safe)."""
    return sorted({char for char in text if _unsafe(char)})

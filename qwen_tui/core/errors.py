"""The one base of qwen-tui's own errors: a kind (what failed) and one line for the user (`message`).

Each area keeps its own class (FileOpError, SettingsError, ProfileError, …) so callers catch what they can
handle; anything that reaches the CLI's top level as a QwenTuiError is its one line and exit code 1.
Re-raises keep the cause (`raise X(...) from exc`) for the log; `from None` only where the cause would carry
a secret (a token, a key file's bytes) — each such place says so. Imports nothing: `run` loads it.
"""

from __future__ import annotations

from typing import ClassVar


class QwenTuiError(Exception):
    """An expected failure with a one-line, translated, secret-free message (`str(error)` is the same line)."""

    kind: ClassVar[str] = "error"

    @property
    def message(self) -> str:
        """The line shown to the user (never more than one: the CLI and the screens print it as is)."""
        return " ".join(str(self).split())

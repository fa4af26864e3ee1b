"""Where a configuration is looked for: the working directory and the environment a `qwen` would start with.

Taken once — by cli.py for each command, or at the app's startup — and passed down: `current()` is the only
reader of `os.environ` and `Path.cwd()` in qwen_tui (tests/unit/test_context_is_explicit.py; the rule is in
ARCHITECTURE.md). Tests pass their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from qwen_tui.core.record import field, record


class NoWorkingDirectory(OSError):
    """The working directory is gone (deleted under the shell). `env` is the environment all the same: what needs
    no directory (`--help`, `--version`) still works, in the user's language."""

    def __init__(self, error: OSError, env: dict[str, str]) -> None:
        super().__init__(error.errno, error.strerror)
        self.env = env


@record
class Context:
    cwd: Path
    env: Mapping[str, str] = field(repr=False)   # may hold API keys

    @classmethod
    def current(cls) -> Context:
        """This process's own: its working directory and a copy of its environment (NoWorkingDirectory: none)."""
        env = dict(os.environ)
        try:
            return cls(Path.cwd(), env)
        except OSError as exc:
            raise NoWorkingDirectory(exc, env) from exc

"""Messages that workers post back to the UI (workers never touch widgets themselves)."""

from __future__ import annotations

from textual.message import Message

from qwen_tui.core.resolver import Resolution


class ResolutionReady(Message):
    """A fresh `Resolution` of the effective configuration; `generation` numbers the refresh it answers;
    `failed` when the resolver itself failed (the resolution then only carries the problem)."""

    def __init__(self, resolution: Resolution, generation: int, *, failed: bool = False) -> None:
        super().__init__()
        self.resolution = resolution
        self.generation = generation
        self.failed = failed


class SettingWritten(Message):
    """A settings or preferences write finished; `error` is a one-line reason when it failed."""

    def __init__(self, what: str, error: str | None = None) -> None:
        super().__init__()
        self.what = what
        self.error = error

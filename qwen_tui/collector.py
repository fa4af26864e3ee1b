"""Python's cyclic garbage collector is paused while qwen-tui starts.

Importing Textual and our modules builds tens of thousands of long-lived objects and almost no garbage: run
as usual, the collector starts some 90 times during those imports to find a few hundred objects, about 20 ms
of a 250 ms launch here (bench/startup.py). The TUI resumes it once its first screen is drawn and freezes
what startup built, so later collections skip it; every other command resumes it before it runs.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Pause the collector, unless someone else already turned it off (then it is not ours to resume)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume(*, freeze: bool = False) -> None:
    """Resume a pause started by `pause()`; `freeze` keeps every object alive now out of later collections."""
    global _paused
    if not _paused:
        return
    _paused = False
    if freeze:
        gc.freeze()
    gc.enable()

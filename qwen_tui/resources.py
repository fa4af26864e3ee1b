"""Locate the `screens/` and `themes/` resource folders.

In a wheel they ship inside the package as `qwen_tui/_data/<name>` (hatchling force-include); in a checkout
or an editable install they are the top-level folders beside the package. Both are looked up the same way.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """`name` is "screens" or "themes"."""
    shipped = _PACKAGE / "_data" / name
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent / name


def stylesheet(screen: str) -> Path:
    """The `.tcss` file of one screen, e.g. `stylesheet("chooser")`."""
    return resource_dir("screens") / f"{screen}.tcss"

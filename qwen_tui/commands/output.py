"""What the non-interactive commands print: every message through the one sanitiser.

Messages mix qwen-tui's own words with outside text (a server's error, a path or value from a cloned
repository); `say` cleans the whole line, so no escape sequence in that text reaches the terminal.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from qwen_tui.core.sanitize import clean

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

# Long enough for a whole verification URL (URLs past 2,000 characters are not usable anyway).
LINE_LIMIT = 2500
HELP_LIMIT = 20_000


def say(message: object) -> None:
    """One line on stderr."""
    print(clean(message, limit=LINE_LIMIT), file=sys.stderr, flush=True)


def show(message: object) -> None:
    """One line on stdout."""
    print(clean(message, limit=LINE_LIMIT), flush=True)


class CleanArgumentParser(argparse.ArgumentParser):
    """argparse echoes the command line back (`invalid choice: '…'`, `unrecognized arguments: …`): whatever
    it prints (usage, help, errors) passes the sanitiser. Sub-parsers take the same class."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        super()._print_message(clean(message, limit=HELP_LIMIT, multiline=True) if message else message, file)

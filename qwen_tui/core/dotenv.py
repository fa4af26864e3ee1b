"""`.env` files the way Qwen Code finds and reads them.

Parsing follows the npm `dotenv` package (v16/v17 `parse`), which Qwen Code uses; the search is Qwen
Code's `findEnvFile`: only the first file found is loaded, and the others are reported as shadowed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from qwen_tui.core import paths
from qwen_tui.core.fileops import FileOpError, read_regular
from qwen_tui.core.i18n import t
from qwen_tui.core.record import field, record

if TYPE_CHECKING:
    from qwen_tui.core.context import Context

_QUOTES = ("'", '"', "`")


@cache
def _line() -> re.Pattern[str]:
    """The npm package's LINE expression: optional `export`, key, `=` (or `: `), a single/double/backtick
    quoted value (which may span lines) or an unquoted value up to `#`, then an optional comment. Compiled
    when a `.env` is first parsed (~2.3 M instructions, at every launch when made at import)."""
    return re.compile(
        r"^\s*(?:export\s+)?([A-Za-z0-9_.-]+)(?:\s*=\s*?|:\s+?)"
        r"(\s*'(?:\\'|[^'])*'|\s*\"(?:\\\"|[^\"])*\"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?"
        r"\s*(?:#.*)?$",
        re.MULTILINE,
    )


def parse_dotenv(text: str) -> dict[str, str]:
    """KEY=VALUE pairs by the `dotenv` npm rules; later duplicates win. Never raises."""
    values: dict[str, str] = {}
    # JavaScript's \s also matches a byte-order mark, so a BOM never hides the first key there.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text:   # a missing home `.env` (read_dotenv_file) holds no key to look for
        return values
    for match in _line().finditer(text):
        value = (match.group(2) or "").strip()
        quote = value[:1]
        if len(value) >= 2 and quote in _QUOTES and value.endswith(quote):
            value = value[1:-1]
        if quote == '"':
            value = value.replace("\\n", "\n").replace("\\r", "\r")
        values[match.group(1)] = value
    return values


def _search_order(context: Context) -> list[Path]:
    """Every candidate in Qwen Code's order, without duplicates."""
    candidates: list[Path] = []
    directory = Path(os.path.abspath(context.cwd))  # like path.resolve(): absolute, symlinks kept
    while True:
        candidates += [directory / ".qwen" / ".env", directory / ".env"]
        if directory.parent == directory:  # filesystem root
            break
        directory = directory.parent
    candidates += [paths.qwen_home(context.env) / ".env", paths.home_dir(context.env) / ".env"]
    return list(dict.fromkeys(candidates))


def _existing(context: Context) -> list[Path]:
    # exists(), not is_file(): Qwen Code stops at any `.env` entry, even one it then cannot read.
    found = []
    for candidate in _search_order(context):
        try:
            if candidate.exists():
                found.append(candidate)
        except OSError:
            continue
    return found


def find_dotenv(context: Context) -> Path | None:
    """The `.env` file Qwen Code would load from the context's directory, or None."""
    found = _existing(context)
    return found[0] if found else None


def dotenv_hiding(target: Path, context: Context) -> Path | None:
    """The `.env` Qwen Code would load from the context's directory instead of `target` (it loads only the
    first one found), or None when `target` would be the one loaded once it exists."""
    order = _search_order(context)
    if target not in order:
        return find_dotenv(context)
    nearer = order[:order.index(target)]
    return next((path for path in _existing(context) if path in nearer), None)


def shadowed_dotenv_files(context: Context) -> list[Path]:
    """`.env` files in the search that are NOT loaded because an earlier one won (Qwen Code #3877). The home
    ones are not among them: `qwen` 0.24.4 loads them after the project's for unset variables."""
    return _shadowed(_existing(context), context.env)


def _shadowed(found: list[Path], env: Mapping[str, str]) -> list[Path]:
    home = home_dotenv_paths(env)
    return [path for path in found[1:] if path not in home]


@record
class DotenvFile:
    path: Path | None
    values: dict[str, str] = field(default_factory=dict, repr=False)  # holds API keys
    error: str | None = None
    shadowed: tuple[Path, ...] = ()   # found by the same search, not loaded (shadowed_dotenv_files)


def load_dotenv(context: Context) -> DotenvFile:
    """Parse the first `.env` found, and name the ones it shadows (one search for both); an unreadable one
    gives a one-line `error` and no values."""
    found = _existing(context)
    if not found:
        return DotenvFile(path=None)
    path, shadowed = found[0], tuple(_shadowed(found, context.env))
    try:
        raw = read_regular(path)  # bounded: a repo's `.env` may be a FIFO or a link to /dev/zero
    except FileOpError as exc:
        return DotenvFile(path, error=t("dotenv.unreadable", path=path, reason=exc.reason), shadowed=shadowed)
    # Node reads the file as UTF-8, replacing invalid bytes.
    return DotenvFile(path, parse_dotenv((raw or b"").decode("utf-8", errors="replace")), shadowed=shadowed)


def home_dotenv_paths(env: Mapping[str, str]) -> list[Path]:
    """The home `.env` files `qwen` from 0.21.2 on also loads after the project's (its `findEnvFiles`, for the
    variables still unset): `<QWEN_HOME>/.env`, `~/.qwen/.env` when QWEN_HOME points elsewhere, `~/.env`."""
    home = paths.home_dir(env)
    return list(dict.fromkeys([paths.qwen_home(env) / ".env", home / ".qwen" / ".env", home / ".env"]))


def read_dotenv_file(path: Path) -> dict[str, str]:
    """The variables of one `.env` file (not the search); {} when it is missing, unreadable, not a regular
    file (a FIFO would block an open()) or bigger than the cap."""
    try:
        data = read_regular(path)
    except FileOpError:
        return {}
    return parse_dotenv((data or b"").decode("utf-8", errors="replace"))

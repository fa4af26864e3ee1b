"""Editing one variable of a `.env` file in place (`<QWEN_HOME>/.env`, where a provider's key may live): every
other line is kept, and the edit is refused when the file would not read back the same by the `dotenv` rules.
"""

from __future__ import annotations

import re
from pathlib import Path

from qwen_tui.core.dotenv import parse_dotenv
from qwen_tui.core.fileops import FileOpError, atomic_write, read_regular
from qwen_tui.core.i18n import t

_PLAIN_VALUE = re.compile(r"[A-Za-z0-9._~+/=:@,%^-]+")


def _dotenv_line(name: str, value: str) -> str:
    if _PLAIN_VALUE.fullmatch(value):
        return f"{name}={value}\n"
    if "'" not in value:
        return f"{name}='{value}'\n"
    return f'{name}="{value}"\n'


def set_variable(path: Path, name: str, value: str | None) -> None:
    """Set (or, with None, remove) one variable in a .env file, keeping every other line as it is; ProfileError
    (one line) when the file cannot be read back the same."""
    from qwen_tui.core.providers.profiles import ProfileError

    try:
        raw = read_regular(path)
        old = "" if raw is None else raw.decode("utf-8")
    except FileOpError as exc:
        raise ProfileError(t("providers.store.dotenv_unsafe", path=path)) from exc
    except UnicodeDecodeError:
        # Not chained: the decode error holds the file's bytes, API keys included.
        raise ProfileError(t("providers.store.dotenv_unsafe", path=path)) from None
    if raw is None and value is None:
        return
    assignment = re.compile(rf"^\s*(?:export\s+)?{re.escape(name)}\s*(?:=|:\s)")
    lines: list[str] = []
    placed = False
    for line in old.splitlines(keepends=True):
        if assignment.match(line):
            if value is not None and not placed:
                lines.append(_dotenv_line(name, value))
                placed = True
            continue
        lines.append(line)
    if value is not None and not placed:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.append(_dotenv_line(name, value))
    new = "".join(lines)
    if new == old:
        return
    # Never clobber what we cannot read back: every other variable must parse the same after the edit.
    before, after = parse_dotenv(old), parse_dotenv(new)
    before.pop(name, None)
    written = after.pop(name, None)
    if before != after or written != value:
        raise ProfileError(t("providers.store.dotenv_unsafe", path=path))
    try:
        if new.strip():
            atomic_write(path, new.encode("utf-8"), follow_link=True)  # ~/.qwen/.env is the user's own file
        else:
            # An empty .env would still stop Qwen Code's search and hide ~/.env: remove it instead.
            path.unlink()
    except OSError as exc:
        raise ProfileError(t("providers.store.dotenv_unsafe", path=path)) from exc
    except FileOpError as exc:
        raise ProfileError(str(exc)) from exc

"""Where Qwen Code and qwen-tui keep their files.

Every path is computed from an environment mapping so tests (and users) can isolate everything with
`QWEN_HOME` and `HOME`; nothing here touches the disk.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

Env = Mapping[str, str]


def home_dir(env: Env) -> Path:
    return Path(env.get("HOME") or Path.home())


def qwen_home(env: Env) -> Path:
    """`QWEN_HOME` (with `~` expanded), else `~/.qwen` — the same rule as Qwen Code."""
    value = env.get("QWEN_HOME")
    if value:
        if value.startswith("~"):
            value = str(home_dir(env)) + value[1:]
        return Path(value)
    return home_dir(env) / ".qwen"


def _system_dir() -> Path:
    if sys.platform == "darwin":
        return Path("/Library/Application Support/QwenCode")
    if sys.platform == "win32":
        return Path("C:/ProgramData/qwen-code")
    return Path("/etc/qwen-code")


def system_settings_path(env: Env) -> Path:
    override = env.get("QWEN_CODE_SYSTEM_SETTINGS_PATH")
    return Path(override) if override else _system_dir() / "settings.json"


def system_defaults_path(env: Env) -> Path:
    override = env.get("QWEN_CODE_SYSTEM_DEFAULTS_PATH")
    if override:
        return Path(override)
    return system_settings_path(env).parent / "system-defaults.json"


def user_settings_path(env: Env) -> Path:
    return qwen_home(env) / "settings.json"


def workspace_settings_path(cwd: Path, env: Env) -> Path | None:
    """`<project>/.qwen/settings.json`; None when the project is the home directory, as in Qwen Code
    (there the file *is* the user layer)."""
    try:
        same = cwd.resolve() == home_dir(env).resolve()
    except OSError:
        same = False
    return None if same else cwd / ".qwen" / "settings.json"


def oauth_creds_path(env: Env) -> Path:
    return qwen_home(env) / "oauth_creds.json"


def oauth_lock_path(env: Env) -> Path:
    return qwen_home(env) / "oauth_creds.lock"


def tui_prefs_path(env: Env) -> Path:
    return qwen_home(env) / "tui.json"


def secrets_file_path(env: Env) -> Path:
    """The explicit plain-file secret store used when no keyring backend works."""
    return qwen_home(env) / "qwen-tui-secrets.json"


def log_dir(env: Env) -> Path:
    return qwen_home(env) / "logs"


def user_themes_dir(env: Env) -> Path:
    return qwen_home(env) / "tui-themes"


def files_ending(folder: Path, suffix: str) -> list[Path]:
    """The entries of `folder` whose name ends with `suffix`, sorted; [] when it cannot be listed. What
    `sorted(folder.glob("*" + suffix))` gives, without compiling a pattern per suffix (~0.5 M instructions
    each, on the launch path: the catalogs and the themes)."""
    try:
        return sorted(path for path in folder.iterdir() if path.name.endswith(suffix))
    except OSError:
        return []

"""The one answer to "which configuration would Qwen Code use, and where does each value come from?".

Applies Qwen Code's rules (settings layers, environment, the first `.env` found, `settings.env`,
`modelProviders`, `security.auth.enforcedType`) and returns every value with its source. `qwen-tui status`,
the home screen, the chooser's preselection and the forms all use `resolve()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


class SourceKind(StrEnum):
    SETTINGS = "settings"          # a settings.json layer: path + key as written
    ENV = "env"                    # the process environment: key = variable name
    DOTENV = "dotenv"              # the .env file that was loaded: path + variable name
    SETTINGS_ENV = "settings-env"  # a layer's `env` block: path + `env.NAME`
    KEYRING = "keyring"            # the OS keyring: key = secret name
    SECRET_FILE = "secret-file"    # qwen-tui's explicit 0600 secrets file: path + name
    OAUTH_CREDS = "oauth-creds"    # <QWEN_HOME>/oauth_creds.json
    DEFAULT = "default"            # Qwen Code's built-in default
    NONE = "none"                  # nothing provides it


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    path: Path | None = None
    key: str | None = None
    scope: str | None = None       # settings layer scope, for SETTINGS / SETTINGS_ENV

    def describe(self) -> str:
        """A short English-neutral description, e.g. `user settings (~/.qwen/settings.json) security.auth.selectedType`."""
        where = f" ({self.path})" if self.path else ""
        match self.kind:
            case SourceKind.SETTINGS | SourceKind.SETTINGS_ENV:
                return f"{self.scope} settings{where} {self.key}"
            case SourceKind.ENV:
                return f"environment ${self.key}"
            case SourceKind.DOTENV:
                return f".env{where} {self.key}"
            case SourceKind.KEYRING:
                return f"keyring {self.key}"
            case SourceKind.SECRET_FILE:
                return f"secrets file{where} {self.key}"
            case SourceKind.OAUTH_CREDS:
                return f"Qwen OAuth credentials{where}"
            case SourceKind.DEFAULT:
                return "default"
            case _:
                return "not set"


NOT_SET = Source(SourceKind.NONE)


@dataclass(frozen=True)
class Value(Generic[T]):
    value: T
    source: Source = NOT_SET


@dataclass(frozen=True)
class Credential:
    present: bool
    masked: str | None = None      # e.g. "sk-…cdef"; never the secret itself
    source: Source = NOT_SET
    detail: str | None = None      # e.g. OAuth token expiry (ISO 8601)


@dataclass(frozen=True)
class Resolution:
    auth_type: Value[str | None]
    enforced_type: Value[str | None]
    base_url: Value[str | None]
    model: Value[str | None]
    credential: Credential
    usage_stats: Value[bool]       # Qwen Code's effective flag (default True when absent)
    usage_stats_chosen: bool       # True only when a settings layer sets it explicitly
    dotenv_path: Path | None
    shadowed_dotenv: tuple[Path, ...] = ()
    problems: tuple[str, ...] = field(default=())   # one-line problems (unparsable layer, enforced mismatch, …)

    @property
    def enforced_mismatch(self) -> bool:
        return bool(self.enforced_type.value) and self.enforced_type.value != self.auth_type.value

    @property
    def ok(self) -> bool:
        """An auth method resolves, has its credential, and is allowed."""
        return bool(self.auth_type.value) and self.credential.present and not self.enforced_mismatch


def mask_secret(secret: str) -> str:
    """`sk-abc…cdef` style: keep a recognisable prefix and the last 4 characters, never more than 1/3."""
    if len(secret) < 12:
        return "…" * 3
    prefix = secret[:3] if secret[:3].isascii() and secret[2] == "-" else ""
    return f"{prefix}…{secret[-4:]}"


def resolve(cwd: Path | None = None, env=None) -> Resolution:  # implemented by the lead next
    raise NotImplementedError

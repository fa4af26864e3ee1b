"""Starting the real `qwen` with the active configuration, and the verdict "will `qwen` start here?".

`qwen-tui run` works like `aws-vault exec` or `op run`: the key stays where the user keeps it (the keyring,
the 0600 file, a hidden `.env`) and reaches `qwen` only in its environment, under the variable the installed
`qwen` reads for the active profile (its `envKey`, else `OPENAI_API_KEY`), and then this process becomes
`qwen` (`os.execve`: same PID, terminal, signals, exit code). Everything is checked before the exec, so a
failure is one line and nothing started. The verdict answers the same question for plain `qwen` (`direct`)
and for `qwen-tui run` (`via_run`); the interop tests run the real `qwen` in each case and compare.

This module is on the path of every `qwen` started through qwen-tui: it imports nothing heavy unless a Qwen
OAuth token has to be refreshed.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import NoReturn

from qwen_tui.core.context import Context
from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.fileops import FileOpError, read_regular
from qwen_tui.core.i18n import t
from qwen_tui.core.names import AuthMethod
from qwen_tui.core.record import field, record
from qwen_tui.core.resolver import Resolution, SourceKind, resolve

PACKAGE = "@qwen-code/qwen-code"
INSTALL_COMMAND = f"npm install -g {PACKAGE}"
AUTH_COMMAND = "qwen-tui auth"
RUN_COMMAND = "qwen-tui run"
QWEN_OAUTH = AuthMethod.QWEN_OAUTH
# The first published `qwen` that refuses Qwen OAuth ("free tier was discontinued on 2026-04-15"): found by
# running `qwen -p` with a valid sign-in against a loopback server on every version npm lists between
# 0.12.0 (accepts) and 0.24.4 (refuses): 0.15.6 refuses, and no version between 0.12.0 and 0.15.6 exists.
FIRST_REFUSING_QWEN_OAUTH = (0, 15, 6)
# From 0.21.2 on (the next published version after 0.15.10), `qwen` loads the home `.env` files (`<QWEN_HOME>/.env`,
# `~/.env`) after the project's for the variables still unset (`findEnvFiles`); up to 0.15.10 it loaded only the
# first `.env` found (`findEnvFile`), so a project `.env` hid `<QWEN_HOME>/.env`. Read in both bundles and run.
FIRST_LOADING_HOME_DOTENV = (0, 21, 2)
# From 0.15.6 on, settings `model.name` beats OPENAI_MODEL / QWEN_MODEL (resolveCliGenerationConfig drops the model
# variables once settings names a model); 0.12.0 asked for the variable's model. Seen with the real CLIs
# (tests/interop/test_model_precedence.py); the rule itself is in resolver._model.
FIRST_SETTINGS_MODEL_FIRST = (0, 15, 6)
# From 0.21.2 on, OPENAI_API_KEY + OPENAI_BASE_URL + QWEN_MODEL (not only OPENAI_MODEL) select the OpenAI method when
# settings name none (getAuthTypeFromEnv); 0.15.10 answered "No auth type is selected". Seen with the real CLIs.
FIRST_INFERRING_FROM_QWEN_MODEL = (0, 21, 2)
# With no model named anywhere, `qwen` up to 0.15.10 asks an OpenAI-compatible server for `qwen3.5-plus`, from 0.21.2
# on for `qwen3.7-max`; and from 0.21.2 on, when that default is a `modelProviders` entry's id, an OPENAI_BASE_URL /
# `security.auth.baseUrl` beats the entry's URL (syncAfterAuthRefresh keeps a base URL resolved from env or settings),
# 0.15.10 used the entry's. Seen with the real CLIs (tests/interop/test_unnamed_model.py); rule in core/model_choice.py.
FIRST_DEFAULTING_TO_QWEN37_MAX = (0, 21, 2)
FIRST_KEEPING_OUTSIDE_BASE_URL = (0, 21, 2)
# From 0.15.6 on `qwen`'s Gemini client is given the model's base URL (a `modelProviders.gemini` entry's); 0.12.0 gave
# Google's SDK none, so it asked GOOGLE_GEMINI_BASE_URL or Google's own API whatever the entry said (read in both
# bundles' createGeminiContentGenerator; seen with the real CLIs: tests/interop/test_unnamed_model_other.py).
FIRST_GIVING_GEMINI_ITS_BASE_URL = (0, 15, 6)
# From 0.21.2 on that fallback to the first entry skips entries marked imageOnly / voiceOnly / realtimeOnly; 0.15.10
# took an `imageOnly` first entry as it was (seen with the real CLIs, same test).
FIRST_SKIPPING_MEDIA_ONLY = (0, 21, 2)
REFRESH_MARGIN_S = 300.0     # `run` refreshes a Qwen OAuth token that expires within 5 minutes
_PACKAGE_JSON_LIMIT = 1 << 20
# Stores `qwen` itself never reads: a key there reaches it only through `qwen-tui run`.
_QWEN_TUI_ONLY = (SourceKind.KEYRING, SourceKind.SECRET_FILE)


@cache
def _version_text() -> re.Pattern[str]:
    """A `version` as package.json may hold it. Compiled once a `qwen` is found (home's verdict imports this
    module before its first frame: ~0.4 M instructions when made at import)."""
    return re.compile(r"[0-9A-Za-z.+-]{1,40}")


class LaunchError(QwenTuiError):
    """`qwen` cannot be started; `str()` is the one line shown to the user."""

    kind = "launch"


@record
class QwenCli:
    """Whether the installed `qwen` starts here: plainly (`direct`) and through `qwen-tui run` (`via_run`)."""
    found: bool
    path: Path | None
    version: str | None
    direct: bool
    via_run: bool
    reason: str | None      # one line whenever direct or via_run is False
    fix: str | None         # the command that makes `direct` true, or `qwen-tui run`

    def to_json(self) -> dict[str, object]:
        return {
            "found": self.found, "path": str(self.path) if self.path else None, "version": self.version,
            "direct": self.direct, "viaRun": self.via_run, "reason": self.reason, "fix": self.fix,
        }


@record
class Launch:
    """What `exec_launch` runs. The environment may hold a key: it is never in the repr."""
    executable: str
    argv: list[str]
    env: dict[str, str] = field(repr=False)


# --- finding qwen ------------------------------------------------------------------------------------


def find_qwen(qwen: str | None, env: Mapping[str, str]) -> Path | None:
    """`--qwen PATH`, else `$QWEN_TUI_QWEN`, else `qwen` on the PATH of `env`; None when not found."""
    name = qwen or env.get("QWEN_TUI_QWEN") or "qwen"
    if os.sep in name:
        candidate = Path(name).expanduser()
        return candidate.absolute() if _executable(candidate) else None
    for folder in env.get("PATH", os.defpath).split(os.pathsep):
        candidate = Path(folder or ".") / name
        if _executable(candidate):
            return candidate.absolute()
    return None


def _executable(path: Path) -> bool:
    try:
        return path.is_file() and os.access(path, os.X_OK)
    except OSError:   # a folder this user may not search, a name too long: nothing there to run, as for a shell
        return False


def qwen_version(executable: Path) -> str | None:
    """The version in the `@qwen-code/qwen-code` package.json beside the script `executable` resolves to
    (npm links `bin/qwen` to the package's entry script) — read, never by starting node."""
    try:
        target = Path(os.path.realpath(executable))
    except OSError:
        return None
    for folder in list(target.parents)[:4]:
        try:
            # read_regular: a `package.json` FIFO (a qwen found through a project's node_modules) must not block.
            data = json.loads(read_regular(folder / "package.json", _PACKAGE_JSON_LIMIT) or b"null")
        except (FileOpError, ValueError, RecursionError):
            continue
        if isinstance(data, dict) and data.get("name") == PACKAGE:
            version = data.get("version")
            # Shown on screen: only what a version can look like, never other text from the file.
            return version if isinstance(version, str) and _version_text().fullmatch(version) else None
    return None


def refuses_qwen_oauth(version: str | None) -> bool:
    """Whether this `qwen` version refuses Qwen OAuth; an unknown version is taken as a current one."""
    parsed = _version_tuple(version)
    return parsed is None or parsed >= FIRST_REFUSING_QWEN_OAUTH


def loads_home_dotenv(version: str | None) -> bool:
    """Whether this `qwen` reads `<QWEN_HOME>/.env` even when a project `.env` was found first."""
    parsed = _version_tuple(version)
    return parsed is None or parsed >= FIRST_LOADING_HOME_DOTENV


def installed_version(qwen: Path | None, env: Mapping[str, str]) -> tuple[int, int, int] | None:
    """The version of the `qwen` at `qwen`, else of the one found with `env`; None: unknown or not installed."""
    path = qwen if qwen is not None else find_qwen(None, env)
    return _version_tuple(qwen_version(path) if path is not None else None)


def installed_qwen_skips_home_dotenv(env: Mapping[str, str]) -> bool:
    """Whether the `qwen` found with `env` is one that a project `.env` hides `<QWEN_HOME>/.env` from."""
    path = find_qwen(None, env)
    return path is not None and not loads_home_dotenv(qwen_version(path))


def _version_tuple(version: str | None) -> tuple[int, int, int] | None:
    if not version:   # no `qwen` found (home's first frame asks): nothing to match, no pattern to compile
        return None
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", version)
    if match is None:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


# --- the verdict -------------------------------------------------------------------------------------


def qwen_cli_verdict(resolution: Resolution, env: Mapping[str, str], qwen: str | None = None) -> QwenCli:
    """Would plain `qwen` (and `qwen-tui run`), found on `env`'s PATH, start with `resolution`'s method (which
    holds the directory it was resolved in)?"""
    path = find_qwen(qwen, env)
    if path is None:
        return QwenCli(False, None, None, False, False, t("run.reason.not_found"), INSTALL_COMMAND)
    version = qwen_version(path)
    direct, via_run, reason, fix = _judge(resolution, version)
    return QwenCli(True, path, version, direct, via_run, reason, fix)


def _judge(resolution: Resolution, version: str | None) -> tuple[bool, bool, str | None, str | None]:
    """(direct, via_run, reason, fix) for an installed `qwen` of `version`."""
    method = resolution.auth_type.value
    credential = resolution.credential
    if not method:
        return False, False, t("run.reason.no_method"), AUTH_COMMAND
    if resolution.enforced_mismatch:
        reason = t("run.reason.enforced", enforced=resolution.enforced_type.value, selected=method)
        return False, False, reason, AUTH_COMMAND
    if method == QWEN_OAUTH and refuses_qwen_oauth(version):
        return False, False, _refuses_line(version), AUTH_COMMAND
    if not credential.present:
        return False, False, t("run.reason.no_credential", method=method), AUTH_COMMAND
    source = credential.source
    if method == QWEN_OAUTH and source.kind != SourceKind.OAUTH_CREDS:
        # Qwen Code reads the sign-in only from oauth_creds.json: no variable can carry it.
        return False, False, t("run.reason.oauth_in_keyring"), "qwen-tui settings"
    if source.kind in _QWEN_TUI_ONLY:
        where = t("run.where.keyring") if source.kind == SourceKind.KEYRING else str(source.path)
        return False, True, t("run.reason.qwen_tui_only", name=source.key, where=where), RUN_COMMAND
    hidden = source.kind == SourceKind.DOTENV and source.path != resolution.dotenv_path
    if hidden and not loads_home_dotenv(version):   # a home .env behind the project's, for qwen ≤ 0.15.10
        return False, True, t("run.reason.dotenv_hidden", path=source.path, winner=resolution.dotenv_path), RUN_COMMAND
    return True, True, None, None


def _refuses_line(version: str | None) -> str:
    first = ".".join(str(part) for part in FIRST_REFUSING_QWEN_OAUTH)
    return t("run.reason.refuses_oauth", version=version or "?", first=first)


# --- launching ---------------------------------------------------------------------------------------


def prepare_launch(args: Sequence[str], *, qwen: str | None, context: Context) -> Launch:
    """Everything `exec_launch` needs, or LaunchError (one line) when `qwen` would not start. The child gets
    the context's environment (plus the credential): `exec_launch` hands over nothing else."""
    env = context.env
    path = find_qwen(qwen, env)
    if path is None:
        raise LaunchError(t("run.error.not_found", command=INSTALL_COMMAND))
    resolution = resolve(context, qwen=path)   # the model it shows depends on this qwen's version
    _direct, via_run, reason, fix = _judge(resolution, qwen_version(path))
    if not via_run:
        raise LaunchError(t("run.error.cannot_start", reason=reason, fix=fix))
    child = dict(env)
    credential = resolution.credential
    if resolution.auth_type.value == QWEN_OAUTH:
        _refresh_qwen_oauth(env)
    elif credential.variable and credential.secret and credential.source.kind != SourceKind.SETTINGS:
        # Also for a key `qwen` may find itself (a .env, settings `env`): the same value, one rule for all.
        child[credential.variable] = credential.secret
    return Launch(str(path), [str(path), *args], child)


def _refresh_qwen_oauth(env: Mapping[str, str]) -> None:
    """Refresh the token under Qwen Code's lock when it expires within REFRESH_MARGIN_S, so the `qwen`
    started next finds a valid one (an old `qwen` would otherwise refresh it without the lock)."""
    import time

    from qwen_tui.core.oauth.credentials import load_credentials

    creds, _ = load_credentials(env)
    if creds is None or not creds.needs_refresh(time.time(), margin_s=REFRESH_MARGIN_S):
        return
    from qwen_tui.core.oauth.refresh import RefreshError, SignedOut, get_valid_credentials

    try:
        get_valid_credentials(env, margin_s=REFRESH_MARGIN_S)
    except SignedOut as exc:
        raise LaunchError(str(exc)) from exc
    except RefreshError as exc:
        if creds.needs_refresh(time.time()):   # already expired: `qwen` would fail
            raise LaunchError(str(exc)) from exc


def exec_launch(launch: Launch) -> NoReturn:
    """Become `qwen`: same PID, terminal, signals and exit code. Raises LaunchError if the exec fails."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(launch.executable, launch.argv, launch.env)
    except OSError as exc:
        raise LaunchError(t("run.error.exec", path=launch.executable, reason=exc.strerror or exc)) from exc

"""One error base: every error of the core is a QwenTuiError with a kind and one line, the cause is kept for the
log except where it would carry a secret, and the CLI turns one that no command worded into its line + exit 1."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qwen_tui.core import log
from qwen_tui.core.errors import QwenTuiError
from qwen_tui.core.fileops import FileOpError
from qwen_tui.core.jsonc import JsoncError
from qwen_tui.core.secrets import SecretStore
from qwen_tui.core.settings import SettingsError, read_settings_file
from tests.cli_run import run_cli

FAIL_BACKEND = "keyring.backends.fail.Keyring"


def test_every_error_of_the_core_is_a_qwen_tui_error_with_its_own_kind() -> None:
    from qwen_tui.core.keystores import MoveKeyError
    from qwen_tui.core.launch import LaunchError
    from qwen_tui.core.oauth.credentials import TokenResponseError
    from qwen_tui.core.oauth.refresh import RefreshError, SignedOut
    from qwen_tui.core.oauth.signin import SignInError
    from qwen_tui.core.prefs import PrefsError
    from qwen_tui.core.providers.profiles import ProfileError
    from qwen_tui.core.resolver import KeyringNeeded
    from qwen_tui.ui.themes import ThemeError

    classes = [FileOpError, SettingsError, PrefsError, ProfileError, LaunchError, SignInError, RefreshError,
               SignedOut, MoveKeyError, KeyringNeeded, TokenResponseError, JsoncError, ThemeError]
    assert all(issubclass(cls, QwenTuiError) for cls in classes)
    kinds = [cls.kind for cls in classes]
    assert len(set(kinds)) == len(kinds) and QwenTuiError.kind not in kinds
    assert issubclass(JsoncError, ValueError) and issubclass(TokenResponseError, ValueError)  # callers catch those
    assert QwenTuiError("a reason\nspread over\tlines").message == "a reason spread over lines"


def test_a_settings_error_keeps_its_cause(qwen_home: Path) -> None:
    qwen_home.mkdir()
    path = qwen_home / "settings.json"
    path.mkdir()   # a directory where the file should be: unreadable
    with pytest.raises(SettingsError) as unreadable:
        read_settings_file(path)
    assert isinstance(unreadable.value.__cause__, FileOpError)
    path.rmdir()
    path.write_text('{"model": {"name": "m",}}')
    with pytest.raises(SettingsError) as invalid:
        read_settings_file(path)
    assert isinstance(invalid.value.__cause__, JsoncError) and invalid.value.__cause__.line == 1
    assert invalid.value.line == 1 and str(path) in invalid.value.message


def test_a_cause_holding_the_files_bytes_is_not_kept(qwen_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON and UTF-8 decode errors hold the whole text (API keys included): settings and the secrets file
    drop them, so no log or crash report can show them."""
    qwen_home.mkdir()
    settings = qwen_home / "settings.json"
    settings.write_text('{"env": {"OPENAI_API_KEY": "sk-secret-0123456789abcdef"} oops}')
    with pytest.raises(SettingsError) as invalid:
        read_settings_file(settings)
    jsonc_error = invalid.value.__cause__
    assert isinstance(jsonc_error, JsoncError)
    assert jsonc_error.__cause__ is None and jsonc_error.__suppress_context__
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL_BACKEND)
    secrets = qwen_home / "qwen-tui-secrets.json"
    secrets.write_bytes(b'{"OPENAI_API_KEY": "sk-secret-0123456789abcdef\xff"}')
    secrets.chmod(0o600)
    with pytest.raises(FileOpError) as unreadable:
        SecretStore(os.environ).get("OPENAI_API_KEY")
    assert unreadable.value.__cause__ is None and unreadable.value.__suppress_context__


def test_an_unworded_error_reaching_the_cli_is_its_one_line_and_exit_1(qwen_home: Path, project_dir: Path,
                                                                       tmp_path: Path) -> None:
    """`status` with a secrets file that is not UTF-8 ended with "unexpected error (FileOpError)"."""
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({"security": {"auth": {"selectedType": "openai"}}}))
    secrets = qwen_home / "qwen-tui-secrets.json"
    secrets.write_bytes(b"\xff\xfe{}")
    secrets.chmod(0o600)
    env = {"HOME": str(qwen_home.parent), "PATH": "/usr/bin:/bin", "PYTHON_KEYRING_BACKEND": FAIL_BACKEND,
           "QWEN_CODE_SYSTEM_SETTINGS_PATH": str(tmp_path / "etc" / "settings.json"),
           "QWEN_CODE_SYSTEM_DEFAULTS_PATH": str(tmp_path / "etc" / "system-defaults.json")}
    logging_before = log.logging_configured()
    result = run_cli("status", environ=env, cwd=project_dir)   # in-process (tests/cli_run.py)
    # The error was logged to this test's QWEN_HOME; the in-process run must not leave that log set up for the
    # tests after it (a process's log ends with it), nor make them depend on the order they run in.
    assert log.logging_configured() == logging_before
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and str(secrets) in lines[0] and "unexpected" not in lines[0], result.stderr

"""Issue 11: files qwen-tui did not write are hostile. Nothing it writes, backs up or locks follows a symlink it did
not choose (the symlink matrix); reads are bounded (a `.env` linked to /dev/zero, a FIFO, a huge file); failed
writes leave nothing behind and never print a logging traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from qwen_tui.core import fileops, paths
from qwen_tui.core.context import Context
from qwen_tui.core.fileops import FileOpError
from qwen_tui.core.settings import Scope, SettingsError, read_settings_file
from qwen_tui.core.settings_writer import update_layer
from tests.cli_run import run_cli

VICTIM_TEXT = b'{"precious": "user data"}\n'  # valid JSON: a writer that reaches it would change it
USAGE = "privacy.usageStatisticsEnabled"


def _qwen_home() -> Path:
    return paths.qwen_home(os.environ)


def _user_settings() -> Path:
    return paths.user_settings_path(os.environ)


def _write_user_settings() -> None:
    path = paths.user_settings_path(os.environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_symlink() and not path.exists():
        path.write_text("{}")
    update_layer(Scope.USER, {USAGE: False}, Context.current())


def _write_workspace_settings() -> None:
    path = Path.cwd() / ".qwen" / "settings.json"
    if not path.parent.is_symlink():
        path.parent.mkdir(exist_ok=True)
        if not path.is_symlink() and not path.exists():
            path.write_text("{}")
    update_layer(Scope.WORKSPACE, {USAGE: False}, Context.current())


def _save_credentials() -> None:
    from qwen_tui.core.oauth.credentials import Credentials, save_credentials

    save_credentials(Credentials("access", "refresh", "Bearer", None, 4_000_000_000_000), "file", os.environ)


def _save_secret_in_file() -> None:
    from qwen_tui.core.secrets import SecretStore

    SecretStore({**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}).set("K", "sk-secret-value")


def _append_outbox() -> None:
    from qwen_tui.core.telemetry.outbox import Outbox, outbox_path

    Outbox(outbox_path(os.environ)).append([{"event": "x"}])


def _create_installation_id() -> None:
    from qwen_tui.core.telemetry.outbox import ensure_installation_id

    ensure_installation_id(os.environ)


def _write_log() -> None:
    from qwen_tui.core.log import configure_logging, get_logger

    configure_logging(os.environ, interactive=False)
    get_logger("test").info("hello", detail="written")


# Each file qwen-tui writes, in each layer: (where it lives, what writes it). The user's own settings.json is
# absent on purpose: a dotfiles link there is written through (see the test below); its backup and lock are not.
MATRIX: dict[str, tuple[Callable[[], Path], Callable[[], None]]] = {
    "user settings backup": (lambda: _user_settings().with_name("settings.json.orig"), _write_user_settings),
    "user settings lock": (lambda: _user_settings().with_name("settings.json.lock"), _write_user_settings),
    "workspace settings": (lambda: Path.cwd() / ".qwen" / "settings.json", _write_workspace_settings),
    "workspace settings backup": (lambda: Path.cwd() / ".qwen" / "settings.json.orig", _write_workspace_settings),
    "workspace settings lock": (lambda: Path.cwd() / ".qwen" / "settings.json.lock", _write_workspace_settings),
    "workspace .qwen folder": (lambda: Path.cwd() / ".qwen", _write_workspace_settings),
    "oauth credentials": (lambda: paths.oauth_creds_path(os.environ), _save_credentials),
    "oauth credentials lock": (lambda: paths.oauth_lock_path(os.environ), _save_credentials),
    "secrets file": (lambda: paths.secrets_file_path(os.environ), _save_secret_in_file),
    "usage outbox": (lambda: _qwen_home() / "usage-outbox.jsonl", _append_outbox),
    "installation id": (lambda: _qwen_home() / "installation_id", _create_installation_id),
    "log file": (lambda: paths.log_dir(os.environ) / "qwen-tui.log", _write_log),
}


@pytest.mark.parametrize("name", list(MATRIX))
def test_symlink_matrix_the_victim_stays_untouched(name: str, tmp_path: Path) -> None:
    where, write = MATRIX[name]
    victim = tmp_path / "elsewhere" / "victim"
    victim.parent.mkdir()
    if name.endswith("folder"):
        victim.mkdir()
        target = victim / "settings.json"
    else:
        target = victim
    target.write_bytes(VICTIM_TEXT)
    link = where()
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(victim)
    try:
        write()
    except (FileOpError, SettingsError) as error:
        assert "\n" not in str(error) and str(link) in str(error)
    assert target.read_bytes() == VICTIM_TEXT
    assert sorted(os.listdir(target.parent)) == [target.name]   # nothing written beside the victim either
    assert link.is_symlink()


def test_a_workspace_link_is_refused_with_one_line_naming_it(project_dir: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.json"
    victim.write_text('{"security": {"auth": {"apiKey": "sk-users-own"}}}')
    (project_dir / ".qwen").mkdir()
    (project_dir / ".qwen" / "settings.json").symlink_to(victim)
    with pytest.raises(FileOpError) as caught:
        update_layer(Scope.WORKSPACE, {USAGE: False}, Context.current())
    assert str(caught.value).startswith(str(project_dir / ".qwen" / "settings.json"))
    assert "symbolic link" in str(caught.value)
    assert not (project_dir / ".qwen" / "settings.json.orig").exists()   # the user's key never copied into the repo


def test_the_user_layer_is_written_through_a_dotfiles_link_but_its_backup_lands_beside_the_link(
    qwen_home: Path, tmp_path: Path,
) -> None:
    target = tmp_path / "dotfiles" / "settings.json"
    target.parent.mkdir()
    target.write_text('{"keep": 1}')
    qwen_home.mkdir()
    (qwen_home / "settings.json").symlink_to(target)
    update_layer(Scope.USER, {USAGE: False}, Context.current())
    assert json.loads(target.read_text()) == {"keep": 1, "privacy": {"usageStatisticsEnabled": False}}
    assert (qwen_home / "settings.json.orig").read_text() == '{"keep": 1}'
    assert sorted(os.listdir(target.parent)) == ["settings.json"]


def test_a_workspace_settings_file_that_is_a_fifo_is_refused_at_once(project_dir: Path) -> None:
    (project_dir / ".qwen").mkdir()
    os.mkfifo(project_dir / ".qwen" / "settings.json")
    with pytest.raises(FileOpError, match="not a regular file"):
        update_layer(Scope.WORKSPACE, {USAGE: False}, Context.current())


# ---- bounded reads ------------------------------------------------------------------------------------------

@pytest.mark.timeout(20)
def test_a_dotenv_linked_to_dev_zero_gives_one_line_fast(project_dir: Path) -> None:
    from qwen_tui.core.dotenv import load_dotenv

    (project_dir / ".env").symlink_to("/dev/zero")
    loaded = load_dotenv(Context(project_dir, os.environ))
    assert loaded.values == {} and loaded.error is not None
    assert "not a regular file" in loaded.error and "\n" not in loaded.error


@pytest.mark.timeout(20)
def test_a_dotenv_fifo_does_not_block(project_dir: Path) -> None:
    from qwen_tui.core.dotenv import load_dotenv

    os.mkfifo(project_dir / ".env")  # nobody ever writes to it: a blocking open would hang here
    loaded = load_dotenv(Context(project_dir, os.environ))
    assert loaded.error is not None and "not a regular file" in loaded.error


@pytest.mark.timeout(30)
def test_a_huge_settings_file_is_refused_without_reading_it(project_dir: Path) -> None:
    path = project_dir / ".qwen" / "settings.json"
    path.parent.mkdir()
    with path.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GB that cost no disk
    with pytest.raises(SettingsError, match="larger than"):
        read_settings_file(path)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", [["status"], ["status", "--json"], ["usage-stats", "status"]])
def test_cli_with_a_dev_zero_dotenv_and_a_fifo_settings_file_answers_fast(
    command: list[str], project_dir: Path,
) -> None:
    (project_dir / ".env").symlink_to("/dev/zero")
    (project_dir / ".qwen").mkdir()
    os.mkfifo(project_dir / ".qwen" / "settings.json")
    result = subprocess.run([sys.executable, "-m", "qwen_tui", *command], capture_output=True, text=True,
                            cwd=project_dir, timeout=50)
    assert "Traceback" not in result.stderr and "unexpected" not in (result.stdout + result.stderr).lower()
    if command[0] == "status":  # status lists the problems it met; usage-stats status just gives its verdict
        assert "not a regular file" in result.stdout + result.stderr


def test_a_5000_digit_integer_and_deep_nesting_in_settings_are_one_line_errors(project_dir: Path) -> None:
    path = project_dir / "settings.json"
    path.write_text('{"model": {"name": "m"}, "n": ' + "9" * 5000 + "}")
    with pytest.raises(SettingsError, match="not a finite JSON number") as caught:
        read_settings_file(path)
    assert "\n" not in str(caught.value)
    path.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(SettingsError, match="nested too deeply"):
        read_settings_file(path)


# ---- quiet failures -----------------------------------------------------------------------------------------

_FULL_DISK_CHILD = """
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)        # EFBIG instead of a kill: the disk is "full"
resource.setrlimit(resource.RLIMIT_FSIZE, (16, 16))  # files may hold 16 bytes: a lock's UUID is 36
from qwen_tui.core.context import Context
from qwen_tui.core.settings import Scope
from qwen_tui.core.settings_writer import update_layer
from tests.cli_run import run_cli
from qwen_tui.core.fileops import FileOpError
from qwen_tui.core.log import configure_logging, get_logger
configure_logging(os.environ, interactive=False)
get_logger("t").info("x" * 200)                      # a failed log write: must not print to the terminal
try:
    update_layer(Scope.USER, {"privacy.usageStatisticsEnabled": False}, Context.current())
except FileOpError as error:
    print(error)
    sys.exit(1)
"""


@pytest.mark.timeout(60)
def test_a_full_disk_leaves_no_lock_no_temp_and_prints_no_logging_traceback(qwen_home: Path) -> None:
    """RLIMIT_FSIZE in a child process stands in for a full disk (no tmpfs can be mounted here)."""
    qwen_home.mkdir()
    (qwen_home / "logs").mkdir()
    (qwen_home / "settings.json").write_text("{}")
    result = subprocess.run([sys.executable, "-c", _FULL_DISK_CHILD], capture_output=True, text=True, timeout=50)
    assert result.returncode == 1, result.stderr
    assert "Logging error" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stdout.strip().splitlines()) == 1 and "settings.json.lock" in result.stdout
    assert sorted(os.listdir(qwen_home)) == ["logs", "settings.json"]
    assert (qwen_home / "settings.json").read_text() == "{}"


def test_a_write_that_fails_after_the_lock_leaves_no_temp_file(qwen_home: Path) -> None:
    """The backup fails (its name is taken by a folder): the lock and the temp file are both gone after."""
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text("{}")
    (qwen_home / "settings.json.orig").mkdir()
    with pytest.raises(FileOpError, match="not a regular file"):
        update_layer(Scope.USER, {USAGE: False}, Context.current())
    assert sorted(os.listdir(qwen_home)) == ["settings.json", "settings.json.orig"]


def test_read_regular_refuses_a_link_when_asked_not_to_follow(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert fileops.read_regular(tmp_path / "link") == b"x"
    with pytest.raises(FileOpError, match="symbolic link"):
        fileops.read_regular(tmp_path / "link", follow_link=False)


# ---- the reproductions, from the command line -------------------------------------------------------

@pytest.mark.timeout(60)
def test_a_cloned_repo_cannot_overwrite_bashrc_through_its_backup_link(isolated_home: Path, project_dir: Path) -> None:
    """Issue 11: the repo ships `.qwen/settings.json` and `.qwen/settings.json.orig -> ../../.bashrc`."""
    bashrc = isolated_home / ".bashrc"
    bashrc.write_text("export PATH=/usr/bin  # the user's own\n")
    (project_dir / ".qwen").mkdir()
    repo_settings = '// touch /tmp/pwned\n{"privacy": {"usageStatisticsEnabled": true}}\n'
    (project_dir / ".qwen" / "settings.json").write_text(repo_settings)
    os.symlink(os.path.relpath(bashrc, project_dir / ".qwen"), project_dir / ".qwen" / "settings.json.orig")
    result = subprocess.run([sys.executable, "-m", "qwen_tui", "usage-stats", "off", "--scope", "workspace"],
                            capture_output=True, text=True, timeout=50)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "settings.json.orig" in result.stderr and "symbolic link" in result.stderr
    assert bashrc.read_text() == "export PATH=/usr/bin  # the user's own\n"
    assert (project_dir / ".qwen" / "settings.json").read_text() == repo_settings


@pytest.mark.timeout(60)
def test_a_lone_surrogate_in_stored_tokens_is_one_line(qwen_home: Path) -> None:
    qwen_home.mkdir()
    (qwen_home / "oauth_creds.json").write_text(
        '{"access_token": "abc\\ud800", "refresh_token": "r", "token_type": "Bearer", "expiry_date": 4000000000000}')
    (qwen_home / "settings.json").write_text('{"security": {"auth": {"selectedType": "qwen-oauth"}}}')
    for args in (["status"], ["status", "--json"], ["auth", "token"]):
        result = run_cli(*args)   # in-process, with a real process's streams: a raw surrogate would not encode
        output = result.stdout + result.stderr
        assert "Traceback" not in output and "unexpected" not in output.lower(), args
        assert "\\ud800" not in output and "\ud800" not in output


HUGE_NUMBER = "9" * 5000   # past Python's 4300-digit int limit: json/tomllib raise a bare ValueError


@pytest.mark.timeout(60)
def test_a_5000_digit_number_in_tui_json_is_one_line(qwen_home: Path) -> None:
    qwen_home.mkdir()
    (qwen_home / "tui.json").write_text('{"theme": "x", "n": ' + HUGE_NUMBER + "}")
    for args in (["status"], ["auth", "token"], ["usage-stats", "status"]):
        result = run_cli(*args)
        assert "unexpected" not in (result.stdout + result.stderr).lower(), args


def test_an_outbox_line_with_a_5000_digit_number_is_skipped(qwen_home: Path) -> None:
    from qwen_tui.core.telemetry.outbox import Outbox

    qwen_home.mkdir()
    path = qwen_home / "usage-outbox.jsonl"
    path.write_text('{"seq": ' + HUGE_NUMBER + ', "sent": false, "event": {}}\n'
                    '{"seq": 2, "sent": false, "event": {}}\n')
    assert [entry.seq for entry in Outbox(path).read()] == [2]


def test_a_theme_with_a_5000_digit_number_is_a_theme_error(tmp_path: Path) -> None:
    from qwen_tui.ui.themes import ThemeError, parse_theme

    path = tmp_path / "mine.toml"
    path.write_text(f"name = \"mine\"\nsize = {HUGE_NUMBER}\n")
    with pytest.raises(ThemeError):
        parse_theme(path)


@pytest.mark.timeout(20)
def test_a_package_json_fifo_beside_a_found_qwen_does_not_block(tmp_path: Path) -> None:
    """A `qwen` found through a project's node_modules/.bin: its package.json may be a FIFO nobody writes to."""
    from qwen_tui.core.launch import qwen_version

    package = tmp_path / "node_modules" / "@qwen-code" / "qwen-code"
    (package / "dist").mkdir(parents=True)
    executable = package / "dist" / "cli.js"
    executable.write_text("#!/usr/bin/env node\n")
    executable.chmod(0o755)
    os.mkfifo(package / "package.json")
    assert qwen_version(executable) is None

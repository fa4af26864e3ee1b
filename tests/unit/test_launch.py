"""`qwen-tui run` and the `qwen CLI` verdict, with a stand-in `qwen` (a shell script reporting what it got).

What the real `qwen` does with each store is proven in tests/interop/test_run.py; here: finding `qwen`, its
version read from package.json (node is never started), the exec (same PID, arguments and exit code passed
through, the key only in the environment), the one-line failures and the 5-minute Qwen OAuth refresh.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qwen_tui.cli import main
from qwen_tui.core.context import Context
from qwen_tui.core.launch import (
    Launch,
    LaunchError,
    find_qwen,
    prepare_launch,
    qwen_cli_verdict,
    qwen_version,
    refuses_qwen_oauth,
)
from qwen_tui.core.oauth.credentials import Credentials
from qwen_tui.core.resolver import resolve
from tests.servers.device_server import DeviceServer

KEY = "sk-launch-0123456789abcdef"
ENV_KEY = "QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_9_V1"
NO_KEYRING = "keyring.backends.fail.Keyring"
# Reports what it was started with: its PID, its arguments (one per line), the key variable, its cmdline.
REPORTER = f"""#!/bin/sh
out="$QWEN_REPORT"
echo "pid=$$" > "$out"
for arg in "$@"; do echo "arg=$arg" >> "$out"; done
echo "key=${{{ENV_KEY}:-}}" >> "$out"
tr '\\0' ' ' < /proc/$$/cmdline >> "$out"
exit 7
"""


def fake_qwen(root: Path, version: str = "0.24.4", script: str = REPORTER) -> Path:
    """npm's layout: `node_modules/.bin/qwen` links to the package's entry script beside its package.json."""
    package = root / "node_modules" / "@qwen-code" / "qwen-code"
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": "@qwen-code/qwen-code", "version": version}))
    entry = package / "cli.js"
    entry.write_text(script)
    entry.chmod(0o755)
    link = root / "node_modules" / ".bin" / "qwen"
    link.parent.mkdir()
    link.symlink_to("../@qwen-code/qwen-code/cli.js")
    return link


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", NO_KEYRING)


def write_profile(qwen_home: Path, *, settings_key: str | None = None) -> None:
    settings: dict = {
        "security": {"auth": {"selectedType": "openai"}},
        "model": {"name": "m1"},
        "modelProviders": {"openai": [{"id": "m1", "name": "m1", "baseUrl": "http://127.0.0.1:9/v1",
                                       "envKey": ENV_KEY}]},
    }
    if settings_key:
        settings["env"] = {ENV_KEY: settings_key}
    qwen_home.mkdir(mode=0o700, exist_ok=True)
    (qwen_home / "settings.json").write_text(json.dumps(settings))


def store_in_file(qwen_home: Path) -> None:
    qwen_home.mkdir(mode=0o700, exist_ok=True)
    path = qwen_home / "qwen-tui-secrets.json"
    path.write_text(json.dumps({ENV_KEY: KEY}))
    path.chmod(0o600)


# --- finding qwen and its version ----------------------------------------------------------------------

def test_find_qwen_order(tmp_path: Path) -> None:
    on_path = fake_qwen(tmp_path / "a")
    named = fake_qwen(tmp_path / "b")
    chosen = fake_qwen(tmp_path / "c")
    env = {"PATH": f"/nonexistent:{on_path.parent}", "QWEN_TUI_QWEN": str(named)}
    assert find_qwen(str(chosen), env) == chosen
    assert find_qwen(None, env) == named
    assert find_qwen(None, {"PATH": env["PATH"]}) == on_path
    assert find_qwen(None, {"PATH": "/nonexistent"}) is None
    assert find_qwen(str(tmp_path / "missing"), env) is None


def test_a_path_folder_that_cannot_be_looked_in_is_passed_over(tmp_path: Path) -> None:
    """A PATH entry whose name is too long (OSError ENAMETOOLONG; for a user other than root, a folder they may not
    search: PermissionError) ended `qwen-tui status` in "unexpected error (OSError)" and the provider form's keyring
    probe without an answer. It is passed over, as a shell passes over it."""
    on_path = fake_qwen(tmp_path / "a")
    too_long = "/" + "x" * 300
    assert find_qwen(None, {"PATH": f"{too_long}:{on_path.parent}"}) == on_path
    assert find_qwen(too_long + "/qwen", {}) is None


def test_version_is_read_from_package_json_without_node(tmp_path: Path) -> None:
    link = fake_qwen(tmp_path, version="0.15.6")
    assert qwen_version(link) == "0.15.6"
    package_json = tmp_path / "node_modules/@qwen-code/qwen-code/package.json"
    package_json.write_text('{"name": "@qwen-code/qwen-code", "version": "1.0\\u001b[2J"}')
    assert qwen_version(link) is None             # outside text: never shown unless it looks like a version
    package_json.write_text('{"name": "other", "version": "9.9.9"}')
    assert qwen_version(link) is None


@pytest.mark.parametrize(("version", "refuses"), [
    ("0.12.0", False), ("0.15.5", False), ("0.15.6", True), ("0.24.4", True), ("1.0.0-nightly.1", True), (None, True),
])
def test_which_versions_refuse_qwen_oauth(version: str | None, refuses: bool) -> None:
    assert refuses_qwen_oauth(version) is refuses


# --- the verdict ---------------------------------------------------------------------------------------

def test_status_json_has_the_qwen_cli_object(tmp_path: Path, qwen_home: Path, no_keyring, monkeypatch,
                                             capsys) -> None:
    link = fake_qwen(tmp_path)
    monkeypatch.setenv("QWEN_TUI_QWEN", str(link))
    write_profile(qwen_home)
    store_in_file(qwen_home)
    assert main(["status", "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)["qwenCli"]
    assert verdict["path"] == str(link) and verdict["version"] == "0.24.4" and verdict["found"] is True
    assert (verdict["direct"], verdict["viaRun"], verdict["fix"]) == (False, True, "qwen-tui run")
    assert ENV_KEY in verdict["reason"] and "qwen-tui-secrets.json" in verdict["reason"]
    assert set(verdict) == {"found", "path", "version", "direct", "viaRun", "reason", "fix"}
    assert main(["status"]) == 0
    assert "qwen CLI" in capsys.readouterr().out


def test_verdict_without_qwen_says_how_to_install(no_keyring) -> None:
    verdict = qwen_cli_verdict(resolve(Context.current()), {"PATH": "/nonexistent"})
    assert (verdict.found, verdict.direct, verdict.via_run) == (False, False, False)
    assert verdict.fix == "npm install -g @qwen-code/qwen-code"


def test_verdict_for_qwen_oauth_depends_on_the_version(tmp_path: Path, qwen_home: Path, no_keyring) -> None:
    qwen_home.mkdir(mode=0o700)
    (qwen_home / "settings.json").write_text('{"security": {"auth": {"selectedType": "qwen-oauth"}}}')
    creds = Credentials("at-0123456789abcdef", "rt", "Bearer", "127.0.0.1:9", int((time.time() + 3600) * 1000))
    (qwen_home / "oauth_creds.json").write_text(creds.to_json_text())
    old, new = fake_qwen(tmp_path / "old", "0.12.0"), fake_qwen(tmp_path / "new", "0.24.4")
    env = dict(os.environ)
    accepted = qwen_cli_verdict(resolve(Context.current()), env, str(old))
    assert (accepted.direct, accepted.via_run, accepted.reason) == (True, True, None)
    refused = qwen_cli_verdict(resolve(Context.current()), env, str(new))
    assert (refused.direct, refused.via_run, refused.fix) == (False, False, "qwen-tui auth")
    assert "0.24.4" in refused.reason and "0.15.6" in refused.reason


# --- run -------------------------------------------------------------------------------------------------

def run_tui(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "qwen_tui", "run", *args], env=env, cwd=cwd, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_run_becomes_qwen_with_the_key_in_its_environment_only(tmp_path: Path, qwen_home: Path, no_keyring,
                                                             project_dir: Path) -> None:
    link = fake_qwen(tmp_path)
    write_profile(qwen_home)
    store_in_file(qwen_home)
    report = tmp_path / "report"
    env = {**os.environ, "QWEN_REPORT": str(report)}
    process = run_tui("--qwen", str(link), "--", "-p", "two words", "--qwen", "--", env=env, cwd=project_dir)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 7, err          # qwen's exit code
    lines = report.read_text().splitlines()
    assert lines[0] == f"pid={process.pid}"      # exec, not a child process
    assert lines[1:5] == ["arg=-p", "arg=two words", "arg=--qwen", "arg=--"]   # untouched after `--`
    assert lines[5] == f"key={KEY}"
    assert KEY not in lines[6]                   # /proc/<pid>/cmdline
    assert KEY not in out + err


def test_arguments_without_a_separator_go_to_qwen_too(tmp_path: Path, qwen_home: Path, no_keyring,
                                                      project_dir: Path) -> None:
    link = fake_qwen(tmp_path)
    write_profile(qwen_home, settings_key=KEY)
    report = tmp_path / "report"
    env = {**os.environ, "QWEN_REPORT": str(report), "QWEN_TUI_QWEN": str(link)}
    process = run_tui("--version", env=env, cwd=project_dir)
    process.communicate(timeout=60)
    assert process.returncode == 7
    assert report.read_text().splitlines()[1:3] == ["arg=--version", f"key={KEY}"]


def test_run_fails_in_one_line_when_qwen_is_missing(capsys, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["run", "--", "-p", "hi"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "npm install -g @qwen-code/qwen-code" in err


def test_run_fails_in_one_line_without_a_credential(tmp_path: Path, qwen_home: Path, no_keyring, capsys) -> None:
    write_profile(qwen_home)
    assert main(["run", "--qwen", str(fake_qwen(tmp_path))]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "qwen-tui auth" in err


def test_run_usage_error(capsys) -> None:
    assert main(["run", "--qwen"]) == 2
    assert "--qwen" in capsys.readouterr().err


def test_launch_repr_never_shows_the_environment() -> None:
    launch = Launch("/bin/qwen", ["/bin/qwen"], {ENV_KEY: KEY})
    assert KEY not in repr(launch)


# --- Qwen OAuth: refreshed under the lock when it expires within 5 minutes ---------------------------

@pytest.mark.parametrize(("expires_in_s", "refreshed"), [(240, True), (600, False)])
def test_run_refreshes_a_qwen_oauth_token_expiring_within_5_minutes(
    expires_in_s: int, refreshed: bool, tmp_path: Path, qwen_home: Path, no_keyring, device_server: DeviceServer,
) -> None:
    qwen_home.mkdir(mode=0o700)
    (qwen_home / "settings.json").write_text('{"security": {"auth": {"selectedType": "qwen-oauth"}}}')
    device_server.seed_refresh_token("rt-old")
    creds = Credentials("at-old", "rt-old", "Bearer", "127.0.0.1:9", int((time.time() + expires_in_s) * 1000))
    (qwen_home / "oauth_creds.json").write_text(creds.to_json_text())
    launch = prepare_launch([], qwen=str(fake_qwen(tmp_path, "0.12.0")), context=Context.current())
    after = Credentials.from_json_text((qwen_home / "oauth_creds.json").read_text())
    assert after is not None and (after.access_token != "at-old") is refreshed
    assert not (qwen_home / "oauth_creds.lock").exists()
    assert "at-old" not in repr(launch)


def test_run_refuses_qwen_oauth_on_a_version_that_removed_it(tmp_path: Path, qwen_home: Path, no_keyring) -> None:
    qwen_home.mkdir(mode=0o700)
    (qwen_home / "settings.json").write_text('{"security": {"auth": {"selectedType": "qwen-oauth"}}}')
    creds = Credentials("at-0123456789abcdef", "rt", "Bearer", "127.0.0.1:9", int((time.time() + 3600) * 1000))
    (qwen_home / "oauth_creds.json").write_text(creds.to_json_text())
    with pytest.raises(LaunchError, match="0.15.6"):
        prepare_launch([], qwen=str(fake_qwen(tmp_path, "0.15.6")), context=Context.current())


@pytest.mark.parametrize(("version", "direct"), [("0.15.10", False), ("0.21.2", True), ("0.24.4", True)])
def test_key_in_qwen_home_dotenv_behind_a_project_dotenv(version: str, direct: bool, tmp_path: Path,
                                                         qwen_home: Path, no_keyring, project_dir: Path) -> None:
    """Up to 0.15.10 `qwen` reads only the first `.env` found; later versions also read the home ones."""
    write_profile(qwen_home)
    (qwen_home / ".env").write_text(f"{ENV_KEY}={KEY}\n")
    (project_dir / ".env").write_text("OTHER=1\n")   # found first from the project
    link = fake_qwen(tmp_path, version)
    verdict = qwen_cli_verdict(resolve(Context.current()), dict(os.environ), str(link))
    assert (verdict.direct, verdict.via_run) == (direct, True)
    if not direct:
        assert verdict.fix == "qwen-tui run"
        assert str(qwen_home / ".env") in verdict.reason and str(project_dir / ".env") in verdict.reason
    launch = prepare_launch(["-p", "hi"], qwen=str(link), context=Context(project_dir, dict(os.environ)))
    assert launch.env[ENV_KEY] == KEY and launch.argv == [str(link), "-p", "hi"]


def test_the_run_path_loads_nothing_heavy(tmp_path: Path, qwen_home: Path, no_keyring, project_dir: Path) -> None:
    """`qwen-tui run` is on the path of every `qwen` start: up to the exec, none of the heavy or write-only
    modules are imported (no httpx/pydantic unless a Qwen OAuth token is refreshed)."""
    write_profile(qwen_home, settings_key=KEY)
    heavy = ("textual", "rich", "httpx", "pydantic", "keyring", "authlib", "structlog", "tempfile", "uuid")
    probe = (
        "import json, os, sys\n"
        "from pathlib import Path\n"
        "import qwen_tui.cli as cli\n"
        "from qwen_tui.core.context import Context\n"
        "context = Context.current()\n"
        "cli.set_language(cli._language(context.env))\n"
        "from qwen_tui.core.launch import prepare_launch\n"
        f"prepare_launch([], qwen={str(fake_qwen(tmp_path))!r}, context=context)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=project_dir,
                            timeout=60, check=True)
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("protocol", ["anthropic", "gemini"])
def test_run_passes_the_key_of_the_other_protocols_too(protocol: str, tmp_path: Path, qwen_home: Path, no_keyring,
                                                       project_dir: Path) -> None:
    """An Anthropic or Gemini profile whose key only qwen-tui holds: run hands it over under its envKey."""
    name = f"QWEN_CUSTOM_API_KEY_{protocol.upper()}_TEST"
    qwen_home.mkdir(mode=0o700)
    (qwen_home / "settings.json").write_text(json.dumps({
        "security": {"auth": {"selectedType": protocol}}, "model": {"name": "m1"},
        "modelProviders": {protocol: [{"id": "m1", "baseUrl": "http://127.0.0.1:9/v1", "envKey": name}]},
    }))
    path = qwen_home / "qwen-tui-secrets.json"
    path.write_text(json.dumps({name: KEY}))
    path.chmod(0o600)
    link = fake_qwen(tmp_path)
    verdict = qwen_cli_verdict(resolve(Context.current()), dict(os.environ), str(link))
    assert (verdict.direct, verdict.via_run, verdict.fix) == (False, True, "qwen-tui run")
    launch = prepare_launch([], qwen=str(link), context=Context(project_dir, dict(os.environ)))
    assert launch.env[name] == KEY


# --- the model: what each real version asked the loopback server for (tests/interop/test_model_precedence.py) ----

@pytest.mark.parametrize(("version", "model"), [("0.12.0", "env-model"), ("0.15.6", "settings-model"),
                                                ("0.24.4", "settings-model"), (None, "settings-model")])
def test_the_model_shown_is_the_one_this_qwen_asks_for(version: str | None, model: str, tmp_path: Path,
                                                       qwen_home: Path, no_keyring, monkeypatch, capsys) -> None:
    """OPENAI_MODEL exported and settings `model.name` set: 0.12.0 asked for the variable's model, 0.15.6 and later
    for the settings one; with no `qwen` found, status answers as for a current one."""
    qwen_home.mkdir(mode=0o700)
    (qwen_home / "settings.json").write_text(json.dumps({"security": {"auth": {"selectedType": "openai"}},
                                                         "model": {"name": "settings-model"}}))
    monkeypatch.setenv("OPENAI_MODEL", "env-model")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("PATH", str(tmp_path / "no-qwen-here"))
    if version is not None:
        monkeypatch.setenv("QWEN_TUI_QWEN", str(fake_qwen(tmp_path, version)))
    assert main(["status", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["model"]["value"] == model and document["qwenCli"]["version"] == version


def test_run_answers_for_the_qwen_it_starts(tmp_path: Path, qwen_home: Path, no_keyring, monkeypatch,
                                            project_dir: Path) -> None:
    """`run --qwen` with an older `qwen` than the one found otherwise: the model, so the entry and its key, are the
    ones that version uses (0.12.0: OPENAI_MODEL before settings `model.name`, and the entry of its id)."""
    write_profile(qwen_home)
    settings = json.loads((qwen_home / "settings.json").read_text())
    settings["model"]["name"] = "not-an-entry"
    (qwen_home / "settings.json").write_text(json.dumps(settings))
    store_in_file(qwen_home)
    monkeypatch.setenv("OPENAI_MODEL", "m1")
    monkeypatch.setenv("QWEN_TUI_QWEN", str(fake_qwen(tmp_path / "current")))
    old = fake_qwen(tmp_path / "old", "0.12.0")
    launch = prepare_launch([], qwen=str(old), context=Context(project_dir, dict(os.environ)))
    assert launch.env[ENV_KEY] == KEY
    with pytest.raises(LaunchError):   # the current one asks for `not-an-entry`, with no key for it
        prepare_launch([], qwen=None, context=Context(project_dir, dict(os.environ)))


@pytest.mark.parametrize(("version", "method"), [("0.15.10", None), ("0.21.2", "openai"), ("0.24.4", "openai")])
def test_qwen_model_chooses_the_method_from_0_21_2(version: str, method: str | None, tmp_path: Path, no_keyring,
                                                   monkeypatch, capsys) -> None:
    """OPENAI_API_KEY + OPENAI_BASE_URL + QWEN_MODEL and no method in settings: 0.21.2 and 0.24.4 used them, 0.15.10
    said "No auth type is selected" (seen with the real CLIs)."""
    for name, value in (("OPENAI_API_KEY", KEY), ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"), ("QWEN_MODEL", "m")):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("QWEN_TUI_QWEN", str(fake_qwen(tmp_path, version)))
    assert main(["status", "--json"]) == (0 if method else 1)   # 1: nothing `qwen` can start with
    document = json.loads(capsys.readouterr().out)
    assert document["authType"]["value"] == method
    assert document["qwenCli"]["direct"] is (method is not None)


@pytest.mark.parametrize(("version", "model", "url"), [("0.15.10", "qwen3.5-plus", "http://127.0.0.1:9/v1"),
                                                       ("0.24.4", "qwen3.7-max", "http://127.0.0.1:8/v1")])
def test_with_no_model_named_an_outside_base_url_beats_the_default_models_entry_from_0_21_2(
        version: str, model: str, url: str, tmp_path: Path, qwen_home: Path, no_keyring, monkeypatch) -> None:
    """The entry of `qwen`'s default model and OPENAI_BASE_URL exported: 0.24.4 sent the entry's key to
    OPENAI_BASE_URL, 0.15.10 to the entry's URL (tests/interop/test_unnamed_model.py)."""
    qwen_home.mkdir(mode=0o700)
    (qwen_home / "settings.json").write_text(json.dumps({
        "security": {"auth": {"selectedType": "openai"}},
        "modelProviders": {"openai": [{"id": model, "baseUrl": "http://127.0.0.1:9/v1", "envKey": ENV_KEY}]}}))
    monkeypatch.setenv(ENV_KEY, KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8/v1")
    monkeypatch.setenv("PATH", str(tmp_path / "no-qwen-here"))
    monkeypatch.setenv("QWEN_TUI_QWEN", str(fake_qwen(tmp_path, version)))
    resolution = resolve(Context.current())
    assert (resolution.model.value, resolution.base_url.value) == (model, url)
    assert (resolution.credential.variable, resolution.credential.secret) == (ENV_KEY, KEY)

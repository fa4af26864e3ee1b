"""`qwen-tui status` and `qwen-tui usage-stats` on files captured from the real Qwen Code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qwen_tui.cli import main
from tests.conftest import FIXTURES

INTEROP = FIXTURES / "qwen-code-interop"


def _install(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _status_json(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["status", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_nothing_configured_exits_1_and_says_what_to_do(capsys) -> None:
    assert main(["status"]) == 1
    out = capsys.readouterr().out
    assert "qwen-tui auth" in out


def test_custom_provider_written_by_qwen_code(qwen_home: Path, capsys) -> None:
    settings = _install(FIXTURES / "qwen-code-0.15.10/settings_after_custom_provider.json", qwen_home / "settings.json")
    code, doc = _status_json(capsys)
    assert code == 0
    assert doc["authType"]["value"] == "openai"
    assert doc["authType"]["source"]["path"] == str(settings)
    assert doc["model"]["value"] == "mock-model"
    assert doc["baseUrl"]["value"] == "http://127.0.0.1:8000/v1"
    assert doc["baseUrl"]["source"]["key"] == "modelProviders.openai[0].baseUrl"
    assert doc["credential"] == {
        "present": True,
        "masked": "sk-…cdef",
        "expires": None,
        "source": {
            "kind": "settings-env",
            "path": str(settings),
            "key": "env.QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_8000_V1",
            "scope": "user",
            "description": f"user settings ({settings}) env.QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_8000_V1",
        },
    }
    assert "1234567890abcdef" not in json.dumps(doc)


def test_key_in_qwen_home_dotenv(qwen_home: Path, capsys) -> None:
    _install(INTEROP / "v0244-dotenv.settings.json", qwen_home / "settings.json")
    dotenv = _install(INTEROP / "v0244-dotenv.env", qwen_home / ".env")
    code, doc = _status_json(capsys)
    assert code == 0
    assert doc["credential"]["source"]["kind"] == "dotenv"
    assert doc["credential"]["source"]["path"] == str(dotenv)
    assert doc["dotenv"] == str(dotenv)
    assert doc["usageStatistics"]["value"] is False and doc["usageStatistics"]["chosen"] is True


def test_key_in_qwen_home_dotenv_behind_a_project_dotenv(qwen_home: Path, project_dir: Path, capsys) -> None:
    """qwen 0.24.4 loads the project `.env`, then `~/.qwen/.env` for what is still unset: the key is found
    (checked with the real qwen in tests/interop/test_run.py; up to 0.15.10 the project file hid it)."""
    _install(INTEROP / "v0244-dotenv.settings.json", qwen_home / "settings.json")
    home_dotenv = _install(INTEROP / "v0244-dotenv.env", qwen_home / ".env")
    (project_dir / ".env").write_text("OTHER=1\n")
    code, doc = _status_json(capsys)
    assert code == 0
    assert doc["dotenv"] == str(project_dir / ".env") and doc["shadowedDotenv"] == []
    assert doc["credential"]["source"]["kind"] == "dotenv"
    assert doc["credential"]["source"]["path"] == str(home_dotenv)


def test_environment_beats_dotenv_and_legacy_settings(qwen_home: Path, monkeypatch, capsys) -> None:
    _install(INTEROP / "v0244-legacy.settings.json", qwen_home / "settings.json")  # apiKey sk-bars-…cdef
    dotenv = qwen_home / ".env"
    dotenv.write_text("OPENAI_API_KEY=sk-from-dotenv-8888\n")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-environment-9999")
    code, doc = _status_json(capsys)
    assert code == 0
    assert doc["dotenv"] == str(dotenv)  # the .env is loaded, and still loses
    assert doc["credential"]["masked"] == "sk-…9999"
    assert doc["credential"]["source"]["kind"] == "env"
    assert doc["baseUrl"]["source"]["key"] == "security.auth.baseUrl"
    monkeypatch.delenv("OPENAI_API_KEY")
    code, doc = _status_json(capsys)
    assert (doc["credential"]["masked"], doc["credential"]["source"]["kind"]) == ("sk-…8888", "dotenv")


def test_legacy_file_without_a_model_names_the_model_qwen_code_asks_for(qwen_home: Path, capsys) -> None:
    # Qwen Code 0.24.4 asks the server for `qwen3.7-max` with this file (interop fixture README).
    _install(INTEROP / "v0244-legacy.settings.json", qwen_home / "settings.json")
    code, doc = _status_json(capsys)
    assert code == 0
    assert doc["model"]["value"] == "qwen3.7-max"
    assert doc["model"]["source"]["kind"] == "default"
    assert doc["baseUrl"]["value"] == "http://127.0.0.1:18080/v1"


def test_openai_trio_in_environment_selects_openai(monkeypatch, capsys) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-trio-0000111122223333")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_MODEL", "m")
    code, doc = _status_json(capsys)
    assert code == 0
    assert doc["authType"] == {"value": "openai", "source": {
        "kind": "env", "path": None, "key": "OPENAI_API_KEY", "scope": None,
        "description": "environment $OPENAI_API_KEY",
    }}


def test_qwen_oauth_credentials_file(qwen_home: Path, capsys) -> None:
    _install(INTEROP / "v071-oauth-sse.settings.json", qwen_home / "settings.json")
    creds = _install(INTEROP / "v071-oauth-sse.oauth_creds.json", qwen_home / "oauth_creds.json")
    code, doc = _status_json(capsys)
    assert code == 0
    assert doc["authType"]["value"] == "qwen-oauth"
    assert doc["baseUrl"]["value"] == "http://127.0.0.1:18080/v1"
    assert doc["model"] == {"value": "coder-model", "source": {
        "kind": "default", "path": None, "key": None, "scope": None, "description": "Qwen Code's default",
    }}
    assert doc["credential"]["source"]["path"] == str(creds)
    assert doc["credential"]["expires"].startswith("2026-11-")


def test_enforced_type_mismatch_is_reported_and_fails(qwen_home: Path, capsys) -> None:
    _install(FIXTURES / "qwen-code-0.15.10/settings_after_custom_provider.json", qwen_home / "settings.json")
    system = Path(os.environ["QWEN_CODE_SYSTEM_SETTINGS_PATH"])
    system.write_text('{"security": {"auth": {"enforcedType": "qwen-oauth"}}}')
    code, doc = _status_json(capsys)
    assert code == 1
    assert doc["enforcedType"]["value"] == "qwen-oauth"
    assert any("enforcedType" in problem for problem in doc["problems"])


def test_unparsable_layer_is_reported_with_line_and_column(qwen_home: Path, capsys) -> None:
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text('{\n  "security": {\n    "auth": {"selectedType": "openai",}\n')
    code, doc = _status_json(capsys)
    assert code == 1
    assert any(str(qwen_home / "settings.json") in problem and "line 3" in problem for problem in doc["problems"])


def test_usage_stats_on_off_writes_only_that_key(qwen_home: Path, capsys) -> None:
    settings = _install(INTEROP / "v0244-dotenv.settings.json", qwen_home / "settings.json")
    before = json.loads(settings.read_text())
    assert main(["usage-stats", "on"]) == 0
    after = json.loads(settings.read_text())
    assert after["privacy"]["usageStatisticsEnabled"] is True
    after["privacy"]["usageStatisticsEnabled"] = False
    assert after == before
    assert settings.stat().st_mode & 0o777 == 0o600
    capsys.readouterr()
    assert main(["usage-stats", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["enabled"] is True


def test_usage_stats_workspace_scope(project_dir: Path) -> None:
    assert main(["usage-stats", "off", "--scope", "workspace"]) == 0
    written = json.loads((project_dir / ".qwen" / "settings.json").read_text())
    assert written == {"privacy": {"usageStatisticsEnabled": False}}


def test_usage_stats_refuses_to_touch_an_unparsable_file(qwen_home: Path, capsys) -> None:
    qwen_home.mkdir()
    broken = qwen_home / "settings.json"
    broken.write_bytes(b'{"privacy": {"usageStatisticsEnabled": tru')
    assert main(["usage-stats", "off"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and str(broken) in err
    assert broken.read_bytes() == b'{"privacy": {"usageStatisticsEnabled": tru'


def test_usage_errors_exit_2_and_the_real_command_prints_no_traceback(tmp_path: Path) -> None:
    bad = subprocess.run([sys.executable, "-m", "qwen_tui", "usage-stats", "maybe"], capture_output=True, text=True)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    ok = subprocess.run([sys.executable, "-m", "qwen_tui", "status"], capture_output=True, text=True)
    assert ok.returncode == 1 and "Traceback" not in ok.stderr + ok.stdout


def test_status_with_no_method_never_touches_the_keyring() -> None:
    """Nothing selects a method, so no credential is looked up: a slow or absent keyring costs nothing."""
    probe = (
        "import contextlib, io, sys\n"
        "from qwen_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['status'])\n"
        "print('keyring' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_language_preference_applies_to_the_cli(qwen_home: Path, capsys) -> None:
    qwen_home.mkdir()
    (qwen_home / "tui.json").write_text('{"language": "fr"}')
    main(["status"])
    assert "Statistiques d'utilisation" in capsys.readouterr().out


def test_broken_prefs_file_falls_back_to_the_environment_language(qwen_home: Path, monkeypatch, capsys) -> None:
    qwen_home.mkdir()
    (qwen_home / "tui.json").write_text("{not json")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["status"]) == 1
    assert "认证方式" in capsys.readouterr().out


def test_settings_variables_expand_from_the_loaded_dotenv(qwen_home: Path, project_dir: Path, capsys) -> None:
    """Qwen Code loads `.env` first, then expands `$VAR` / `${VAR}` in settings (review finding)."""
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({"security": {"auth": {
        "selectedType": "openai", "apiKey": "$MYKEY", "baseUrl": "${MYBASE}"}}}))
    (project_dir / ".env").write_text("MYKEY=sk-from-dotenv-00001111\nMYBASE=http://127.0.0.1:9/v1\n")
    code, doc = _status_json(capsys)
    assert code == 0
    assert doc["baseUrl"]["value"] == "http://127.0.0.1:9/v1"
    assert doc["credential"]["masked"] == "sk-…1111"


def test_a_method_qwen_tui_does_not_configure_is_reported_not_guessed(qwen_home: Path, monkeypatch, capsys) -> None:
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text('{"security": {"auth": {"selectedType": "vertex-ai"}}}')
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-vertex-12345678")
    code, doc = _status_json(capsys)
    assert code == 1
    assert doc["credential"]["present"] is False
    assert any('"vertex-ai"' in problem for problem in doc["problems"])


def test_gemini_takes_its_own_key_not_openais(qwen_home: Path, monkeypatch, capsys) -> None:
    """Qwen Code's validateAuthMethod: gemini needs GEMINI_API_KEY (or its model entry's key)."""
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text('{"security": {"auth": {"selectedType": "gemini"}}}')
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-gemini-12345678")
    code, doc = _status_json(capsys)
    assert code == 1 and doc["credential"]["present"] is False
    assert any("GEMINI_API_KEY" in problem for problem in doc["problems"])
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-for-gemini-12345678")
    code, doc = _status_json(capsys)
    assert code == 0 and doc["credential"]["present"] is True


def test_a_resolved_value_never_shows_a_secret_in_its_repr(monkeypatch) -> None:
    from qwen_tui.core.context import Context
    from qwen_tui.core.resolver import ConfigLookup

    monkeypatch.setenv("OPENAI_API_KEY", "sk-repr-leak-check-98765432")
    found = ConfigLookup.load(Context.current()).secret("OPENAI_API_KEY")
    assert found.value == "sk-repr-leak-check-98765432"
    assert "98765432" not in repr(found)


def test_usage_stats_off_says_when_another_layer_still_wins(project_dir: Path, qwen_home: Path, capsys) -> None:
    (project_dir / ".qwen").mkdir()
    (project_dir / ".qwen" / "settings.json").write_text('{"privacy": {"usageStatisticsEnabled": true}}')
    assert main(["usage-stats", "off"]) == 1
    err = capsys.readouterr().err
    assert str(project_dir / ".qwen" / "settings.json") in err and "--scope workspace" in err
    assert json.loads((qwen_home / "settings.json").read_text())["privacy"]["usageStatisticsEnabled"] is False


def test_usage_stats_on_against_a_system_setting_points_to_the_administrator(capsys) -> None:
    Path(os.environ["QWEN_CODE_SYSTEM_SETTINGS_PATH"]).write_text('{"privacy": {"usageStatisticsEnabled": false}}')
    assert main(["usage-stats", "on"]) == 1
    assert "administrator" in capsys.readouterr().err


# --- review findings -------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("content", [b"\xff{}", b"[" * 100_000], ids=["not-utf8", "too-deep"])
def test_broken_prefs_file_never_stops_a_command(qwen_home: Path, capsys, content: bytes) -> None:
    qwen_home.mkdir()
    (qwen_home / "tui.json").write_bytes(content)
    assert main(["status"]) == 1  # nothing configured: the usual answer, in the default language
    captured = capsys.readouterr()
    assert "No authentication method is configured" in captured.out and "unexpected error" not in captured.err


def test_status_json_when_a_higher_layer_nulls_the_parent_of_a_set_key(
    qwen_home: Path, project_dir: Path, capsys
) -> None:
    _install_json(qwen_home / "settings.json", {"security": {"auth": {"enforcedType": "openai"}}})
    _install_json(project_dir / ".qwen" / "settings.json", {"security": {"auth": None}})
    code, document = _status_json(capsys)
    assert code == 1  # no method is selected
    # The workspace's null removed security.auth: Qwen Code enforces nothing, and neither does status.
    assert document["enforcedType"]["value"] is None and document["enforcedType"]["source"]["kind"] == "none"
    assert document["problems"] == []


def _install_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def test_output_to_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    """`qwen-tui status | head -1`: the reader is gone before we write. Python's documented SIGPIPE pattern:
    stdout to /dev/null, exit 1, nothing on stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "qwen_tui", "status"], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=60,
                                env={**os.environ, "PYTHONPATH": str(REPO)})
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert result.stderr == ""

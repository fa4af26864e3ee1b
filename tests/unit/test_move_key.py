"""`qwen-tui auth move-key`: a key moves between the keyring (a real private Secret Service), qwen-tui's 0600
file, the user settings' `env` and `<QWEN_HOME>/.env`; the target is read back before the source goes, and
exactly one copy remains — no `settings.json.orig` or other file still holding it. `status` lists a key Qwen
Code's `/auth` left in plain text in `settings.json` as a problem with this command as its fix."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from qwen_tui.cli import main
from qwen_tui.core import paths
from qwen_tui.core.secrets import SecretStore
from tests.conftest import FIXTURES

CAPTURED = FIXTURES / "qwen-code-interop" / "v0244-custom-sse.settings.json"   # written by Qwen Code's /auth
NAME = "QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_18080_V1_48D896D24BB2"
KEY = "sk-bars-0123456789abcdef"
FAIL_BACKEND = "keyring.backends.fail.Keyring"
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"


@pytest.fixture
def keyring_env(secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in secret_service.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", SECRET_SERVICE_BACKEND)
    yield
    SecretStore(os.environ).delete(NAME)   # the Secret Service is shared by the session


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL_BACKEND)


def captured_settings(qwen_home: Path) -> Path:
    qwen_home.mkdir(mode=0o700, exist_ok=True)
    target = qwen_home / "settings.json"
    shutil.copyfile(CAPTURED, target)
    return target


def files_holding(root: Path, secret: str) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes())


def move(to: str, capsys, *extra: str) -> tuple[int, str]:
    code = main(["auth", "move-key", "--to", to, *extra])
    return code, capsys.readouterr().err.strip()


@pytest.mark.keyring
def test_plain_text_key_from_qwen_codes_auth_moves_into_the_keyring(keyring_env, qwen_home: Path,
                                                                     isolated_home: Path, capsys) -> None:
    settings = captured_settings(qwen_home)
    assert main(["status", "--json"]) == 0
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert any(NAME in p and str(settings) in p and "qwen-tui auth move-key --to keyring" in p for p in problems)

    code, err = move("keyring", capsys)
    assert code == 0, err
    assert err.count("\n") == 0 and "qwen-tui run" in err and KEY not in err
    assert SecretStore(os.environ).keyring_get(NAME) == KEY
    assert files_holding(isolated_home, KEY) == []          # no settings.json, .orig or other copy
    assert "env" not in json.loads(settings.read_text())
    assert main(["status", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["problems"] == [] and document["credential"]["source"]["kind"] == "keyring"


@pytest.mark.keyring
def test_every_store_to_every_store_keeps_exactly_one_copy(keyring_env, qwen_home: Path, isolated_home: Path,
                                                           capsys) -> None:
    captured_settings(qwen_home)
    expected = {
        "dotenv": lambda: (qwen_home / ".env").read_text() == f"{NAME}={KEY}\n",
        "file": lambda: json.loads(paths.secrets_file_path(os.environ).read_text()) == {NAME: KEY},
        "keyring": lambda: SecretStore(os.environ).keyring_get(NAME) == KEY,
        "settings": lambda: json.loads((qwen_home / "settings.json").read_text())["env"] == {NAME: KEY},
    }
    for to in ("dotenv", "keyring", "file", "settings", "file", "dotenv", "settings", "keyring"):
        code, err = move(to, capsys)
        assert code == 0, err
        assert expected[to](), to
        holding = files_holding(isolated_home, KEY)
        in_keyring = SecretStore(os.environ).keyring_get(NAME) is not None
        assert len(holding) + in_keyring == 1, (to, holding, in_keyring)
        for other in ("dotenv", "file"):
            path = qwen_home / ".env" if other == "dotenv" else paths.secrets_file_path(os.environ)
            if other == to:
                assert stat.S_IMODE(path.stat().st_mode) == 0o600
    code, err = move("keyring", capsys)
    assert code == 0 and "already" in err


def test_without_a_keyring_the_key_stays_put(no_keyring, qwen_home: Path, capsys) -> None:
    settings = captured_settings(qwen_home)
    before = settings.read_bytes()
    code, err = move("keyring", capsys)
    assert code == 1 and "--to dotenv" in err and err.count("\n") == 0
    assert settings.read_bytes() == before


def test_key_in_the_legacy_secrets_file_keeps_working_and_migrates(no_keyring, qwen_home: Path,
                                                                   isolated_home: Path, capsys) -> None:
    settings = json.loads(CAPTURED.read_text())
    del settings["env"]
    qwen_home.mkdir(mode=0o700)
    (qwen_home / "settings.json").write_text(json.dumps(settings))
    SecretStore(os.environ).file_set(NAME, KEY)      # saved by an older qwen-tui without a keyring
    assert main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["credential"]["source"]["kind"] == "secret-file"
    code, err = move("dotenv", capsys)
    assert code == 0, err
    assert files_holding(isolated_home, KEY) == [qwen_home / ".env"]
    assert "Plain qwen reads it" in err


def test_different_values_are_never_merged(no_keyring, qwen_home: Path, capsys) -> None:
    settings = captured_settings(qwen_home)
    (qwen_home / ".env").write_text(f"{NAME}=sk-other-0123456789abcdef\n")
    code, err = move("file", capsys)
    assert code == 1 and "different values" in err
    assert KEY in settings.read_text() and "sk-other" in (qwen_home / ".env").read_text()
    assert not paths.secrets_file_path(os.environ).exists()


def test_a_key_exported_in_the_shell_is_not_ours_to_move(no_keyring, qwen_home: Path, monkeypatch, capsys) -> None:
    settings = json.loads(CAPTURED.read_text())
    del settings["env"]
    qwen_home.mkdir(mode=0o700)
    (qwen_home / "settings.json").write_text(json.dumps(settings))
    monkeypatch.setenv(NAME, KEY)
    code, err = move("keyring", capsys)
    assert code == 1 and "by hand" in err and KEY not in err


def test_profile_option(no_keyring, qwen_home: Path, capsys) -> None:
    captured_settings(qwen_home)
    code, err = move("dotenv", capsys, "--profile", "no-such-model")
    assert code == 1 and "no-such-model" in err
    code, err = move("dotenv", capsys, "--profile", "qwen3-coder-plus")
    assert code == 0, err
    assert NAME in (qwen_home / ".env").read_text()


def test_no_active_profile(no_keyring, capsys) -> None:
    code, err = move("keyring", capsys)
    assert code == 1 and "--profile" in err
    assert os.environ.get(NAME) is None

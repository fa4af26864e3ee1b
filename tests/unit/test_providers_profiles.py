"""Saving, listing, activating and deleting OpenAI-compatible profiles in Qwen Code's own shapes.

Real files under the isolated HOME; the keyring store against a real Secret Service (`secret_service`)
and against keyring's "fail" backend (no keyring: the explicit 0600 file with a warning).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from qwen_tui.core import paths
from qwen_tui.core.context import Context
from qwen_tui.core.providers.catalog import preset
from qwen_tui.core.providers.install import env_key_for
from qwen_tui.core.providers.profiles import (
    KeyStore,
    ProfileError,
    activate_profile,
    delete_profile,
    save_profile,
)
from qwen_tui.core.providers.saved import environment_values, list_profiles
from qwen_tui.core.resolver import SourceKind, resolve
from qwen_tui.core.secrets import SERVICE, SecretStore
from tests.conftest import FIXTURES

FAIL_BACKEND = "keyring.backends.fail.Keyring"
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"
KEY = "sk-test-profile-0123456789abcdef"
URL = "http://127.0.0.1:8000/v1"
# Qwen Code 0.24's generated name: the first 12 hex digits of sha256("openai\0" + URL), computed with sha256sum.
CUSTOM_ENV_KEY = "QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_8000_V1_7A6284FE97EF"


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL_BACKEND)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def user_settings() -> dict:
    return json.loads(paths.user_settings_path(os.environ).read_text())


def secrets_file() -> dict:
    return json.loads(paths.secrets_file_path(os.environ).read_text())


def test_custom_env_key_is_qwen_codes_name() -> None:
    # The name Qwen Code 0.24.4 wrote for its captured custom provider (fixture), and for ours.
    fixture = json.loads((FIXTURES / "qwen-code-0.24.4-auth/c-custom/settings.json").read_text())
    assert env_key_for("http://127.0.0.1:9/v1/", None) == fixture["modelProviders"]["openai"][0]["envKey"]
    assert env_key_for(URL, None) == CUSTOM_ENV_KEY
    assert env_key_for("https://api.deepseek.com/v1", preset("deepseek")) == "DEEPSEEK_API_KEY"


def test_settings_store_writes_qwen_codes_exact_shape(no_keyring: None) -> None:
    result = save_profile(base_url=URL + "/", model="mock-model", key=KEY + "\n", store=KeyStore.SETTINGS,
                          context=Context.current())
    path = paths.user_settings_path(os.environ)
    assert user_settings() == {
        "security": {"auth": {"selectedType": "openai"}},
        "model": {"name": "mock-model", "baseUrl": URL},
        "modelProviders": {"openai": [
            {"id": "mock-model", "name": "mock-model", "baseUrl": URL, "envKey": CUSTOM_ENV_KEY,
             "wireApi": "chat-completions"},
        ]},
        "env": {CUSTOM_ENV_KEY: KEY},
    }
    assert mode(path) == 0o600
    assert result.warning is None
    assert str(path) in (result.key_location or "")
    assert not paths.secrets_file_path(os.environ).exists()
    assert not (paths.qwen_home(os.environ) / ".env").exists()
    resolution = resolve(Context.current())
    assert resolution.ok and resolution.credential.source.kind == SourceKind.SETTINGS_ENV
    assert resolution.base_url.value == URL and resolution.model.value == "mock-model"


def test_second_model_is_prepended_and_same_identity_replaced(no_keyring: None) -> None:
    """Qwen Code 0.24 merges custom models by id + base URL and puts the new install first."""
    save_profile(base_url=URL, model="mock-model", key=KEY, store=KeyStore.SETTINGS, context=Context.current())
    save_profile(base_url=URL, model="mock-model-2", key=KEY, store=KeyStore.SETTINGS, context=Context.current())
    save_profile(base_url=URL, model="mock-model", key=KEY, store=KeyStore.SETTINGS, context=Context.current())
    data = user_settings()
    assert [e["id"] for e in data["modelProviders"]["openai"]] == ["mock-model", "mock-model-2"]
    assert data["env"] == {CUSTOM_ENV_KEY: KEY}
    save_profile(base_url="http://127.0.0.1:9000/v1", model="mock-model", key=None, store=KeyStore.SETTINGS,
                 context=Context.current())
    entries = user_settings()["modelProviders"]["openai"]
    assert [(e["id"], e["baseUrl"]) for e in entries] == [
        ("mock-model", "http://127.0.0.1:9000/v1"), ("mock-model", URL), ("mock-model-2", URL)]


def test_dotenv_store_updates_one_variable_and_keeps_the_rest(no_keyring: None, qwen_home: Path) -> None:
    qwen_home.mkdir()
    dotenv = qwen_home / ".env"
    dotenv.write_text(f"# mine\nFOO=bar\n{CUSTOM_ENV_KEY}=old-value\nexport BAZ='q u x'\n")
    dotenv.chmod(0o644)
    result = save_profile(base_url=URL, model="m", key=KEY, store=KeyStore.DOTENV, context=Context.current())
    assert dotenv.read_text() == f"# mine\nFOO=bar\n{CUSTOM_ENV_KEY}={KEY}\nexport BAZ='q u x'\n"
    assert mode(dotenv) == 0o600
    assert result.key_location and str(dotenv) in result.key_location
    assert "env" not in user_settings()
    assert resolve(Context.current()).credential.source.kind == SourceKind.DOTENV


def test_dotenv_store_appends_to_a_file_without_final_newline(no_keyring: None, qwen_home: Path) -> None:
    qwen_home.mkdir()
    dotenv = qwen_home / ".env"
    dotenv.write_text("FOO=bar")
    save_profile(base_url=URL, model="m", key=KEY, store=KeyStore.DOTENV, context=Context.current())
    assert dotenv.read_text() == f"FOO=bar\n{CUSTOM_ENV_KEY}={KEY}\n"


@pytest.mark.parametrize("store", [KeyStore.DOTENV, KeyStore.KEYRING])   # KEYRING: no backend, so the .env
@pytest.mark.parametrize(("version", "hidden"), [("0.15.10", True), ("0.24.4", False)])
def test_dotenv_store_warns_when_another_env_file_hides_it(
    store: KeyStore, version: str, hidden: bool, no_keyring: None, project_dir: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only for a `qwen` that reads the first `.env` alone (up to 0.15.10; 0.24.4 also reads ~/.qwen/.env)."""
    from tests.unit.test_launch import fake_qwen

    monkeypatch.setenv("QWEN_TUI_QWEN", str(fake_qwen(tmp_path, version)))
    (project_dir / ".env").write_text("OTHER=1\n")
    result = save_profile(base_url=URL, model="m", key=KEY, store=store, context=Context(project_dir, os.environ))
    assert bool(result.warning and str(project_dir / ".env") in result.warning) is hidden
    assert (project_dir / ".env").read_text() == "OTHER=1\n"  # the user's own file is not touched
    assert (paths.qwen_home(os.environ) / ".env").read_text() == f"{CUSTOM_ENV_KEY}={KEY}\n"


def test_unrewritable_dotenv_is_left_untouched(no_keyring: None, qwen_home: Path) -> None:
    qwen_home.mkdir()
    dotenv = qwen_home / ".env"
    # A multi-line quoted value whose second line looks like our variable: rewriting it would corrupt it.
    original = f'NOTE="first\n{CUSTOM_ENV_KEY}=inside"\n'
    dotenv.write_text(original)
    with pytest.raises(ProfileError) as error:
        save_profile(base_url=URL, model="m", key=KEY, store=KeyStore.DOTENV, context=Context.current())
    assert str(dotenv) in str(error.value) and KEY not in str(error.value)
    assert dotenv.read_text() == original
    assert not paths.user_settings_path(os.environ).exists()


def test_file_store_is_explicit_and_warns(no_keyring: None) -> None:
    result = save_profile(base_url=URL, model="m", key=KEY, store=KeyStore.FILE, context=Context.current())
    assert secrets_file() == {CUSTOM_ENV_KEY: KEY}
    assert mode(paths.secrets_file_path(os.environ)) == 0o600
    assert result.warning and str(paths.secrets_file_path(os.environ)) in result.warning
    assert "env" not in user_settings()
    assert resolve(Context.current()).credential.source.kind == SourceKind.SECRET_FILE


def test_keyring_default_without_backend_is_qwen_codes_own_dotenv(no_keyring: None) -> None:
    """Issue 10: without a keyring the key goes where plain `qwen` finds it, `<QWEN_HOME>/.env` (0600), not
    into a file only qwen-tui reads; one line says so and names the file."""
    result = save_profile(base_url=URL, model="m", key=KEY, context=Context.current())
    dotenv = paths.qwen_home(os.environ) / ".env"
    assert dotenv.read_text() == f"{CUSTOM_ENV_KEY}={KEY}\n"
    assert mode(dotenv) == 0o600 and mode(paths.qwen_home(os.environ)) == 0o700
    assert not paths.secrets_file_path(os.environ).exists()
    assert result.warning and str(dotenv) in result.warning and "No keyring" in result.warning
    assert KEY not in json.dumps(user_settings())
    assert resolve(Context.current()).credential.source.kind == SourceKind.DOTENV


def test_saving_to_a_new_store_removes_the_other_copies(no_keyring: None) -> None:
    save_profile(base_url=URL, model="m", key=KEY, store=KeyStore.SETTINGS, context=Context.current())
    save_profile(base_url=URL, model="m", key=KEY, store=KeyStore.DOTENV, context=Context.current())
    assert "env" not in user_settings()
    save_profile(base_url=URL, model="m", key=KEY, store=KeyStore.FILE, context=Context.current())
    assert not (paths.qwen_home(os.environ) / ".env").exists()  # emptied: removed, so it cannot hide ~/.env
    save_profile(base_url=URL, model="m", key=KEY, store=KeyStore.SETTINGS, context=Context.current())
    assert not paths.secrets_file_path(os.environ).exists()
    assert user_settings()["env"] == {CUSTOM_ENV_KEY: KEY}


def test_stale_api_key_of_another_provider_is_removed(no_keyring: None, qwen_home: Path) -> None:
    # Qwen Code #1855: a credential saved for another method/provider must not be used for this one.
    qwen_home.mkdir()
    paths.user_settings_path(os.environ).write_text(json.dumps({
        "$version": 4,
        "security": {"auth": {"selectedType": "qwen-oauth", "apiKey": "sk-old-0123456789", "baseUrl": "https://x.example/v1"}},
        "privacy": {"usageStatisticsEnabled": False},
    }))
    save_profile(base_url=URL, model="m", key=KEY, store=KeyStore.SETTINGS, context=Context.current())
    data = user_settings()
    assert data["security"]["auth"] == {"selectedType": "openai"}
    assert data["model"]["baseUrl"] == URL
    assert data["$version"] == 4 and data["privacy"] == {"usageStatisticsEnabled": False}


def test_api_key_for_the_same_url_survives_a_save_without_a_key(no_keyring: None, qwen_home: Path) -> None:
    qwen_home.mkdir()
    paths.user_settings_path(os.environ).write_text(json.dumps(
        {"security": {"auth": {"selectedType": "openai", "apiKey": "sk-legacy-0123456789", "baseUrl": URL}}}
    ))
    save_profile(base_url=URL, model="m", key=None, store=KeyStore.KEYRING, context=Context.current())
    assert user_settings()["security"]["auth"]["apiKey"] == "sk-legacy-0123456789"


def test_invalid_input_and_unparsable_settings_are_refused(no_keyring: None, qwen_home: Path) -> None:
    with pytest.raises(ProfileError):
        save_profile(base_url="ftp://x", model="m", key=KEY, context=Context.current())
    with pytest.raises(ProfileError):
        save_profile(base_url=URL, model="  ", key=KEY, context=Context.current())
    qwen_home.mkdir()
    paths.user_settings_path(os.environ).write_text("{ not json")
    with pytest.raises(ProfileError) as error:
        save_profile(base_url=URL, model="m", key=KEY, store=KeyStore.FILE, context=Context.current())
    assert KEY not in str(error.value)
    assert paths.user_settings_path(os.environ).read_text() == "{ not json"
    assert not paths.secrets_file_path(os.environ).exists()  # nothing stored when the settings cannot be read


def test_switching_to_a_profile_in_an_unparsable_file_names_the_file_and_leaves_it(no_keyring: None) -> None:
    """The profile is saved, then the user file is broken outside the app: the switch must say that file cannot
    be read and what to do, not that there is no such profile, and must not write it."""
    save_profile(base_url=URL, model="a", key=KEY, store=KeyStore.FILE, context=Context.current())
    path = paths.user_settings_path(os.environ)
    broken = path.read_text().replace("{", "{ oops", 1)
    path.write_text(broken)
    before = os.stat(path)
    with pytest.raises(ProfileError) as error:
        activate_profile("a", Context.current())
    said = str(error.value)
    assert str(path) in said and "fix it or move it aside" in said and "\n" not in said, said
    assert "no saved profile" not in said
    assert path.read_text() == broken and os.stat(path).st_mtime_ns == before.st_mtime_ns


def test_list_activate_delete(no_keyring: None) -> None:
    save_profile(base_url=URL, model="a", key=KEY, store=KeyStore.FILE, context=Context.current())
    # A Qwen Code preset is installed with its built-in models (DeepSeek: two), the chosen one active.
    save_profile(base_url="https://api.deepseek.com", model="deepseek-v4-flash", key="sk-deep-0123456789abcd",
                 store=KeyStore.SETTINGS, preset=preset("deepseek"), context=Context.current())
    profiles = {p.id: p for p in list_profiles(resolve(Context.current()))}
    assert set(profiles) == {"a", "deepseek-v4-pro", "deepseek-v4-flash"}
    assert profiles["deepseek-v4-flash"].active and not profiles["a"].active
    assert profiles["deepseek-v4-flash"].name == "[DeepSeek] deepseek-v4-flash"
    assert profiles["deepseek-v4-flash"].env_key == "DEEPSEEK_API_KEY"
    assert str(paths.user_settings_path(os.environ)) in (profiles["deepseek-v4-flash"].key_location or "")
    assert str(paths.secrets_file_path(os.environ)) in (profiles["a"].key_location or "")

    active = activate_profile("a", Context.current())
    assert active.active and active.base_url == URL
    assert user_settings()["model"] == {"name": "a", "baseUrl": URL}
    assert activate_profile("deepseek-v4-pro", Context.current()).active
    # As Qwen Code's `/model` writes it (persistModelSelection): the entry's URL.
    assert user_settings()["model"] == {"name": "deepseek-v4-pro", "baseUrl": "https://api.deepseek.com"}
    with pytest.raises(ProfileError):
        activate_profile("missing", Context.current())

    delete_profile("a", Context.current())
    assert [p.id for p in list_profiles(resolve(Context.current()))] == ["deepseek-v4-pro", "deepseek-v4-flash"]
    assert not paths.secrets_file_path(os.environ).exists()  # its secret went with it
    delete_profile("deepseek-v4-pro", Context.current())
    assert "name" not in user_settings().get("model", {})
    assert user_settings()["env"] == {"DEEPSEEK_API_KEY": "sk-deep-0123456789abcd"}  # still used by the other
    delete_profile("deepseek-v4-flash", Context.current())
    assert "env" not in user_settings() and "modelProviders" not in user_settings()
    with pytest.raises(ProfileError):
        delete_profile("deepseek-v4-flash", Context.current())


def test_delete_keeps_a_secret_another_profile_shares(no_keyring: None) -> None:
    save_profile(base_url=URL, model="a", key=KEY, store=KeyStore.FILE, context=Context.current())
    save_profile(base_url=URL, model="b", key=None, store=KeyStore.FILE, context=Context.current())
    assert delete_profile("a", Context.current()) == ["b"]          # says who still uses the key it kept
    assert secrets_file() == {CUSTOM_ENV_KEY: KEY}
    assert [p.id for p in list_profiles(resolve(Context.current()))] == ["b"]


@pytest.mark.parametrize("layer", ["user", "workspace"])
def test_delete_keeps_a_key_an_entry_of_another_protocol_shares(
    no_keyring: None, project_dir: Path, layer: str
) -> None:
    """Issue 14 point 1: an Anthropic-protocol entry naming the same variable uses the key too (Qwen Code keys
    an entry by its envKey, whatever its protocol), in the user settings or in another layer."""
    save_profile(base_url=URL, model="a", key=KEY, store=KeyStore.FILE, context=Context.current())
    theirs = {"id": "claude-x", "name": "Claude X", "baseUrl": "http://127.0.0.1:8002", "envKey": CUSTOM_ENV_KEY}
    if layer == "user":
        data = user_settings()
        data["modelProviders"]["anthropic"] = [theirs]
        paths.user_settings_path(os.environ).write_text(json.dumps(data))
    else:
        (project_dir / ".qwen").mkdir()
        (project_dir / ".qwen" / "settings.json").write_text(json.dumps({"modelProviders": {"anthropic": [theirs]}}))
    assert delete_profile("a", Context(project_dir, os.environ)) == ["Claude X"]
    assert secrets_file() == {CUSTOM_ENV_KEY: KEY}     # still there for the Anthropic entry
    assert "openai" not in user_settings().get("modelProviders", {})


def test_environment_values_report_sources_and_shadowed_files(
    no_keyring: None, project_dir: Path, qwen_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    qwen_home.mkdir()
    (qwen_home / ".env").write_text("OPENAI_MODEL=hidden\n")
    (project_dir / ".env").write_text(f"OPENAI_API_KEY={KEY}\nOPENAI_BASE_URL={URL}\n")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://env.example/v1")
    values = environment_values(resolve(Context(project_dir, os.environ)))
    assert values is not None
    assert values.dotenv_path == project_dir / ".env"
    assert values.shadowed == ()   # qwen 0.24.4 reads ~/.qwen/.env after the project's, for unset variables
    assert values.base_url.value == "https://env.example/v1" and values.base_url.source.kind == SourceKind.ENV
    assert values.key.source.kind == SourceKind.DOTENV and values.key.source.path == project_dir / ".env"
    assert KEY not in values.key.value and values.key.value.endswith("cdef")
    assert values.model.value == "hidden" and values.model.source.path == qwen_home / ".env"
    # The form's import asks for the key itself.
    unmasked = environment_values(resolve(Context(project_dir, os.environ)), unmasked=True)
    assert unmasked is not None and unmasked.key is not None and unmasked.key.value == KEY


# --- the real Secret Service ----------------------------------------------------------------------


@pytest.fixture
def real_keyring(secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in secret_service.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", SECRET_SERVICE_BACKEND)
    return secret_service


def secret_tool_lookup(name: str, bus_env: dict[str, str]) -> str:
    result = subprocess.run(["secret-tool", "lookup", "service", SERVICE, "username", name],
                            env={**os.environ, **bus_env}, capture_output=True, text=True, timeout=30)
    return result.stdout


@pytest.mark.keyring
def test_keyring_store_goes_to_the_secret_service(real_keyring: dict[str, str]) -> None:
    env_key = "QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_8123_V1_0A98981EC7EC"   # sha256sum, see CUSTOM_ENV_KEY
    url = "http://127.0.0.1:8123/v1"
    here = Context.current()
    save_profile(base_url=url, model="k", key=KEY, store=KeyStore.SETTINGS, context=here)  # an older plain copy …
    result = save_profile(base_url=url, model="k", key=KEY, context=here)                   # … moved to the keyring
    try:
        assert result.warning is None and "keyring" in (result.key_location or "").lower()
        assert secret_tool_lookup(env_key, real_keyring) == KEY
        assert "env" not in user_settings() and not paths.secrets_file_path(os.environ).exists()
        assert KEY not in paths.user_settings_path(os.environ).read_text()
        resolution = resolve(Context.current())
        assert resolution.ok and resolution.credential.source.kind == SourceKind.KEYRING
        # Switching to the explicit file leaves no keyring copy behind.
        save_profile(base_url=url, model="k", key=KEY, store=KeyStore.FILE, context=Context.current())
        assert secret_tool_lookup(env_key, real_keyring) == ""
        assert secrets_file() == {env_key: KEY}
        save_profile(base_url=url, model="k", key=KEY, context=Context.current())
        delete_profile("k", Context.current())
        assert secret_tool_lookup(env_key, real_keyring) == ""
    finally:
        SecretStore(os.environ).delete(env_key)


def test_a_different_exported_value_is_reported_as_shadowing(
    no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", "sk-exported-0123456789")
    result = save_profile(base_url="https://api.deepseek.com/v1", model="deepseek-chat", key=KEY,
                          store=KeyStore.FILE, preset=preset("deepseek"), context=Context.current())
    assert result.warning and "$DEEPSEEK_API_KEY" in result.warning
    assert "sk-exported-0123456789" not in result.warning and KEY not in result.warning


def test_keyless_local_server_gets_a_placeholder_key_so_qwen_accepts_it(qwen_home: Path) -> None:
    """Qwen Code #3384: `qwen` refuses an OpenAI-compatible provider with no key, even a local one."""
    from qwen_tui.core.providers.profiles import KEYLESS_PLACEHOLDER

    result = save_profile(base_url="http://localhost:11434/v1", model="qwen3-coder", key=None,
                          preset=preset("ollama"), context=Context.current())
    settings = json.loads((qwen_home / "settings.json").read_text())
    assert settings["env"] == {result.profile.env_key: KEYLESS_PLACEHOLDER}
    assert resolve(Context.current()).ok


def test_a_remote_provider_saved_without_a_key_gets_no_placeholder(qwen_home: Path) -> None:
    save_profile(base_url="https://api.deepseek.com/v1", model="deepseek-chat", key=None, preset=preset("deepseek"),
                 context=Context.current())
    settings = json.loads((qwen_home / "settings.json").read_text())
    assert "env" not in settings
    assert not resolve(Context.current()).ok


# ---- another writer in the same instant -----------------------------------------------------------------------

def _another_writer_adds(entry: dict) -> None:
    """What `qwen` (or a second qwen-tui) does meanwhile: add its own provider to the user settings."""
    data = user_settings()
    data.setdefault("modelProviders", {}).setdefault("openai", []).append(entry)
    paths.user_settings_path(os.environ).write_text(json.dumps(data, indent=2))


THEIRS = {"id": "theirs", "name": "theirs", "baseUrl": "http://127.0.0.1:8001/v1", "envKey": "THEIR_KEY"}


def test_a_save_keeps_a_provider_another_writer_added_meanwhile(no_keyring: None, monkeypatch) -> None:
    """Storing the key takes time (up to seconds with a keyring): the provider list is rebuilt from the file as
    it is when written, under the writer's lock, not from a read made before. The other writer is simulated by
    a hook on the key store: two real processes cannot be made to interleave at that instant on demand."""
    import qwen_tui.core.providers.profiles as profiles

    save_profile(base_url=URL, model="a", key=KEY, store=KeyStore.FILE, context=Context.current())
    real_write_secret = profiles._write_secret

    def slow_store(*args, **kwargs):
        _another_writer_adds(THEIRS)
        return real_write_secret(*args, **kwargs)

    monkeypatch.setattr(profiles, "_write_secret", slow_store)
    save_profile(base_url=URL, model="b", key=KEY, store=KeyStore.FILE, context=Context.current())
    assert [e["id"] for e in user_settings()["modelProviders"]["openai"]] == ["b", "a", "theirs"]


def test_activate_and_delete_keep_a_provider_another_writer_added_meanwhile(no_keyring: None, monkeypatch) -> None:
    import qwen_tui.core.providers.profiles as profiles

    save_profile(base_url=URL, model="a", key=KEY, store=KeyStore.FILE, context=Context.current())
    save_profile(base_url=URL, model="b", key=None, store=KeyStore.FILE, context=Context.current())
    real_update = profiles._update_user_layer
    arriving = [THEIRS, {**THEIRS, "id": "theirs-2"}]

    def interleaved(*args, **kwargs):
        _another_writer_adds(arriving.pop(0))
        return real_update(*args, **kwargs)

    monkeypatch.setattr(profiles, "_update_user_layer", interleaved)
    delete_profile("a", Context.current())
    assert [e["id"] for e in user_settings()["modelProviders"]["openai"]] == ["b", "theirs"]
    activate_profile("b", Context.current())
    assert [e["id"] for e in user_settings()["modelProviders"]["openai"]] == ["b", "theirs", "theirs-2"]

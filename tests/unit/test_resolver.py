"""The resolver's orders and the masking of secrets, with every expected winner written down here.

The orders are Qwen Code's (shared/reference/qwen-code.md, "OpenAI-compatible auth and environment"): the
`modelProviders` entry, then the environment (a loaded `.env` never overrides it), then settings, then defaults.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qwen_tui.core.context import Context
from qwen_tui.core.resolver import KeyringNeeded, SourceKind, mask_secret, resolve

KEY = "sk-resolver-test-00001111"


@pytest.fixture
def user_settings(qwen_home: Path) -> Path:
    qwen_home.mkdir()
    return qwen_home / "settings.json"


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def test_the_environment_beats_a_dotenv_value_of_the_same_name_in_var_expansion(
    user_settings: Path, project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_json(user_settings, {"security": {"auth": {
        "selectedType": "openai", "apiKey": "$SHARED_KEY", "baseUrl": "${SHARED_URL}/v1"}}})
    (project_dir / ".env").write_text("SHARED_KEY=sk-from-dotenv-aaaa1111\nSHARED_URL=http://127.0.0.1:1\n")
    monkeypatch.setenv("SHARED_KEY", "sk-from-environment-bbbb2222")
    monkeypatch.setenv("SHARED_URL", "http://127.0.0.1:2")
    resolution = resolve(Context.current())
    assert resolution.base_url.value == "http://127.0.0.1:2/v1"
    assert resolution.credential.masked == "sk-…2222"
    monkeypatch.delenv("SHARED_KEY")  # only in .env now: the .env value fills the gap
    assert resolve(Context.current()).credential.masked == "sk-…1111"


def test_a_dotenv_value_never_reaches_a_name_it_does_not_define(
    user_settings: Path, project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "openai", "apiKey": KEY,
                                                     "baseUrl": "http://127.0.0.1:3/$UNSET_PART"}}})
    (project_dir / ".env").write_text("OTHER=x\n")
    # left as written, like Qwen Code
    assert resolve(Context.current()).base_url.value == "http://127.0.0.1:3/$UNSET_PART"


# --- the base URL: provider entry > environment > .env > settings env block > security.auth > model > default ---

PROVIDER_URL = "http://127.0.0.1:11/v1"
ENV_URL = "http://127.0.0.1:12/v1"
DOTENV_URL = "http://127.0.0.1:13/v1"
SETTINGS_ENV_URL = "http://127.0.0.1:14/v1"
AUTH_URL = "http://127.0.0.1:15/v1"
MODEL_URL = "http://127.0.0.1:16/v1"


def settings_with(*sources: str) -> dict:
    auth: dict = {"selectedType": "openai", "apiKey": KEY}
    data: dict = {"security": {"auth": auth}, "model": {"name": "m1"}}
    if "provider" in sources:
        data["modelProviders"] = {"openai": [{"id": "m1", "baseUrl": PROVIDER_URL}]}
    if "settings-env" in sources:
        data["env"] = {"OPENAI_BASE_URL": SETTINGS_ENV_URL}
    if "security.auth" in sources:
        auth["baseUrl"] = AUTH_URL
    if "model" in sources:
        data["model"]["baseUrl"] = MODEL_URL
    return data


ALL = ("provider", "environment", "dotenv", "settings-env", "security.auth", "model")


@pytest.mark.parametrize(("present", "winner", "kind", "key"), [
    (ALL, PROVIDER_URL, SourceKind.SETTINGS, "modelProviders.openai[0].baseUrl"),
    (ALL[1:], ENV_URL, SourceKind.ENV, "OPENAI_BASE_URL"),
    (ALL[2:], DOTENV_URL, SourceKind.DOTENV, "OPENAI_BASE_URL"),
    (ALL[3:], SETTINGS_ENV_URL, SourceKind.SETTINGS_ENV, "env.OPENAI_BASE_URL"),
    (ALL[4:], AUTH_URL, SourceKind.SETTINGS, "security.auth.baseUrl"),
    # model.baseUrl alone is not a base URL: qwen 0.15.10 and 0.24.4 asked api.openai.com (tests/interop/
    # test_unnamed_model_other.py); it only tells same-named entries apart.
    (ALL[5:], "https://api.openai.com/v1", SourceKind.DEFAULT, None),
    ((), "https://api.openai.com/v1", SourceKind.DEFAULT, None),
], ids=["provider", "environment", "dotenv", "settings-env", "security.auth", "model.baseUrl", "default"])
def test_base_url_order(
    user_settings: Path, project_dir: Path, monkeypatch: pytest.MonkeyPatch,
    present: tuple[str, ...], winner: str, kind: SourceKind, key: str | None,
) -> None:
    write_json(user_settings, settings_with(*present))
    if "environment" in present:
        monkeypatch.setenv("OPENAI_BASE_URL", ENV_URL)
    if "dotenv" in present:
        (project_dir / ".env").write_text(f"OPENAI_BASE_URL={DOTENV_URL}\n")
    base_url = resolve(Context.current()).base_url
    assert (base_url.value, base_url.source.kind, base_url.source.key) == (winner, kind, key)


def test_openai_base_url_beats_security_auth_base_url(user_settings: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_json(user_settings, settings_with("security.auth"))
    monkeypatch.setenv("OPENAI_BASE_URL", ENV_URL)
    assert resolve(Context.current()).base_url.value == ENV_URL


def test_a_workspace_value_beats_the_user_value_and_the_system_value_beats_both(
    user_settings: Path, project_dir: Path, isolated_home: Path
) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "openai", "apiKey": KEY}},
                               "model": {"name": "from-user"}})
    write_json(project_dir / ".qwen" / "settings.json", {"model": {"name": "from-workspace"}})
    assert resolve(Context.current()).model.value == "from-workspace"
    write_json(isolated_home.parent / "etc" / "settings.json", {"model": {"name": "from-system"}})
    model = resolve(Context.current()).model
    assert (model.value, model.source.scope) == ("from-system", "system")


# --- masking ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("secret", "masked"), [
    ("", "………"),
    ("sk-short", "………"),
    ("sk-12345678", "………"),               # 11 characters: the last 4 would be more than a third
    ("sk-123456789", "sk-…6789"),           # 12: the last 4 are a third
    ("abcdefghijkl", "…ijkl"),              # no `xx-` prefix: nothing before the ellipsis
    ("ms-0123456789abcdef", "ms-…cdef"),    # ModelScope's prefix is kept like OpenAI's
    ("AIzaSyD-0123456789abcdef", "…cdef"),  # a dash, but not third: no prefix
    ("sk_0123456789abcdef", "…cdef"),       # an underscore is not the prefix separator
    ("é--0123456789abcdef", "…cdef"),       # a prefix must be plain ASCII
    ("sk-é0123456789abcdef", "sk-…cdef"),   # ... the prefix, not what follows it
    ("ab-", "………"),
])
def test_masking(secret: str, masked: str) -> None:
    assert mask_secret(secret) == masked


@settings(deadline=None)
@given(st.text(min_size=0, max_size=80))
def test_a_mask_never_shows_more_than_a_third_of_the_secret_beyond_its_prefix(secret: str) -> None:
    masked = mask_secret(secret)
    prefix, _, tail = masked.partition("…")
    assert prefix in ("", secret[:3]) and (not prefix or prefix.endswith("-"))
    tail = tail.lstrip("…")
    assert len(tail) * 3 <= len(secret)
    assert secret.endswith(tail)


def test_a_source_names_its_settings_layer_in_words() -> None:
    """status prints where a value comes from: the layer's name as words, not its identifier."""
    from qwen_tui.core.resolver import Source

    source = Source(SourceKind.SETTINGS, Path("/etc/qwen-code/system-defaults.json"), "model.name", "system-defaults")
    assert source.describe() == "system defaults settings (/etc/qwen-code/system-defaults.json) model.name"


def test_a_source_without_a_file_is_described_with_the_screens_short_paths(project_dir: Path) -> None:
    """The home screen and the profiles table write paths with short_path, which needs a path: an environment or
    keyring source has none and must not be given one."""
    from qwen_tui.core.resolver import Source
    from qwen_tui.ui.describe import describe_source, short_path

    def short(path: Path) -> str:
        return short_path(path, os.environ, project_dir)

    assert describe_source(Source(SourceKind.ENV, key="OPENAI_API_KEY"), short) == "from environment $OPENAI_API_KEY"
    assert describe_source(Source(SourceKind.KEYRING, key="K"), short) == "from OS keyring (K)"
    assert describe_source(Source(SourceKind.DOTENV, project_dir / ".env", "K"), short) == "from .env (./.env) K"


# --- Qwen OAuth: the credentials file ------------------------------------------------------------------------

def oauth_files(user_settings: Path, qwen_home: Path, expiry: int) -> Path:
    write_json(user_settings, {"security": {"auth": {"selectedType": "qwen-oauth"}}})
    creds = qwen_home / "oauth_creds.json"
    write_json(creds, {"access_token": "oauth-access-token-0000wxyz", "refresh_token": "r", "token_type": "Bearer",
                       "expiry_date": expiry, "resource_url": "portal.example.test"})
    return creds


def test_qwen_oauth_credentials_come_from_the_file_with_their_expiry(user_settings: Path, qwen_home: Path) -> None:
    creds = oauth_files(user_settings, qwen_home, 1767225600000)   # 2026-01-01T00:00:00Z
    resolution = resolve(Context.current(), keyring=False)        # the file needs no keyring
    credential = resolution.credential
    assert (credential.present, credential.masked, credential.detail) == (True, "…wxyz", "2026-01-01T00:00:00+00:00")
    assert (credential.source.kind, credential.source.path) == (SourceKind.OAUTH_CREDS, creds)
    assert resolution.base_url.value == "https://portal.example.test/v1"
    assert resolution.base_url.source == credential.source


def test_qwen_oauth_without_credentials_has_none(user_settings: Path) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "qwen-oauth"}}})
    credential = resolve(Context.current(), keyring=False).credential
    assert credential.present is False and credential.masked is None


# --- Anthropic and Gemini: the protocol's own variables -------------------------------------------------------

def test_anthropic_takes_its_key_and_base_url_from_its_own_variables(
    user_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "anthropic"}}, "model": {"name": "claude-x"}})
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-0000abcd")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:21")
    resolution = resolve(Context.current(), keyring=False)
    credential = resolution.credential
    assert (credential.present, credential.masked, credential.variable, credential.secret) == \
        (True, "sk-…abcd", "ANTHROPIC_API_KEY", "sk-ant-test-0000abcd")
    assert (credential.source.kind, credential.source.key) == (SourceKind.ENV, "ANTHROPIC_API_KEY")
    assert (resolution.base_url.value, resolution.base_url.source.kind) == ("http://127.0.0.1:21", SourceKind.ENV)


def test_gemini_without_a_key_names_the_variable_and_uses_googles_api(user_settings: Path) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "gemini"}}})
    with pytest.raises(KeyringNeeded):   # nothing in the environment chain: only the keyring could hold it
        resolve(Context.current(), keyring=False)
    resolution = resolve(Context.current())   # no Secret Service here: no key anywhere
    assert (resolution.credential.present, resolution.credential.variable) == (False, "GEMINI_API_KEY")
    base_url = resolution.base_url
    assert (base_url.value, base_url.source.kind) == ("https://generativelanguage.googleapis.com", SourceKind.DEFAULT)


# --- the key's variable and store, entries that name them, values of the wrong type (found by a mutation run) ---

@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """A keyring backend that always fails: SecretStore reads only its explicit 0600 file."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def secrets_file(qwen_home: Path, **secrets: str) -> Path:
    path = qwen_home / "qwen-tui-secrets.json"
    path.write_text(json.dumps(secrets))
    path.chmod(0o600)
    return path


def openai_entry(user_settings: Path, entry: dict, **model: str) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "openai"}}, "model": {"name": "m1", **model},
                               "modelProviders": {"openai": [{"id": "m1", **entry}]}})


def test_without_any_key_openai_names_openai_api_key(user_settings: Path, no_keyring: None) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "openai"}}})
    resolution = resolve(Context.current())
    assert resolution.credential.present is False and resolution.credential.variable == "OPENAI_API_KEY"
    assert resolution.ok is False


def test_an_openai_key_in_the_secrets_file_is_found_under_its_name(
    user_settings: Path, qwen_home: Path, no_keyring: None
) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "openai"}}})
    path = secrets_file(qwen_home, OPENAI_API_KEY=KEY)
    credential = resolve(Context.current()).credential
    assert (credential.present, credential.masked, credential.variable) == (True, "sk-…1111", "OPENAI_API_KEY")
    assert (credential.source.kind, credential.source.path, credential.source.key) == \
        (SourceKind.SECRET_FILE, path, "OPENAI_API_KEY")


def test_an_empty_stored_key_is_no_key(user_settings: Path, qwen_home: Path, no_keyring: None) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "openai"}}})
    secrets_file(qwen_home, OPENAI_API_KEY="", ANTHROPIC_API_KEY="")
    assert resolve(Context.current()).credential.present is False
    write_json(user_settings, {"security": {"auth": {"selectedType": "anthropic"}}})
    assert resolve(Context.current()).credential.present is False


def test_an_entrys_unset_variable_leaves_the_key_to_openai_api_key(
    user_settings: Path, monkeypatch: pytest.MonkeyPatch, no_keyring: None
) -> None:
    """`qwen` reads OPENAI_API_KEY when the entry's envKey is unset: `run` must pass the key under that name."""
    openai_entry(user_settings, {"baseUrl": PROVIDER_URL, "envKey": "MY_OPENAI_KEY"})
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    credential = resolve(Context.current()).credential
    assert (credential.present, credential.variable, credential.source.key) == \
        (True, "OPENAI_API_KEY", "OPENAI_API_KEY")


@pytest.mark.parametrize("entry", [{}, {"envKey": 123}], ids=["no envKey", "envKey not a string"])
def test_an_entry_naming_no_variable_never_asks_the_keyring(
    user_settings: Path, monkeypatch: pytest.MonkeyPatch, entry: dict
) -> None:
    openai_entry(user_settings, {"baseUrl": PROVIDER_URL, **entry})
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    credential = resolve(Context.current(), keyring=False).credential   # KeyringNeeded if it looked further
    assert (credential.present, credential.variable, credential.source.kind) == (True, "OPENAI_API_KEY", SourceKind.ENV)


def test_a_persisted_base_url_picks_among_same_named_entries_only_for_a_settings_model(
    user_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Qwen Code 0.24.4 (resolveCliGenerationConfig) matches `model.baseUrl` only when settings chose the model and
    the URL is not empty; otherwise the first entry of that id."""
    entries = [{"id": "m1", "baseUrl": PROVIDER_URL}, {"id": "m1", "baseUrl": MODEL_URL}, {"id": "m1", "baseUrl": ""}]
    data = {"security": {"auth": {"selectedType": "openai", "apiKey": KEY}}, "model": {"baseUrl": MODEL_URL},
            "modelProviders": {"openai": entries}}
    write_json(user_settings, data)
    monkeypatch.setenv("OPENAI_MODEL", "m1")
    assert resolve(Context.current()).base_url.value == PROVIDER_URL   # the model came from OPENAI_MODEL
    data["model"] = {"name": "m1", "baseUrl": ""}
    write_json(user_settings, data)
    assert resolve(Context.current()).base_url.value == PROVIDER_URL


def test_anthropic_entry_without_its_key_or_with_a_non_string_url(
    user_settings: Path, monkeypatch: pytest.MonkeyPatch, no_keyring: None
) -> None:
    """The entry's key variable unset: ANTHROPIC_API_KEY, under its own name; its baseUrl a number: unset."""
    write_json(user_settings, {"security": {"auth": {"selectedType": "anthropic"}}, "model": {"name": "claude-x"},
                               "modelProviders": {"anthropic": [{"id": "claude-x", "baseUrl": 8080,
                                                                 "envKey": "MY_ANTHROPIC_KEY"}]}})
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-0000abcd")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:21")
    resolution = resolve(Context.current())
    assert (resolution.credential.present, resolution.credential.variable) == (True, "ANTHROPIC_API_KEY")
    assert (resolution.base_url.value, resolution.base_url.source.kind) == ("http://127.0.0.1:21", SourceKind.ENV)


def test_gemini_takes_its_base_url_neither_from_model_base_url_nor_from_another_variable(
    user_settings: Path, monkeypatch: pytest.MonkeyPatch, no_keyring: None
) -> None:
    # Gemini's one base URL variable is GOOGLE_GEMINI_BASE_URL: not GEMINI_BASE_URL, nor one named `None` in a
    # settings `env` block; `model.baseUrl` is ignored (qwen 0.12.0 to 0.24.4 asked Google's API, measured).
    data = {"security": {"auth": {"selectedType": "gemini"}}, "env": {"None": ENV_URL, "GEMINI_BASE_URL": ENV_URL}}
    write_json(user_settings, data)
    monkeypatch.setenv("GEMINI_BASE_URL", ENV_URL)
    assert resolve(Context.current()).base_url.value == "https://generativelanguage.googleapis.com"
    data["model"] = {"baseUrl": MODEL_URL}
    write_json(user_settings, data)
    base_url = resolve(Context.current()).base_url
    assert (base_url.value, base_url.source.kind) == ("https://generativelanguage.googleapis.com", SourceKind.DEFAULT)


def test_problems_name_the_unreadable_dotenv_and_the_provider_without_a_key(
    user_settings: Path, project_dir: Path, no_keyring: None
) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "anthropic"}}})
    (project_dir / ".env").mkdir()   # Qwen Code stops at it, and loads nothing
    problems = resolve(Context.current()).problems
    assert f"Cannot read {project_dir / '.env'}" in problems[0] and "\n" not in problems[0]
    assert problems[1:] == ("Missing API key for the anthropic provider: run `qwen-tui auth`, or set "
                            "ANTHROPIC_API_KEY.",)


@pytest.mark.keyring
def test_qwen_oauth_credentials_only_in_the_keyring(
    user_settings: Path, project_dir: Path, secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preference says keyring and no file exists: only the keyring can tell (KeyringNeeded without it), and
    the credential's source is the keyring entry, not a file."""
    from qwen_tui.core.oauth.credentials import Credentials, KeyringStore, save_credentials
    from qwen_tui.core.resolver import Source

    for name, value in secret_service.items():
        monkeypatch.setenv(name, value)   # keyring's backend finds the bus in the process environment
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.SecretService.Keyring")
    monkeypatch.setenv("QWEN_TUI_OAUTH_STORE", "keyring")
    write_json(user_settings, {"security": {"auth": {"selectedType": "qwen-oauth"}}})
    creds = Credentials("oauth-keyring-token-0000wxyz", "r", "Bearer", "portal.example.test", 1767225600000)
    save_credentials(creds, "keyring", dict(os.environ))
    try:
        with pytest.raises(KeyringNeeded):
            resolve(Context.current(), keyring=False)
        resolution = resolve(Context.current())
    finally:
        KeyringStore(dict(os.environ)).delete()
    credential = resolution.credential
    assert (credential.present, credential.masked, credential.detail) == (True, "…wxyz", "2026-01-01T00:00:00+00:00")
    assert credential.source == Source(SourceKind.KEYRING, key="qwen-oauth-creds") == resolution.base_url.source
    assert not (user_settings.parent / "oauth_creds.json").exists()


def test_usage_statistics_unset_are_qwen_codes_default_on(user_settings: Path) -> None:
    write_json(user_settings, {"security": {"auth": {"selectedType": "openai"}}})
    resolution = resolve(Context.current())
    usage = resolution.usage_stats
    assert (usage.value, usage.source.kind, resolution.usage_stats_chosen) == (True, SourceKind.DEFAULT, False)


def test_a_nearer_dotenv_names_the_one_it_shadows(project_dir: Path) -> None:
    nearer = project_dir / "sub" / ".env"
    nearer.parent.mkdir()
    nearer.write_text("A=near\n")
    (project_dir / ".env").write_text("A=far\n")
    resolution = resolve(Context(nearer.parent, dict(os.environ)))
    assert resolution.dotenv_path == nearer and project_dir / ".env" in resolution.shadowed_dotenv


@pytest.mark.parametrize(("selected", "named"), [("openai", "openai"), (None, "-")])
def test_an_enforced_method_other_than_the_selected_one_is_a_problem_naming_both(
    user_settings: Path, isolated_home: Path, selected: str | None, named: str
) -> None:
    auth = {"selectedType": selected} if selected else {}
    write_json(user_settings, {"security": {"auth": {**auth, "apiKey": KEY}}})
    write_json(isolated_home.parent / "etc" / "settings.json", {"security": {"auth": {"enforcedType": "qwen-oauth"}}})
    resolution = resolve(Context.current())
    assert resolution.enforced_mismatch and not resolution.ok
    assert resolution.problems[-1] == (f"security.auth.enforcedType requires qwen-oauth, but the selected method is "
                                       f"{named}: run `qwen-tui auth` to switch.")


def test_a_keys_source_names_the_file_and_the_name_it_was_found_under(
    user_settings: Path, project_dir: Path, qwen_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The environment, the project `.env`, a home `.env` behind it (read for unset variables since 0.21.2; no
    `qwen` installed counts as a current one), a settings `env` block: each named with its file."""
    from qwen_tui.core.resolver import Source

    write_json(user_settings, {"security": {"auth": {"selectedType": "openai"}}, "env": {"OPENAI_API_KEY": KEY}})
    monkeypatch.setenv("PATH", str(project_dir / "no-qwen-here"))
    expected = Source(SourceKind.SETTINGS_ENV, user_settings, "env.OPENAI_API_KEY", "user")
    assert resolve(Context.current()).credential.source == expected
    (project_dir / ".env").write_text("OTHER=x\n")
    (qwen_home / ".env").write_text(f"OPENAI_API_KEY={KEY}\n")
    expected = Source(SourceKind.DOTENV, qwen_home / ".env", "OPENAI_API_KEY")
    assert resolve(Context.current()).credential.source == expected
    (project_dir / ".env").write_text(f"OPENAI_API_KEY={KEY}\n")
    expected = Source(SourceKind.DOTENV, project_dir / ".env", "OPENAI_API_KEY")
    assert resolve(Context.current()).credential.source == expected
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    assert resolve(Context.current()).credential.source == Source(SourceKind.ENV, key="OPENAI_API_KEY")


def test_only_keys_in_a_settings_env_block_are_plain_text_problems(user_settings: Path) -> None:
    """A variable ending in _API_KEY or named by an entry's envKey, with a value other than the keyless
    placeholder, is a key in plain text; a URL, an empty value or the placeholder are not."""
    write_json(user_settings, {
        "security": {"auth": {"selectedType": "anthropic"}}, "model": {"name": "claude-x"},
        "modelProviders": {"anthropic": [{"id": "claude-x", "envKey": "CLAUDE_TOKEN"}]},
        "env": {"ANTHROPIC_API_KEY": "sk-ant-0000", "CLAUDE_TOKEN": "t-0000", "ANTHROPIC_BASE_URL": ENV_URL,
                "OPENAI_API_KEY": "", "LOCAL_API_KEY": "not-needed"}})
    found = [p for p in resolve(Context.current(), keyring=False).problems if "plain text" in p]
    assert found == [f"The key {name} is in plain text in {user_settings}: move it to the keyring with "
                     "`qwen-tui auth move-key --to keyring`." for name in ("ANTHROPIC_API_KEY", "CLAUDE_TOKEN")]


def test_an_empty_value_in_a_settings_env_block_sets_nothing(user_settings: Path) -> None:
    """The saved-providers view and the shadowing warning ask where a key variable is set: an empty value is
    nowhere (not "user settings env.MY_KEY")."""
    from qwen_tui.core.resolver import NOT_SET, ConfigLookup

    write_json(user_settings, {"env": {"MY_KEY": ""}})
    found = ConfigLookup.load(Context.current()).variable("MY_KEY")
    assert (found.value, found.source) == (None, NOT_SET)

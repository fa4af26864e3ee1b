"""Reading Qwen Code's settings layers: parsing, v1 keys, `$VAR` expansion, precedence and merging."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from qwen_tui.core import i18n
from qwen_tui.core.context import Context
from qwen_tui.core.resolver import OPENAI_DEFAULT_BASE_URL, resolve
from qwen_tui.core.settings import (
    MISSING,
    LoadedSettings,
    Scope,
    SettingsError,
    expand_env_vars,
    get_dotted,
    layer_path,
    load_settings,
    merge_layers,
    migrate_v1,
    parse_settings_bytes,
    parse_settings_text,
)
from tests.conftest import FIXTURES

FILE = Path("/somewhere/settings.json")


def write(path: Path, content: str | dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


@pytest.fixture
def layer_files(isolated_home: Path, project_dir: Path) -> dict[Scope, Path]:
    etc = isolated_home.parent / "etc"
    return {
        Scope.SYSTEM_DEFAULTS: etc / "system-defaults.json",
        Scope.USER: isolated_home / ".qwen" / "settings.json",
        Scope.WORKSPACE: project_dir / ".qwen" / "settings.json",
        Scope.SYSTEM: etc / "settings.json",
    }


# --- parsing ---------------------------------------------------------------------------------------


def test_comments_outside_strings_are_ignored_and_inside_strings_kept() -> None:
    text = """// leading comment
    {
      /* block
         over lines */
      "url": "http://host//path/*not a comment*/", // trailing
      "n": 1 /* inline */
    }"""
    assert parse_settings_text(text, FILE) == {"url": "http://host//path/*not a comment*/", "n": 1}


def test_escaped_quote_does_not_end_a_string_for_comment_stripping() -> None:
    assert parse_settings_text('{"a": "x\\" // y", "b": 2}', FILE) == {"a": 'x" // y', "b": 2}


@pytest.mark.parametrize("text", ["", "   \n\t", "// only a comment\n", "/* nothing */"])
def test_empty_file_counts_as_empty_object(text: str) -> None:
    assert parse_settings_text(text, FILE) == {}


def test_error_position_is_the_files_own_line_and_column_despite_comments() -> None:
    text = '{\n  /* a comment */ "a": 1\n  "b": 2\n}'
    with pytest.raises(SettingsError) as caught:
        parse_settings_text(text, FILE)
    err = caught.value
    assert (err.path, err.line, err.column) == (FILE, 3, 3)
    assert "Expecting ',' delimiter" in err.reason
    message = str(err)
    assert "\n" not in message
    assert message.startswith(f"settings file {FILE} line 3 column 3: Expecting ',' delimiter")
    assert message.endswith("qwen-tui did not change it")


def test_error_column_counts_characters_after_a_block_comment_on_the_same_line() -> None:
    with pytest.raises(SettingsError) as caught:
        parse_settings_text('{"a": /* c */ tru}', FILE)
    assert (caught.value.line, caught.value.column) == (1, 15)


def test_unclosed_block_comment_is_an_error_at_the_comment() -> None:
    with pytest.raises(SettingsError) as caught:
        parse_settings_text('{"a": 1}\n\n  /* never closed', FILE)
    assert (caught.value.line, caught.value.column) == (3, 3)


@pytest.mark.parametrize("text", ["[1, 2]", '"text"', "3", "null", "true"])
def test_top_level_must_be_an_object(text: str) -> None:
    with pytest.raises(SettingsError) as caught:
        parse_settings_text(text, FILE)
    assert "JSON object" in str(caught.value)
    assert caught.value.line is None


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": -Infinity}', '{"a": 1e400}'])
def test_numbers_json_does_not_allow_are_rejected(text: str) -> None:
    with pytest.raises(SettingsError):
        parse_settings_text(text, FILE)


def test_utf8_bom_is_tolerated() -> None:
    assert parse_settings_bytes(b'\xef\xbb\xbf{"a": "\xc3\xa9"}', FILE) == {"a": "é"}


def test_invalid_utf8_is_a_settings_error_with_its_position() -> None:
    with pytest.raises(SettingsError) as caught:
        parse_settings_bytes(b'{\n  "a": "\xc3\xa9\xff"\n}', FILE)
    assert (caught.value.line, caught.value.column) == (2, 10)
    assert "UTF-8" in str(caught.value)


def test_error_message_is_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_current", "fr")
    with pytest.raises(SettingsError) as caught:
        parse_settings_text("[]", FILE)
    assert str(caught.value).startswith(f"fichier de paramètres {FILE}")


# --- v1 keys and $VAR ------------------------------------------------------------------------------


def test_v1_flat_keys_are_read_under_nested_names() -> None:
    data = {"selectedAuthType": "openai", "enforcedAuthType": "openai", "usageStatisticsEnabled": False,
            "model": "qwen3-coder-plus", "other": 1}
    nested, written_as = migrate_v1(data)
    assert nested == {
        "security": {"auth": {"selectedType": "openai", "enforcedType": "openai"}},
        "privacy": {"usageStatisticsEnabled": False},
        "model": {"name": "qwen3-coder-plus"},
        "other": 1,
    }
    assert written_as == {
        "security.auth.selectedType": "selectedAuthType",
        "security.auth.enforcedType": "enforcedAuthType",
        "privacy.usageStatisticsEnabled": "usageStatisticsEnabled",
        "model.name": "model",
    }
    assert "selectedAuthType" in data  # the input is not modified


def test_nested_key_wins_over_v1_key_in_the_same_file() -> None:
    nested, written_as = migrate_v1(
        {"selectedAuthType": "openai", "security": {"auth": {"selectedType": "qwen-oauth"}}}
    )
    assert nested == {"security": {"auth": {"selectedType": "qwen-oauth"}}}
    assert written_as == {}


def test_v1_keys_after_one_the_nested_key_overrides_are_still_read() -> None:
    nested, written_as = migrate_v1({"security": {"auth": {"selectedType": "qwen-oauth"}},
                                     "selectedAuthType": "openai", "usageStatisticsEnabled": False})
    assert nested == {"security": {"auth": {"selectedType": "qwen-oauth"}},
                      "privacy": {"usageStatisticsEnabled": False}}
    assert written_as == {"privacy.usageStatisticsEnabled": "usageStatisticsEnabled"}


def test_a_v1_key_whose_nested_place_is_not_an_object_stays_as_written() -> None:
    data = {"security": "weird", "selectedAuthType": "openai"}
    assert migrate_v1(data) == ({"security": "weird", "selectedAuthType": "openai"}, {})


def test_reading_v1_keys_leaves_the_given_objects_unchanged() -> None:
    data = {"selectedAuthType": "openai", "security": {"other": 1}}
    nested, _ = migrate_v1(data)
    assert nested == {"security": {"other": 1, "auth": {"selectedType": "openai"}}}
    assert data == {"selectedAuthType": "openai", "security": {"other": 1}}


def test_a_translated_reason_names_the_offending_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_current", "fr")
    with pytest.raises(SettingsError) as caught:
        parse_settings_text('{"a": 1e999}', FILE)
    assert "1e999 n'est pas un nombre JSON fini" in str(caught.value)


def test_model_object_is_not_treated_as_v1() -> None:
    nested, written_as = migrate_v1({"model": {"name": "m", "baseUrl": "u"}})
    assert nested == {"model": {"name": "m", "baseUrl": "u"}} and written_as == {}


def test_layer_reports_the_key_as_the_file_wrote_it(layer_files: dict[Scope, Path]) -> None:
    write(layer_files[Scope.USER], {"selectedAuthType": "openai", "model": {"name": "m"}})
    user = load_settings(Context.current()).layer(Scope.USER)
    assert user.get("security.auth.selectedType") == "openai"
    assert user.key_as_written("security.auth.selectedType") == "selectedAuthType"
    assert user.key_as_written("model.name") == "model.name"


def test_env_vars_expand_in_nested_string_values_but_not_keys() -> None:
    env = {"HOST": "example.com", "KEY": "sk-1"}
    value = {"$HOST": ["https://$HOST/v1", {"k": "${KEY}"}], "n": 3, "keep": "$UNDEFINED and ${ALSO_NOT}"}
    assert expand_env_vars(value, env) == {
        "$HOST": ["https://example.com/v1", {"k": "sk-1"}], "n": 3, "keep": "$UNDEFINED and ${ALSO_NOT}",
    }


def test_layers_expand_with_the_given_environment(layer_files: dict[Scope, Path]) -> None:
    write(layer_files[Scope.USER], {"security": {"auth": {"apiKey": "${MY_KEY}", "baseUrl": "$MY_URL/v1"}}})
    settings = load_settings(Context(Path.cwd(), {**os.environ, "MY_KEY": "sk-abc", "MY_URL": "http://127.0.0.1:9"}))
    assert settings.merged["security"]["auth"] == {"apiKey": "sk-abc", "baseUrl": "http://127.0.0.1:9/v1"}


# --- layers and precedence ------------------------------------------------------------------------


def test_layer_paths_follow_the_environment(layer_files: dict[Scope, Path], project_dir: Path) -> None:
    for scope, path in layer_files.items():
        assert layer_path(scope, Context(project_dir, os.environ)) == path
    qwen_home = project_dir.parent / "elsewhere"
    env = {**os.environ, "QWEN_HOME": str(qwen_home)}
    assert layer_path(Scope.USER, Context(project_dir, env)) == qwen_home / "settings.json"


def test_the_layers_read_are_those_of_the_given_environment(tmp_path: Path, project_dir: Path) -> None:
    other = tmp_path / "other-home"
    write(other / ".qwen" / "settings.json", {"model": {"name": "other-user"}})
    loaded = load_settings(Context(project_dir, {"HOME": str(other)}))
    assert loaded.lookup("model.name") == ("other-user", loaded.layer(Scope.USER))
    assert loaded.layer(Scope.USER).path == other / ".qwen" / "settings.json"


def test_each_layer_says_whether_its_file_exists_and_where(layer_files: dict[Scope, Path],
                                                          isolated_home: Path) -> None:
    write(layer_files[Scope.USER], {"model": {"name": "m"}})
    write(layer_files[Scope.WORKSPACE], "{ broken")
    write(layer_files[Scope.SYSTEM_DEFAULTS], '{"deep": ' + "[" * 900 + "]" * 900 + "}")   # too deep to copy
    loaded = load_settings(Context.current())
    seen = {layer.scope: (layer.exists, layer.path, layer.error is not None) for layer in loaded.layers}
    assert seen == {
        Scope.SYSTEM_DEFAULTS: (True, layer_files[Scope.SYSTEM_DEFAULTS], True),
        Scope.USER: (True, layer_files[Scope.USER], False),
        Scope.WORKSPACE: (True, layer_files[Scope.WORKSPACE], True),
        Scope.SYSTEM: (False, layer_files[Scope.SYSTEM], False),
    }
    at_home = load_settings(Context(isolated_home, os.environ)).layer(Scope.WORKSPACE)   # no workspace layer in HOME
    assert (at_home.exists, at_home.path) == (False, None)


def test_the_system_and_workspace_layers_follow_the_given_environment(tmp_path: Path, project_dir: Path) -> None:
    env = {"HOME": str(project_dir), "QWEN_CODE_SYSTEM_SETTINGS_PATH": str(tmp_path / "sys.json"),
           "QWEN_CODE_SYSTEM_DEFAULTS_PATH": str(tmp_path / "defaults.json")}
    context = Context(project_dir, env)
    assert layer_path(Scope.SYSTEM, context) == tmp_path / "sys.json"
    assert layer_path(Scope.SYSTEM_DEFAULTS, context) == tmp_path / "defaults.json"
    assert layer_path(Scope.WORKSPACE, context) is None   # that HOME is the project: no workspace layer


def test_a_settings_file_of_a_few_megabytes_is_read(layer_files: dict[Scope, Path]) -> None:
    """Long provider lists: settings reads are capped at 4 MiB, not the 1 MiB of small files."""
    write(layer_files[Scope.USER], {"big": "x" * (2 * 1024 * 1024), "model": {"name": "m"}})
    loaded = load_settings(Context.current())
    assert loaded.errors == [] and loaded.lookup("model.name")[0] == "m"


# Qwen Code's order, later wins: system defaults < user < workspace < system (shared/reference/qwen-code.md).
SD, USER, WS, SYS = Scope.SYSTEM_DEFAULTS, Scope.USER, Scope.WORKSPACE, Scope.SYSTEM


@pytest.mark.parametrize(("present", "winner"), [
    ((SD,), SD),
    ((SD, USER), USER),
    ((USER, WS), WS),
    ((SD, WS), WS),
    ((WS, SYS), SYS),
    ((USER, SYS), SYS),
    ((SD, SYS), SYS),
    ((SD, USER, WS), WS),
    ((SD, USER, WS, SYS), SYS),
])
def test_each_layer_beats_the_ones_below_it(
    layer_files: dict[Scope, Path], present: tuple[Scope, ...], winner: Scope
) -> None:
    for scope in present:
        write(layer_files[scope], {"model": {"name": f"from-{scope}"}, f"only-{scope}": True})
    settings = load_settings(Context.current())
    assert settings.merged["model"]["name"] == f"from-{winner}"
    value, layer = settings.lookup("model.name")
    assert (value, layer.scope, layer.path) == (f"from-{winner}", winner, layer_files[winner])
    for scope in present:
        assert settings.merged[f"only-{scope}"] is True


def test_lower_layer_value_is_kept_when_higher_layers_do_not_set_it(layer_files: dict[Scope, Path]) -> None:
    write(layer_files[Scope.SYSTEM_DEFAULTS], {"privacy": {"usageStatisticsEnabled": False}})
    write(layer_files[Scope.USER], {"privacy": {"other": 1}})
    write(layer_files[Scope.SYSTEM], {"general": {}})
    settings = load_settings(Context.current())
    value, layer = settings.lookup("privacy.usageStatisticsEnabled")
    assert value is False and layer.scope == Scope.SYSTEM_DEFAULTS
    assert settings.lookup("privacy.nothing") is None


def test_workspace_layer_is_skipped_when_cwd_is_home(
    layer_files: dict[Scope, Path], isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(layer_files[Scope.USER], {"model": {"name": "user"}})
    monkeypatch.chdir(isolated_home)
    settings = load_settings(Context.current())
    workspace = settings.layer(Scope.WORKSPACE)
    assert workspace.path is None and not workspace.exists and workspace.data == {}
    assert [layer.scope for layer in settings.layers] == [SD, USER, WS, SYS]
    # The user file is read once, as the user layer only.
    assert settings.lookup("model.name")[1].scope == Scope.USER
    project = Context(layer_files[Scope.WORKSPACE].parent.parent, os.environ)
    assert load_settings(project).layer(Scope.WORKSPACE).path is not None


def test_missing_layers_are_empty_and_not_errors() -> None:
    settings = load_settings(Context.current())
    assert settings.merged == {} and settings.errors == []
    assert all(not layer.exists for layer in settings.layers)


def test_broken_layer_is_reported_and_the_others_still_load(layer_files: dict[Scope, Path]) -> None:
    write(layer_files[Scope.USER], '{\n  "model": {"name": "x"},\n  oops\n}')
    write(layer_files[Scope.WORKSPACE], {"model": {"name": "workspace"}})
    write(layer_files[Scope.SYSTEM_DEFAULTS], {"general": {"enableAutoUpdate": False}})
    settings = load_settings(Context.current())
    user = settings.layer(Scope.USER)
    assert user.exists and user.data == {}
    assert settings.errors == [user.error]
    assert (user.error.path, user.error.line, user.error.column) == (layer_files[Scope.USER], 3, 3)
    assert settings.merged == {"model": {"name": "workspace"}, "general": {"enableAutoUpdate": False}}


def test_unreadable_layer_is_a_one_line_error(layer_files: dict[Scope, Path]) -> None:
    if os.geteuid() == 0:  # root reads any file, and CI runs as root: read as `nobody` instead
        path, result = _unreadable_layer_read_by_nobody()
    else:
        path = write(layer_files[Scope.USER], {"model": {"name": "secret-ish"}})
        path.chmod(0o000)
        before = load_settings(Context.current())
        path.chmod(0o600)
        after = load_settings(Context.current())
        result = {"errors": [str(e) for e in before.errors], "paths": [str(e.path) for e in before.errors],
                  "after": [str(e) for e in after.errors], "model": after.merged.get("model")}
    [error] = result["errors"]
    assert result["paths"] == [str(path)]
    assert "Permission denied" in error and "\n" not in error
    assert result["after"] == [] and result["model"] == {"name": "secret-ish"}  # the same file, once readable


# Drops to `nobody` before reading the layers, once everything the read imports is loaded (the checkout and Python
# itself may sit where `nobody` may not read, as under /root).
_AS_NOBODY = """
import json, os, sys
from qwen_tui.core.context import Context
from qwen_tui.core.settings import load_settings
str(load_settings(Context.current()).errors)  # as root: loads every module and catalog the read and its errors need
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
before = load_settings(Context.current())
os.chmod(sys.argv[1], 0o600)  # nobody owns the file: once readable, the same layer loads
after = load_settings(Context.current())
print(json.dumps({"errors": [str(e) for e in before.errors], "paths": [str(e.path) for e in before.errors],
                  "after": [str(e) for e in after.errors], "model": after.merged.get("model")}))
"""


def _unreadable_layer_read_by_nobody() -> tuple[Path, dict]:
    # pytest's tmp_path sits in a 0700 folder of root's: `nobody` needs a path it may walk, up to the file.
    base = Path(tempfile.mkdtemp(prefix="qwen-tui-perm-", dir="/tmp"))
    try:
        qwen_home, project = base / "home" / ".qwen", base / "project"
        for folder in (base, base / "home", qwen_home, project):
            folder.mkdir(exist_ok=True)
            folder.chmod(0o711)
        path = write(qwen_home / "settings.json", {"model": {"name": "secret-ish"}})
        os.chown(path, 65534, 65534)
        path.chmod(0o000)
        env = {**os.environ, "HOME": str(base / "home"), "QWEN_HOME": str(qwen_home),
               "QWEN_CODE_SYSTEM_SETTINGS_PATH": str(base / "system.json"),
               "QWEN_CODE_SYSTEM_DEFAULTS_PATH": str(base / "defaults.json")}
        child = subprocess.run([sys.executable, "-c", _AS_NOBODY, str(path)], cwd=project, env=env,
                               capture_output=True, text=True, timeout=60)
        assert child.returncode == 0, child.stderr
        return path, json.loads(child.stdout)
    finally:
        shutil.rmtree(base)


def test_a_directory_where_the_file_should_be_is_an_error(layer_files: dict[Scope, Path]) -> None:
    layer_files[Scope.SYSTEM].mkdir(parents=True)
    (error,) = load_settings(Context.current()).errors
    assert error.path == layer_files[Scope.SYSTEM]


# --- merging ----------------------------------------------------------------------------------------


def test_objects_merge_deeply_and_arrays_are_replaced() -> None:
    low = {"a": {"b": 1, "c": [1, 2, 3], "d": {"e": 1}}, "x": 1}
    high = {"a": {"c": [9], "d": {"f": 2}}, "y": 2}
    assert merge_layers([low, high]) == {"a": {"b": 1, "c": [9], "d": {"e": 1, "f": 2}}, "x": 1, "y": 2}
    assert low["a"]["d"] == {"e": 1}  # inputs untouched


def test_env_is_merged_one_level_only() -> None:
    low = {"env": {"A": "1", "B": "2", "NESTED": {"x": 1, "y": 2}}}
    high = {"env": {"B": "20", "NESTED": {"x": 10}}}
    assert merge_layers([low, high])["env"] == {"A": "1", "B": "20", "NESTED": {"x": 10}}


def test_model_providers_list_of_each_auth_type_is_replaced_whole() -> None:
    low = {"modelProviders": {"openai": [{"id": "a"}, {"id": "b"}], "anthropic": [{"id": "c"}]}}
    high = {"modelProviders": {"openai": [{"id": "z"}]}}
    assert merge_layers([low, high])["modelProviders"] == {
        "openai": [{"id": "z"}], "anthropic": [{"id": "c"}],
    }


def test_only_the_top_level_env_and_model_providers_merge_one_level() -> None:
    """The same names deeper down merge like any object, to every depth."""
    low = {"ui": {"env": {"k": {"x": 1}}, "modelProviders": {"openai": {"a": 1}}}}
    high = {"ui": {"env": {"k": {"y": 2}}, "modelProviders": {"openai": {"b": 2}}}}
    assert merge_layers([low, high]) == {
        "ui": {"env": {"k": {"x": 1, "y": 2}}, "modelProviders": {"openai": {"a": 1, "b": 2}}},
    }


def test_the_merged_settings_share_nothing_with_the_layers() -> None:
    low = {"modelProviders": {"anthropic": [{"id": "c"}]}, "env": {"A": "1"}}
    high = {"modelProviders": {"openai": [{"id": "z"}]}, "model": {"name": "m"}}
    merged = merge_layers([low, high])
    merged["modelProviders"]["openai"].append({"id": "added"})
    merged["modelProviders"]["anthropic"].append({"id": "added"})
    merged["model"]["name"] = "changed"
    assert high == {"modelProviders": {"openai": [{"id": "z"}]}, "model": {"name": "m"}}
    assert low == {"modelProviders": {"anthropic": [{"id": "c"}]}, "env": {"A": "1"}}


def test_scalar_and_object_replace_each_other() -> None:
    assert merge_layers([{"a": {"b": 1}}, {"a": 2}]) == {"a": 2}
    assert merge_layers([{"a": 2}, {"a": {"b": 1}}]) == {"a": {"b": 1}}


def test_v1_keys_in_a_lower_layer_merge_with_nested_keys_above(layer_files: dict[Scope, Path]) -> None:
    write(layer_files[Scope.USER], {"selectedAuthType": "openai", "model": "m1"})
    write(layer_files[Scope.WORKSPACE], {"model": {"baseUrl": "http://127.0.0.1:1/v1"}})
    settings = load_settings(Context.current())
    assert settings.merged["model"] == {"name": "m1", "baseUrl": "http://127.0.0.1:1/v1"}
    assert settings.lookup("security.auth.selectedType")[1].key_as_written("security.auth.selectedType") == (
        "selectedAuthType"
    )


def test_get_dotted() -> None:
    data = {"a": {"b": {"c": 0}}, "s": "x"}
    assert get_dotted(data, "a.b.c") == 0
    assert get_dotted(data, "a.b.z") is MISSING
    assert get_dotted(data, "s.x") is MISSING


# --- the captured files, read as the resolver reads them ------------------------------------------


def _value(settings: LoadedSettings, dotted: str) -> object:
    found = settings.lookup(dotted)
    return None if found is None else found[0]


def test_custom_provider_file_written_by_qwen_code(layer_files: dict[Scope, Path]) -> None:
    source = FIXTURES / "qwen-code-0.15.10" / "settings_after_custom_provider.json"
    write(layer_files[Scope.USER], source.read_text())
    settings = load_settings(Context.current())
    assert settings.errors == []
    assert _value(settings, "security.auth.selectedType") == "openai"
    assert _value(settings, "model.name") == "mock-model"
    providers = _value(settings, "modelProviders.openai")
    active = next(entry for entry in providers if entry["id"] == "mock-model")
    assert active["baseUrl"] == "http://127.0.0.1:8000/v1"
    assert _value(settings, f"env.{active['envKey']}") == "sk-test-1234567890abcdef"
    assert "$version" not in settings.merged  # that capture has no $version and still reads


@pytest.mark.parametrize(
    ("name", "selected", "usage", "version"),
    [
        ("v071-oauth-sse", "qwen-oauth", False, 2),
        ("v0120-oauth-sse", "qwen-oauth", False, 3),
        ("v0244-custom-sse", "openai", False, 4),
        ("v0244-dotenv", "openai", False, 4),
        ("v0244-legacy", "openai", False, 4),
        ("v0244-oauth", "qwen-oauth", False, 4),
    ],
)
def test_interop_files_read_as_qwen_code_reads_them(
    layer_files: dict[Scope, Path], name: str, selected: str, usage: bool, version: int
) -> None:
    source = FIXTURES / "qwen-code-interop" / f"{name}.settings.json"
    write(layer_files[Scope.USER], source.read_text())
    settings = load_settings(Context.current())
    assert settings.errors == []
    assert settings.lookup("security.auth.selectedType")[0] == selected
    assert _value(settings, "privacy.usageStatisticsEnabled") is usage
    assert settings.merged["$version"] == version
    # Every key is read as written, unknown ones too (e.g. 0.7.1's general.disableAutoUpdate).
    assert settings.layer(Scope.USER).data == json.loads(source.read_text())


def test_custom_sse_fixture_names_the_provider_key_variable(layer_files: dict[Scope, Path]) -> None:
    source = FIXTURES / "qwen-code-interop" / "v0244-custom-sse.settings.json"
    write(layer_files[Scope.USER], source.read_text())
    settings = load_settings(Context.current())
    (provider,) = _value(settings, "modelProviders.openai")
    assert provider["id"] == _value(settings, "model.name") == "qwen3-coder-plus"
    assert _value(settings, "model.baseUrl") == provider["baseUrl"] == "http://127.0.0.1:18080/v1"
    assert _value(settings, f"env.{provider['envKey']}").startswith("sk-bars-")


def test_legacy_fixture_keeps_key_and_base_url_under_security_auth(layer_files: dict[Scope, Path]) -> None:
    write(layer_files[Scope.USER], (FIXTURES / "qwen-code-interop" / "v0244-legacy.settings.json").read_text())
    settings = load_settings(Context.current())
    assert (_value(settings, "security.auth.apiKey"), _value(settings, "security.auth.baseUrl")) == \
        ("sk-bars-0123456789abcdef", "http://127.0.0.1:18080/v1")
    assert _value(settings, "model") is None


def test_a_value_of_the_wrong_type_is_not_used_and_never_shown(layer_files: dict[Scope, Path],
                                                               project_dir: Path) -> None:
    """A number or a list where Qwen Code expects a string key or URL: the resolver takes neither (no key, the
    default URL), and `status` says so instead of failing with "unexpected error" (it did: a TypeError)."""
    write(layer_files[Scope.USER], {"security": {"auth": {"selectedType": "openai", "apiKey": 12345678901234,
                                                          "baseUrl": ["http://127.0.0.1:1/v1"]}}})
    resolution = resolve(Context(project_dir, os.environ))
    assert not resolution.credential.present and resolution.credential.masked is None
    assert resolution.base_url.value == OPENAI_DEFAULT_BASE_URL
    assert not any("12345678901234" in problem or "127.0.0.1:1" in problem for problem in resolution.problems)


def test_settings_module_does_not_import_pydantic() -> None:
    code = ("import sys, qwen_tui.core.settings as s; from qwen_tui.core.context import Context; "
            "s.load_settings(Context.current()); print('pydantic' in sys.modules)")
    repo = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": repo}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.strip() == "False"


# --- review findings -------------------------------------------------------------------------------

def test_lookup_is_none_when_a_higher_layer_replaces_the_parent_with_a_non_object(
    layer_files: dict[Scope, Path],
) -> None:
    write(layer_files[Scope.USER], {"security": {"auth": {"enforcedType": "openai"}}})
    write(layer_files[Scope.WORKSPACE], {"security": {"auth": None}})
    loaded = load_settings(Context.current())
    assert loaded.merged["security"]["auth"] is None
    assert loaded.lookup("security.auth.enforcedType") is None
    assert loaded.lookup("security.auth") == (None, loaded.layer(Scope.WORKSPACE))


def test_nesting_deeper_than_the_stack_is_that_layers_one_line_error(layer_files: dict[Scope, Path]) -> None:
    # 900 levels parse, but copying them (v1 mapping) exceeds Python's recursion limit.
    write(layer_files[Scope.USER], '{"deep": ' + "[" * 900 + "]" * 900 + "}")
    write(layer_files[Scope.WORKSPACE], {"model": {"name": "kept"}})
    loaded = load_settings(Context.current())
    [error] = loaded.errors
    assert error.path == layer_files[Scope.USER] and "\n" not in str(error)
    assert "nested too deeply" in str(error)
    assert loaded.lookup("model.name")[0] == "kept"  # the other layers still load


def test_settings_values_stay_out_of_reprs(layer_files: dict[Scope, Path]) -> None:
    write(layer_files[Scope.USER], {"security": {"auth": {"apiKey": "sk-repr-SECRET"}}})
    loaded = load_settings(Context.current())
    assert loaded.lookup("security.auth.apiKey")[0] == "sk-repr-SECRET"
    assert "sk-repr-SECRET" not in repr(loaded)
    assert "sk-repr-SECRET" not in repr(loaded.layer(Scope.USER))

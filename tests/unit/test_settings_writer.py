"""The settings writer: only the keys asked change, nothing is lost, files stay private and intact."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import sys
from pathlib import Path

import pytest

from qwen_tui.core.context import Context
from qwen_tui.core.fileops import FileOpError
from qwen_tui.core.settings import Scope, SettingsError, load_settings
from qwen_tui.core.settings_writer import DELETE, update_layer, update_settings
from tests.conftest import FIXTURES


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def settings_file(qwen_home: Path) -> Path:
    return qwen_home / "settings.json"


def test_creates_file_and_private_directory(settings_file: Path) -> None:
    update_settings(settings_file, {"security.auth.selectedType": "openai"})
    assert json.loads(settings_file.read_text()) == {"security": {"auth": {"selectedType": "openai"}}}
    assert mode(settings_file) == 0o600 and mode(settings_file.parent) == 0o700
    assert not settings_file.with_name("settings.json.orig").exists()  # nothing to keep
    assert not settings_file.with_name("settings.json.lock").exists()


def test_keeps_unknown_keys_and_version_and_formats_like_qwen_code(settings_file: Path) -> None:
    original = (FIXTURES / "qwen-code-interop" / "v071-oauth-sse.settings.json").read_text()
    settings_file.parent.mkdir()
    settings_file.write_text(original)
    settings_file.chmod(0o644)  # as Qwen Code writes it
    update_settings(settings_file, {"privacy.usageStatisticsEnabled": True, "model.name": "m"})
    expected = json.loads(original)
    expected["privacy"]["usageStatisticsEnabled"] = True
    expected["model"] = {"name": "m"}
    assert settings_file.read_text() == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    assert json.loads(settings_file.read_text())["$version"] == 2
    assert mode(settings_file) == 0o600


def test_a_lone_surrogate_is_written_back_escaped_with_the_same_layout(settings_file: Path) -> None:
    """`\\ud800` is valid JSON but has no UTF-8 form: the file is then written all-ASCII, still two-space indented."""
    settings_file.parent.mkdir()
    settings_file.write_text('{"odd": "\\ud800x", "é": "ü"}')
    update_settings(settings_file, {"k": 1})
    assert settings_file.read_bytes() == b'{\n  "odd": "\\ud800x",\n  "\\u00e9": "\\u00fc",\n  "k": 1\n}\n'


def test_previous_file_is_kept_as_orig_byte_for_byte(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    first = b'// mine\n{"a": 1, "keep": "\xc3\xa9"}\n'
    settings_file.write_bytes(first)
    update_settings(settings_file, {"a": 2})
    orig = settings_file.with_name("settings.json.orig")
    assert orig.read_bytes() == first and mode(orig) == 0o600
    assert json.loads(settings_file.read_text(encoding="utf-8")) == {"a": 2, "keep": "é"}
    assert "é" in settings_file.read_text(encoding="utf-8")  # not \u00e9
    assert not settings_file.with_name("settings.json.lock").exists()


def test_unchanged_values_do_not_rewrite_the_file(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    text = '{\n  // a comment worth keeping\n  "a": 1\n}'
    settings_file.write_text(text)
    update_settings(settings_file, {"a": 1})
    assert settings_file.read_text() == text


def test_env_references_are_written_back_unexpanded(settings_file: Path, monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "sk-real-value-123456")
    settings_file.parent.mkdir()
    settings_file.write_text('{"security": {"auth": {"apiKey": "$SECRET_KEY"}}}')
    update_settings(settings_file, {"model.name": "m"})
    assert "sk-real-value" not in settings_file.read_text()
    assert json.loads(settings_file.read_text())["security"]["auth"]["apiKey"] == "$SECRET_KEY"
    assert load_settings(Context.current()).merged["security"]["auth"]["apiKey"] == "sk-real-value-123456"


@pytest.mark.parametrize(
    "content",
    [b'{"a": 1,, }', b"[1]", b'{"a": "\xff"}', b'{"a": NaN}', b"\xef\xbb\xbf{", b"{/* open"],
)
def test_unparsable_file_is_refused_and_left_untouched(settings_file: Path, content: bytes) -> None:
    settings_file.parent.mkdir()
    settings_file.write_bytes(content)
    settings_file.chmod(0o644)
    with pytest.raises(SettingsError) as caught:
        update_settings(settings_file, {"a": 2})
    assert settings_file.read_bytes() == content and mode(settings_file) == 0o644
    assert not settings_file.with_name("settings.json.orig").exists()
    assert not settings_file.with_name("settings.json.lock").exists()
    assert "\n" not in str(caught.value) and str(settings_file) in str(caught.value)


def test_setting_a_nested_key_removes_its_v1_alias(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text(json.dumps(
        {"selectedAuthType": "qwen-oauth", "usageStatisticsEnabled": True, "enforcedAuthType": "qwen-oauth"}
    ))
    update_settings(settings_file, {"security.auth.selectedType": "openai", "privacy.usageStatisticsEnabled": False})
    assert json.loads(settings_file.read_text()) == {
        "enforcedAuthType": "qwen-oauth",
        "security": {"auth": {"selectedType": "openai"}},
        "privacy": {"usageStatisticsEnabled": False},
    }
    settings = load_settings(Context.current())
    assert settings.lookup("security.auth.selectedType")[0] == "openai"
    assert settings.lookup("privacy.usageStatisticsEnabled")[0] is False


def test_v1_model_string_becomes_an_object_when_a_model_key_is_set(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text('{"model": "old-model"}')
    update_settings(settings_file, {"model.baseUrl": "http://127.0.0.1:1/v1"})
    assert json.loads(settings_file.read_text()) == {"model": {"name": "old-model", "baseUrl": "http://127.0.0.1:1/v1"}}
    update_settings(settings_file, {"model.name": "new-model"})
    assert json.loads(settings_file.read_text())["model"]["name"] == "new-model"


def test_a_v1_model_string_stays_a_string_when_another_key_is_set(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text('{"model": "old-model", "k": 1}')
    update_settings(settings_file, {"k": 2})
    assert json.loads(settings_file.read_text()) == {"model": "old-model", "k": 2}


def test_non_object_in_the_way_is_an_error_and_file_untouched(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    content = b'{"security": {"auth": "weird"}, "x": 1}'
    settings_file.write_bytes(content)
    with pytest.raises(SettingsError) as caught:
        update_settings(settings_file, {"x": 2, "security.auth.selectedType": "openai"})
    assert "security.auth" in str(caught.value) and "\n" not in str(caught.value)
    assert "cannot set security.auth.selectedType: security.auth is not an object" in str(caught.value)
    assert settings_file.read_bytes() == content
    assert not settings_file.with_name("settings.json.lock").exists()


def test_delete_removes_key_and_prunes_objects_left_empty(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text(json.dumps({
        "security": {"auth": {"selectedType": "openai"}}, "model": {"name": "m", "baseUrl": "u"}, "general": {},
    }))
    update_settings(settings_file, {"security.auth.selectedType": DELETE, "model.name": DELETE, "nope.x": DELETE})
    # `general` was already empty: only objects emptied by the deletion go.
    assert json.loads(settings_file.read_text()) == {"model": {"baseUrl": "u"}, "general": {}}


def test_delete_also_removes_the_v1_alias(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text('{"selectedAuthType": "openai", "model": "m", "k": 1}')
    update_settings(settings_file, {"security.auth.selectedType": DELETE, "model.name": DELETE})
    assert json.loads(settings_file.read_text()) == {"k": 1}


def test_setting_or_deleting_a_parent_object_removes_the_v1_keys_read_below_it(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text('{"selectedAuthType": "qwen-oauth", "usageStatisticsEnabled": true, "k": 1}')
    update_settings(settings_file, {"security.auth": {"selectedType": "openai"}, "privacy": DELETE})
    assert json.loads(settings_file.read_text()) == {"k": 1, "security": {"auth": {"selectedType": "openai"}}}


def test_lists_and_objects_as_values(settings_file: Path) -> None:
    providers = [{"id": "a", "baseUrl": "http://127.0.0.1:1/v1", "generationConfig": {"timeout": 5}}]
    update_settings(settings_file, {"modelProviders.openai": providers, "env.MY_VAR": "v"})
    data = json.loads(settings_file.read_text())
    assert data == {"modelProviders": {"openai": providers}, "env": {"MY_VAR": "v"}}


def test_no_change_creates_no_file(settings_file: Path) -> None:
    update_settings(settings_file, {"model.name": DELETE})
    assert not settings_file.exists()


def test_settings_error_survives_pickling() -> None:
    import pickle

    error = SettingsError(Path("/x/settings.json"), "bad", 2, 5)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, copy.line, copy.column, str(copy)) == (
        error.path, "bad", 2, 5, str(error),
    )


def test_invalid_key_is_rejected(settings_file: Path) -> None:
    with pytest.raises(ValueError, match=r"invalid settings key 'a\.\.b'"):
        update_settings(settings_file, {"a..b": 1})


def test_update_layer_writes_the_right_file(qwen_home: Path, project_dir: Path) -> None:
    path = update_layer(Scope.WORKSPACE, {"model.name": "ws"}, Context.current())
    assert path == project_dir / ".qwen" / "settings.json"
    assert update_layer(Scope.USER, {"model.name": "user"}, Context.current()) == qwen_home / "settings.json"
    settings = load_settings(Context.current())
    assert settings.lookup("model.name") == ("ws", settings.layer(Scope.WORKSPACE))


def test_update_layer_workspace_at_home_is_a_clear_error(isolated_home: Path, monkeypatch) -> None:
    monkeypatch.chdir(isolated_home)
    with pytest.raises(FileOpError) as refused:
        update_layer(Scope.WORKSPACE, {"model.name": "x"}, Context.current())
    assert str(refused.value) == ("the current directory is your home directory, so there is no workspace settings "
                                  "file; use the user settings instead")
    assert not (isolated_home / ".qwen").exists()


def test_update_layer_writes_the_layer_of_the_given_directory_and_environment(
    tmp_path: Path, qwen_home: Path, project_dir: Path
) -> None:
    """A `qwen` started elsewhere, with another HOME: its layers are written, not this process's."""
    other_home, other_project = tmp_path / "other-home", tmp_path / "other-project"
    other_project.mkdir()
    elsewhere = Context(other_project, {"HOME": str(other_home)})
    assert update_layer(Scope.WORKSPACE, {"model.name": "ws"}, elsewhere) == other_project / ".qwen" / "settings.json"
    assert update_layer(Scope.USER, {"model.name": "user"}, elsewhere) == other_home / ".qwen" / "settings.json"
    assert json.loads((other_home / ".qwen" / "settings.json").read_text()) == {"model": {"name": "user"}}
    assert not (project_dir / ".qwen").exists() and not qwen_home.exists()


def _writer(path: str, index: int, rounds: int) -> None:
    for round_ in range(rounds):
        update_settings(Path(path), {f"env.WRITER_{index}_{round_}": str(index)})


def test_concurrent_writers_lose_no_update(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text('{"$version": 4, "keep": true}')
    writers, rounds = 4, 5
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_writer, args=(str(settings_file), i, rounds)) for i in range(writers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    data = json.loads(settings_file.read_text())
    assert data["$version"] == 4 and data["keep"] is True
    assert data["env"] == {f"WRITER_{i}_{r}": str(i) for i in range(writers) for r in range(rounds)}
    assert not settings_file.with_name("settings.json.lock").exists()
    assert sorted(os.listdir(settings_file.parent)) == ["settings.json", "settings.json.orig"]


def test_a_symlinked_settings_file_is_written_through_the_link(settings_file: Path, tmp_path: Path) -> None:
    """Review finding: dotfiles users keep ~/.qwen/settings.json as a link; it must stay one."""
    target = tmp_path / "dotfiles" / "qwen-settings.json"
    target.parent.mkdir()
    target.write_text('{"keep": 1}')
    settings_file.parent.mkdir()
    settings_file.symlink_to(target)
    update_settings(settings_file, {"security.auth.selectedType": "openai"}, follow_link=True)
    assert settings_file.is_symlink() and settings_file.resolve() == target
    assert json.loads(target.read_text()) == {"keep": 1, "security": {"auth": {"selectedType": "openai"}}}
    assert mode(target) == 0o600


def test_a_symlinked_file_is_refused_unless_following_links_is_asked(settings_file: Path, tmp_path: Path) -> None:
    """By default the file is one the user may not own (a cloned workspace): a link there is not followed."""
    target = tmp_path / "victim.json"
    target.write_text('{"keep": 1}')
    settings_file.parent.mkdir()
    settings_file.symlink_to(target)
    with pytest.raises(FileOpError):
        update_settings(settings_file, {"security.auth.selectedType": "openai"})
    assert target.read_text() == '{"keep": 1}' and settings_file.is_symlink()


_SWAP_AT_LOCK: list[tuple[str, Path, Path]] = []   # (lock path, file, link target): swapped once, then removed


def _swap_when_the_lock_opens(event: str, args: tuple) -> None:
    if event == "open" and _SWAP_AT_LOCK and str(args[0]) == _SWAP_AT_LOCK[0][0]:
        _, path, target = _SWAP_AT_LOCK.pop()
        path.unlink()
        path.symlink_to(target)


sys.addaudithook(_swap_when_the_lock_opens)   # audit hooks stay for the process: inert once the list is empty


def test_a_link_swapped_in_after_the_check_is_not_read(tmp_path: Path, project_dir: Path) -> None:
    """A cloned repository's process replaces the workspace file with a link between the writer's link check and
    its read (here: the moment the writer opens its lock). The read itself refuses the link: nothing of the target
    is read, backed up or replaced."""
    victim = tmp_path / "victim.json"
    victim.write_text('{"secret": "sk-victim-0000"}')
    path = project_dir / ".qwen" / "settings.json"
    path.parent.mkdir()
    path.write_text("{}")
    _SWAP_AT_LOCK.append((str(path) + ".lock", path, victim))
    with pytest.raises(FileOpError):
        update_settings(path, {"k": 1})
    assert not _SWAP_AT_LOCK   # the swap did happen
    assert victim.read_text() == '{"secret": "sk-victim-0000"}' and path.is_symlink()
    assert not path.with_name("settings.json.orig").exists()


def test_a_settings_file_of_a_few_megabytes_is_still_written(settings_file: Path) -> None:
    """Settings files may hold long provider lists: reads are capped at 4 MiB, not the 1 MiB of small files."""
    settings_file.parent.mkdir()
    big = "x" * (2 * 1024 * 1024)
    settings_file.write_text(json.dumps({"big": big}))
    update_settings(settings_file, {"k": 1})
    assert json.loads(settings_file.read_text()) == {"big": big, "k": 1}
    settings_file.write_text(json.dumps({"big": big * 2}))   # over 4 MiB: refused, untouched
    with pytest.raises(FileOpError, match="larger than 4 MiB"):
        update_settings(settings_file, {"k": 2})
    assert json.loads(settings_file.read_text()) == {"big": big * 2}


def test_file_operation_errors_are_translated(settings_file: Path) -> None:
    from qwen_tui.core.i18n import set_language

    settings_file.parent.write_text("a file where ~/.qwen should be a folder")
    set_language("fr")
    with pytest.raises(FileOpError) as error:
        update_settings(settings_file, {"a": 1})
    message = str(error.value)
    assert message.startswith("Impossible de") and str(settings_file.parent) in message and "\n" not in message


def test_changes_can_be_computed_from_the_content_read_under_the_lock(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text(json.dumps({"tools": {"allowed": ["a"]}}))
    seen: list[dict] = []

    def extend(data: dict) -> dict:
        seen.append(data)
        assert settings_file.with_name("settings.json.lock").exists()   # read and decided under the lock
        return {"tools.allowed": data["tools"]["allowed"] + ["b"]}

    update_settings(settings_file, extend)
    assert json.loads(settings_file.read_text()) == {"tools": {"allowed": ["a", "b"]}}
    assert seen == [{"tools": {"allowed": ["a"]}}]


def test_a_change_function_may_extend_the_list_it_was_given_in_place(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text(json.dumps({"tools": {"allowed": ["a"]}}))

    def extend(data: dict) -> dict:
        allowed = data["tools"]["allowed"]
        allowed.append("b")
        return {"tools.allowed": allowed}

    update_settings(settings_file, extend)
    assert json.loads(settings_file.read_text()) == {"tools": {"allowed": ["a", "b"]}}
    assert json.loads(settings_file.with_name("settings.json.orig").read_text()) == {"tools": {"allowed": ["a"]}}


def test_a_refusal_while_computing_changes_leaves_the_file_alone(settings_file: Path) -> None:
    settings_file.parent.mkdir()
    settings_file.write_text('{"a": 1}')

    def refuse(data: dict) -> dict:
        raise ValueError("not this file")

    with pytest.raises(ValueError):
        update_settings(settings_file, refuse)
    assert settings_file.read_text() == '{"a": 1}'
    assert not settings_file.with_name("settings.json.lock").exists()

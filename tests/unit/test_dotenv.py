"""`.env` parsing (npm `dotenv` rules) and Qwen Code's search order, on real files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qwen_tui.core.context import Context
from qwen_tui.core.dotenv import (
    DotenvFile,
    dotenv_hiding,
    find_dotenv,
    load_dotenv,
    parse_dotenv,
    read_dotenv_file,
    shadowed_dotenv_files,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- parser -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A=1\nB=two", {"A": "1", "B": "two"}),
        ("export OPENAI_API_KEY=sk-abc", {"OPENAI_API_KEY": "sk-abc"}),
        ("  SPACED  =  value with spaces  ", {"SPACED": "value with spaces"}),
        ("# a comment\nA=1 # trailing comment\n#B=2", {"A": "1"}),
        ("HASH=abc#def", {"HASH": "abc"}),
        ("S='single # not a comment'", {"S": "single # not a comment"}),
        ('D="double # not a comment"', {"D": "double # not a comment"}),
        ("B=`back'tick\"`", {"B": "back'tick\""}),
        ('N="line1\\nline2"', {"N": "line1\nline2"}),
        ('R="one\\rtwo"', {"R": "one\rtwo"}),
        ("N='line1\\nline2'", {"N": "line1\\nline2"}),
        ('M="first\nsecond"\nNEXT=x', {"M": "first\nsecond", "NEXT": "x"}),
        ("A=1\r\nB='x'\r\nC=3\r\n", {"A": "1", "B": "x", "C": "3"}),
        ("A=1\rB=2\r", {"A": "1", "B": "2"}),                     # a lone CR ends a line too
        ('M="first\r\nsecond"', {"M": "first\nsecond"}),         # CRLF inside quotes becomes LF
        ("EMPTY=\nQ=''\nDQ=\"\"", {"EMPTY": "", "Q": "", "DQ": ""}),
        ("DUP=first\nDUP=second", {"DUP": "second"}),
        ("COLON: value", {"COLON": "value"}),
        ("dotted.key-name=ok", {"dotted.key-name": "ok"}),
        ('UNTERMINATED="abc', {"UNTERMINATED": '"abc'}),
        ("no equals sign here\nA=1", {"A": "1"}),
        ("\ufeffBOM=1", {"BOM": "1"}),
        ("URL=https://example.com/v1?x=1", {"URL": "https://example.com/v1?x=1"}),
    ],
)
def test_parse_dotenv_follows_npm_dotenv(text: str, expected: dict[str, str]) -> None:
    assert parse_dotenv(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_dotenv_never_raises(text: str) -> None:
    result = parse_dotenv(text)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.items())


_KEYS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)
_VALUES = st.text(alphabet="abcXYZ0189_-.:/+=@%,", max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=8), st.sampled_from(["", "'", '"']), st.booleans())
def test_render_then_parse_round_trips(pairs: dict[str, str], quote: str, export: bool) -> None:
    prefix = "export " if export else ""
    text = "".join(f"{prefix}{key}={quote}{value}{quote}\n" for key, value in pairs.items())
    assert parse_dotenv(text) == pairs


# --- search -------------------------------------------------------------------------------------

def test_nothing_found(project_dir: Path) -> None:
    assert find_dotenv(Context(project_dir, os.environ)) is None
    loaded = load_dotenv(Context(project_dir, os.environ))
    assert loaded == DotenvFile(path=None, values={}, error=None)
    assert shadowed_dotenv_files(Context(project_dir, os.environ)) == []


def test_what_hides_qwen_homes_env(isolated_home: Path, project_dir: Path, qwen_home: Path) -> None:
    target = qwen_home / ".env"
    write(isolated_home / ".env", "WHO=home")      # searched after ~/.qwen/.env: it does not hide it
    assert dotenv_hiding(target, Context(project_dir, os.environ)) is None
    project = write(project_dir / ".env", "WHO=project")
    assert dotenv_hiding(target, Context(project_dir, os.environ)) == project
    write(target, "WHO=home-qwen")                 # existing or not, the nearer file still wins
    assert dotenv_hiding(target, Context(project_dir, os.environ)) == project


def test_search_order_and_first_file_only(isolated_home: Path, project_dir: Path, qwen_home: Path) -> None:
    # A tree under HOME so that the walk passes through HOME itself.
    sub = isolated_home / "work" / "app" / "src"
    sub.mkdir(parents=True)
    ordered = [
        write(sub / ".qwen" / ".env", "WHO=sub-qwen\nONLY_SUB=1"),
        write(sub / ".env", "WHO=sub"),
        write(isolated_home / "work" / "app" / ".env", "WHO=app"),
        write(qwen_home / ".env", "WHO=home-qwen"),  # found while walking through HOME
        write(isolated_home / ".env", "WHO=home"),
    ]
    for winner in ordered:
        assert find_dotenv(Context(sub, os.environ)) == winner
        loaded = load_dotenv(Context(sub, os.environ))
        assert loaded.path == winner and loaded.error is None
        assert loaded.values["WHO"] == winner.read_text().split("\n")[0].removeprefix("WHO=")
        if winner is ordered[0]:
            assert loaded.values["ONLY_SUB"] == "1"
        else:
            assert "ONLY_SUB" not in loaded.values  # first file only: nothing merged from others
        later = ordered[ordered.index(winner) + 1:]
        # The home files are read after the project's by qwen 0.24.4 (findEnvFiles): never "shadowed".
        assert shadowed_dotenv_files(Context(sub, os.environ)) == [path for path in later if path not in ordered[3:]]
        winner.unlink()
    assert find_dotenv(Context(sub, os.environ)) is None


def test_project_dotenv_comes_first_and_qwen_home_dotenv_is_not_shadowed(project_dir: Path, qwen_home: Path) -> None:
    """The project `.env` is the one found; `~/.qwen/.env` behind it is still read by qwen 0.24.4 for unset
    variables (tests/interop/test_run.py), so it is not listed as shadowed (it was up to 0.15.10, #3877)."""
    write(qwen_home / ".env", "OPENAI_API_KEY=sk-user")
    project = write(project_dir / ".env", "OTHER=1")
    assert find_dotenv(Context(project_dir, os.environ)) == project
    assert load_dotenv(Context(project_dir, os.environ)).values == {"OTHER": "1"}
    assert shadowed_dotenv_files(Context(project_dir, os.environ)) == []
    nearer = write(project_dir / ".qwen" / ".env", "OTHER=2")
    here = Context(project_dir, os.environ)
    assert find_dotenv(here) == nearer and shadowed_dotenv_files(here) == [project]
    assert load_dotenv(here).shadowed == (project,)


def test_qwen_home_env_var_is_searched_before_home(tmp_path: Path, isolated_home: Path, project_dir: Path) -> None:
    custom = tmp_path / "custom-qwen-home"
    env = {"HOME": str(isolated_home), "QWEN_HOME": str(custom)}
    home_env = write(isolated_home / ".env", "WHO=home")
    assert find_dotenv(Context(project_dir, env)) == home_env
    custom_env = write(custom / ".env", "WHO=custom")
    assert find_dotenv(Context(project_dir, env)) == custom_env
    assert load_dotenv(Context(project_dir, env)).values == {"WHO": "custom"}
    assert shadowed_dotenv_files(Context(project_dir, env)) == []   # ~/.env: read after it for unset variables


def test_walk_reaches_parent_directories(tmp_path: Path, project_dir: Path) -> None:
    # project_dir is tmp_path/project: a .env in tmp_path (above it, outside HOME) is found.
    above = write(tmp_path / ".qwen" / ".env", "WHO=above")
    nested = project_dir / "a" / "b"
    nested.mkdir(parents=True)
    assert find_dotenv(Context(nested, os.environ)) == above
    assert find_dotenv(Context(Path(os.path.relpath(nested)), os.environ)) == above  # relative cwd works too


def test_env_mapping_controls_home(tmp_path: Path, project_dir: Path) -> None:
    other_home = tmp_path / "other-home"
    found = write(other_home / ".env", "A=1")
    assert find_dotenv(Context(project_dir, {"HOME": str(other_home)})) == found
    assert find_dotenv(Context(project_dir, os.environ)) is None  # the real (isolated) HOME has none


def test_unreadable_file_is_an_error_not_a_fallthrough(project_dir: Path, qwen_home: Path) -> None:
    write(qwen_home / ".env", "A=from-home")
    (project_dir / ".env").mkdir()  # Qwen Code stops here too, and then loads nothing
    loaded = load_dotenv(Context(project_dir, os.environ))
    assert loaded.path == project_dir / ".env"
    assert loaded.values == {}
    assert loaded.error is not None and "\n" not in loaded.error
    assert str(project_dir / ".env") in loaded.error


def test_invalid_utf8_does_not_raise(project_dir: Path) -> None:
    (project_dir / ".env").write_bytes(b"A=caf\xe9\nB=ok\n")
    loaded = load_dotenv(Context(project_dir, os.environ))
    assert loaded.error is None
    assert loaded.values["B"] == "ok"
    assert loaded.values["A"].startswith("caf")


def test_one_file_read_alone_replaces_invalid_utf8_and_is_empty_when_missing(qwen_home: Path) -> None:
    path = qwen_home / ".env"
    assert read_dotenv_file(path) == {}
    path.parent.mkdir()
    path.write_bytes(b"A=caf\xe9\nB=ok\n")
    assert read_dotenv_file(path) == {"A": "caf\ufffd", "B": "ok"}   # like Node: U+FFFD, the rest still read


def test_dotenv_values_stay_out_of_repr(project_dir: Path) -> None:
    (project_dir / ".env").write_text("OPENAI_API_KEY=sk-dotenv-SECRET\n")
    loaded = load_dotenv(Context(project_dir, os.environ))
    assert loaded.values == {"OPENAI_API_KEY": "sk-dotenv-SECRET"}
    assert "sk-dotenv-SECRET" not in repr(loaded)


# --- a `qwen` started with another environment (the context's HOME, not this process's) ---------------------

def test_what_hides_a_file_is_judged_in_the_given_environment(tmp_path: Path, project_dir: Path) -> None:
    """`dotenv_hiding` for a `qwen` whose HOME is not ours: its own home files, in its own order."""
    other = tmp_path / "other-home"
    env = {"HOME": str(other)}
    nearer = write(other / ".qwen" / ".env", "WHO=other-qwen")
    assert dotenv_hiding(nearer, Context(project_dir, env)) is None          # nothing nearer: it is the one loaded
    assert dotenv_hiding(other / ".env", Context(project_dir, env)) == nearer  # ~/.qwen/.env is searched before ~/.env
    outside = tmp_path / "elsewhere" / ".env"                      # not in the search: the file loaded instead
    assert dotenv_hiding(outside, Context(project_dir, env)) == nearer


def test_shadowed_files_are_judged_in_the_given_environment(
    tmp_path: Path, isolated_home: Path, qwen_home: Path, project_dir: Path
) -> None:
    """The home files of the given HOME are read after the project's (never shadowed); this process's own
    HOME is not searched at all."""
    other = tmp_path / "other-home"
    write(project_dir / ".env", "WHO=project")
    write(other / ".env", "WHO=other-home")
    write(qwen_home / ".env", "WHO=our-home")
    assert shadowed_dotenv_files(Context(project_dir, {"HOME": str(other)})) == []
    assert load_dotenv(Context(project_dir, {"HOME": str(other)})).shadowed == ()
    custom = write(tmp_path / "custom-qwen-home" / ".env", "WHO=custom")   # its QWEN_HOME too: read after
    env = {"HOME": str(other), "QWEN_HOME": str(custom.parent)}
    assert shadowed_dotenv_files(Context(project_dir, env)) == []


def test_with_qwen_home_elsewhere_the_home_qwen_env_is_still_read_after_the_projects(
    tmp_path: Path, isolated_home: Path, qwen_home: Path
) -> None:
    """A project under HOME: the walk passes `~/.qwen/.env`, which `qwen` also reads after the project's for unset
    variables even when QWEN_HOME points elsewhere, so it is not shadowed."""
    work = isolated_home / "work"
    project = write(work / ".env", "WHO=project")
    write(qwen_home / ".env", "WHO=home-qwen")
    env = {"HOME": str(isolated_home), "QWEN_HOME": str(tmp_path / "custom-qwen-home")}
    assert load_dotenv(Context(work, env)).path == project
    assert shadowed_dotenv_files(Context(work, env)) == []


def test_an_unreadable_first_file_still_names_the_files_it_shadows(project_dir: Path) -> None:
    (project_dir / ".qwen" / ".env").mkdir(parents=True)   # found first, and cannot be read
    behind = write(project_dir / ".env", "A=1")
    loaded = load_dotenv(Context(project_dir, os.environ))
    assert (loaded.path, loaded.values, loaded.shadowed) == (project_dir / ".qwen" / ".env", {}, (behind,))
    assert loaded.error is not None


def test_a_place_the_system_refuses_to_look_at_is_skipped_and_the_search_goes_on(project_dir: Path) -> None:
    """A candidate whose stat() fails with an error other than "not there" (here ENAMETOOLONG: a directory name
    over 255 bytes, as a started-elsewhere context may name) is passed over, not the end of the search."""
    found = write(project_dir / ".env", "WHO=project")
    context = Context(project_dir / ("x" * 300) / "sub", os.environ)
    assert find_dotenv(context) == found
    assert load_dotenv(context).values == {"WHO": "project"}

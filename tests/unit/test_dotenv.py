"""`.env` parsing (npm `dotenv` rules) and Qwen Code's search order, on real files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qwen_tui.core.dotenv import (
    DotenvFile,
    dotenv_hiding,
    find_dotenv,
    load_dotenv,
    parse_dotenv,
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
        ("N='line1\\nline2'", {"N": "line1\\nline2"}),
        ('M="first\nsecond"\nNEXT=x', {"M": "first\nsecond", "NEXT": "x"}),
        ("A=1\r\nB='x'\r\nC=3\r\n", {"A": "1", "B": "x", "C": "3"}),
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
    assert find_dotenv(project_dir) is None
    loaded = load_dotenv(project_dir)
    assert loaded == DotenvFile(path=None, values={}, error=None)
    assert shadowed_dotenv_files(project_dir) == []


def test_what_hides_qwen_homes_env(isolated_home: Path, project_dir: Path, qwen_home: Path) -> None:
    target = qwen_home / ".env"
    write(isolated_home / ".env", "WHO=home")      # searched after ~/.qwen/.env: it does not hide it
    assert dotenv_hiding(target, project_dir) is None
    project = write(project_dir / ".env", "WHO=project")
    assert dotenv_hiding(target, project_dir) == project
    write(target, "WHO=home-qwen")                 # existing or not, the nearer file still wins
    assert dotenv_hiding(target, project_dir) == project


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
        assert find_dotenv(sub) == winner
        loaded = load_dotenv(sub)
        assert loaded.path == winner and loaded.error is None
        assert loaded.values["WHO"] == winner.read_text().split("\n")[0].removeprefix("WHO=")
        if winner is ordered[0]:
            assert loaded.values["ONLY_SUB"] == "1"
        else:
            assert "ONLY_SUB" not in loaded.values  # first file only: nothing merged from others
        later = ordered[ordered.index(winner) + 1:]
        # The home files are read after the project's by qwen 0.24.4 (findEnvFiles): never "shadowed".
        assert shadowed_dotenv_files(sub) == [path for path in later if path not in ordered[3:]]
        winner.unlink()
    assert find_dotenv(sub) is None


def test_project_dotenv_comes_first_and_qwen_home_dotenv_is_not_shadowed(project_dir: Path, qwen_home: Path) -> None:
    """The project `.env` is the one found; `~/.qwen/.env` behind it is still read by qwen 0.24.4 for unset
    variables (tests/interop/test_run.py), so it is not listed as shadowed (it was up to 0.15.10, #3877)."""
    write(qwen_home / ".env", "OPENAI_API_KEY=sk-user")
    project = write(project_dir / ".env", "OTHER=1")
    assert find_dotenv(project_dir) == project
    assert load_dotenv(project_dir).values == {"OTHER": "1"}
    assert shadowed_dotenv_files(project_dir) == []
    nearer = write(project_dir / ".qwen" / ".env", "OTHER=2")
    assert find_dotenv(project_dir) == nearer and shadowed_dotenv_files(project_dir) == [project]


def test_qwen_home_env_var_is_searched_before_home(tmp_path: Path, isolated_home: Path, project_dir: Path) -> None:
    custom = tmp_path / "custom-qwen-home"
    env = {"HOME": str(isolated_home), "QWEN_HOME": str(custom)}
    home_env = write(isolated_home / ".env", "WHO=home")
    assert find_dotenv(project_dir, env) == home_env
    custom_env = write(custom / ".env", "WHO=custom")
    assert find_dotenv(project_dir, env) == custom_env
    assert load_dotenv(project_dir, env).values == {"WHO": "custom"}
    assert shadowed_dotenv_files(project_dir, env) == []   # ~/.env: read after it for unset variables


def test_walk_reaches_parent_directories(tmp_path: Path, project_dir: Path) -> None:
    # project_dir is tmp_path/project: a .env in tmp_path (above it, outside HOME) is found.
    above = write(tmp_path / ".qwen" / ".env", "WHO=above")
    nested = project_dir / "a" / "b"
    nested.mkdir(parents=True)
    assert find_dotenv(nested) == above
    assert find_dotenv(Path(os.path.relpath(nested))) == above  # relative cwd works too


def test_env_mapping_controls_home(tmp_path: Path, project_dir: Path) -> None:
    other_home = tmp_path / "other-home"
    found = write(other_home / ".env", "A=1")
    assert find_dotenv(project_dir, {"HOME": str(other_home)}) == found
    assert find_dotenv(project_dir) is None  # the real (isolated) HOME has none


def test_unreadable_file_is_an_error_not_a_fallthrough(project_dir: Path, qwen_home: Path) -> None:
    write(qwen_home / ".env", "A=from-home")
    (project_dir / ".env").mkdir()  # Qwen Code stops here too, and then loads nothing
    loaded = load_dotenv(project_dir)
    assert loaded.path == project_dir / ".env"
    assert loaded.values == {}
    assert loaded.error is not None and "\n" not in loaded.error
    assert str(project_dir / ".env") in loaded.error


def test_invalid_utf8_does_not_raise(project_dir: Path) -> None:
    (project_dir / ".env").write_bytes(b"A=caf\xe9\nB=ok\n")
    loaded = load_dotenv(project_dir)
    assert loaded.error is None
    assert loaded.values["B"] == "ok"
    assert loaded.values["A"].startswith("caf")


def test_dotenv_values_stay_out_of_repr(project_dir: Path) -> None:
    (project_dir / ".env").write_text("OPENAI_API_KEY=sk-dotenv-SECRET\n")
    loaded = load_dotenv(project_dir)
    assert loaded.values == {"OPENAI_API_KEY": "sk-dotenv-SECRET"}
    assert "sk-dotenv-SECRET" not in repr(loaded)

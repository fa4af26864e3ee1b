"""Issue 14 point 12: `status` laid out by field at any width, "not set" said plainly, the app's labels;
`usage-stats` alone shows the status; every command's --help has examples and every option a description."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from qwen_tui.cli import build_parser, main
from qwen_tui.commands.status import render_status
from qwen_tui.core.context import Context
from qwen_tui.core.resolver import resolve
from tests.conftest import FIXTURES

SETTINGS = FIXTURES / "qwen-code-0.15.10/settings_after_custom_provider.json"
KEY_NAME = "env.QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_8000_V1"


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_status_keeps_every_token_whole_at_any_width(qwen_home: Path, width: int) -> None:
    qwen_home.mkdir()
    shutil.copyfile(SETTINGS, qwen_home / "settings.json")
    text = render_status(resolve(Context.current()), width=width)
    lines = text.splitlines()
    path = str(qwen_home / "settings.json")
    for token in (f"({path})", KEY_NAME, "http://127.0.0.1:8000/v1", "sk-…cdef"):
        assert any(token in line for line in lines), f"{token} cut at {width} columns:\n{text}"
    # Only a line holding a single unbreakable token (a long path) may exceed the width.
    assert all(len(line) <= width or len(line.split()) <= 2 for line in lines), text
    # The value, then its source on a line of its own.
    model = next(i for i, line in enumerate(lines) if "mock-model" in line)
    assert "from user settings" not in lines[model] and "from user settings" in lines[model + 1]
    if width < 60:
        assert lines[model - 1].strip() == "Model"     # narrow: the label on its own line too
    else:
        assert lines[model].startswith("Model ")


def test_status_says_not_set_plainly_with_the_apps_labels(capsys) -> None:
    assert main(["status"]) == 1
    out = capsys.readouterr().out
    assert "Auth type" in out and "Auth method" not in out
    auth_line = next(line for line in out.splitlines() if line.startswith("Auth type"))
    assert auth_line.split() == ["Auth", "type", "not", "set"]
    assert "from not set" not in out and "none from" not in out


def test_usage_stats_alone_shows_the_status(capsys) -> None:
    assert main(["usage-stats"]) == 0
    alone = capsys.readouterr().out
    assert main(["usage-stats", "status"]) == 0
    assert alone == capsys.readouterr().out
    assert alone.splitlines()[:2] == ["The qwen CLI sends usage statistics: no choice is saved, and on is its default.",
                                      "qwen-tui records nothing until a choice is saved."]


def _parsers(parser: argparse.ArgumentParser, name: str = "qwen-tui"):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_every_command_has_examples_and_every_option_a_description() -> None:
    parsers = list(_parsers(build_parser()))
    assert len(parsers) >= 9
    for name, parser in parsers:
        if name == "qwen-tui run":   # never parsed: its arguments (and `--help`) are qwen's own
            continue
        help_text = parser.format_help()
        assert "Examples:\n" in help_text and name in help_text.split("Examples:\n")[1], name
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{name}: {action.option_strings or action.dest} has no description"

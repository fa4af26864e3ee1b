"""The core and the non-interactive commands never import Textual or Rich."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import qwen_tui.commands
import qwen_tui.core

UI_PACKAGES = ("textual", "rich")


def _modules(package) -> list[str]:
    return [info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def _loaded_ui_modules(code: str) -> list[str]:
    probe = code + (
        "\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {UI_PACKAGES!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_core_and_command_module_imports_without_textual_or_rich() -> None:
    names = _modules(qwen_tui.core) + _modules(qwen_tui.commands) + ["qwen_tui.cli"]
    assert "qwen_tui.core.settings" in names and "qwen_tui.commands.status" in names
    code = "import importlib\n" + "".join(f"importlib.import_module({name!r})\n" for name in names)
    assert _loaded_ui_modules(code) == []


def test_status_command_runs_without_textual_or_rich() -> None:
    code = (
        "import contextlib, io\n"
        "from qwen_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['status'])\n"
    )
    assert _loaded_ui_modules(code) == []


def test_run_command_runs_without_textual_or_rich() -> None:
    """`qwen-tui run` is on the path of every `qwen` it starts: up to the exec, no UI module is loaded."""
    code = (
        "import contextlib, io\n"
        "from qwen_tui.cli import main\n"
        "with contextlib.redirect_stderr(io.StringIO()):\n"
        "    assert main(['run', '--qwen', '/nonexistent/qwen', '--', '-p', 'hi']) == 1\n"
    )
    assert _loaded_ui_modules(code) == []


def test_probe_detects_a_ui_import() -> None:
    """The check itself can fail: importing the UI app is seen."""
    assert "textual" in _loaded_ui_modules("import qwen_tui.ui.app")

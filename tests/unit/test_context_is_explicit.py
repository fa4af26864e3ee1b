"""The working directory and the environment are read from the process in one place, `Context.current()`, and
that is called only at the entry points (cli.py for every command and `run`, the app's startup); everything else
gets the context (or its environment) passed down. A hidden `os.environ` default would make a function read
another configuration than the one its caller resolved (ARCHITECTURE.md, "A configuration, from files to the
screen").
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "qwen_tui"

# Reads of the process's own environment or working directory, as `module.attribute`.
PROCESS_READS = {"os.environ", "os.environb", "os.getenv", "os.getenvb", "os.putenv", "os.unsetenv", "os.getcwd",
                 "os.getcwdb", "Path.cwd", "pathlib.Path.cwd"}
# (module, function) where a read is the point: the one place a Context is taken from the process.
# core/trust.py: the TLS variables, which httpx and ssl read from the process whatever Context is passed.
READ_ALLOWED = {("core/context.py", "current"), ("core/trust.py", "_read_process")}
# Where `Context.current()` may be called: the entry points.
ENTRY_POINTS = {"cli.py", "ui/app.py"}


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _findings(source: str, module: str) -> list[str]:
    """`module:line what` for each process read outside READ_ALLOWED and each `Context.current()` outside the
    entry points."""
    found: list[str] = []

    def visit(node: ast.AST, function: str | None) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found.extend(f"{module}:{node.lineno} from os import {alias.name}" for alias in node.names
                         if f"os.{alias.name}" in PROCESS_READS)
        if isinstance(node, ast.Attribute):
            name = _dotted(node)
            if name in PROCESS_READS and (module, function) not in READ_ALLOWED:
                found.append(f"{module}:{node.lineno} {name}")
            if name == "Context.current" and module not in ENTRY_POINTS:
                found.append(f"{module}:{node.lineno} Context.current() outside an entry point")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(source), None)
    return found


def test_only_the_context_reads_the_process_environment_and_cwd() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += _findings(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix())
    assert found == [], "pass a Context (or its env) down instead:\n" + "\n".join(found)


def test_the_check_sees_each_kind_of_read() -> None:
    """The forms a hidden default takes are all caught (the check cannot pass by not looking)."""
    planted = """
import os
from os import environ
from pathlib import Path
from qwen_tui.core.context import Context

def load(env=None, cwd=None):
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    return os.getenv("HOME"), os.getcwd(), Context.current()
"""
    lines = [line.split(" ", 1)[1] for line in _findings(planted, "core/planted.py")]
    assert lines == ["from os import environ", "os.environ", "Path.cwd", "os.getenv", "os.getcwd",
                     "Context.current() outside an entry point"]
    # The one allowed place, and an entry point's call.
    allowed = "import os\nfrom pathlib import Path\nclass Context:\n    def current(cls):\n" \
              "        return Path.cwd(), dict(os.environ)\n"
    assert _findings(allowed, "core/context.py") == []
    assert _findings("from qwen_tui.core.context import Context\nContext.current()\n", "cli.py") == []


def _in_a_deleted_directory(tmp_path: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """qwen-tui's entry point run with `argv` in a directory deleted under the shell that started it."""
    gone = tmp_path / "gone"
    gone.mkdir()
    code = f"import sys; from qwen_tui.cli import main; sys.exit(main({argv!r}))"
    return subprocess.run(["sh", "-c", 'cd "$1" && rmdir "$1" && exec "$2" -c "$3"', "sh", str(gone), sys.executable,
                           code], capture_output=True, text=True, env=os.environ, timeout=60)


@pytest.mark.parametrize("argv", [["status"], [], ["run", "--", "-p", "hi"], ["auth", "token"]])
def test_a_deleted_working_directory_is_one_clear_line(tmp_path: Path, argv: list[str]) -> None:
    """The entry point reads the working directory first: gone (deleted under the shell), every command stops
    with one line saying so and what to do, exit 1 — not an "unexpected error"."""
    done = _in_a_deleted_directory(tmp_path, argv)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "working directory" in done.stderr and "unexpected" not in done.stderr


@pytest.mark.parametrize(("argv", "printed"), [(["--version"], "qwen-tui "), (["--help"], "usage: qwen-tui"),
                                               (["status", "--help"], "usage: qwen-tui status")])
def test_help_and_version_need_no_working_directory(tmp_path: Path, argv: list[str], printed: str) -> None:
    done = _in_a_deleted_directory(tmp_path, argv)
    assert done.returncode == 0 and done.stdout.startswith(printed) and done.stderr == "", done

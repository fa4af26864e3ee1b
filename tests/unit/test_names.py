"""One definition per name: the auth-method ids and settings keys are written only in `qwen_tui/core/names.py`.

A scan of every module's string constants (docstrings and comments may mention them; code may not).
"""

from __future__ import annotations

import ast
from pathlib import Path

import qwen_tui

PACKAGE = Path(qwen_tui.__file__).parent
NAMES = PACKAGE / "core" / "names.py"

# Written out here, not read from names.py, so a changed or moved name is noticed too.
SHARED = {
    "qwen-oauth", "openai", "anthropic", "gemini",
    "security.auth.selectedType", "security.auth.enforcedType", "security.auth.apiKey", "security.auth.baseUrl",
    "model.name", "model.baseUrl", "privacy.usageStatisticsEnabled", "modelProviders", "modelProviders.openai",
}
# Strings equal to a name that mean something else: the catalogue's preset id "openai" (OpenAI's own API, one
# of many presets) and its key checks named after the API they call.
OTHER_MEANING = {
    ("core/providers/catalog.py", "openai"), ("core/providers/catalog.py", "anthropic"),
    ("core/providers/catalog.py", "gemini"),
}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and node.value in SHARED]


def test_names_are_written_only_in_the_names_module() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if path == NAMES:
            continue
        found += [f"{relative}:{line}: {value!r}" for line, value in _literals(path)
                  if (relative, value) not in OTHER_MEANING]
    assert found == [], "use qwen_tui.core.names instead of:\n" + "\n".join(found)


def test_the_names_module_holds_them_all() -> None:
    """The scan above looks for the right strings: each is defined once, in names.py."""
    values = [value for _, value in _literals(NAMES)]
    assert sorted(set(values)) == sorted(SHARED - {"modelProviders.openai"})
    assert len(values) == len(set(values))

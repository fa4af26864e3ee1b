"""Mutation scores per module from mutmut's results in `mutants/` (`make mutants`), as a Markdown table.

A mutant counts as killed when a test failed (or it hung until mutmut's CPU limit); as surviving when every test
covering it passed, or when no test covers it at all. The equivalent mutants listed in
`tests/mutation_equivalents.toml` (each with the reason no test can tell it from the original) are left out.
`--survivors` also lists the surviving mutants' names (`mutmut show NAME` prints the change).
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KILLED = {1, 3, 24, -24, 36, 152, 255}  # tests failed; pytest internal error; CPU limit reached (a hung mutant)
SURVIVED = {0, 5, 33}                   # tests passed; no test ran; no test covers it


def equivalents() -> dict[str, str]:
    path = ROOT / "tests" / "mutation_equivalents.toml"
    return {name: entry["reason"] for name, entry in tomllib.loads(path.read_text()).items()}


def rows(excluded: dict[str, str]) -> list[tuple[str, int, int, list[str], int, int]]:
    """(module, killed, equivalent, survivors, not yet run, other) for each mutated module."""
    table = []
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        module = str(meta.relative_to(ROOT / "mutants")).removesuffix(".meta")
        killed = sum(1 for name, code in codes.items() if code in KILLED and name not in excluded)
        equivalent = sum(1 for name in codes if name in excluded)
        survivors = sorted(name for name, code in codes.items() if code in SURVIVED and name not in excluded)
        pending = sum(1 for name, code in codes.items() if code is None and name not in excluded)
        other = len(codes) - killed - equivalent - len(survivors) - pending
        table.append((module, killed, equivalent, survivors, pending, other))
    return table


def main(argv: list[str]) -> int:
    table = rows(equivalents())
    if not table:
        print("no results in mutants/: run `make mutants` first", file=sys.stderr)
        return 1
    print("| module | killed | survived | equivalent (excluded) | score |")
    print("|---|---|---|---|---|")
    for module, killed, equivalent, survivors, pending, other in table:
        judged = killed + len(survivors) + other
        score = f"{100 * killed / judged:.1f} %" if judged else "-"
        note = f" ({pending} not run yet)" if pending else ""
        print(f"| `{module}` | {killed} | {len(survivors)} | {equivalent} | {score}{note} |")
    if "--survivors" in argv:
        for row in table:
            print("\n".join(row[3]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The benchmarks' shared output: the machine they ran on and one Markdown table (pasted as-is into the README)."""

from __future__ import annotations

import os
import platform
from collections.abc import Iterable

Row = tuple[str, str, str]   # measure, value, against the budget (empty when there is none)
HEADER: Row = ("measure", "value", "against the budget")


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def verdict(value: float, budget: float, unit: str = "×") -> str:
    return f"{value:.2f}{unit} (budget ≤ {budget:g}{unit}: {'ok' if value <= budget else 'OVER'})"


def print_table(rows: Iterable[Row]) -> None:
    table = [HEADER, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    table.insert(1, tuple("-" * width for width in widths))
    for row in table:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + " |")

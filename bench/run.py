"""Every benchmark, one table: `make bench`. Exit 1 when a budget is missed.

Usage: python bench/run.py [--runs N] [--signin-runs N]
Rows: launch → first screen in tmux against a minimal Textual app (bench/startup.py), `qwen-tui status`
against `python -c pass`, peak RSS, Qwen OAuth approval → signed in (bench/signin_latency.py), and
`qwen-tui run -- --version` against `qwen --version` (bench/run_cost.py)."""

from __future__ import annotations

import argparse

import run_cost
import signin_latency
import startup
from table import machine, print_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="launches of each kind")
    parser.add_argument("--signin-runs", type=int, default=3, help="sign-ins per polling interval")
    args = parser.parse_args()
    launch_rows, launches_ok = startup.measure(args.runs)
    signin_rows, signins_ok = signin_latency.measure(args.signin_runs, [1.0, 5.0])
    run_rows, runs_ok = run_cost.measure(args.runs)
    print(f"{machine()}; medians of {args.runs} launches (80×24 tmux, ratios paired with the minimal app) "
          f"and {args.signin_runs} sign-ins per polling interval")
    print_table(launch_rows + signin_rows + run_rows)
    return 0 if launches_ok and signins_ok and runs_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

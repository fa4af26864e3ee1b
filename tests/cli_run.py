"""`qwen-tui …` run in the test's own process (`qwen_tui.cli.main`), as a shell with a pipe would run it.

A new `python -m qwen_tui.cli` costs ~0.35 s of CPU (interpreter, imports, httpx); in the tests' process the
modules are already loaded. Where the claim is about a process (imports, a terminal, signals, the exit of a
process that sends something), tests keep a real one.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from qwen_tui.cli import main
from qwen_tui.core import log


@dataclass(frozen=True)
class Ran:
    """What a finished command left: its exit code and its whole output."""

    returncode: int
    stdout: str
    stderr: str


def _stream(data: bytes, errors: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=errors, write_through=True)


def run_cli(*argv: str, stdin: str = "", env: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None,
            cwd: Path | None = None) -> Ran:
    """Run the command with `env` added to the environment (or `environ` as the whole environment, as
    subprocess's `env=`), in `cwd` if given, and `stdin` on a pipe (no terminal). An exception escaping `main` is
    not caught: a real process would have printed a traceback, so the test fails."""
    # The streams of a process started by the tests (no LANG: UTF-8 mode): UTF-8, surrogateescape on stdin and
    # stdout, backslashreplace on stderr; a lone surrogate printed to stdout fails here as it would there.
    # Universal newlines on stdin: a pasted CRLF arrives as LF.
    pipe, out, err = _stream(stdin.encode(), "surrogateescape"), _stream(b"", "surrogateescape"), \
        _stream(b"", "backslashreplace")
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        if environ is not None:
            for name in set(os.environ) - set(environ):
                patch.delenv(name)
        for name, value in {**(environ or {}), **(env or {})}.items():
            patch.setenv(name, value)
        patch.setattr(sys, "stdin", pipe)
        if cwd is not None:
            patch.chdir(cwd)
        logged = log.logging_configured()
        try:
            code = main(list(argv))
        except SystemExit as exit_:   # argparse's usage errors and --help
            code = 0 if exit_.code is None else exit_.code if isinstance(exit_.code, int) else 1
        finally:
            # A command that logged an error set up the log in its QWEN_HOME: a process's log ends with it, and
            # here later tests would log there (their results then depending on the order they run in).
            if not logged and log.logging_configured():
                log._remove_handler()
                log._configure_silent()
    # Read back as subprocess.run(text=True) reads a child's output: strict UTF-8.
    return Ran(code, _written(out), _written(err))


def _written(stream: io.TextIOWrapper) -> str:
    raw = stream.buffer
    assert isinstance(raw, io.BytesIO)
    return raw.getvalue().decode("utf-8")

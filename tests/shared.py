"""What the pytest-xdist workers of one run share: a folder, and a lock to build something in it only once."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock held across processes (the workers of a run, or two runs sharing a cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this run only, the same for every xdist worker: the parent of the workers' base temp
    folders under xdist (`pytest-N/popen-gwK`), the run's own base temp without it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base

"""The shared parts of the suite hand every test a fresh view, whatever ran before it in its worker (the order
changes from run to run under `--dist worksteal`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qwen_tui.core.secrets import SERVICE
from tests.keyring_service import stored_items

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.keyring
def test_a_secret_an_earlier_test_left_is_gone_for_the_next(
        secret_service_daemons: dict[str, str], request: pytest.FixtureRequest) -> None:
    """The Secret Service runs once per worker; a test that failed before its own cleanup, or forgot it, left an
    item there. CI failed on that: a search for the key a test stored found another test's first."""
    left = subprocess.run(["secret-tool", "store", "--label", "left behind", "service", SERVICE, "username",
                           "OPENAI_API_KEY_left_behind"], input="sk-left-behind",
                          env={**os.environ, **secret_service_daemons}, capture_output=True, text=True, timeout=30)
    assert left.returncode == 0, left.stderr
    assert stored_items(secret_service_daemons)        # (with whatever the worker's earlier tests left)
    bus = request.getfixturevalue("secret_service")   # what the next test gets
    assert stored_items(bus) == []
    found = subprocess.run(["secret-tool", "search", "--all", "service", SERVICE], env={**os.environ, **bus},
                           capture_output=True, text=True, timeout=30)
    assert found.returncode == 0 and found.stdout == found.stderr == ""


_INNER_TEST = """
import os

def test_the_developers_keyring_is_out_of_reach():
    assert not {"DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND", "XDG_CONFIG_HOME", "XDG_CURRENT_DESKTOP"} \\
        & set(os.environ)
"""


def test_a_desktop_keyring_never_reaches_a_test(tmp_path: Path) -> None:
    """Run under a desktop session (its bus, a chosen keyring backend, a KDE desktop), a test still sees none of it:
    it would read the developer's keys, and keyring's process-wide backend would be whatever the first test of the
    worker to ask detected. A pytest run of its own, with the suite's fixtures, in that environment."""
    (tmp_path / "test_inner.py").write_text(_INNER_TEST)
    desktop = {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/bus", "XDG_CURRENT_DESKTOP": "KDE",
               "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
               "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
                           "test_inner.py"], cwd=tmp_path, env={**os.environ, **desktop, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]

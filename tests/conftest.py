"""Shared fixtures. No test may read or write the real HOME: `isolated_home` is autouse."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from qwen_tui.core.i18n import set_language
from tests.keyring_service import clear_items, missing_binaries, start_secret_service

# The loopback servers' fixtures (device_server, openai_server, collector), available to every test.
pytest_plugins = ["tests.servers.fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    # In the tests' own process only (not in the qwen-tui or qwen processes they start). At Python's default
    # thresholds (700, 10, 10) the cyclic collector ran thousands of times per UI file, walking Textual's many
    # objects again and again: 17-24 % of the file's CPU time. Ten-thousand-object young generations, with older
    # generations collected more rarely, leave it ~11 % of the same files (mostly pytest's own full collections
    # at the end of the session). Garbage is still collected: later, in fewer passes, at the cost of memory (peak
    # RSS of one process running test_hostile_screens.py + test_truth_snapshots.py: 145 MB -> 276 MB).
    gc.set_threshold(10_000, 20, 20)


# Variables that would leak the developer's own configuration into a test.
_SCRUBBED = (
    "QWEN_HOME", "QWEN_OAUTH", "QWEN_MODEL",
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL",
    "QWEN_CODE_SYSTEM_SETTINGS_PATH", "QWEN_CODE_SYSTEM_DEFAULTS_PATH",
    "QWEN_TUI_USAGE_ENDPOINT", "QWEN_TUI_LANGUAGE", "QWEN_TUI_THEME",
    "LC_ALL", "LC_MESSAGES", "LANG", "NO_COLOR", "NO_BROWSER", "BROWSER",
    "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy",
    # The developer's own trust store and TLS key log: the TLS tests trust only the CA they make (core/trust.py).
    "SSL_CERT_FILE", "SSL_CERT_DIR", "SSLKEYLOGFILE",
    # The developer's own keyring: a test reaches only the private Secret Service it asks for (`secret_service`).
    # keyring also keeps the backend its first detection chose for the whole process, so with the desktop's bus
    # here that choice would depend on which test of the worker ran first.
    "DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND", "XDG_CONFIG_HOME", "XDG_CURRENT_DESKTOP",
    # `make mutants`: mutmut keeps the active mutant in-process too; child processes (started in a temporary
    # cwd, where mutmut finds no configuration) run the code unmutated instead of failing.
    "MUTANT_UNDER_TEST",
)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME, QWEN_HOME, the system settings paths and the cwd all point inside tmp_path."""
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    project = tmp_path / "project"
    etc = tmp_path / "etc"
    for folder in (home, project, etc):
        folder.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("QWEN_CODE_SYSTEM_SETTINGS_PATH", str(etc / "settings.json"))
    monkeypatch.setenv("QWEN_CODE_SYSTEM_DEFAULTS_PATH", str(etc / "system-defaults.json"))
    monkeypatch.setenv("NO_BROWSER", "1")
    # No test may reach the real qwen.ai: by default the device flow targets a closed loopback port.
    monkeypatch.setenv("QWEN_OAUTH_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.chdir(project)
    set_language("en")  # the catalog language is process-global: a test that switches it must not leak
    return home


@pytest.fixture
def qwen_home(isolated_home: Path) -> Path:
    """`~/.qwen` inside the isolated HOME (not created)."""
    return isolated_home / ".qwen"


@pytest.fixture
def project_dir(isolated_home: Path) -> Path:
    return isolated_home.parent / "project"


# Files captured from the real Qwen Code (copied from shared/reference/fixtures so the suite is self-contained).
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# A private Secret Service for the keyring tests of every suite (unit, interop).
@pytest.fixture(scope="session")
def secret_service_daemons(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Env vars (the session bus address) that reach an unlocked gnome-keyring, started once per session (per
    xdist worker). Tests use `secret_service`, which empties it first.

    The daemons keep their own HOME/XDG dirs, so per-test HOME changes do not disturb them."""
    missing = missing_binaries()
    if missing:
        reason = f"Secret Service tests need {', '.join(missing)} (Debian: dbus gnome-keyring libsecret-tools)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run them")
        pytest.skip(reason)
    session = start_secret_service(tmp_path_factory.mktemp("secret-service"))
    try:
        yield dict(session.env)
    finally:
        session.stop()


@pytest.fixture
def secret_service(secret_service_daemons: dict[str, str]) -> dict[str, str]:
    """The session's Secret Service, holding no item: what earlier tests in this worker stored (the order changes
    from run to run under `--dist worksteal`) is deleted first, so no test reads another's leftovers."""
    clear_items(secret_service_daemons)
    return dict(secret_service_daemons)

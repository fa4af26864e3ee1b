"""One refresh of home reads each settings layer and `.env` file once and walks the `.env` search once (issue 12,
point 6), however many parts of the screen show what they hold (the configuration, the saved providers, the
OPENAI_* notice, the provider form's import).

Counted through the filesystem, not through the product's own bookkeeping: every bounded read goes through
`fileops.read_regular` (wrapped here, also where `dotenv` imported it by name), and the `.env` search is counted
by the existence checks of its first candidate, `<project>/.qwen/.env` (`Path.exists`, wrapped).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from ui_helpers import settle

import qwen_tui.core.dotenv as dotenv_module
import qwen_tui.core.fileops as fileops
from qwen_tui.core.context import Context
from qwen_tui.core.providers.profiles import KeyStore, save_profile
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.home import HomeScreen

SIZE = (80, 24)
KEY = "sk-first-key-0000000000001"


def app_env() -> dict[str, str]:
    return {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


class FileCounter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, first_candidate: Path) -> None:
        self.reads: Counter[Path] = Counter()
        self.walks = 0
        read, exists = fileops.read_regular, Path.exists

        def counting_read(path: Path, *args: object, **kwargs: object) -> bytes | None:
            self.reads[Path(path)] += 1
            return read(path, *args, **kwargs)  # type: ignore[arg-type]

        def counting_exists(path: Path, *args: object, **kwargs: object) -> bool:
            if path == first_candidate:
                self.walks += 1
            return exists(path, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(fileops, "read_regular", counting_read)
        monkeypatch.setattr(dotenv_module, "read_regular", counting_read)
        monkeypatch.setattr(Path, "exists", counting_exists)

    def reset(self) -> None:
        self.reads.clear()
        self.walks = 0


@pytest.fixture
def every_file(isolated_home: Path, project_dir: Path) -> list[Path]:
    """Every settings layer and a `.env` at each place the resolver reads one: the project's (loaded), one
    above it (shadowed) and the home ones (read after the project's for unset variables)."""
    save_profile(base_url="http://127.0.0.1:9101/v1", model="model-one", key=KEY, store=KeyStore.SETTINGS,
                 context=Context(Path.cwd(), app_env()))
    etc = isolated_home.parent / "etc"
    files = [isolated_home / ".qwen" / "settings.json", project_dir / ".qwen" / "settings.json",
             etc / "settings.json", etc / "system-defaults.json"]
    for path in files[1:]:
        path.parent.mkdir(exist_ok=True)
        path.write_text('{"ui": {}}\n')
    dotenvs = {project_dir / ".env": "OPENAI_MODEL=from-project\n", isolated_home / ".env": "QWEN_MODEL=m\n",
               isolated_home / ".qwen" / ".env": "OPENAI_BASE_URL=http://127.0.0.1:9101/v1\n"}
    for path, text in dotenvs.items():
        path.write_text(text)
    (project_dir.parent / ".env").write_text("OPENAI_MODEL=shadowed\n")
    return files + list(dotenvs)


async def counted(monkeypatch: pytest.MonkeyPatch, project_dir: Path, act) -> FileCounter:
    """Start the app on home, then count the reads and walks of `act(app, pilot)` alone."""
    counter = FileCounter(monkeypatch, project_dir / ".qwen" / ".env")
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        counter.reset()
        await act(app, pilot)
    return counter


async def test_a_refresh_of_home_reads_each_file_once_and_walks_once(
    every_file: list[Path], project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refresh(app: QwenTuiApp, pilot) -> None:
        await pilot.press("r")
        await settle(pilot)
        # What the refresh showed came from those files: the profiles panel and the OPENAI_* notice are filled.
        assert "model-one" in str(app.screen.query_one("#profiles-table").render_line(1))
        notice = str(app.screen.query_one("#profiles-env-lines").render())
        assert str(project_dir / ".env") in notice or "./.env" in notice
        assert app.resolution is not None
        assert app.resolution.shadowed_dotenv == (project_dir.parent / ".env",)

    counter = await counted(monkeypatch, project_dir, refresh)
    assert {path: counter.reads[path] for path in every_file} == dict.fromkeys(every_file, 1)
    assert counter.walks == 1


async def test_the_forms_environment_notice_and_import_read_nothing_again(
    every_file: list[Path], project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Input

    async def open_and_import(app: QwenTuiApp, pilot) -> None:
        app.open_provider_form(import_env=True)
        await settle(pilot)
        assert app.screen.query_one("#model", Input).value == "from-project"
        assert app.screen.query_one("#base-url", Input).value == "http://127.0.0.1:9101/v1"

    counter = await counted(monkeypatch, project_dir, open_and_import)
    assert {path: counter.reads[path] for path in every_file} == dict.fromkeys(every_file, 0)
    assert counter.walks == 0

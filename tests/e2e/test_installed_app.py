"""The wheel ships screens/ and themes/ and runs from a fresh venv; the installed app in a real terminal."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HEADLESS_START = """
import asyncio, json
from qwen_tui import resources
from qwen_tui.ui.app import QwenTuiApp

async def main():
    app = QwenTuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause(0.1)
            if type(app.screen).__name__ == "ChooserScreen":
                break
        print(json.dumps({
            "screen": type(app.screen).__name__,
            "screens_dir": str(resources.resource_dir("screens")),
            "themes": sorted(app.available_themes),
            "text": " ".join(str(w.render()) for w in app.screen.query("Static")),
        }))

asyncio.run(main())
"""


def test_wheel_starts_headless_with_its_own_stylesheets_and_themes(installed_venv: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(installed_venv / "python"), "-c", HEADLESS_START],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["screen"] == "ChooserScreen"
    assert "site-packages" in report["screens_dir"] and report["screens_dir"].endswith("qwen_tui/_data/screens")
    assert {"qwen-dark", "qwen-light", "high-contrast"} <= set(report["themes"])


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_installed_app_shows_the_chooser_in_tmux(installed_venv: Path, tmux, size: tuple[int, int]) -> None:
    session = tmux([str(installed_venv / "qwen-tui")], *size)
    session.wait_for("Qwen OAuth", "OpenAI-compatible", "qwen.ai/termsservice")
    session.send("q")
    assert session.wait_exit(), session.screen()


def test_installed_status_runs_without_a_terminal(installed_venv: Path, isolated_home: Path) -> None:
    result = subprocess.run([str(installed_venv / "qwen-tui"), "status", "--json"], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["authType"]["value"] is None

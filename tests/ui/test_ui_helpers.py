"""The helpers the UI tests wait with: a worker replaced by an exclusive newer one is not a failure, an error is.
And the app the snapshots make with a fixed Qwen Code home touches nothing there."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import ui_helpers
from textual import work
from textual.app import App
from textual.worker import WorkerCancelled, WorkerFailed
from ui_helpers import make_shown_home_app, notifications, resolution, settle, until, workers_done

from qwen_tui.ui.screens.provider_form import ProviderFormScreen


class Loads(App[None]):
    """Two loads in one exclusive group, the second started while the first still runs (as two refreshes do)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[int] = []

    @work(exclusive=True, group="load", exit_on_error=False)
    async def load(self, n: int, fail: bool = False) -> None:
        await asyncio.sleep(0.2)
        if fail:
            raise ValueError("the load failed")
        self.loaded.append(n)


async def test_a_replaced_worker_is_waited_for_without_an_error() -> None:
    app = Loads()
    async with app.run_test():
        app.load(1)
        app.load(2)
        with pytest.raises(WorkerCancelled):   # what Textual's own wait does: the flake this helper ends
            await app.workers.wait_for_complete()
        app.load(3)
        app.load(4)
        await workers_done(app)
        assert app.loaded[-1] == 4 and 3 not in app.loaded


async def test_a_failed_worker_is_still_an_error() -> None:
    app = Loads()
    async with app.run_test():
        app.load(1, fail=True)
        with pytest.raises(WorkerFailed):
            await workers_done(app)


async def test_a_toast_is_recorded_when_said_and_kept_after_it_expired() -> None:
    """What a busy machine does: the toast's timeout ends (in wall time) before the test reads it."""
    app = App()
    async with app.run_test() as pilot:
        app.notify("first", timeout=0.01)
        app.notify("second", timeout=60)
        await until(pilot, lambda: len(app._notifications) == 1, "the first toast expired")
        assert notifications(app) == ["first", "second"]
    assert notifications(App()) == []                    # each app its own record


async def test_the_app_showing_a_fixed_home_writes_nothing_there(tmp_path: Path, monkeypatch) -> None:
    """The snapshots show QWEN_HOME as /home/dev/.qwen, outside the test's directory and shared by every run on the
    machine. From the chooser to the form, as the form snapshots go, nothing is written there: it held each app's
    log and the usage choice the chooser saved, for every later test and run to find."""
    shown = tmp_path / "shown" / ".qwen"
    monkeypatch.setattr(ui_helpers, "SHOWN_QWEN_HOME", shown)
    app = make_shown_home_app(resolution(usage=False, usage_chosen=True), "auth",
                              PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, ProviderFormScreen), "the form")
        await settle(pilot)
    assert not shown.parent.exists()


def test_preferences_left_under_the_fixed_home_are_refused(tmp_path: Path, monkeypatch) -> None:
    """The app reads its language and theme there as it starts: what another program left would change the
    snapshot, so the helper says so instead."""
    shown = tmp_path / ".qwen"
    shown.mkdir()
    (shown / "tui.json").write_text('{"language": "fr"}')
    monkeypatch.setattr(ui_helpers, "SHOWN_QWEN_HOME", shown)
    with pytest.raises(AssertionError, match="tui.json would change what the snapshot shows"):
        make_shown_home_app()

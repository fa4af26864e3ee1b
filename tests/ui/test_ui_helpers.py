"""The helpers the UI tests wait with: a worker replaced by an exclusive newer one is not a failure, an error is."""

from __future__ import annotations

import asyncio

import pytest
from textual import work
from textual.app import App
from textual.worker import WorkerCancelled, WorkerFailed
from ui_helpers import notifications, until, workers_done


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

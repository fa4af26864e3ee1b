"""The provider form's loading indicators tick only while they are shown (ui/widgets/spinner.py).

Hidden by the form's stylesheet until a check or a model fetch runs, Textual's indicators ticked 16 times a
second all the time the form was open. Checked on the indicators' refresh timers, not on time: none while hidden,
one while the check runs (the form busy), none again once it ended."""

from __future__ import annotations

from ui_helpers import make_app, resolution, settle, until

from qwen_tui.ui.screens.provider_form import ProviderFormScreen
from qwen_tui.ui.widgets.spinner import Spinner


def ticking(form: ProviderFormScreen) -> dict[str, bool]:
    return {spinner.id: spinner.auto_refresh is not None for spinner in form.query(Spinner)}


async def test_the_form_s_indicators_tick_only_while_shown() -> None:
    app = make_app(resolution(usage=False, usage_chosen=True), "auth",
                   PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")          # the chooser's "OpenAI-compatible"
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProviderFormScreen)
        hidden = {"models-loading": False, "test-loading": False}
        await until(pilot, lambda: ticking(form) == hidden, "the hidden indicators stopped")
        form.busy = True                # what a check or a save shows
        await until(pilot, lambda: form.query_one("#test-loading").display, "the indicator shown")
        assert ticking(form) == {"models-loading": False, "test-loading": True}
        form.busy = False
        await until(pilot, lambda: ticking(form) == hidden, "the indicator stopped again")

"""Issue 14's new states at 80×24 and 60×20, in English and French: home with its problems and the qwen verdict
(point 10), the usage-statistics story on settings (5), and the question before a filled-in form is discarded
(6). The resolver is injected and QWEN_HOME is a fixed path
(only read), so nothing depends on the machine.

Not here (their text holds a loopback server's port or a temporary path): the shared-key question (1) and the
key-shape message (2), in tests/ui/test_key_shape.py and tests/e2e/test_truth_keys_tmux.py; the model check
question (9), in tests/ui/test_provider_form.py. The `/` line's suggestions and /help (11) drawn over home were
not the same from run to run (home's body takes the focus a frame or two after home): tests/ui/test_commands.py
and tests/e2e/test_truth_tmux.py cover them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input
from ui_helpers import make_app, resolution, workers_done

SIZES = [(80, 24), (60, 20)]
LANGUAGES = ["en", "fr"]
PROBLEMS = ("workspace settings /work/p/.qwen/settings.json:4:7: expected ','",)


async def _settle(pilot) -> None:
    for _ in range(2):
        await workers_done(pilot.app)
        await pilot.pause()
    await pilot.wait_for_animation()


async def _home_focused(pilot) -> None:
    """Home's body takes the focus once laid out (it scrolls at these sizes): wait for it, so the screen under
    the `/` line is always the same."""
    await _settle(pilot)
    for _ in range(100):
        if pilot.app.focused is not None:
            break
        await pilot.pause(0.05)


async def _discard(pilot) -> None:
    await _settle(pilot)
    await pilot.press("2")
    await _settle(pilot)
    key = pilot.app.screen.query_one("#api-key", Input)
    key.focus()
    await pilot.press(*"sk-typed-0123456789")
    await pilot.press("escape")
    await _settle(pilot)


STATES = {
    "home-problems-verdict": (lambda: resolution("openai", usage=False, usage_chosen=True, problems=PROBLEMS),
                              None, _home_focused),
    "settings-usage-story": (lambda: resolution("openai", usage=True, usage_chosen=False), "settings", _settle),
    "form-discard-question": (lambda: resolution(), "auth", _discard),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("state", sorted(STATES))
def test_state_snapshot(snap_compare, state: str, size: tuple[int, int], language: str) -> None:
    res, initial, run_before = STATES[state]
    app = make_app(res(), initial, LC_ALL="fr_FR.UTF-8" if language == "fr" else "C.UTF-8",
                   PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", QWEN_HOME="/home/dev/.qwen")
    assert snap_compare(app, terminal_size=size, run_before=run_before)

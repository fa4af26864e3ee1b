"""Issue 14's new states at 80×24 and 60×20, in English and French: home with its problems and the qwen verdict
(point 10), the usage-statistics story on settings (5), the question before a filled-in form is discarded (6),
the shared-key question (1), the key-shape message (2), the question before saving a model the provider did not
list (9), the `/` line with its suggestions and with /help (11), and a save's storage note kept on home (8).
The resolver is injected and QWEN_HOME is a fixed path (only read), so nothing depends on the machine.

What made some of these differ from run to run, and what the states here do instead:
- a loopback server's port (in the base URL field and the key's variable name) and the check's round trip in
  milliseconds: the form's workers post their results as messages, and these states post those messages with
  fixed content (the URL is http://127.0.0.1:9/v1, where nothing listens). The same exchanges with a real
  server are tested in tests/ui/test_key_shape.py, tests/ui/test_provider_form.py and
  tests/e2e/test_truth_keys_tmux.py;
- home's verdict comes from a worker a frame or two after home is drawn, so a `/` pressed at once was drawn over
  either home: every state on home waits for the verdict first (_home_done);
- a question is a modal pushed by a callback: each state waits until it is the current screen;
- a focused input's cursor blinks (every 0.5 s): the states here stop the blink (_steady), so it is always drawn.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input
from ui_helpers import make_shown_home_app, resolution, until, workers_done

from qwen_tui.core.i18n import t
from qwen_tui.core.providers.verify import CheckResult, ErrorKind
from qwen_tui.ui.screens.command_input import CommandInputScreen
from qwen_tui.ui.screens.confirm import ConfirmScreen
from qwen_tui.ui.screens.form_workers import ChecksFinished, ModelsFetched, SharedKeyFound
from qwen_tui.ui.widgets.qwen_verdict import QwenVerdict

SIZES = [(80, 24), (60, 20)]
LANGUAGES = ["en", "fr"]
PROBLEMS = ("workspace settings /work/p/.qwen/settings.json:4:7: expected ','",)


async def _settle(pilot) -> None:
    for _ in range(2):
        await workers_done(pilot.app)
        await pilot.pause()
    await pilot.wait_for_animation()


async def _home_done(pilot) -> None:
    """Home's verdict comes from a worker and recomposes its row (it takes the focus for Start qwen only after a
    save or a sign-in, never in these states): wait for it, so the screen under the `/` line is always the same."""
    await until(pilot, lambda: any(row.verdict is not None for row in pilot.app.screen.query(QwenVerdict)),
                "home's verdict")
    await _settle(pilot)
    assert pilot.app.focused is None   # these states draw home unfocused: no focus may come after the picture


async def _discard(pilot) -> None:
    await _settle(pilot)
    await pilot.press("2")
    await _settle(pilot)
    key = pilot.app.screen.query_one("#api-key", Input)
    key.focus()
    await pilot.press(*"sk-typed-0123456789")
    await pilot.press("escape")
    await _settle(pilot)


URL = "http://127.0.0.1:9/v1"   # nothing listens: no request made here reaches anything


async def _form(pilot, key: str | None = "sk-typed-0123456789", model: str = "qwen3-coder-plus"):
    """The provider form with the URL, the key (typed, unless None) and the model filled in."""
    await _settle(pilot)
    await pilot.press("2")
    await _settle(pilot)
    form = pilot.app.screen
    form.query_one("#base-url", Input).value = URL
    form.query_one("#model", Input).value = model
    if key is not None:
        form.query_one("#api-key", Input).focus()
        await pilot.press(*key)
    pilot.app.clear_notifications()
    return form


async def _steady(pilot) -> None:
    """The cursor of every input drawn steadily, not blinking: a picture taken half a second apart differed."""
    for screen in pilot.app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
    await _settle(pilot)


async def _question(pilot) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "the question")
    await _steady(pilot)


async def _shared_key(pilot) -> None:
    """What the save worker posts when two saved providers use this endpoint's key (core: draft.shared_with)."""
    form = await _form(pilot)
    form.post_message(SharedKeyFound(["shared-a", "shared-b"], "QWEN_CUSTOM_API_KEY_OPENAI_HTTP_127_0_0_1_9_V1",
                                     form._draft(), "dotenv"))
    await _question(pilot)


async def _key_shape(pilot) -> None:
    """A key pasted over two lines with a space inside, then what the check posts when the provider answers
    HTTP 401 (verify._http_failure's result, with a fixed round trip)."""
    form = await _form(pilot, key=None)
    key = form.query_one("#api-key", Input)
    key.focus()
    key.post_message(events.Paste("sk-shape-0123 4567\n89abcdeX"))
    await _settle(pilot)
    rejected = CheckResult(False, ErrorKind.KEY_REJECTED, t("providers.error.key_rejected", status=401), 42, 401)
    form.post_message(ChecksFinished([rejected], form._fingerprint(URL), then_save=False))
    await until(pilot, lambda: "✗" in str(form.query_one("#outcome").render()), "the result")
    await _steady(pilot)
    await pilot.wait_for_animation()


async def _model_question(pilot) -> None:
    """The provider listed its models (what the fetch posts), the model typed is not one of them, and Save
    without verifying is confirmed: the form asks before saving it."""
    form = await _form(pilot, model="qwen3-coder-plsu")
    listed = ["qwen3-coder-plus", "qwen3-max"]
    form.post_message(ModelsFetched(listed, CheckResult(True, None, "", 42, 200)))
    await until(pilot, lambda: bool(form.models), "the models listed")
    form.action_save_unverified()
    await _question(pilot)
    await pilot.press("y")                        # yes, without verifying: the model question follows
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen)
                and "qwen3-coder-plsu" in str(pilot.app.screen.query_one("#confirm-question").content),
                "the model question")
    await _steady(pilot)


async def _slash(pilot, *keys: str) -> None:
    await _home_done(pilot)
    await pilot.press("slash")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandInputScreen), "the command line")
    await pilot.press(*keys)
    await _steady(pilot)


async def _suggestions(pilot) -> None:
    await _slash(pilot, "s")


async def _help(pilot) -> None:
    await _slash(pilot, *"help", "enter")


async def _storage_note(pilot) -> None:
    """A save without a keyring: the note saying where the key went (profiles.save_profile's warning) stays on
    home, where the save lands, instead of a toast."""
    await _home_done(pilot)
    pilot.app.notices.give("save", t("keys.default_dotenv", path="/home/dev/.qwen/.env"), env_key="openai-api-key")
    await _steady(pilot)


# The usage choice is already saved: choosing a method on the chooser then writes no settings file (it would go
# under the shown home, see ui_helpers.SHOWN_QWEN_HOME).
SAVED_CHOICE = {"usage": False, "usage_chosen": True}
STATES = {
    "home-problems-verdict": (lambda: resolution("openai", usage=False, usage_chosen=True, problems=PROBLEMS),
                              None, _home_done),
    "settings-usage-story": (lambda: resolution("openai", usage=True, usage_chosen=False), "settings", _settle),
    "form-discard-question": (lambda: resolution(**SAVED_CHOICE), "auth", _discard),
    "form-shared-key-question": (lambda: resolution(**SAVED_CHOICE), "auth", _shared_key),
    "form-key-shape": (lambda: resolution(**SAVED_CHOICE), "auth", _key_shape),
    "form-model-question": (lambda: resolution(**SAVED_CHOICE), "auth", _model_question),
    "command-suggestions": (lambda: resolution("openai"), None, _suggestions),
    "command-help": (lambda: resolution("openai"), None, _help),
    "home-storage-note": (lambda: resolution("openai"), None, _storage_note),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("state", sorted(STATES))
def test_state_snapshot(snap_compare, state: str, size: tuple[int, int], language: str) -> None:
    res, initial, run_before = STATES[state]
    app = make_shown_home_app(res(), initial, LC_ALL="fr_FR.UTF-8" if language == "fr" else "C.UTF-8",
                              PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert snap_compare(app, terminal_size=size, run_before=run_before)

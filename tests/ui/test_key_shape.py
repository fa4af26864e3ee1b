"""Issue 14 point 2 in the provider form: a key pasted with whitespace inside is normalised (one rule with the
CLI), and when the provider then rejects it, the message speaks of the key's shape (as `auth login` does), not
only of copying the whole key. Against the real loopback OpenAI-compatible server, which accepts one key."""

from __future__ import annotations

import os
from pathlib import Path

from textual import events
from textual.widgets import Input
from ui_helpers import workers_done

from qwen_tui.core.context import Context
from qwen_tui.core.i18n import t
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.provider_form import ProviderFormScreen
from tests.servers.openai_server import OpenAIServer

KEY = "sk-shape-0123456789abcdef"


async def outcome_after_paste(pasted: str, *, typed_after: str = "") -> str:
    """The form's outcome after pasting `pasted` into the key field (then typing `typed_after`) and Ctrl+T."""
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    with OpenAIServer(key=KEY) as server:
        app = QwenTuiApp("auth", context=Context(Path.cwd(), env))
        async with app.run_test(size=(80, 24)) as pilot:
            await workers_done(app)
            await pilot.pause()
            await pilot.press("2")
            await workers_done(app)
            await pilot.pause()
            form = app.screen
            assert isinstance(form, ProviderFormScreen)
            form.query_one("#base-url", Input).value = server.url
            form.query_one("#model", Input).value = "qwen3-coder-plus"
            key = form.query_one("#api-key", Input)
            key.focus()
            key.post_message(events.Paste(pasted))
            await pilot.pause()
            if typed_after:
                await pilot.press(*typed_after)
            await pilot.press("ctrl+t")
            outcome = form.query_one("#outcome")
            for _ in range(400):                      # the check's answer (up to 20 s), not a time
                text = str(outcome.render())
                if "✓" in text or "✗" in text:
                    return text
                await pilot.pause(0.05)
    raise AssertionError("no test result")


async def test_a_key_pasted_over_two_lines_is_joined_and_accepted() -> None:
    text = await outcome_after_paste("sk-shape-01234\n56789abcdef\n")
    assert "✓" in text and "✗" not in text, text


async def test_a_rejected_key_pasted_with_whitespace_inside_gets_the_shape_message() -> None:
    text = await outcome_after_paste("sk-shape-0123 4567\n89abcdeX")   # wrong, with a space and a break inside
    assert "HTTP 401" in text and t("setup.key_reshaped") in text, text


async def test_a_rejected_key_typed_or_edited_after_the_paste_does_not() -> None:
    text = await outcome_after_paste("sk-shape-0123 4567\n89abcdeX", typed_after="Y")
    assert "HTTP 401" in text and t("setup.key_reshaped") not in text, text

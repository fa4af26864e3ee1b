"""The provider form's two questions that keep the user's input (issue 14 points 6 and 9), apart from the form
itself: leaving a form with something entered, and saving a model the provider did not list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Checkbox, Input, Select

from qwen_tui.core.i18n import t
from qwen_tui.ui.screens.confirm import ConfirmScreen


def entered(form: Any) -> tuple[Any, ...]:
    """What the user put in the form (a store the form picked itself, e.g. with no keyring, is not input)."""
    inputs = tuple(form.query_one(f"#{name}", Input).value for name in ("base-url", "api-key", "model"))
    return (*inputs, form.query_one("#preset", Select).value, form._store_chosen and form._store(),
            form.query_one("#chat-check", Checkbox).value)


def leave(form: Any, initial: tuple[Any, ...]) -> None:
    """Esc: leave at once when nothing was entered or a save is under way, else ask first (a pasted key is one
    keypress from lost). An open dropdown takes its own Esc and closes, so only a second one gets here."""
    saving = any(worker.group == "provider-save" and worker.is_running for worker in form.workers)
    if saving or entered(form) == initial:
        form.app.pop_screen()
        return

    def answered(discard: bool | None) -> None:
        if discard:
            form.app.pop_screen()

    form.app.push_screen(ConfirmScreen(t("form.discard.question"), confirm_label=t("form.discard.yes"),
                                       danger=True), answered)


def ask_unlisted_model(form: Any, model: str, listed: list[str], save: Callable[[], None]) -> bool:
    """True (and a question asked) when the provider just listed its models and `model` is not one of them:
    a typo saves a profile that fails at qwen's first prompt (the list may be incomplete: `save` on yes)."""
    if not listed or model in listed:
        return False

    def answered(yes: bool | None) -> None:
        if yes:
            save()
        else:
            form.query_one("#model", Input).focus()

    form.app.push_screen(ConfirmScreen(t("form.model.not_listed", model=model, count=len(listed)),
                                       confirm_label=t("form.model.not_listed.save")), answered)
    return True

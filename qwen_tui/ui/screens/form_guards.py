"""The provider form's questions, apart from the form itself: leaving a form with something entered and saving a
model the provider did not list (both keep the user's input: issue 14 points 6 and 9), sending a key over plain
http://, saving without verifying, replacing a key other providers share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Checkbox, Input

from qwen_tui.core.i18n import t
from qwen_tui.core.providers.validate import check_base_url
from qwen_tui.ui.screens.confirm import ConfirmScreen
from qwen_tui.ui.screens.form_picker import PresetList


def entered(form: Any) -> tuple[Any, ...]:
    """What the user put in the form (a store the form picked itself, e.g. with no keyring, is not input)."""
    inputs = tuple(form.query_one(f"#{name}", Input).value for name in ("base-url", "api-key", "model"))
    chooser = form.store_chooser
    return (*inputs, form.query_one(PresetList).value, chooser.chosen and chooser.store,
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


def ask(form: Any, question: str, accept: str, yes: Callable[[], None], no: Callable[[], None] | None = None) -> None:
    """A yes/no question about something that cannot be taken back; `yes()` or `no()` after the answer."""

    def answered(accepted: bool | None) -> None:
        if accepted:
            yes()
        elif no is not None:
            no()

    form.app.push_screen(ConfirmScreen(question, confirm_label=accept, danger=True), answered)


def with_cleartext_consent(form: Any, url: str, then: Callable[[], None]) -> None:
    """Run `then()` at once, or after the user accepts sending a key over plain http:// to another host."""
    if not check_base_url(url).cleartext_remote or form._key() is None or form.cleartext_ok == url:
        then()
        return

    def accepted() -> None:
        form.cleartext_ok = url
        then()

    def declined() -> None:
        form.outcome = (t("form.cleartext.declined"), "warning")

    ask(form, t("form.cleartext.question", url=url), t("form.cleartext.accept"), accepted, declined)

"""Where the provider form keeps the key: the four stores, what the chosen one means for plain `qwen`, and the
one line said when the keyring does not work (then Qwen Code's own `.env`, which plain `qwen` reads, is
preselected; a keyring that answers after the probe's cap gets the choice back unless the user made one)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import var
from textual.widgets import Label, RadioButton, RadioSet

from qwen_tui.core.i18n import t
from qwen_tui.ui.widgets.plain import Plain
from qwen_tui.ui.widgets.state import StateRadioButton

STORES = ("keyring", "settings", "dotenv", "file")   # KeyStore values, in the order shown


class Keyring(Enum):
    """What the keyring probe knows so far."""

    WORKS = "works"
    NONE = "none"        # it answered: no working keyring
    LATE = "late"        # no answer within the probe's cap (a loaded machine's keyring answers late): listened for
    SILENT = "silent"    # no answer while the form listened for one


Probe = tuple[Keyring, Path | None]   # and the `.env` that hides Qwen Code's own from the installed qwen


class KeyStoreChooser(Vertical):
    """The store choice. `probe` is the keyring probe's answer (bound from the form): (what the keyring did, the
    nearer `.env` that hides Qwen Code's own from the installed qwen, or None); None until it arrives."""

    probe: var[Probe | None] = var(None, init=False)

    def __init__(self, dotenv: Path, store: str = "keyring", *, chosen: bool = False) -> None:
        super().__init__(id="store-field", classes="field")
        self.dotenv = dotenv
        self._initial = store
        self.chosen = chosen               # the user picked a store: the keyring probe keeps off it
        self._selecting: str | None = None   # the store the form itself is selecting right now, not the user

    def compose(self) -> ComposeResult:
        yield Label(t("form.store"), classes="field-label")
        with RadioSet(id="key-store"):
            for store in STORES:
                yield StateRadioButton(t(f"run_ui.store.{store}"), value=store == self._initial, id=f"store-{store}")
        yield Plain(self._help(self._initial), id="store-help", classes="hint")
        yield Plain("", id="store-warning", classes="warning")

    def on_mount(self) -> None:
        # The user's press is seen as the button turns on, not when its RadioSet.Changed arrives: a keyring's late
        # answer handled while that message is still queued must not take the choice back from the user.
        for store in STORES:
            self.watch(self.query_one(f"#store-{store}", RadioButton), "value", self._watcher(store), init=False)

    def _watcher(self, store: str) -> Callable[[bool], None]:
        def turned(on: bool) -> None:   # one parameter: Textual passes (old, new) to a callback taking two
            if on and store != self._selecting:
                self.chosen = True
        return turned

    @property
    def store(self) -> str:
        pressed = self.query_one("#key-store", RadioSet).pressed_button
        return pressed.id.removeprefix("store-") if pressed and pressed.id else "keyring"

    def select(self, store: str) -> None:
        """The form's own choice (not the user's: `chosen` stays as it was)."""
        self._selecting = store
        try:
            self.query_one(f"#store-{store}", RadioButton).value = True
        finally:
            self._selecting = None
        self._show_help()

    @on(RadioSet.Changed, "#key-store")
    def _store_changed(self, event: RadioSet.Changed) -> None:
        self._show_help()

    def _help(self, store: str) -> str:
        """Under the choices: what the chosen store means for plain `qwen` (and which `.env` hides Qwen Code's)."""
        winner = self.probe[1] if self.probe else None
        if store == "dotenv" and winner is not None:
            return t("run_ui.store.dotenv_hidden_help", path=self.dotenv, winner=winner)
        if store == "dotenv":
            return t("run_ui.store.dotenv_help", path=self.dotenv)
        return t(f"run_ui.store.{store}_help")

    def _show_help(self) -> None:
        self.query_one("#store-help", Plain).update(self._help(self.store))

    def watch_probe(self, probe: Probe | None) -> None:
        self._show_help()
        self.set_class(probe is not None and probe[0] != Keyring.WORKS, "-no-keyring")
        if probe is None:
            return
        state, winner = probe
        if state == Keyring.WORKS:
            # Also a keyring that answered after the probe's cap, when the form had gone on without one.
            if not self.chosen:
                self.select("keyring")
            return
        # Said as it is: a keyring that has not answered yet may only be slow (keyring_late), not missing.
        line = {Keyring.NONE: "no_keyring", Keyring.LATE: "keyring_late", Keyring.SILENT: "keyring_silent"}[state]
        if winner is None:
            text = t(f"run_ui.store.{line}", path=self.dotenv)
        else:
            text = t(f"run_ui.store.{line}_hidden", path=self.dotenv, winner=winner)
        self.query_one("#store-warning", Plain).update(text)
        if not self.chosen:
            self.select("dotenv")

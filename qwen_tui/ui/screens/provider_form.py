"""The provider form: preset, base URL, key, model, where the key is kept; test, then save.

The form's state lives in reactive attributes; what shows and what hides follows from them through CSS classes
(provider_form.tcss). Every network call and disk access runs in a worker (form_workers.py) that posts a
message; the screen only renders it. Nothing is saved unless the checks passed for exactly what is in the form,
or the user picked "Save without verifying" and confirmed. The key shows only with "Show" on, never in a toast.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import Button, Checkbox, Input, Label

from qwen_tui.core.i18n import t
from qwen_tui.core.names import Protocol
from qwen_tui.core.providers.catalog import Endpoint, Preset, endpoint
from qwen_tui.core.providers.setup import ProviderDraft
from qwen_tui.core.providers.validate import UrlCheck, check_base_url, normalize_key
from qwen_tui.core.sanitize import clean
from qwen_tui.resources import stylesheet
from qwen_tui.ui.describe import environment_lines
from qwen_tui.ui.screens.form_fields import EnvironmentNotice, KeyField, ModelField, mark
from qwen_tui.ui.screens.form_guards import ask, ask_unlisted_model, entered, leave, with_cleartext_consent
from qwen_tui.ui.screens.form_picker import CUSTOM, PresetInfo, PresetList, ProviderPicker, endpoint_key, split_value
from qwen_tui.ui.screens.form_results import key_shape_note, show_result
from qwen_tui.ui.screens.form_store import KeyStoreChooser, Probe
from qwen_tui.ui.screens.form_workers import (
    ChecksFinished,
    EnvironmentFound,
    EnvironmentImported,
    FormWorkers,
    KeyringProbed,
    ModelsFetched,
    ProfileSaved,
    SharedKeyFound,
    qwen_dotenv,
)
from qwen_tui.ui.widgets.footer import Footer
from qwen_tui.ui.widgets.form_scroll import CursorScroll
from qwen_tui.ui.widgets.plain import Plain
from qwen_tui.ui.widgets.spinner import Spinner
from qwen_tui.ui.widgets.state import StateCheckbox

if TYPE_CHECKING:
    from qwen_tui.core.providers.saved import EnvironmentValues, Profile
    from qwen_tui.core.providers.verify import CheckResult

_FIELD_IDS = {"url": "base-url", "key": "api-key", "model": "model"}
_INPUTS = ("base-url", "api-key", "model")
FIELD_LIMIT = 2000   # characters of an outside value put in a field
Note = tuple[str, str]   # a line under a field or the outcome: (text, CSS classes)


class ProviderFormScreen(FormWorkers):
    CSS_PATH = stylesheet("provider_form")
    BINDINGS = [
        Binding("escape", "back", "app.binding.back", id="provider_form.back"),
        Binding("ctrl+t", "test", "form.binding.test", id="provider_form.test"),
        Binding("ctrl+s", "save", "form.binding.save", id="provider_form.save"),
        Binding("ctrl+r", "toggle_reveal", "form.binding.reveal", id="provider_form.reveal"),
        Binding("ctrl+f", "fetch_models", "form.binding.fetch", id="provider_form.fetch", show=False),
        # A stray `q` on a button must not quit and lose what was typed; ctrl+q still quits.
        Binding("q", "keep_form", show=False, id="provider_form.keep"),
    ]
    # Wide terminals put the preset's links beside the preset choice.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    @property   # (a class variable in Textual, read from the instance; the picker first spares ~55 restyles)
    def AUTO_FOCUS(self) -> str:   # type: ignore[override]
        return "*" if self.drawn else "#preset"   # later the default: the picker, at the top, hid an answer

    # ---- the form's state: each watcher renders one part; the toggled classes show or hide it (the .tcss) ----
    preset_id: var[str] = var(CUSTOM, init=False)                 # an endpoint key: `id` or `id:region`
    protocol: var[Protocol] = var(Protocol.OPENAI, init=False)    # a custom provider's (presets have their own)
    busy: var[bool] = var(False, toggle_class="-busy", init=False)                 # a check or a save runs
    fetching: var[bool] = var(False, init=False)                      # the model list is coming
    models: var[tuple[str, ...]] = var((), init=False)                # the list fetched, cleaned
    environment: var[EnvironmentValues | None] = var(None, init=False)          # OPENAI_* values qwen sees
    keyring_probe: var[Probe | None] = var(None, init=False)                     # see KeyStoreChooser.probe
    outcome: var[Note] = var(("", ""), always_update=True, init=False)
    model_note: var[bool | int | CheckResult | None] = var(None, always_update=True, init=False)

    def action_keep_form(self) -> None:
        """`q` does nothing here (see BINDINGS)."""

    def __init__(self, profile: Profile | None = None, *, import_env: bool = False) -> None:
        super().__init__(name="provider_form")
        self.read_stylesheet_now()
        self.profile, self.import_on_load = profile, import_env
        # A profile's URL and model id come from a settings file: put in the fields sanitised (a real one is
        # unchanged; one with control characters is shown, and would be saved, escaped).
        url = clean(profile.base_url, limit=FIELD_LIMIT) if profile else ""
        self.set_reactive(ProviderFormScreen.preset_id, endpoint_key(url))
        model = clean(profile.id, limit=FIELD_LIMIT) if profile else ""   # keyed by model id
        # What the widgets hold, composed from here (the first time, and again after a language switch).
        self._entry: dict[str, Any] = {"base-url": url, "api-key": "", "model": model, "chat": False,
                                       "reveal": False, "store": "keyring", "store_chosen": False}
        self._verified: str | None = None          # fingerprint of the form state the checks passed for
        self.cleartext_ok: str | None = None       # the http:// URL the user accepted to send a key to

    # ---- layout -------------------------------------------------------------------------------------------

    @property
    def preset(self) -> Preset:
        return endpoint(self.preset_id).preset

    @property
    def choice(self) -> Endpoint:
        return endpoint(self.preset_id)

    def _picker_value(self) -> str:
        custom = self.preset_id == CUSTOM and self.protocol != Protocol.OPENAI
        return f"{CUSTOM}@{self.protocol.value}" if custom else self.preset_id

    def compose(self) -> ComposeResult:
        self.width_class_now()
        entry = self._entry
        yield Plain(self._title(), id="form-title", classes="title")
        with CursorScroll(id="form-body"):
            yield EnvironmentNotice(id="env-notice", classes="section").data_bind(
                values=ProviderFormScreen.environment)
            with Horizontal(id="preset-row"):
                # The picker opens on the three groups, as Qwen Code's `/auth` (the choice marked ● in them).
                yield ProviderPicker(self._picker_value(), entry.get("level", ()))
                yield PresetInfo(id="preset-info").data_bind(endpoint_key=ProviderFormScreen.preset_id)
            with Vertical(classes="field"):
                yield Label(t("form.base_url"), classes="field-label")
                yield Input(entry["base-url"], placeholder="https://host/v1", id="base-url", compact=True)
                yield Plain("", id="url-message")
            yield KeyField(entry["api-key"], self.preset_id, revealed=entry["reveal"], editing=self.profile is not None
                           ).data_bind(endpoint_key=ProviderFormScreen.preset_id)
            yield ModelField(entry["model"], self.preset.model_hint or t("form.model.placeholder")).data_bind(
                models=ProviderFormScreen.models, fetching=ProviderFormScreen.fetching,
                note=ProviderFormScreen.model_note)
            yield KeyStoreChooser(qwen_dotenv(self.app.env), entry["store"], chosen=entry["store_chosen"]
                                  ).data_bind(probe=ProviderFormScreen.keyring_probe)
            with Vertical(id="chat-field", classes="field"):
                yield StateCheckbox(t("form.chat_check"), entry["chat"], id="chat-check", compact=True)
                yield Plain(t("form.chat_check.hint"), classes="hint")
            with Horizontal(id="form-buttons"):
                yield Button(t("form.test"), id="test", variant="primary", compact=True, disabled=self.busy)
                yield Button(t("form.save"), id="save", variant="success", compact=True, disabled=self.busy)
                yield Button(t("form.save_unverified"), id="save-unverified", variant="warning", compact=True,
                             disabled=self.busy)
            yield Spinner(id="test-loading")
            yield Plain(self.outcome[0], id="outcome", classes=self.outcome[1])
        yield Footer()

    def on_mount(self) -> None:
        self._initial_entry = entered(self)   # what Esc compares with (form_guards.leave)
        self._load_environment()
        self._probe_keyring()

    async def relabel(self) -> None:
        """A language switch composes the widgets again from the form's state: nothing is fetched again."""
        key = self.query_one("#api-key", Input)
        self._entry = {**{name: self.query_one(f"#{name}", Input).value for name in _INPUTS},
                       "chat": self._chat(), "reveal": not key.password, "store": self.store_chooser.store,
                       "store_chosen": self.store_chooser.chosen, "level": self.query_one(PresetList).level}
        await super().relabel()
        self._entry["api-key"] = ""           # the key lives in its field only
        self._show_url_message(self._url_check(), force=False)

    # ---- reading the form ---------------------------------------------------------------------------------

    @property
    def store_chooser(self) -> KeyStoreChooser:
        return self.query_one(KeyStoreChooser)

    def _url_check(self) -> UrlCheck:
        return check_base_url(self.query_one("#base-url", Input).value)

    def _key(self) -> str | None:
        return normalize_key(self.query_one("#api-key", Input).value) or None

    def _model(self) -> str:
        return self.query_one("#model", Input).value.strip()

    def _chat(self) -> bool:
        return self.query_one("#chat-check", Checkbox).value

    def _fingerprint(self, url: str) -> str:
        """What a passed test vouches for; the key enters only as a hash."""
        key_hash = hashlib.sha256((self._key() or "").encode()).hexdigest()
        return "\n".join((self._picker_value(), url, key_hash, self._model(), str(self._chat())))

    def _ready(self, *, need_model: bool) -> str | None:
        """The normalised URL when the form can be sent, else None with the problem shown."""
        checked = self._url_check()
        if checked.url is None:
            self._show_url_message(checked, force=True)
            self.outcome = (checked.error or "", "error")
            self.query_one("#base-url", Input).focus()
            return None
        # The rules `auth login` applies too (setup.ProviderDraft); an edited profile keeps its stored key.
        problems = self._draft().problems(self.app.context, need_model=need_model, known_key=self.profile is not None)
        if problems:
            self.outcome = (problems[0].message, "error")
            self.query_one(f"#{_FIELD_IDS[problems[0].field]}", Input).focus()
            return None
        return checked.url

    def _draft(self) -> ProviderDraft:
        """The form as a setup draft (cleartext asked apart); Coding/Token Plan install the fetched list."""
        fetched = self.models if self.preset.discovery else ()
        return ProviderDraft(self.query_one("#base-url", Input).value, self._model(), self._key(),
                             self.choice if self.preset.id != CUSTOM else None, self.protocol,
                             chat_check=self._chat(), allow_cleartext=True, models=fetched).resolved()

    # ---- rendering the state -----------------------------------------------------------------------------

    def watch_preset_id(self, old: str, new: str) -> None:
        """Fill the base URL, model hint and key hint of the new preset (its links follow by data_bind)."""
        old_hint = endpoint(old).preset.model_hint
        item = self.preset
        if self.choice.base_url:
            self.query_one("#base-url", Input).value = self.choice.base_url
        model = self.query_one("#model", Input)
        model.placeholder = item.model_hint or t("form.model.placeholder")
        if item.model_hint and model.value.strip() in ("", old_hint):
            model.value = item.model_hint
        self.models = ()
        self._show_chat_check()

    def watch_protocol(self) -> None:
        self._show_chat_check()

    def _show_chat_check(self) -> None:
        """The chat check is a chat completion: an OpenAI-protocol request only (verify skips it for the others)."""
        protocol = self.preset.protocol if self.preset.id != CUSTOM else self.protocol
        self.set_class(protocol != Protocol.OPENAI, "-no-chat")
        self.query_one("#form-title", Plain).update(self._title(protocol))

    def _title(self, protocol: Protocol = Protocol.OPENAI) -> str:
        """The form names the protocol of the provider chosen (an Anthropic or Gemini one is not OpenAI's)."""
        if self.profile:
            return t("form.title.edit", name=self.profile.name)
        return t("form.title") if protocol == Protocol.OPENAI else t(f"protocols_home.form.title.{protocol}")

    def watch_busy(self, busy: bool) -> None:
        for button in ("test", "save", "save-unverified"):
            self.query_one(f"#{button}", Button).disabled = busy

    def watch_outcome(self, note: Note) -> None:
        outcome = self.query_one("#outcome", Plain)
        outcome.set_classes(note[1])
        outcome.update(note[0])
        show_result(outcome, self.query_one("#form-body"), self.query_one("#test"))

    def _show_url_message(self, checked: UrlCheck, *, force: bool) -> None:
        """The URL's problem under the field (an empty field only once the user tried to send it)."""
        message = self.query_one("#url-message", Plain)
        typed = bool(self.query_one("#base-url", Input).value.strip())
        if checked.error and (force or typed):
            message.set_classes("error")
            message.update(checked.error)
        elif checked.cleartext_remote:
            message.set_classes("warning")
            message.update(t("form.cleartext.warning"))
        else:
            message.set_classes("")

    # ---- reacting to input ----------------------------------------------------------------------------------

    @on(PresetList.Changed)
    def preset_changed(self, event: PresetList.Changed) -> None:
        key, self.protocol = split_value(event.value)
        self.preset_id = key

    @on(PresetList.Picked)
    def preset_picked(self, event: PresetList.Picked) -> None:
        """A provider chosen: on to its first field to fill (the URL when it has none, else the key)."""
        self.query_one("#api-key" if self.choice.base_url else "#base-url", Input).focus()

    @on(Input.Changed, "#base-url")
    def url_changed(self, event: Input.Changed) -> None:
        self._show_url_message(self._url_check(), force=False)

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field moves on, like Tab: Enter never sends anything by surprise."""
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "reveal-key": self.action_toggle_reveal, "fetch-models": self.action_fetch_models,
            "test": self.action_test, "save": self.action_save, "save-unverified": self.action_save_unverified,
            "import-env": self.action_import_env,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    # ---- actions ----------------------------------------------------------------------------------------------

    def action_back(self) -> None:
        leave(self, self._initial_entry)

    def action_toggle_reveal(self) -> None:
        self.query_one(KeyField).reveal(self.query_one("#api-key", Input).password)

    def action_fetch_models(self) -> None:
        url = self._ready(need_model=False)
        if url is None or self.busy:
            return
        with_cleartext_consent(self, url, lambda: self._start_fetch(url))

    def _start_fetch(self, url: str) -> None:
        self.fetching = True
        self.model_note = True
        self._fetch_models(url, self._key())

    def action_test(self) -> None:
        self._start_checks(then_save=False)

    def action_save(self) -> None:
        self._start_checks(then_save=True)

    def _start_checks(self, *, then_save: bool) -> None:
        if self.busy:
            return
        url = self._ready(need_model=then_save or self._chat() or self.preset.key_check == "chat")
        if url is None:
            return
        fingerprint = self._fingerprint(url)
        if then_save and self._verified == fingerprint:
            self._start_save(url)
            return

        def run() -> None:
            self.busy = True
            self.outcome = (t("form.testing"), "")
            self._run_checks(self._draft(), self._key(), fingerprint, then_save)

        with_cleartext_consent(self, url, run)

    def action_save_unverified(self) -> None:
        if self.busy:
            return
        url = self._ready(need_model=True)
        if url is None:
            return

        ask(self, t("form.unverified.question"), t("form.unverified.accept"),
            lambda: with_cleartext_consent(self, url, lambda: self._start_save(url)))

    def _start_save(self, url: str, *, model_confirmed: bool = False) -> None:
        if not model_confirmed and ask_unlisted_model(self, self._model(), list(self.models),
                                                      lambda: self._start_save(url, model_confirmed=True)):
            return
        self.busy = True
        self.outcome = (t("form.saving"), "")
        self._save(self._draft(), self._key(), self.store_chooser.store)

    def action_import_env(self) -> None:
        self._import_environment()

    # ---- worker results -----------------------------------------------------------------------------------------

    def on_checks_finished(self, message: ChecksFinished) -> None:
        self.busy = False
        ok = all(result.ok for result in message.results)
        lines = [mark(result, key_shape_note(self, result.status)) for result in message.results]
        url = self._url_check().url
        found = message.discovered
        if message.discovery_tried:
            lines.insert(0, t("setup.discovered", count=len(found.models)) if found else t("setup.discovery_failed"))
        if found is not None and url is not None and self._fingerprint(url) == message.fingerprint:
            # The models offered for this key, and the first one unless the user chose another (as `auth login`).
            self.models, self.model_note = found.models, len(found.models)
            self.query_one("#model", Input).value = found.model
            message.fingerprint = self._fingerprint(url)
        if ok:
            self._verified = message.fingerprint
            if not message.then_save:
                lines.append(t("form.test.passed"))
        else:
            self._verified = None
            lines.append(t("form.test.failed_nothing_saved") if message.then_save else t("form.test.failed"))
        self.outcome = ("\n".join(lines), "success" if ok else "error")
        # Save only what was checked: a field edited while the checks ran means test again.
        if ok and message.then_save and url is not None and self._fingerprint(url) == message.fingerprint:
            self._start_save(url)

    def on_models_fetched(self, message: ModelsFetched) -> None:
        self.fetching = False
        if not message.result.ok:
            self.model_note = message.result
            return
        self.model_note = len(message.models)
        self.models = tuple(clean(model) for model in message.models)   # a server's ids, shown as suggestions

    def on_shared_key_found(self, message: SharedKeyFound) -> None:
        """Say which providers a new key at this endpoint changes too, and ask before saving."""
        self.busy = False

        def replace() -> None:
            self.busy = True
            self._save(message.draft, message.draft.key, message.store, shared_ok=True)

        def keep() -> None:
            self.outcome = (t("setup.form.shared_key_declined"), "warning")

        ask(self, t("setup.form.shared_key_question", names=", ".join(message.names), name=message.env_key),
            t("setup.form.shared_key_accept"), replace, keep)

    def on_profile_saved(self, message: ProfileSaved) -> None:
        self.busy = False
        if message.result is None:
            self.outcome = (t("form.save_failed", reason=message.error), "error")
            return
        result = message.result
        # Short: home (where this lands) shows what was saved; where the key went, when the user should know
        # (a plain-text file), stays there as a line (ui/notices.py), not in a toast over the result.
        self.notify(t("notices.saved"))
        self.app.notices.give("save", result.words, env_key=result.profile.env_key)
        self.app.start_offer = "saved"  # home offers to start qwen
        self.app.action_status()  # (the save worker refreshed the resolution)

    def on_environment_found(self, message: EnvironmentFound) -> None:
        self.environment = message.values
        if message.values is not None and environment_lines(message.values, "form") and self.import_on_load:
            self.import_on_load = False
            self._import_environment()

    def on_environment_imported(self, message: EnvironmentImported) -> None:
        if message.base_url:
            target = endpoint_key(message.base_url)
            self.preset_id = target                        # fills the preset's URL, replaced just below
            self.query_one(PresetList).value = target
            self.query_one("#base-url", Input).value = clean(message.base_url, limit=FIELD_LIMIT)
        if message.key:
            self.query_one(KeyField).reveal(False)
            # Cleaned: "Show" must not print a planted escape.
            self.query_one("#api-key", Input).value = clean(message.key, limit=FIELD_LIMIT)
        if message.model:
            self.query_one("#model", Input).value = clean(message.model, limit=FIELD_LIMIT)
        self.outcome = (t("form.env.imported"), "hint")

    def on_keyring_probed(self, message: KeyringProbed) -> None:
        self.keyring_probe = (message.state, message.dotenv_winner)

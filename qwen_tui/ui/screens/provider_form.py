"""The OpenAI-compatible provider form: preset, base URL, key, model, where the key is kept; test, then save.

Every network call and disk access runs in a worker that posts one of the messages below; the screen only
renders them. Nothing is saved unless the checks passed for exactly what is in the form, or the user picked
"Save without verifying" and confirmed. The key is shown only with "Show" on, and never in a notification.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Footer, Input, Label, LoadingIndicator, RadioButton, RadioSet, Select

from qwen_tui.core.i18n import t
from qwen_tui.core.providers.catalog import Endpoint, Preset, endpoint, endpoint_for_base_url, endpoints
from qwen_tui.core.providers.setup import ProviderDraft
from qwen_tui.core.providers.validate import UrlCheck, check_base_url, normalize_key
from qwen_tui.core.sanitize import clean
from qwen_tui.resources import stylesheet
from qwen_tui.ui.describe import environment_lines
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.screens.confirm import ConfirmScreen
from qwen_tui.ui.screens.form_guards import ask_unlisted_model, entered, leave
from qwen_tui.ui.widgets.key_input import KeyInput
from qwen_tui.ui.widgets.link import Link
from qwen_tui.ui.widgets.plain import Plain, plain_text
from qwen_tui.ui.widgets.state import StateCheckbox, StateRadioButton

if TYPE_CHECKING:
    from qwen_tui.core.providers.profiles import SaveResult
    from qwen_tui.core.providers.saved import EnvironmentValues, Profile
    from qwen_tui.core.providers.verify import CheckResult

CUSTOM = "custom"
_FIELD_IDS = {"url": "base-url", "key": "api-key", "model": "model"}
FIELD_LIMIT = 2000   # characters of an outside value put in a field
STORES = ("keyring", "settings", "dotenv", "file")   # KeyStore values, in the order shown


# ---- what the workers post back ---------------------------------------------------------------------------

class ChecksFinished(Message):
    """The connection test: one CheckResult per check run, for the form state `fingerprint`."""

    def __init__(self, results: list[CheckResult], fingerprint: str, then_save: bool) -> None:
        super().__init__()
        self.results = results
        self.fingerprint = fingerprint
        self.then_save = then_save


class ModelsFetched(Message):
    def __init__(self, models: list[str], result: CheckResult) -> None:
        super().__init__()
        self.models = models
        self.result = result


class ProfileSaved(Message):
    def __init__(self, result: SaveResult | None, error: str | None = None) -> None:
        super().__init__()
        self.result = result
        self.error = error


class SharedKeyFound(Message):
    """Nothing saved yet: other providers share this endpoint's key and a different one is stored there."""

    def __init__(self, names: list[str], env_key: str, draft: ProviderDraft, store: str) -> None:
        super().__init__()
        self.names = names
        self.env_key = env_key
        self.draft = draft
        self.store = store


class EnvironmentFound(Message):
    """OPENAI_* values Qwen Code would see (key masked), or why they could not be read."""

    def __init__(self, values: EnvironmentValues | None, error: str | None = None) -> None:
        super().__init__()
        self.values = values
        self.error = error


class EnvironmentImported(Message):
    """The values to put in the form. Carries the key itself: kept out of reprs."""

    def __init__(self, base_url: str | None, key: str | None, model: str | None) -> None:
        super().__init__()
        self.base_url = base_url
        self.key = key
        self.model = model

    def __rich_repr__(self):
        yield "base_url", self.base_url
        yield "model", self.model


class KeyringProbed(Message):
    """Is there a keyring; and the `.env` qwen would read from here instead of Qwen Code's own (None: none)."""

    def __init__(self, available: bool, dotenv_winner: Path | None) -> None:
        super().__init__()
        self.available = available
        self.dotenv_winner = dotenv_winner


# ---- helpers ----------------------------------------------------------------------------------------------

def _preset_options() -> list[tuple[str, str]]:
    return [(item.name, item.key) for item in endpoints()]


def _endpoint_key(url: str | None) -> str:
    found = endpoint_for_base_url(url) if url else None
    return found.key if found is not None else CUSTOM


def _mark(result: CheckResult) -> str:
    if result.ok:
        return f"✓ {result.message}"
    latency = f"  ({t('form.latency', ms=result.latency_ms)})" if result.latency_ms is not None else ""
    return f"✗ {result.message}{latency}"


class ProviderFormScreen(QwenScreen):
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
    check_timeout = 10.0   # seconds per request (verify's default); tests of the timeout path shorten it

    def action_keep_form(self) -> None:
        """`q` does nothing here (see BINDINGS)."""

    def __init__(self, profile: Profile | None = None, *, import_env: bool = False) -> None:
        super().__init__(name="provider_form")
        self.profile = profile
        self.import_on_load = import_env
        # A profile's URL and model id come from a settings file: put in the fields sanitised (a real one is
        # unchanged; one with control characters is shown, and would be saved, escaped).
        url = clean(profile.base_url, limit=FIELD_LIMIT) if profile else ""
        self.preset_id = _endpoint_key(url)   # an endpoint key: `id` or `id:region`
        self._initial_url = url
        self._initial_model = clean(profile.id, limit=FIELD_LIMIT) if profile else ""   # keyed by model id
        self._verified: str | None = None          # fingerprint of the form state the checks passed for
        self._cleartext_ok: str | None = None      # the http:// URL the user accepted to send a key to
        self._store_chosen = False                  # the user picked a store: the keyring probe keeps off it
        self._auto_store: str | None = None         # a store selected by the form itself, not the user
        self._dotenv_winner: Path | None = None     # the .env qwen reads here instead of Qwen Code's own
        self._models: list[str] = []
        self._busy = False

    # ---- layout -------------------------------------------------------------------------------------------

    @property
    def preset(self) -> Preset:
        return endpoint(self.preset_id).preset

    @property
    def choice(self) -> Endpoint:
        return endpoint(self.preset_id)

    def compose(self) -> ComposeResult:
        title = t("form.title.edit", name=self.profile.name) if self.profile else t("form.title")
        yield Plain(title, id="form-title", classes="title")
        with VerticalScroll(id="form-body"):
            with Vertical(id="env-notice", classes="section"):
                yield Plain("", id="env-lines")
                yield Button(t("form.env.import"), id="import-env", compact=True)
            with Horizontal(id="preset-row"):
                with Vertical(id="preset-field", classes="field"):
                    yield Label(t("form.preset"), classes="field-label")
                    yield Select(_preset_options(), value=self.preset_id, allow_blank=False,
                                 type_to_search=True, id="preset", compact=True)
                    yield Plain(t("form.preset.hint"), classes="hint")
                yield Vertical(*self._preset_info(), id="preset-info")
            with Vertical(classes="field"):
                yield Label(t("form.base_url"), classes="field-label")
                yield Input(self._initial_url, placeholder="https://host/v1", id="base-url", compact=True)
                yield Plain("", id="url-message", classes="hint")
            with Vertical(classes="field"):
                yield Label(t("form.key"), classes="field-label")
                with Horizontal(classes="input-row"):
                    yield KeyInput(password=True, id="api-key", compact=True, placeholder=self._key_placeholder())
                    yield Button(t("form.key.show"), id="reveal-key", compact=True)
                yield Plain(self._key_hint(), id="key-hint", classes="hint")
            with Vertical(classes="field"):
                yield Label(t("form.model"), classes="field-label")
                with Horizontal(classes="input-row"):
                    yield Input(self._initial_model, id="model", compact=True,
                                placeholder=self.preset.model_hint or t("form.model.placeholder"))
                    yield Button(t("form.model.fetch"), id="fetch-models", compact=True)
                yield LoadingIndicator(id="models-loading")
                yield Select([], prompt=t("form.model.list_prompt"), id="model-list", compact=True)
                yield Plain(t("form.model.hint"), id="model-message", classes="hint")
            with Vertical(classes="field"):
                yield Label(t("form.store"), classes="field-label")
                with RadioSet(id="key-store"):
                    for store in STORES:
                        yield StateRadioButton(t(f"run_ui.store.{store}"), value=store == "keyring",
                                               id=f"store-{store}")
                yield Plain(t("run_ui.store.keyring_help"), id="store-help", classes="hint")
                yield Plain("", id="store-warning", classes="warning")
            with Vertical(classes="field"):
                yield StateCheckbox(t("form.chat_check"), id="chat-check", compact=True)
                yield Plain(t("form.chat_check.hint"), classes="hint")
            with Horizontal(id="form-buttons"):
                yield Button(t("form.test"), id="test", variant="primary", compact=True)
                yield Button(t("form.save"), id="save", variant="success", compact=True)
                yield Button(t("form.save_unverified"), id="save-unverified", variant="warning", compact=True)
            yield LoadingIndicator(id="test-loading")
            yield Plain("", id="outcome")
        yield Footer()

    def _preset_info(self) -> list[Any]:
        """Whose terms apply to this preset: links (openable / copyable), "unknown", or "runs locally"."""
        item = self.choice
        widgets: list[Any] = [Plain(t("form.terms.title"), classes="subtitle")]
        if item.local:
            widgets.append(Plain(t("form.terms.local"), classes="note"))
        elif item.preset.id == CUSTOM:
            widgets.append(Plain(t("form.terms.custom"), classes="note"))
        else:
            for kind, url in (("terms", item.terms_url), ("privacy", item.privacy_url)):
                if url:
                    widgets.append(Link(t(f"form.terms.{kind}"), url, classes="preset-link"))
                else:
                    widgets.append(Plain(t(f"form.terms.{kind}_unknown"), classes="note"))
        if item.docs_url:
            widgets.append(Link(t("form.terms.docs"), item.docs_url, classes="preset-link"))
        return widgets

    def _key_placeholder(self) -> str:
        if self.profile is not None:
            return t("form.key.placeholder_keep")
        return t("form.key.placeholder") if self.preset.needs_key or self.preset.id == CUSTOM \
            else t("form.key.placeholder_optional")

    def _key_hint(self) -> str:
        item = self.preset
        if item.key_env:
            return t("form.key.hint_var", name=item.key_env)
        if item.local:
            return t("form.key.hint_local")
        return t("form.key.hint_custom")

    def on_mount(self) -> None:
        self.query_one("#env-notice").display = False
        self.query_one("#models-loading").display = False
        self.query_one("#test-loading").display = False
        self.query_one("#model-list").display = False
        self.query_one("#store-warning").display = False
        self.query_one("#url-message").display = False
        self.query_one("#preset", Select).focus()
        self._initial_entry = entered(self)   # what Esc compares with (form_guards.leave)
        self._load_environment()
        self._probe_keyring()

    async def relabel(self) -> None:
        """A language switch rebuilds the widgets: keep what the user typed and chose."""
        kept = {name: self.query_one(f"#{name}", Input).value for name in ("base-url", "api-key", "model")}
        store = self._store()
        await super().relabel()
        self.on_mount()
        for name, value in kept.items():
            self.query_one(f"#{name}", Input).value = value
        self._select_store(store)

    # ---- reading the form ---------------------------------------------------------------------------------

    def _url_check(self) -> UrlCheck:
        return check_base_url(self.query_one("#base-url", Input).value)

    def _key(self) -> str | None:
        return normalize_key(self.query_one("#api-key", Input).value) or None

    def _model(self) -> str:
        return self.query_one("#model", Input).value.strip()

    def _store(self) -> str:
        pressed = self.query_one("#key-store", RadioSet).pressed_button
        return pressed.id.removeprefix("store-") if pressed and pressed.id else "keyring"

    def _select_store(self, store: str) -> None:
        if self._store() != store:
            self._auto_store = store
        self.query_one(f"#store-{store}", RadioButton).value = True
        self._show_store_help()

    def _dotenv_path(self) -> Path:
        from qwen_tui.core import paths

        return paths.qwen_home(self.app.env) / ".env"

    def _show_store_help(self) -> None:
        """Under the choices: what the chosen store means for plain `qwen` (and which `.env` hides Qwen Code's)."""
        store = self._store()
        if store == "dotenv" and self._dotenv_winner is not None:
            text = t("run_ui.store.dotenv_hidden_help", path=self._dotenv_path(), winner=self._dotenv_winner)
        elif store == "dotenv":
            text = t("run_ui.store.dotenv_help", path=self._dotenv_path())
        else:
            text = t(f"run_ui.store.{store}_help")
        self.query_one("#store-help", Plain).update(text)

    def _chat(self) -> bool:
        return self.query_one("#chat-check", Checkbox).value

    def _fingerprint(self, url: str) -> str:
        """What a passed test vouches for; the key enters only as a hash."""
        key_hash = hashlib.sha256((self._key() or "").encode()).hexdigest()
        return "\n".join((self.preset_id, url, key_hash, self._model(), str(self._chat())))

    def _outcome(self, text: str, classes: str = "") -> None:
        outcome = self.query_one("#outcome", Plain)
        outcome.set_classes(classes)
        outcome.update(text)
        # Scroll once the new text is laid out: before, the box still has its old (often one-line) size.
        outcome.call_after_refresh(outcome.scroll_visible, animate=False)

    def _ready(self, *, need_model: bool) -> str | None:
        """The normalised URL when the form can be sent, else None with the problem shown."""
        checked = self._url_check()
        if checked.url is None:
            self._show_url_message(checked, force=True)
            self._outcome(checked.error or "", "error")
            self.query_one("#base-url", Input).focus()
            return None
        # The rules `auth login` applies too (setup.ProviderDraft); an edited profile keeps its stored key.
        problems = self._draft().problems(need_model=need_model, known_key=self.profile is not None)
        if problems:
            self._outcome(problems[0].message, "error")
            self.query_one(f"#{_FIELD_IDS[problems[0].field]}", Input).focus()
            return None
        return checked.url

    def _draft(self) -> ProviderDraft:
        """The form as a setup draft (cleartext asked apart); Coding/Token Plan install the fetched list."""
        fetched = tuple(self._models) if self.preset.discovery else ()
        return ProviderDraft(self.query_one("#base-url", Input).value, self._model(), self._key(),
                             self.choice if self.preset.id != CUSTOM else None, chat_check=self._chat(),
                             allow_cleartext=True, models=fetched).resolved()

    def _with_cleartext_consent(self, url: str, then: Any) -> None:
        """Run `then()` at once, or after the user accepts sending a key over plain http:// to another host."""
        checked = check_base_url(url)
        if not checked.cleartext_remote or self._key() is None or self._cleartext_ok == url:
            then()
            return

        def answered(accepted: bool | None) -> None:
            if accepted:
                self._cleartext_ok = url
                then()
            else:
                self._outcome(t("form.cleartext.declined"), "warning")

        self.app.push_screen(ConfirmScreen(t("form.cleartext.question", url=url),
                                           confirm_label=t("form.cleartext.accept"), danger=True), answered)

    # ---- reacting to input ----------------------------------------------------------------------------------

    @on(Select.Changed, "#preset")
    async def preset_changed(self, event: Select.Changed) -> None:
        await self._apply_preset(str(event.value))

    async def _apply_preset(self, new: str) -> None:
        """Fill the base URL, model hint, key hint and links of the preset `new` (no-op when unchanged)."""
        if new == self.preset_id:
            return
        old_hint = self.preset.model_hint
        self.preset_id = new
        item = self.preset
        if self.choice.base_url:
            self.query_one("#base-url", Input).value = self.choice.base_url
        model = self.query_one("#model", Input)
        model.placeholder = item.model_hint or t("form.model.placeholder")
        if item.model_hint and model.value.strip() in ("", old_hint):
            model.value = item.model_hint
        key = self.query_one("#api-key", Input)
        key.placeholder = self._key_placeholder()
        self._show_key_rule()
        info = self.query_one("#preset-info", Vertical)
        await info.remove_children()
        await info.mount_all(self._preset_info())
        self._forget_models()

    @on(Input.Changed, "#api-key")
    def key_changed(self, event: Input.Changed) -> None:
        self._show_key_rule()

    def _show_key_rule(self) -> None:
        """The preset's key rule as the key is typed (Qwen Code's own message), before anything is sent."""
        from qwen_tui.core.providers.setup import key_problem

        key = self._key()
        problem = key_problem(self.preset if self.preset.id != CUSTOM else None, key) if key else None
        hint = self.query_one("#key-hint", Plain)
        hint.set_classes("error" if problem else "hint")
        hint.update(problem or self._key_hint())

    @on(Input.Changed, "#base-url")
    def url_changed(self, event: Input.Changed) -> None:
        self._show_url_message(self._url_check(), force=False)

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
        message.display = bool(checked.cleartext_remote or (checked.error and (force or typed)))

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field moves on, like Tab: Enter never sends anything by surprise."""
        event.stop()
        self.focus_next()

    @on(RadioSet.Changed, "#key-store")
    def store_changed(self, event: RadioSet.Changed) -> None:
        if self._auto_store == self._store():
            self._auto_store = None
        else:
            self._store_chosen = True
        self._show_store_help()

    @on(Select.Changed, "#model-list")
    def model_picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#model", Input).value = event.value

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
        key = self.query_one("#api-key", Input)
        key.password = not key.password
        self.query_one("#reveal-key", Button).label = t("form.key.show" if key.password else "form.key.hide")

    def action_fetch_models(self) -> None:
        url = self._ready(need_model=False)
        if url is None or self._busy:
            return
        self._with_cleartext_consent(url, lambda: self._start_fetch(url))

    def _start_fetch(self, url: str) -> None:
        self.query_one("#models-loading").display = True
        self.query_one("#model-message", Plain).update(t("form.model.fetching"))
        self._fetch_models(url, self._key())

    def action_test(self) -> None:
        self._start_checks(then_save=False)

    def action_save(self) -> None:
        self._start_checks(then_save=True)

    def _start_checks(self, *, then_save: bool) -> None:
        if self._busy:
            return
        url = self._ready(need_model=then_save or self._chat() or self.preset.key_check == "chat")
        if url is None:
            return
        fingerprint = self._fingerprint(url)
        if then_save and self._verified == fingerprint:
            self._start_save(url)
            return

        def run() -> None:
            self._set_busy(True)
            self._outcome(t("form.testing"))
            self._run_checks(self._draft(), self._key(), fingerprint, then_save)

        self._with_cleartext_consent(url, run)

    def action_save_unverified(self) -> None:
        if self._busy:
            return
        url = self._ready(need_model=True)
        if url is None:
            return

        def answered(accepted: bool | None) -> None:
            if accepted:
                self._with_cleartext_consent(url, lambda: self._start_save(url))

        self.app.push_screen(ConfirmScreen(t("form.unverified.question"), confirm_label=t("form.unverified.accept"),
                                           danger=True), answered)

    def _start_save(self, url: str, *, model_confirmed: bool = False) -> None:
        if not model_confirmed and ask_unlisted_model(self, self._model(), self._models,
                                                      lambda: self._start_save(url, model_confirmed=True)):
            return
        self._set_busy(True)
        self._outcome(t("form.saving"))
        self._save(self._draft(), self._key(), self._store())

    def action_import_env(self) -> None:
        self._import_environment()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.query_one("#test-loading").display = busy
        for button in ("test", "save", "save-unverified"):
            self.query_one(f"#{button}", Button).disabled = busy

    def _forget_models(self) -> None:
        self._models = []
        self.query_one("#model-list").display = False
        self.query_one("#model", Input).suggester = None

    # ---- workers ------------------------------------------------------------------------------------------------

    # Each worker that receives the key names itself: Textual's default description is repr(args).
    @work(exclusive=True, exit_on_error=False, group="provider-check", description="provider checks")
    async def _run_checks(self, draft: ProviderDraft, key: str | None, fingerprint: str, then_save: bool) -> None:
        from qwen_tui.core.providers.verify import CheckResult, ErrorKind

        try:
            results = await draft.verify(key, timeout=self.check_timeout)
        except Exception as exc:  # noqa: BLE001 - a bug in a check must show as a failed check, not a crash
            results = [CheckResult(False, ErrorKind.OTHER, t("form.error.check_crashed", kind=type(exc).__name__),
                                   None, None)]
        self.post_message(ChecksFinished(results, fingerprint, then_save))

    @work(exclusive=True, exit_on_error=False, group="provider-models", description="fetch models")
    async def _fetch_models(self, url: str, key: str | None) -> None:
        from qwen_tui.core.providers.verify import CheckResult, ErrorKind, fetch_models

        try:
            models, result = await fetch_models(url, key, timeout=self.check_timeout)
        except Exception as exc:  # noqa: BLE001
            models, result = [], CheckResult(False, ErrorKind.OTHER,
                                             t("form.error.check_crashed", kind=type(exc).__name__), None, None)
        self.post_message(ModelsFetched(models, result))

    @work(thread=True, exclusive=True, exit_on_error=False, group="provider-save", description="save profile")
    def _save(self, draft: ProviderDraft, key: str | None, store: str, shared_ok: bool = False) -> None:
        from qwen_tui.core.fileops import FileOpError
        from qwen_tui.core.providers.profiles import KeyStore, ProfileError

        app = self.app
        try:
            others = [] if shared_ok else draft.shared_with(key, app.cwd, app.env)
            if others:
                self.post_message(SharedKeyFound(others, draft.env_key() or "", draft, store))
                return
            result = draft.save(key, KeyStore(store), cwd=app.cwd, env=app.env)
        except (ProfileError, FileOpError) as exc:
            self.post_message(ProfileSaved(None, str(exc)))
        else:
            # The app follows the saved profile even if the user left this form while it was saving (this
            # screen's own message would be lost then).
            app.call_from_thread(app.refresh_resolution)
            self.post_message(ProfileSaved(result))

    @work(thread=True, exclusive=True, exit_on_error=False, group="provider-env")
    def _load_environment(self) -> None:
        from qwen_tui.core.providers.saved import environment_values

        try:   # from the files the current resolution read: nothing is loaded again
            values = environment_values(self.app.resolution) if self.app.resolution else None
        except Exception as exc:  # noqa: BLE001 - unreadable settings: the form still works without the notice
            self.post_message(EnvironmentFound(None, str(exc)))
        else:
            self.post_message(EnvironmentFound(values))

    @work(thread=True, exclusive=True, exit_on_error=False, group="provider-env-import")
    def _import_environment(self) -> None:
        from qwen_tui.core.providers.saved import environment_values

        # The key itself, not masked: it fills the (masked) key field.
        values = environment_values(self.app.resolution, unmasked=True) if self.app.resolution else None
        base_url, key, model = (values.base_url, values.key, values.model) if values else (None, None, None)
        self.post_message(EnvironmentImported(
            base_url.value if base_url else None, key.value if key else None, model.value if model else None))

    @work(thread=True, exclusive=True, exit_on_error=False, group="provider-keyring")
    def _probe_keyring(self) -> None:
        from qwen_tui.core.dotenv import dotenv_hiding
        from qwen_tui.core.launch import installed_qwen_skips_home_dotenv
        from qwen_tui.core.secrets import SecretStore

        app = self.app
        available = SecretStore(app.env).keyring_available()
        # A nearer .env hides Qwen Code's own only from the installed qwen versions that load the first .env alone.
        hidden = installed_qwen_skips_home_dotenv(app.env)
        self.post_message(KeyringProbed(available, dotenv_hiding(self._dotenv_path(), app.cwd, app.env) if hidden
                                        else None))

    # ---- worker results -----------------------------------------------------------------------------------------

    def on_checks_finished(self, message: ChecksFinished) -> None:
        self._set_busy(False)
        ok = all(result.ok for result in message.results)
        lines = [_mark(result) for result in message.results]
        if ok:
            self._verified = message.fingerprint
            if not message.then_save:
                lines.append(t("form.test.passed"))
        else:
            self._verified = None
            lines.append(t("form.test.failed_nothing_saved") if message.then_save else t("form.test.failed"))
        self._outcome("\n".join(lines), "success" if ok else "error")
        url = self._url_check().url
        # Save only what was checked: a field edited while the checks ran means test again.
        if ok and message.then_save and url is not None and self._fingerprint(url) == message.fingerprint:
            self._start_save(url)

    def on_models_fetched(self, message: ModelsFetched) -> None:
        self.query_one("#models-loading").display = False
        note = self.query_one("#model-message", Plain)
        if not message.result.ok:
            note.set_classes("error")
            note.update(_mark(message.result))
            return
        self._models = [clean(model) for model in message.models]   # a server's ids, shown as suggestions
        note.set_classes("hint")
        note.update(t("form.model.fetched", count=len(message.models)))
        self.query_one("#model", Input).suggester = SuggestFromList(self._models, case_sensitive=False)
        chooser = self.query_one("#model-list", Select)
        chooser.set_options([(plain_text(name), name) for name in self._models])
        chooser.display = bool(self._models)
        if self._model() in self._models:
            chooser.value = self._model()

    def on_shared_key_found(self, message: SharedKeyFound) -> None:
        """Say which providers a new key at this endpoint changes too, and ask before saving."""
        self._set_busy(False)

        def answered(accepted: bool | None) -> None:
            if accepted:
                self._set_busy(True)
                self._save(message.draft, message.draft.key, message.store, shared_ok=True)
            else:
                self._outcome(t("setup.form.shared_key_declined"), "warning")

        question = t("setup.form.shared_key_question", names=", ".join(message.names), name=message.env_key)
        self.app.push_screen(ConfirmScreen(question, confirm_label=t("setup.form.shared_key_accept"), danger=True),
                             answered)

    def on_profile_saved(self, message: ProfileSaved) -> None:
        self._set_busy(False)
        if message.result is None:
            self._outcome(t("form.save_failed", reason=message.error), "error")
            return
        result = message.result
        where = result.key_location or t("form.key.nowhere")
        self.notify(t("form.saved", name=result.profile.name, where=where))
        if result.warning:
            self.notify(result.warning, severity="warning", timeout=15)
        self.app.start_offer = "saved"  # home offers to start qwen
        self.app.action_status()  # (the save worker refreshed the resolution)

    def on_environment_found(self, message: EnvironmentFound) -> None:
        values = message.values
        if values is None:
            return
        lines = environment_lines(values, "form")
        if not lines:
            return
        self.query_one("#env-lines", Plain).update("\n".join(lines))
        self.query_one("#env-notice").display = True
        self.query_one("#import-env").display = any((values.base_url, values.key, values.model))
        if self.import_on_load:
            self.import_on_load = False
            self._import_environment()

    async def on_environment_imported(self, message: EnvironmentImported) -> None:
        if message.base_url:
            target = _endpoint_key(message.base_url)
            await self._apply_preset(target)
            self.query_one("#preset", Select).value = target
            self.query_one("#base-url", Input).value = clean(message.base_url, limit=FIELD_LIMIT)
        if message.key:
            key = self.query_one("#api-key", Input)
            key.password = True
            self.query_one("#reveal-key", Button).label = t("form.key.show")
            key.value = clean(message.key, limit=FIELD_LIMIT)   # "Show" must not print a planted escape
        if message.model:
            self.query_one("#model", Input).value = clean(message.model, limit=FIELD_LIMIT)
        self._outcome(t("form.env.imported"), "hint")

    def on_keyring_probed(self, message: KeyringProbed) -> None:
        self._dotenv_winner = message.dotenv_winner
        self._show_store_help()
        if message.available:
            return
        # No keyring: Qwen Code's own .env (which plain qwen reads) is the default, said in one line.
        warning = self.query_one("#store-warning", Plain)
        if message.dotenv_winner is None:
            warning.update(t("run_ui.store.no_keyring", path=self._dotenv_path()))
        else:
            warning.update(t("run_ui.store.no_keyring_hidden", path=self._dotenv_path(), winner=message.dotenv_winner))
        warning.display = True
        if not self._store_chosen:
            self._select_store("dotenv")

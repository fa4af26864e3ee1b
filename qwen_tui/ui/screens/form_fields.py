"""Parts of the provider form, each a view of the form's state (bound with `data_bind`): the key field with the
preset's key rule, the model field with the list fetched from the provider, and the notice of the OPENAI_*
values Qwen Code would also see. Their classes show or hide their parts (provider_form.tcss)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select

from qwen_tui.core.i18n import t
from qwen_tui.core.providers.catalog import Preset, endpoint
from qwen_tui.core.providers.validate import normalize_key
from qwen_tui.ui.describe import environment_lines
from qwen_tui.ui.widgets.key_input import KeyInput
from qwen_tui.ui.widgets.plain import Plain, plain_text
from qwen_tui.ui.widgets.spinner import Spinner

if TYPE_CHECKING:
    from qwen_tui.core.providers.saved import EnvironmentValues
    from qwen_tui.core.providers.verify import CheckResult


def mark(result: CheckResult, note: str = "") -> str:
    """One check's line: ✓ or ✗, its message (then `note`), and how long a failed one took."""
    if result.ok:
        return f"✓ {result.message}"
    latency = f"  ({t('form.latency', ms=result.latency_ms)})" if result.latency_ms is not None else ""
    return f"✗ {result.message}{note}{latency}"


class KeyField(Vertical):
    """The API key (masked unless shown), Show / Hide, and under it the key's variable or the preset's key rule
    (Qwen Code's own message) as the key is typed, before anything is sent."""

    endpoint_key: var[str] = var("custom", init=False)   # the form's preset_id

    def __init__(self, key: str, endpoint_key: str, *, revealed: bool, editing: bool) -> None:
        super().__init__(id="key-field", classes="field")
        self.set_reactive(KeyField.endpoint_key, endpoint_key)
        self._initial = key
        self._revealed = revealed
        self.editing = editing   # an edited profile keeps its stored key when the field stays empty

    def compose(self) -> ComposeResult:
        yield Label(t("form.key"), classes="field-label")
        with Horizontal(classes="input-row"):
            yield KeyInput(self._initial, password=not self._revealed, id="api-key", compact=True,
                           placeholder=self._placeholder())
            yield Button(t("form.key.hide" if self._revealed else "form.key.show"), id="reveal-key", compact=True)
        text, classes = self._note(normalize_key(self._initial))
        yield Plain(text, id="key-hint", classes=classes)

    def on_mount(self) -> None:
        self._initial = ""   # the key lives in its field only

    @property
    def preset(self) -> Preset | None:
        item = endpoint(self.endpoint_key).preset
        return None if item.id == "custom" else item

    def _placeholder(self) -> str:
        if self.editing:
            return t("form.key.placeholder_keep")
        item = self.preset
        return t("form.key.placeholder") if item is None or item.needs_key else t("form.key.placeholder_optional")

    def _note(self, key: str) -> tuple[str, str]:
        from qwen_tui.core.providers.setup import key_problem

        item = self.preset
        problem = key_problem(item, key) if key else None
        if problem:
            return problem, "error"
        if item is not None and item.key_env:
            return t("form.key.hint_var", name=item.key_env), "hint"
        return t("form.key.hint_local" if item is not None and item.local else "form.key.hint_custom"), "hint"

    def show_rule(self) -> None:
        text, classes = self._note(normalize_key(self.query_one("#api-key", Input).value))
        hint = self.query_one("#key-hint", Plain)
        hint.set_classes(classes)
        hint.update(text)

    @on(Input.Changed, "#api-key")
    def _key_typed(self, event: Input.Changed) -> None:
        self.show_rule()

    def watch_endpoint_key(self, key: str) -> None:
        self.query_one("#api-key", Input).placeholder = self._placeholder()
        self.show_rule()

    def reveal(self, shown: bool) -> None:
        self.query_one("#api-key", Input).password = not shown
        self.query_one("#reveal-key", Button).label = t("form.key.hide" if shown else "form.key.show")


class ModelField(Vertical):
    """The model id (free text), the Fetch button, and the provider's list once fetched (also as suggestions)."""

    models: var[tuple[str, ...]] = var((), toggle_class="-models", init=False)   # cleaned ids
    fetching: var[bool] = var(False, toggle_class="-fetching", init=False)
    # None: the field's hint; True: fetching; a count: found; a CheckResult: the fetch failed.
    note: var[bool | int | CheckResult | None] = var(None, always_update=True, init=False)

    def __init__(self, model: str, placeholder: str) -> None:
        super().__init__(id="model-field", classes="field")
        self._model = model
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Label(t("form.model"), classes="field-label")
        with Horizontal(classes="input-row"):
            yield Input(self._model, id="model", compact=True, placeholder=self._placeholder)
            yield Button(t("form.model.fetch"), id="fetch-models", compact=True)
        yield Spinner(id="models-loading")
        yield Select([], prompt=t("form.model.list_prompt"), id="model-list", compact=True)
        text, classes = self._note_text(self.note)
        yield Plain(text, id="model-message", classes=classes)

    @staticmethod
    def _note_text(note: bool | int | CheckResult | None) -> tuple[str, str]:
        if note is None:
            return t("form.model.hint"), "hint"
        if note is True:
            return t("form.model.fetching"), "hint"
        if isinstance(note, int):
            return t("form.model.fetched", count=note), "hint"
        return mark(note), "error"

    def watch_note(self, note: bool | int | CheckResult | None) -> None:
        text, classes = self._note_text(note)
        message = self.query_one("#model-message", Plain)
        message.set_classes(classes)
        message.update(text)

    def watch_models(self, models: tuple[str, ...]) -> None:
        field = self.query_one("#model", Input)
        field.suggester = SuggestFromList(models, case_sensitive=False) if models else None
        if not models:
            return
        chooser = self.query_one("#model-list", Select)
        chooser.set_options([(plain_text(name), name) for name in models])
        if field.value.strip() in models:
            chooser.value = field.value.strip()

    @on(Select.Changed, "#model-list")
    def _model_picked(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#model", Input).value = event.value


class EnvironmentNotice(Vertical):
    """The OPENAI_* values Qwen Code would also see (the key masked) and the button that imports them."""

    values: var[EnvironmentValues | None] = var(None, init=False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Held, not queried: the bound value can arrive before the children are mounted (the form's environment
        # worker may answer while the notice is still mounting), and a query would then crash the screen.
        self._lines = Plain("", id="env-lines")

    def compose(self) -> ComposeResult:
        yield self._lines
        yield Button(t("form.env.import"), id="import-env", compact=True)

    def watch_values(self, values: EnvironmentValues | None) -> None:
        lines = environment_lines(values, "form") if values is not None else []
        self.set_class(bool(lines), "-shown")
        self.set_class(values is not None and any((values.base_url, values.key, values.model)), "-importable")
        self._lines.update("\n".join(lines))

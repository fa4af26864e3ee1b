"""The provider form's choice of provider, as Qwen Code 0.24's `/auth` presents it, and whose terms apply to it.

The picker opens on the three groups (Alibaba ModelStudio, third-party providers, custom provider / local
server); a group lists its presets, a preset with several regions its regions, the custom provider its
protocols. Enter opens or chooses, Esc or Backspace goes back, and typing a name jumps to it wherever it lives.
Everything comes from the catalogue (core/providers/catalog.py): no second list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive, var
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from qwen_tui.core.i18n import t
from qwen_tui.core.names import Protocol
from qwen_tui.core.providers.catalog import PRESETS, Endpoint, Group, Preset, endpoint, endpoint_for_base_url
from qwen_tui.ui.widgets.link import Link
from qwen_tui.ui.widgets.plain import Plain

CUSTOM = "custom"
Level = tuple[str, ...]   # () the groups; (group,) its presets; (group, preset id) its regions or protocols


@dataclass(frozen=True)
class Choice:
    """One line of the picker: a group or preset to open (`opens`), or an endpoint key to choose."""

    label: str
    level: Level       # the list it is in
    key: str           # the level it opens (joined by "/"), or the value it chooses
    opens: bool


def _value(item: Preset, part: str | None) -> str:
    """The picker's value: an endpoint key, or `custom@<protocol>` for the custom provider."""
    if item.id == CUSTOM:
        return CUSTOM if part in (None, Protocol.OPENAI) else f"{CUSTOM}@{part}"
    return Endpoint(item, item.region(part)).key


def endpoint_key(url: str | None) -> str:
    """The key of the preset endpoint serving `url`, else CUSTOM."""
    found = endpoint_for_base_url(url) if url else None
    return found.key if found is not None else CUSTOM


def split_value(value: str) -> tuple[str, Protocol]:
    """(endpoint key, protocol of a custom provider) of a picker value."""
    key, _, protocol = value.partition("@")
    return key, Protocol(protocol or Protocol.OPENAI)


def _parts(item: Preset) -> list[tuple[str, str]]:
    """(id, label) of what a preset opens: its regions, or the custom provider's protocols; [] for one endpoint."""
    if item.id == CUSTOM:
        return [(protocol.value, t(f"form_picker.protocol.{protocol.value}")) for protocol in Protocol]
    return [(region.id, region.label) for region in item.regions] if len(item.regions) > 1 else []


def choices(level: Level) -> list[Choice]:
    if not level:
        return [Choice(t(f"form_picker.group.{group.value}"), level, group.value, True) for group in Group]
    if len(level) == 1:
        return [Choice(item.name, level, f"{level[0]}/{item.id}", True) if _parts(item)
                else Choice(item.name, level, _value(item, None), False)
                for item in PRESETS if item.group == level[0]]
    item = next(preset for preset in PRESETS if preset.id == level[1])
    return [Choice(label, level, _value(item, part), False) for part, label in _parts(item)]


def everything() -> list[Choice]:
    """Every line of every level, in menu order (what typing searches)."""
    found: list[Choice] = []
    pending: list[Level] = [()]
    while pending:
        level = pending.pop(0)
        for choice in choices(level):
            found.append(choice)
            if choice.opens:
                pending.append(tuple(choice.key.split("/")))
    return found


def level_of(value: str) -> Level:
    """The level whose list holds `value`."""
    key, _ = split_value(value)
    item = endpoint(key).preset
    return (item.group.value, item.id) if _parts(item) else (item.group.value,)


def describe(value: str) -> str:
    """The chosen provider in words: its name (and region), or the custom provider and its protocol."""
    key, protocol = split_value(value)
    if key == CUSTOM and protocol != Protocol.OPENAI:
        return f"{endpoint(key).name} · {t(f'form_picker.protocol.{protocol.value}')}"
    return endpoint(key).name


class PresetList(OptionList):
    """The list of one level; its value is the chosen endpoint (see `_value`)."""

    value: reactive[str] = reactive(CUSTOM, init=False)
    level: var[Level] = var((), init=False)
    typed: var[str] = var("", init=False)    # what the user typed to find a provider

    class Changed(Message):
        def __init__(self, value: str) -> None:
            super().__init__()
            self.value = value

    def __init__(self, value: str, level: Level) -> None:
        super().__init__(id="preset", compact=True)
        self.set_reactive(PresetList.value, value)
        self.set_reactive(PresetList.level, level)

    def on_mount(self) -> None:
        self._show(self.level)

    def _show(self, level: Level, highlight: str | None = None) -> None:
        shown = choices(level)
        chosen_in = level_of(self.value)
        self.clear_options()
        self.add_options([Option(self._line(choice, chosen_in), id=choice.key) for choice in shown])
        keys = [choice.key for choice in shown]
        # The groups open on the first (as Qwen Code's); a list holding the choice on it.
        target = highlight if highlight in keys or not level else next(
            (key for key in keys if key == self.value or chosen_in[:len(key.split("/"))] == tuple(key.split("/"))),
            None)
        self.highlighted = keys.index(target) if target in keys else 0

    def _line(self, choice: Choice, chosen_in: Level) -> str:
        """● marks the chosen provider and the groups that hold it (a mark in text, not in colour alone)."""
        on_path = choice.key == self.value or (choice.opens and chosen_in[:len(choice.key.split("/"))] == tuple(
            choice.key.split("/")))
        return f"{'●' if on_path else ' '} {choice.label}{' ›' if choice.opens else ''}"

    def _open(self, level: Level, highlight: str | None = None) -> None:
        self.level = level
        self._show(level, highlight)

    def watch_value(self, value: str) -> None:
        self._open(level_of(value), value)
        self.post_message(self.Changed(value))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.typed = ""
        key = event.option.id or ""
        found = next(choice for choice in choices(self.level) if choice.key == key)
        if found.opens:
            self._open(tuple(key.split("/")))
        else:
            self.value = key
            self.post_message(self.Picked())

    class Picked(Message):
        """The user chose a provider (Enter on an endpoint): the form moves on to its fields."""

    def back(self) -> bool:
        """One level up; False at the groups."""
        if not self.level:
            return False
        self.typed = ""
        self._open(self.level[:-1], "/".join(self.level))
        return True

    def on_key(self, event: events.Key) -> None:
        if event.key in ("escape", "backspace", "left"):
            if self.typed and event.key == "backspace":
                self._find(self.typed[:-1])
            elif not self.back():
                return   # at the groups: Esc leaves the form as elsewhere
        elif event.is_printable and event.character and (event.character != " " or self.typed):
            self._find(self.typed + event.character)
        else:
            self.typed = ""   # moving on the list starts a new search
            return
        event.stop()
        event.prevent_default()

    def _find(self, typed: str) -> None:
        """Jump to the first line whose name starts with `typed`, else one of whose words does, else one holding
        it, at whatever level it lives (a provider before a group: "custom" finds the custom provider)."""
        self.typed = typed
        if not typed:
            return
        needle = typed.casefold()
        lines = sorted(everything(), key=lambda line: not line.level)   # providers before the groups
        for test in (lambda n: n.startswith(needle), lambda n: f" {needle}" in f" {n}", lambda n: needle in n):
            found = next((line for line in lines if test(line.label.casefold())), None)
            if found is not None:
                self._open(found.level, found.key)
                return


class ProviderPicker(Vertical):
    """The title of the current level, its list, the chosen provider, and how to move (or what was typed)."""

    def __init__(self, value: str, level: Level) -> None:
        super().__init__(id="preset-field", classes="field")
        self._value = value
        self._level = level   # a new provider opens on the groups; an edited one on its own level

    def compose(self) -> ComposeResult:
        yield Label(t("form.preset"), classes="field-label")
        yield Plain("", id="preset-path", classes="subtitle")
        yield PresetList(self._value, self._level)
        yield Plain("", id="preset-chosen")
        yield Plain("", id="preset-hint", classes="hint")

    def on_mount(self) -> None:
        presets = self.query_one(PresetList)
        self.watch(presets, "level", self._level_shown)
        self.watch(presets, "typed", self._typed_shown)
        self.watch(presets, "value", self._chosen_shown)

    def _level_shown(self, level: Level) -> None:
        names = [t(f"form_picker.group.{level[0]}")] if level else []
        if len(level) > 1:
            names.append(endpoint(level[1]).preset.name)
        self.query_one("#preset-path", Plain).update(" › ".join(names) if names else t("form_picker.title"))

    def _typed_shown(self, typed: str) -> None:
        hint = self.query_one("#preset-hint", Plain)
        hint.update(t("form_picker.typed", text=typed) if typed else t("form_picker.hint"))

    def _chosen_shown(self, value: str) -> None:
        self.query_one("#preset-chosen", Plain).update(t("form_picker.chosen", name=describe(value)))


class PresetInfo(Vertical):
    """Whose terms apply to the chosen endpoint: links (openable / copyable), "unknown", or "runs locally"."""

    endpoint_key: reactive[str] = reactive(CUSTOM, recompose=True)

    def compose(self) -> ComposeResult:
        item = endpoint(split_value(self.endpoint_key)[0])
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
        yield from widgets

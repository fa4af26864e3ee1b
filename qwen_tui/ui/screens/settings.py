"""Settings: usage statistics (with the layer to write), theme, language, and whose terms apply per provider."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label, Select, Switch

from qwen_tui.core import paths
from qwen_tui.core.i18n import LANGUAGES, t
from qwen_tui.core.methods import METHODS
from qwen_tui.core.names import USAGE_STATS
from qwen_tui.core.providers.catalog import PROVIDER_TERMS
from qwen_tui.core.resolver import Resolution
from qwen_tui.core.usage_story import usage_story
from qwen_tui.resources import stylesheet
from qwen_tui.ui.describe import describe_source
from qwen_tui.ui.resolution import Resolved, Written
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.footer import Footer
from qwen_tui.ui.widgets.notice_box import NoticeBox
from qwen_tui.ui.widgets.plain import Plain, plain_text
from qwen_tui.ui.widgets.scroll_body import ScrollBody
from qwen_tui.ui.widgets.state import StateSwitch

SYSTEM_LANGUAGE = "system"


class ProviderTable(DataTable):
    """Every provider with its terms and privacy links; fills itself so a re-render rebuilds it."""

    def on_mount(self) -> None:
        self.add_columns(t("settings.providers.provider"), t("method.terms"), t("method.privacy"))
        unknown = t("settings.providers.unknown")
        depends = t("settings.providers.depends")
        for info in METHODS:
            self.add_row(t(info.title_msg), info.terms_url or depends, info.privacy_url or depends)
        for provider in PROVIDER_TERMS:
            if provider.local:
                local = t("settings.providers.local")
                self.add_row(provider.name, local, local)
            else:
                self.add_row(provider.name, provider.terms_url or unknown, provider.privacy_url or unknown)


class SettingsScreen(QwenScreen):
    CSS_PATH = stylesheet("settings")
    BINDINGS = [
        Binding("escape", "app.go_back", "app.binding.back", id="settings.back"),
        Binding("c", "copy_cell", "app.binding.copy_link", id="settings.copy_link"),
        Binding("u", "app.usage_data", "usage_data.binding.open", id="settings.usage_data"),
    ]

    def __init__(self, first_focus: str = "#usage-switch") -> None:
        super().__init__(name="settings")
        self._first_focus = first_focus         # focused as the screen mounts (the palette's theme, language)
        self._scope: str | None = None         # the layer the switch writes to; kept across re-renders
        self._pending: bool | None = None      # the value just written, until the new resolution arrives
        self._wanted: bool | None = None       # the value last saved here: said while another layer decides

    def _scopes(self) -> list[str]:
        app = self.app
        has_workspace = paths.workspace_settings_path(app.cwd, app.env) is not None
        return ["user", "workspace"] if has_workspace else ["user"]

    def _current_scope(self) -> str:
        # Always the user layer until the user picks another: a workspace file comes with whatever repository
        # was cloned, so writing there must be an explicit choice, even when that file holds the current value.
        return self._scope or "user"

    def _usage_source_text(self, resolution: Resolution) -> str:
        return "\n".join(usage_story(resolution))

    def compose(self) -> ComposeResult:
        app = self.app
        yield Plain(t("settings.title"), id="settings-title", classes="title")
        with ScrollBody(id="settings-body"):
            yield NoticeBox(id="notices")
            with Vertical(classes="section", id="usage-section"):
                yield Plain(t("settings.usage.title"), classes="subtitle")
                yield StateSwitch(Switch(value=bool(self.resolution.usage_stats.value), id="usage-switch"),
                                  t("chooser.usage.label"), id="usage-row")
                with Horizontal(classes="field"):
                    yield Label(t("settings.usage.scope"), classes="field-label")
                    yield Select([(t(f"settings.scope.{scope}"), scope) for scope in self._scopes()],
                                 value=self._current_scope(), allow_blank=False, id="usage-scope", compact=True)
                yield Plain(self._usage_source_text(self.resolution), id="usage-source", classes="source")
                overridden = self._overridden(self.resolution)
                yield Plain(overridden, id="usage-overridden", classes="warning").set_styles(
                    f"display: {'block' if overridden else 'none'};")
                with Horizontal(id="usage-save-offer") as offer:
                    offer.display = not self.resolution.usage_stats_chosen
                    yield Label(t("settings.usage.save_prompt"), classes="offer-text")
                    yield Button(t("settings.usage.save_on"), id="save-usage-on", compact=True)
                    yield Button(t("settings.usage.save_off"), id="save-usage-off", compact=True)
                yield Button(t("usage_data.open"), id="open-usage-data", compact=True)
            with Vertical(classes="section", id="appearance-section"):
                yield Plain(t("settings.appearance.title"), classes="subtitle")
                with Horizontal(classes="field"):
                    yield Label(t("settings.theme"), classes="field-label")
                    themes = [(plain_text(name), name) for name in app.theme_names]
                    yield Select(themes, value=app.theme,
                                 allow_blank=False, id="theme-select", compact=True)
                with Horizontal(classes="field"):
                    yield Label(t("settings.language"), classes="field-label")
                    options = [(t("settings.language.system"), SYSTEM_LANGUAGE)]
                    options += [(label, code) for code, label in LANGUAGES.items()]
                    yield Select(options, value=app.language_pref or SYSTEM_LANGUAGE,
                                 allow_blank=False, id="language-select", compact=True)
            with Vertical(classes="section", id="providers-section"):
                yield Plain(t("settings.providers.title"), classes="subtitle")
                yield Plain(t("settings.providers.hint"), classes="note")
                yield ProviderTable(id="providers", cursor_type="cell", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(self._first_focus).focus()
        self.app.config.written.subscribe(self, self._written)
        self.app.config.resolved.subscribe(self, self._resolved)

    async def relabel(self) -> None:
        await super().relabel()
        self.query_one("#language-select", Select).focus()

    # ---- usage statistics ---------------------------------------------------------------------------------

    def on_switch_changed(self, event: Switch.Changed) -> None:
        self._save_usage_choice(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The offer shown while no choice is saved: the switch already shows the qwen CLI's default (on),
        so saving that default needs a button of its own."""
        if event.button.id in ("save-usage-on", "save-usage-off"):
            event.stop()
            value = event.button.id == "save-usage-on"
            with self.prevent(Switch.Changed):
                self.query_one("#usage-switch", Switch).value = value
            self._save_usage_choice(value)

    def _save_usage_choice(self, value: bool) -> None:
        self._pending = value
        self.app.config.write_setting(self._current_scope(), {USAGE_STATS: value}, "usage_stats")
        # The live recorder follows at once (off: stops and deletes unsent events), not after the write.
        self.app.usage.apply_choice(value, scope=self._current_scope())

    def _overridden(self, resolution: Resolution) -> str:
        """Saved here, but a higher layer (workspace or system) still decides the effective value: said on the
        screen while that lasts, not in a toast."""
        if self._wanted is None or resolution.usage_stats.value == self._wanted:
            return ""
        return t("settings.usage.overridden", where=describe_source(resolution.usage_stats.source))

    def _written(self, written: Written) -> None:
        """A failed write did not happen: the next resolution shows what is on disk, no "overridden" warning."""
        if written.error and written.what == "usage_stats":
            self._pending = self._wanted = None

    def _resolved(self, resolved: Resolved) -> None:
        resolution = resolved.resolution
        self.query_one("#usage-source", Plain).update(self._usage_source_text(resolution))
        offer = self.query_one("#usage-save-offer")
        focused_offer = any(button is self.focused for button in offer.query(Button))
        if offer.display and resolution.usage_stats_chosen and focused_offer:
            self.query_one("#usage-switch", Switch).focus()   # the focused button is going away
        offer.display = not resolution.usage_stats_chosen
        switch = self.query_one("#usage-switch", Switch)
        if self._pending is not None:
            self._wanted, self._pending = self._pending, None
        line = self.query_one("#usage-overridden", Plain)
        line.update(self._overridden(resolution))
        line.display = bool(self._overridden(resolution))
        with self.prevent(Switch.Changed):
            switch.value = bool(resolution.usage_stats.value)

    # ---- selects ------------------------------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        value = event.value
        if event.select.id == "usage-scope" and isinstance(value, str):
            self._scope = value
        elif event.select.id == "theme-select" and isinstance(value, str):
            self.app.change_theme(value)
        elif event.select.id == "language-select" and isinstance(value, str):
            language = None if value == SYSTEM_LANGUAGE else value
            if language != self.app.language_pref:
                self.app.change_language(language)

    # ---- provider links -----------------------------------------------------------------------------------------

    def _cell_url(self) -> str | None:
        table = self.query_one("#providers", DataTable)
        value = table.get_cell_at(table.cursor_coordinate) if table.row_count else None
        return value if isinstance(value, str) and value.startswith("https://") else None

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        if isinstance(event.value, str) and event.value.startswith("https://"):
            self.app.links.open(event.value)

    def action_copy_cell(self) -> None:
        url = self._cell_url()
        if url:
            self.app.links.copy(url)
        else:
            self.notify(t("settings.providers.no_link"), severity="warning")

"""Saved OpenAI-compatible providers on the home screen, one row per install (a preset's models together, as
Qwen Code's `/auth` installed them), the active one marked; choose the model, edit, delete.

The list is made in a worker when the widget mounts, from the files the app's current resolution read (the
home screen rebuilds it for every new resolution, so it is always fresh, and a refresh reads each file once);
every change runs in a worker too and then asks the app to resolve again.
Also says when OPENAI_* values come from the environment or a .env file, and offers to import them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, DataTable

from qwen_tui.core.i18n import Words, t
from qwen_tui.ui.describe import environment_lines, short_path
from qwen_tui.ui.widgets.plain import Plain, plain_text

if TYPE_CHECKING:
    from textual import getters

    from qwen_tui.core.providers.installs import Install
    from qwen_tui.core.providers.saved import EnvironmentValues, Profile
    from qwen_tui.ui.app import QwenTuiApp


class ProfilesLoaded(Message):
    def __init__(self, installs: list[Install], environment: EnvironmentValues | None, error: str | None) -> None:
        super().__init__()
        self.installs = installs
        self.environment = environment
        self.error = error


class ProfileChanged(Message):
    """An activation or deletion finished; `error` is its one-line reason when it failed."""

    def __init__(self, done: str, error: Exception | None = None, said: str | None = None) -> None:
        super().__init__()
        self.done = done
        self.error = error
        self.said = said     # what happened, when more than `done` (a deleted provider's shared key stayed)


class ProfilesPanel(Vertical):
    BINDINGS = [
        Binding("e", "edit", "profiles.binding.edit", id="profiles.edit"),
        Binding("d,delete", "delete", "profiles.binding.delete", id="profiles.delete"),
    ]
    if TYPE_CHECKING:
        app = getters.app(QwenTuiApp)

    def __init__(self, *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.installs: list[Install] = []
        # The parts the loaded list fills are held, not queried: a result must never find them missing (a query
        # before they are mounted, or while a quitting app takes them down, crashed with NoMatches). The table,
        # the keys note and the environment notice stay hidden until the list is read.
        self._status = Plain(t("profiles.loading"), id="profiles-status", classes="note")
        self._table: DataTable[Text | str] = DataTable(id="profiles-table", cursor_type="row", zebra_stripes=False)
        self._table.add_column("", key="active", width=2)
        self._table.add_column(t("profiles.column.model"), key="model")   # first: what Enter changes, in view at 80
        self._table.add_column(t("installs.column.provider"), key="provider")
        self._table.add_column(t("profiles.column.key"), key="key")
        self._keys = Plain(t("installs.keys"), id="profiles-keys", classes="note")
        self._env_lines = Plain("", id="profiles-env-lines")
        self._environment = Vertical(self._env_lines, Button(t("profiles.env.import"), id="profiles-import",
                                                             compact=True), id="profiles-env")
        for hidden in (self._table, self._keys, self._environment):
            hidden.display = False

    def compose(self) -> ComposeResult:
        yield Plain(t("profiles.title"), classes="subtitle")
        yield self._status
        yield self._table
        yield self._keys
        yield self._environment

    def on_mount(self) -> None:
        self.load()

    # ---- workers ---------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="profiles-load")
    def load(self) -> None:
        from qwen_tui.core.providers.installs import list_installs
        from qwen_tui.core.providers.saved import environment_values

        # From the files the current resolution was read from: a refresh loads them once, for every screen.
        resolution = self.app.resolution
        if resolution is None:
            return
        try:
            installs = list_installs(resolution)
        except Exception as exc:  # noqa: BLE001 - an unreadable settings file is shown, not raised
            self.post_message(ProfilesLoaded([], None, str(exc)))
            return
        try:
            environment = environment_values(resolution)
        except Exception:  # noqa: BLE001 - the notice is a nicety; the resolver reports broken files
            environment = None
        self.post_message(ProfilesLoaded(installs, environment, None))

    @work(thread=True, exclusive=True, exit_on_error=False, group="profiles-change")
    def _change(self, what: str, profile: Profile | None = None, install: Install | None = None) -> None:
        """Make `profile` active ("activated") or delete `install`, every model of it ("deleted"); the outcome
        comes back as a ProfileChanged message."""
        from qwen_tui.core.names import Protocol
        from qwen_tui.core.providers.profiles import ProfileError, activate_profile, delete_profile

        app = self.app
        said = None
        try:
            if profile is not None:
                activate_profile(profile.id, app.context, base_url=profile.base_url or None,
                                 protocol=Protocol(profile.protocol))
            elif install is not None:
                # Say only what happened: the key went, stayed for the providers still using it, or there was none.
                kept = delete_profile(install.model_ids, app.context, base_url=install.base_url or None,
                                      metadata=install.preset_id, protocol=Protocol(install.profiles[0].protocol))
                said = t("setup.deleted_key_kept", names=", ".join(kept)) if kept else (
                    None if install.key_location else t("setup.deleted_no_key"))
        except ProfileError as exc:
            self.post_message(ProfileChanged(what, exc))   # worded where shown: a language switch relabels it
        else:
            self.post_message(ProfileChanged(what, said=said))

    # ---- results ---------------------------------------------------------------------------------------------

    def on_profiles_loaded(self, message: ProfilesLoaded) -> None:
        message.stop()
        status = self._status
        self.installs = message.installs
        if message.error:
            status.set_classes("error")
            status.update(t("profiles.unreadable", reason=message.error))
        elif not message.installs:
            status.update(t("profiles.empty"))
        else:
            status.display = False
            self._fill_table(message.installs)
        self._show_environment(message.environment)

    def _fill_table(self, installs: list[Install]) -> None:
        from qwen_tui.core.providers.installs import key_text

        table = self._table
        table.clear()
        for install in installs:
            # Names and URLs come from settings files: cells as text, never markup (`[/]` is a name too). Rows
            # are not keyed by id: a file may list one id twice (rows are found by their place, `_selected`).
            # A preset install says how many models it holds on a second line: the label alone fits at 80 columns.
            several = len(install.profiles) > 1
            provider = plain_text(install.label)
            if several:
                provider = Text("\n").join([provider, plain_text(t("installs.models", count=len(install.profiles)))])
            shown = install.active or (None if several else install.profiles[0])
            table.add_row("●" if install.active else "", plain_text(shown.id if shown else ""), provider,
                          plain_text(key_text(install, self._where(install))), height=2 if several else 1)
        table.display = True
        self._keys.display = True
        active = next((row for row, install in enumerate(installs) if install.active), 0)
        table.move_cursor(row=active)

    def _where(self, install: Install) -> str | None:
        """The key's place with paths as home writes them (~/…, ./…; in full after `f`)."""
        if install.key_source is None:
            return None
        app = self.app
        if getattr(self.screen, "full_paths", False):
            return install.key_source.describe()
        return install.key_source.describe(lambda path: short_path(path, app.env, app.cwd))

    def _show_environment(self, environment: EnvironmentValues | None) -> None:
        if environment is None:
            return
        lines = environment_lines(environment, "profiles")
        if not lines:
            return
        self._env_lines.update("\n".join(lines))
        self._environment.display = True

    def on_profile_changed(self, message: ProfileChanged) -> None:
        message.stop()
        # A failure stays on home (ui/notices.py) until a switch or deletion works.
        self.app.notices.give("providers", Words("notices.write_failed", what=Words(f"profiles.{message.done}_failed"),
                                                 reason=message.error) if message.error else None)
        if message.error:
            return
        self.notify(message.said or t(f"profiles.{message.done}"))
        self.app.refresh_resolution()  # the home screen rebuilds this list

    # ---- actions ---------------------------------------------------------------------------------------------

    def _selected(self) -> Install | None:
        table = self._table
        if not self.installs or not table.display or table.row_count == 0:
            return None
        return self.installs[min(table.cursor_row, len(self.installs) - 1)]

    def _selected_profile(self) -> Profile | None:
        """The install's active model, else its first: what `e` edits."""
        install = self._selected()
        return None if install is None else install.active or install.profiles[0]

    @on(DataTable.RowSelected, "#profiles-table")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_activate()

    def action_activate(self) -> None:
        """One model: make it active. Several (a preset install): choose which, as Qwen Code's `/model` does."""
        from qwen_tui.ui.screens.model_picker import ModelPickerScreen

        install = self._selected()
        if install is None:
            return
        if len(install.profiles) == 1:
            self._use(install.profiles[0])
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self._use(install.profiles[index])

        self.app.push_screen(ModelPickerScreen(install), chosen)

    def _use(self, profile: Profile) -> None:
        if profile.active:
            self.notify(t("profiles.already_active", name=profile.name))
            return
        self._change("activated", profile)

    def action_edit(self) -> None:
        profile = self._selected_profile()
        if profile is not None:
            self.app.open_provider_form(profile)

    def action_delete(self) -> None:
        """Delete the install (all its models, as it was installed), after a question naming it."""
        from qwen_tui.core.providers.installs import summary
        from qwen_tui.ui.screens.confirm import ConfirmScreen

        install = self._selected()
        if install is None:
            return

        def answered(accepted: bool | None) -> None:
            if accepted:
                self._change("deleted", install=install)

        where = install.key_location or t("profiles.key.missing")
        question = t("profiles.delete.question", name=summary(install), where=where)
        self.app.push_screen(ConfirmScreen(question, confirm_label=t("profiles.delete.accept"), danger=True), answered)

    @on(Button.Pressed, "#profiles-import")
    def import_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.open_provider_form(import_env=True)

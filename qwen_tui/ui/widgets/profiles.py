"""Saved OpenAI-compatible profiles on the home screen: the active one marked; switch, edit, delete.

The list is made in a worker when the widget mounts, from the files the app's current resolution read (the
home screen rebuilds it for every new resolution, so it is always fresh, and a refresh reads each file once);
every change runs in a worker too and then asks the app to resolve again.
Also says when OPENAI_* values come from the environment or a .env file, and offers to import them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, DataTable

from qwen_tui.core.i18n import t
from qwen_tui.ui.describe import environment_lines
from qwen_tui.ui.widgets.plain import Plain, plain_text

if TYPE_CHECKING:
    from qwen_tui.core.providers.saved import EnvironmentValues, Profile
    from qwen_tui.ui.app import QwenTuiApp


class ProfilesLoaded(Message):
    def __init__(self, profiles: list[Profile], environment: EnvironmentValues | None, error: str | None) -> None:
        super().__init__()
        self.profiles = profiles
        self.environment = environment
        self.error = error


class ProfileChanged(Message):
    """An activation or deletion finished; `error` is its one-line reason when it failed."""

    def __init__(self, done: str, error: str | None = None, said: str | None = None) -> None:
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
        self.profiles: list[Profile] = []

    def compose(self) -> ComposeResult:
        # The table, the keys note and the environment notice stay hidden until the list is read.
        yield Plain(t("profiles.title"), classes="subtitle")
        yield Plain(t("profiles.loading"), id="profiles-status", classes="note")
        table: DataTable = DataTable(id="profiles-table", cursor_type="row", zebra_stripes=False)
        table.add_column("", key="active", width=2)
        table.add_column(t("profiles.column.model"), key="model")
        table.add_column(t("profiles.column.base_url"), key="base_url")
        table.add_column(t("profiles.column.key"), key="key")
        table.display = False
        yield table
        keys = Plain(t("profiles.keys"), id="profiles-keys", classes="note")
        keys.display = False
        yield keys
        with Vertical(id="profiles-env") as environment:
            environment.display = False
            yield Plain("", id="profiles-env-lines")
            yield Button(t("profiles.env.import"), id="profiles-import", compact=True)

    def on_mount(self) -> None:
        self.load()

    # ---- workers ---------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="profiles-load")
    def load(self) -> None:
        from qwen_tui.core.providers.saved import environment_values, list_profiles

        # From the files the current resolution was read from: a refresh loads them once, for every screen.
        resolution = self.app.resolution
        if resolution is None:
            return
        try:
            profiles = list_profiles(resolution)
        except Exception as exc:  # noqa: BLE001 - an unreadable settings file is shown, not raised
            self.post_message(ProfilesLoaded([], None, str(exc)))
            return
        try:
            environment = environment_values(resolution)
        except Exception:  # noqa: BLE001 - the notice is a nicety; the resolver reports broken files
            environment = None
        self.post_message(ProfilesLoaded(profiles, environment, None))

    @work(thread=True, exclusive=True, exit_on_error=False, group="profiles-change")
    def _change(self, what: str, profile_id: str, had_key: bool = True) -> None:
        """`what` is "activated" or "deleted"; the outcome comes back as a ProfileChanged message."""
        from qwen_tui.core.providers.profiles import ProfileError, activate_profile, delete_profile

        app = self.app
        said = None
        try:
            if what == "activated":
                activate_profile(profile_id, app.cwd, app.env)
            else:
                # Say only what happened: the key went, stayed for the providers still using it, or there was none.
                kept = delete_profile(profile_id, app.cwd, app.env)
                said = t("setup.deleted_key_kept", names=", ".join(kept)) if kept else (
                    None if had_key else t("setup.deleted_no_key"))
        except ProfileError as exc:
            self.post_message(ProfileChanged(what, str(exc)))
        else:
            self.post_message(ProfileChanged(what, said=said))

    # ---- results ---------------------------------------------------------------------------------------------

    def on_profiles_loaded(self, message: ProfilesLoaded) -> None:
        message.stop()
        status = self.query_one("#profiles-status", Plain)
        self.profiles = message.profiles
        if message.error:
            status.set_classes("error")
            status.update(t("profiles.unreadable", reason=message.error))
        elif not message.profiles:
            status.update(t("profiles.empty"))
        else:
            status.display = False
            self._fill_table(message.profiles)
        self._show_environment(message.environment)

    def _fill_table(self, profiles: list[Profile]) -> None:
        table = self.query_one("#profiles-table", DataTable)
        table.clear()
        for profile in profiles:
            # Names and URLs come from settings files: cells as text, never markup (`[/]` is a name too). Rows
            # are not keyed by id: a file may list one id twice (rows are found by their place, `_selected`).
            table.add_row("●" if profile.active else "", plain_text(profile.name), plain_text(profile.base_url),
                          plain_text(profile.key_location or t("profiles.key.missing")))
        table.display = True
        self.query_one("#profiles-keys").display = True
        active = next((row for row, profile in enumerate(profiles) if profile.active), 0)
        table.move_cursor(row=active)

    def _show_environment(self, environment: EnvironmentValues | None) -> None:
        if environment is None:
            return
        lines = environment_lines(environment, "profiles")
        if not lines:
            return
        self.query_one("#profiles-env-lines", Plain).update("\n".join(lines))
        self.query_one("#profiles-env").display = True

    def on_profile_changed(self, message: ProfileChanged) -> None:
        message.stop()
        if message.error:
            self.notify(message.error, title=t(f"profiles.{message.done}_failed"), severity="error", timeout=10)
            return
        self.notify(message.said or t(f"profiles.{message.done}"))
        self.app.refresh_resolution()  # the home screen rebuilds this list

    # ---- actions ---------------------------------------------------------------------------------------------

    def _selected(self) -> Profile | None:
        table = self.query_one("#profiles-table", DataTable)
        if not self.profiles or not table.display or table.row_count == 0:
            return None
        return self.profiles[min(table.cursor_row, len(self.profiles) - 1)]

    @on(DataTable.RowSelected, "#profiles-table")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_activate()

    def action_activate(self) -> None:
        profile = self._selected()
        if profile is None:
            return
        if profile.active:
            self.notify(t("profiles.already_active", name=profile.name))
            return
        self._change("activated", profile.id)

    def action_edit(self) -> None:
        profile = self._selected()
        if profile is not None:
            self.app.open_provider_form(profile)

    def action_delete(self) -> None:
        from qwen_tui.ui.screens.confirm import ConfirmScreen

        profile = self._selected()
        if profile is None:
            return

        def answered(accepted: bool | None) -> None:
            if accepted:
                self._change("deleted", profile.id, profile.key_location is not None)

        where = profile.key_location or t("profiles.key.missing")
        question = t("profiles.delete.question", name=profile.name, where=where)
        self.app.push_screen(ConfirmScreen(question, confirm_label=t("profiles.delete.accept"), danger=True), answered)

    @on(Button.Pressed, "#profiles-import")
    def import_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.open_provider_form(import_env=True)

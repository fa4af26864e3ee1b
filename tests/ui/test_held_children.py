"""Widgets that update a child from a watcher hold that child instead of querying it: a value may arrive before the
children are mounted, or after an app quitting at once removed them (the chooser mounts its usage switch a frame
after the first one: pressing q then did this). Either crashed with NoMatches."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Label, Switch

from qwen_tui.core.providers.saved import EnvironmentValues
from qwen_tui.core.resolver import Source, SourceKind, Value
from qwen_tui.ui.screens.form_fields import EnvironmentNotice
from qwen_tui.ui.widgets.profiles import ProfilesLoaded, ProfilesPanel
from qwen_tui.ui.widgets.state import StateSwitch


class _MountsThenQuits(App[None]):
    def on_mount(self) -> None:
        self.mount(StateSwitch(Switch(value=True), "Usage statistics"))
        self.exit()


async def test_quitting_while_a_state_switch_mounts_exits_cleanly() -> None:
    app = _MountsThenQuits()
    async with app.run_test():
        pass
    assert app.return_code == 0


class _Shows(App[None]):
    def compose(self):
        yield StateSwitch(Switch(value=False, id="s"), "Usage statistics")


async def test_the_word_follows_the_switch() -> None:
    app = _Shows()
    async with app.run_test() as pilot:
        word = app.query_one(".switch-state", Label)
        assert str(word.render()) == "Off"
        app.query_one("#s", Switch).value = True
        await pilot.pause()
        assert str(word.render()) == "On"


class _NoticeBeforeMount(App[None]):
    """The form's environment worker answering while the notice is still mounting."""

    def on_mount(self) -> None:
        notice = EnvironmentNotice()
        self.mount(notice)
        notice.values = EnvironmentValues(base_url=None, key=None, model=None, dotenv_path=None, shadowed=())


async def test_environment_values_arriving_before_the_notice_mounts_do_not_crash() -> None:
    app = _NoticeBeforeMount()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.exit()
    assert app.return_code == 0   # a crash in the watcher ends the app with 1


class _ProfilesBeforeMount(App[None]):
    """The saved providers' list reaching the home screen's panel before its children are mounted. Through Textual's
    own message path this could not be made to happen on demand (a message waits for the widget's compose, and a
    removal closes the queue before the children go), so the handler is called in that state directly."""

    def on_mount(self) -> None:
        panel = ProfilesPanel()
        self.mount(panel)
        found = Value("env-model", Source(SourceKind.ENV, key="OPENAI_MODEL"))
        environment = EnvironmentValues(base_url=None, key=None, model=found, dotenv_path=None, shadowed=())
        panel.on_profiles_loaded(ProfilesLoaded([], environment, None))


async def test_the_providers_list_arriving_before_the_panel_mounts_does_not_crash() -> None:
    app = _ProfilesBeforeMount()
    async with app.run_test() as pilot:
        await pilot.pause()
        panel = app.query_one(ProfilesPanel)
        assert panel.query_one("#profiles-env").display   # the notice the list brought is shown once mounted
        app.exit()
    assert app.return_code == 0

"""Issue 14 point 8: what the user must act on after an action is on the screen (ui/notices.py), not in a toast
that goes after a few seconds, and it stays until the situation changes. The save's storage warning is in
tests/ui/test_provider_form.py, a failed settings write and a theme file that could not be read in
tests/ui/test_app.py. The app runs the real resolver on real files in the isolated HOME."""

from __future__ import annotations

from pathlib import Path

from test_commands import _signed_in, _slash
from test_profiles import app_env, save_two
from test_qwen_verdict import write_qwen_oauth_sign_in
from textual.widgets import DataTable
from ui_helpers import notice_text, notifications, settle

from qwen_tui.core.context import Context
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.confirm import ConfirmScreen
from qwen_tui.ui.screens.home import HomeScreen

SIZE = (80, 24)


async def test_a_failed_sign_out_stays_on_home_until_a_sign_out_works(isolated_home: Path) -> None:
    app = _signed_in(isolated_home)
    settings = isolated_home / ".qwen" / "settings.json"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        settings.write_text('{"security": {')       # the user layer no longer parses: sign-out cannot finish
        await _slash(pilot, *"signout", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        said = notice_text(app)
        assert "Could not sign out" in said and str(settings) in said, said
        assert not any("Could not sign out" in text for text in notifications(app))
        await pilot.press("r")                       # still so after reading the files again
        await settle(pilot)
        assert "Could not sign out" in notice_text(app)
        write_qwen_oauth_sign_in()                   # the file repaired (and signed in again): it works now
        await pilot.press("r")
        await settle(pilot)
        await _slash(pilot, *"signout", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert notice_text(app) == ""
    assert not (isolated_home / ".qwen" / "oauth_creds.json").exists()


async def test_a_provider_that_could_not_be_switched_is_said_on_home_until_a_switch_works(
        isolated_home: Path) -> None:
    save_two()
    settings = isolated_home / ".qwen" / "settings.json"
    good = settings.read_text()
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        settings.write_text(good[:-5])               # cut short after home listed the providers
        table = app.screen.query_one("#profiles-table", DataTable)
        table.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        said = notice_text(app)
        assert "Provider not switched" in said, said
        assert not any("not switched" in text for text in notifications(app))
        settings.write_text(good)
        await pilot.press("r")
        await settle(pilot)
        assert "Provider not switched" in notice_text(app)   # the files read again: no switch happened yet
        app.screen.query_one("#profiles-table", DataTable).focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert notice_text(app) == ""
        assert app.resolution.model.value == "model-one"


async def test_a_choice_a_higher_layer_overrides_is_said_on_settings_while_it_lasts(
        isolated_home: Path, project_dir: Path) -> None:
    workspace = project_dir / ".qwen" / "settings.json"
    workspace.parent.mkdir(parents=True)
    workspace.write_text('{"privacy": {"usageStatisticsEnabled": false}}')
    user = isolated_home / ".qwen" / "settings.json"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text('{"security": {"auth": {"selectedType": "openai"}}}')   # a method: settings, not the chooser
    app = QwenTuiApp("settings", context=Context(project_dir, app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#usage-overridden")
        assert not line.display                        # nothing saved here yet
        await pilot.press("space")                     # on, saved in the user settings; the workspace says off
        await settle(pilot)
        await settle(pilot)
        said = str(line.render())
        assert line.display and "still comes from" in said and "workspace" in said, said
        assert not any("still comes from" in text for text in notifications(app))
        app.refresh_resolution()                       # read again (as home's `r`): still so
        await settle(pilot)
        assert line.display
        workspace.write_text("{}")                     # the workspace no longer decides
        app.refresh_resolution()
        await settle(pilot)
        assert not line.display


def _save_in_plain_text():
    """A provider saved (as the form or `auth login` would) with its key in qwen-tui's own 0600 file."""
    from qwen_tui.core.providers.profiles import KeyStore, save_profile

    return save_profile(base_url="http://127.0.0.1:9103/v1", model="model-plain", key="sk-plain-key-000000000003",
                        store=KeyStore.FILE, context=Context(Path.cwd(), app_env()))


async def test_a_key_in_plain_text_is_said_at_every_start_until_it_is_moved_outside_the_app(
        isolated_home: Path) -> None:
    """Read from the files, not remembered from the save: a new start says it again (nothing of the save is left
    in memory), and once the key is moved by another program (`qwen-tui auth move-key` in another terminal) the
    next reading of the files no longer does."""
    from qwen_tui.core import paths
    from qwen_tui.core.keystores import move_key
    from qwen_tui.core.providers.profiles import KeyStore

    name, path = _save_in_plain_text().profile.env_key, paths.secrets_file_path(app_env())
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = notice_text(app)
        assert name in said and str(path) in said and "plain text" in said, said
        move_key(KeyStore.SETTINGS, Context(Path.cwd(), app_env()))    # outside the app
        await pilot.press("r")
        await settle(pilot)
        assert name not in notice_text(app), notice_text(app)


async def test_notices_are_relabelled_when_the_language_is_switched(isolated_home: Path) -> None:
    """A failed switch (worded by the app and by the settings file's error) and the save's warning (worded by the
    core), in English, then French, then Chinese: every line follows the language, none stays in the old one."""
    save_two()
    saved = _save_in_plain_text()                    # the active one
    settings = isolated_home / ".qwen" / "settings.json"
    good = settings.read_text()
    app = QwenTuiApp(context=Context(Path.cwd(), app_env()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.notices.give("save", saved.words, env_key=saved.profile.env_key)   # as the form does after a save
        settings.write_text(good[:-5])               # cut short after home listed the providers
        app.screen.query_one("#profiles-table", DataTable).focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        english = notice_text(app)
        assert "Provider not switched" in english and "fix it or move it aside" in english, english
        assert "plain text" in english and "as you chose" in english, english
        settings.write_text(good)
        app.change_language("fr")
        await settle(pilot)
        french = notice_text(app)
        assert "Fournisseur non changé" in french and "corrigez-le ou mettez-le de côté" in french, french
        assert "en clair" in french and "comme vous l'avez choisi" in french, french
        assert not any(words in french for words in ("Provider not switched", "fix it", "plain text", "chose")), french
        app.change_language("zh")
        await settle(pilot)
        chinese = notice_text(app)
        assert "未切换服务商" in chinese and "请修正该文件" in chinese and "已按您的选择" in chinese, chinese
        assert not any(words in chinese for words in ("Fournisseur", "corrigez", "en clair", "choisi")), chinese


async def test_a_failed_resolution_drops_the_files_line_and_keeps_the_actions_lines(isolated_home: Path) -> None:
    """The resolver failing (a bug in it: simulated by a resolver that raises, as no real file makes it raise) says
    nothing of where the active key is, and home shows no key: the line read from the files goes until a reading
    works again; a line given by an action (what a save did) is not judged by it and stays."""
    from qwen_tui.core import paths
    from qwen_tui.core.resolver import resolve

    saved = _save_in_plain_text()
    name, path = saved.profile.env_key, paths.secrets_file_path(app_env())
    broken = [False]

    def resolver(context: Context):
        if broken[0]:
            raise RuntimeError("resolver bug")
        return resolve(context)

    app = QwenTuiApp(context=Context(Path.cwd(), app_env()), resolver=resolver)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert f"The key {name} is kept in plain text in {path}" in notice_text(app), notice_text(app)
        app.notices.give("other", "A line an action gave", env_key="SOME_OTHER_KEY")
        broken[0] = True
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and "resolver bug" in app.resolution.problems[0]
        said = notice_text(app)
        assert "plain text" not in said and "A line an action gave" in said, said
        broken[0] = False
        await pilot.press("r")
        await settle(pilot)
        assert f"The key {name} is kept in plain text in {path}" in notice_text(app), notice_text(app)

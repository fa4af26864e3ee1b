"""Pilot tests: navigation, the chooser's keys, writes through the real settings writer, prefs, links."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList, Select, Switch
from ui_helpers import (
    appeared,
    first_screen,
    make_app,
    notice_text,
    notifications,
    palette,
    resolution,
    until,
    workers_done,
)

from qwen_tui.core.context import Context
from qwen_tui.core.resolver import Resolution
from qwen_tui.ui.app import QwenTuiApp
from qwen_tui.ui.screens.chooser import ChooserScreen
from qwen_tui.ui.screens.home import HomeScreen
from qwen_tui.ui.screens.oauth_signin import OAuthSignInScreen
from qwen_tui.ui.screens.privacy import PrivacyScreen
from qwen_tui.ui.screens.provider_form import ProviderFormScreen
from qwen_tui.ui.screens.settings import SettingsScreen
from qwen_tui.ui.widgets.link import Link

SIZE = (80, 24)


async def started(pilot) -> None:
    """Wait for the resolve worker and the first real screen, composed and laid out."""
    await first_screen(pilot)


def user_settings(home: Path) -> dict:
    return json.loads((home / ".qwen" / "settings.json").read_text())


# ---- first screen -------------------------------------------------------------------------------------------

async def test_chooser_first_when_no_method_resolves() -> None:
    app = make_app(resolution())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, ChooserScreen)
        assert app.screen.query_one("#methods", OptionList).highlighted_option.id == "qwen-oauth"


async def test_home_first_when_configured_and_chooser_preselects_it() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("a")
        assert isinstance(app.screen, ChooserScreen)
        assert app.screen.query_one("#methods", OptionList).highlighted_option.id == "openai"
        await pilot.press("escape")        # something is configured: Esc goes back
        assert isinstance(app.screen, HomeScreen)


async def test_initial_auth_opens_the_chooser_even_when_configured() -> None:
    app = make_app(resolution("qwen-oauth"), initial="auth")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, ChooserScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_resolver_failure_is_shown_not_raised() -> None:
    def broken(context) -> Resolution:
        raise RuntimeError("settings exploded")

    app = QwenTuiApp(resolver=broken)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, ChooserScreen)
        assert "settings exploded" in app.resolution.problems[0]


async def test_first_run_draws_the_chooser_without_a_resolve_worker(isolated_home: Path) -> None:
    """Nothing configured: the settings are read before the first frame (no keyring can be involved), so the
    chooser is the first screen drawn, not a placeholder followed by a second screen."""
    app = QwenTuiApp(context=Context.current())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ChooserScreen)
        assert app.config.generation == 0          # no worker was asked to resolve
        assert app.resolution is not None and app.resolution.auth_type.value is None


async def test_a_configuration_from_files_draws_home_first(qwen_home: Path) -> None:
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({"security": {"auth": {"selectedType": "openai"}},
                                                         "env": {"OPENAI_API_KEY": "sk-test-1234567890"}}))
    app = QwenTuiApp(context=Context.current())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.config.generation == 0
        await started(pilot)
        assert app.screen.query("#profiles")          # the saved profiles follow the first frame


async def test_a_key_only_the_keyring_has_is_resolved_in_the_worker(qwen_home: Path) -> None:
    """The keyring may take seconds: the placeholder is drawn first and a worker resolves."""
    qwen_home.mkdir()
    (qwen_home / "settings.json").write_text(json.dumps({"security": {"auth": {"selectedType": "openai"}}}))
    app = QwenTuiApp(context=Context.current())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.config.generation == 1
        assert isinstance(app.screen, HomeScreen)


async def test_a_failing_quick_read_falls_back_to_the_worker(isolated_home: Path, monkeypatch) -> None:
    import qwen_tui.core.resolver as resolver

    real_resolve = resolver.resolve

    def broken_without_keyring(context, *, keyring=True):
        if not keyring:
            raise RuntimeError("quick read exploded")
        return real_resolve(context)

    monkeypatch.setattr(resolver, "resolve", broken_without_keyring)
    app = QwenTuiApp(context=Context.current())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.config.generation == 1
        assert isinstance(app.screen, ChooserScreen)
        assert app.resolution.problems == ()


async def test_the_collector_pause_ends_once_the_first_screen_is_drawn(isolated_home: Path) -> None:
    import gc

    from qwen_tui import collector

    collector.pause()
    try:
        app = QwenTuiApp(context=Context.current())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
    finally:
        collector.resume()
        gc.unfreeze()


# ---- chooser keys ---------------------------------------------------------------------------------------------

async def test_key_2_chooses_openai_and_key_1_qwen_oauth() -> None:
    app = make_app(resolution())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("2")
        assert isinstance(app.screen, ProviderFormScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChooserScreen)
        await pilot.press("1")
        assert isinstance(app.screen, OAuthSignInScreen)


async def test_arrows_and_enter_choose() -> None:
    app = make_app(resolution())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, ProviderFormScreen)


async def test_escape_with_nothing_configured_says_a_method_is_required() -> None:
    app = make_app(resolution())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: bool(notifications(app)), "a word on escape")   # a key is handled rounds later
        assert isinstance(app.screen, ChooserScreen)
        assert any("authentication method is required" in text for text in notifications(app))


async def test_q_quits() -> None:
    app = make_app(resolution())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
        assert not app.is_running


# ---- usage statistics -----------------------------------------------------------------------------------------

async def test_chooser_usage_stats_off_by_default_and_written_on_continue(isolated_home: Path) -> None:
    app = make_app(resolution())         # not chosen in any layer: the switch starts off (opt-in)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.screen.query_one("#usage-switch", Switch).value is False
        await pilot.press("2")
        await workers_done(app)
    assert user_settings(isolated_home)["privacy"]["usageStatisticsEnabled"] is False


async def test_chooser_usage_stats_opt_in_is_written(isolated_home: Path) -> None:
    app = make_app(resolution())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("u")
        assert app.screen.query_one("#usage-switch", Switch).value is True
        await pilot.press("1")
        await workers_done(app)
    assert user_settings(isolated_home)["privacy"]["usageStatisticsEnabled"] is True


async def test_chooser_presets_an_explicit_choice_and_keeps_other_keys(isolated_home: Path) -> None:
    settings = isolated_home / ".qwen" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"$version": 4, "model": {"name": "m"}, "privacy": {"usageStatisticsEnabled": true}}')
    app = make_app(resolution(usage=True, usage_chosen=True))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.screen.query_one("#usage-switch", Switch).value is True
        await pilot.press("u", "1")
        await workers_done(app)
    data = user_settings(isolated_home)
    assert data["privacy"]["usageStatisticsEnabled"] is False
    assert data["model"] == {"name": "m"} and data["$version"] == 4


async def test_settings_switch_writes_user_layer_at_once(isolated_home: Path) -> None:
    app = make_app(resolution("openai", usage=False, usage_chosen=True), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("space")        # the switch has the focus
        await workers_done(app)
        assert user_settings(isolated_home)["privacy"]["usageStatisticsEnabled"] is True


async def test_settings_switch_writes_workspace_layer_when_chosen(isolated_home: Path, project_dir: Path) -> None:
    app = make_app(resolution("openai", usage=False, usage_chosen=True), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.screen.query_one("#usage-scope", Select).value = "workspace"
        await pilot.pause()
        app.screen.query_one("#usage-switch", Switch).value = True
        await pilot.pause()
        await workers_done(app)
    workspace = json.loads((project_dir / ".qwen" / "settings.json").read_text())
    assert workspace["privacy"]["usageStatisticsEnabled"] is True
    assert not (isolated_home / ".qwen" / "settings.json").exists()


async def test_home_masks_a_password_in_the_base_url() -> None:
    """Issue 11: a base URL read from a file may carry `user:password@`; the home screen never shows it."""
    app = make_app(resolution("openai", base_url="https://me:s3cretpw@api.example/v1"))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert isinstance(app.screen, HomeScreen)
        screen = app.export_screenshot()
    assert "s3cretpw" not in screen and "https://***@api.example/v1" in screen


async def test_turning_statistics_on_never_opens_the_gate_against_the_consent_rule() -> None:
    """DO_NOT_TRACK, or `on` written to the workspace layer: the live recorder stays closed (issue 11)."""
    for scope, extra in (("user", {"DO_NOT_TRACK": "1"}), ("workspace", {})):
        app = make_app(resolution("qwen-oauth", usage=False, usage_chosen=True), **extra)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            app.usage.apply_choice(True, scope=scope)
            assert not app.usage.verdict.open, scope
    app = make_app(resolution("qwen-oauth", usage=False, usage_chosen=True))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.usage.apply_choice(True, scope="user")
        assert app.usage.verdict.open   # the user's own choice still counts at once


async def test_settings_never_preselects_the_workspace_layer(isolated_home: Path, project_dir: Path) -> None:
    """Issue 11: a cloned repo's `.qwen/settings.json` holding the value must not make it the "Save in" default."""
    from qwen_tui.core.record import replace
    from qwen_tui.core.resolver import Source, SourceKind, Value

    workspace = project_dir / ".qwen" / "settings.json"
    workspace.parent.mkdir()
    workspace.write_text('{"privacy": {"usageStatisticsEnabled": false}}')
    source = Source(SourceKind.SETTINGS, workspace, "privacy.usageStatisticsEnabled", "workspace")
    res = replace(resolution("openai", usage=False, usage_chosen=True), usage_stats=Value(False, source))
    app = make_app(res, initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.screen.query_one("#usage-scope", Select).value == "user"
        await pilot.press("space")
        await workers_done(app)
    assert user_settings(isolated_home)["privacy"]["usageStatisticsEnabled"] is True
    assert workspace.read_text() == '{"privacy": {"usageStatisticsEnabled": false}}'


async def test_unparsable_settings_gives_a_notification_and_is_untouched(isolated_home: Path) -> None:
    settings = isolated_home / ".qwen" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"privacy": {')
    app = make_app(resolution("openai", usage=False, usage_chosen=True), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("space")
        await until(pilot, lambda: str(settings) in notice_text(app), "the file named on the screen")
        assert isinstance(app.screen, SettingsScreen)
        assert str(settings) in notice_text(app)          # on the screen, not in a toast that goes
        assert not any(str(settings) in text for text in notifications(app))
    assert settings.read_text() == '{"privacy": {'


# ---- preferences: theme and language ----------------------------------------------------------------------------

async def test_theme_choice_applies_and_persists(qwen_home: Path) -> None:
    app = make_app(resolution("openai"), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.screen.query_one("#theme-select", Select).value = "qwen-light"
        await pilot.pause()
        await workers_done(app)
        assert app.theme == "qwen-light"
    assert json.loads((qwen_home / "tui.json").read_text())["theme"] == "qwen-light"
    assert (qwen_home / "tui.json").stat().st_mode & 0o777 == 0o600
    again = make_app(resolution("openai"))
    assert again.theme == "qwen-light"


async def test_language_switch_rerenders_and_persists(qwen_home: Path) -> None:
    app = make_app(resolution("openai"), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert str(app.screen.query_one("#settings-title").render()) == "Settings"
        (await appeared(pilot, "#language-select")).value = "fr"

        def title(selector: str) -> str:
            # Queried at each look: a relabel recomposes the screen, and a busy machine shows it mid-way.
            titles = app.screen.query(selector)
            return str(titles.first().render()) if titles else ""

        await until(pilot, lambda: title("#settings-title") == "Paramètres", "the settings title in French")
        await workers_done(app)
        footer_texts = [b.binding.description for b in app.screen.active_bindings.values()]
        assert "Retour" in footer_texts
        await pilot.press("escape")
        await until(pilot, lambda: title("#home-title") == "Configuration effective", "home's title in French")
    assert json.loads((qwen_home / "tui.json").read_text())["language"] == "fr"


async def test_corrupted_prefs_notify_and_are_never_overwritten(qwen_home: Path) -> None:
    qwen_home.mkdir()
    (qwen_home / "tui.json").write_text("{not json")
    app = make_app(resolution("openai"), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.theme == "qwen-dark"
        assert "tui.json" in notice_text(app) and "not valid JSON" in notice_text(app)
        app.screen.query_one("#theme-select", Select).value = "high-contrast"
        await pilot.pause()
        await workers_done(app)
        await pilot.pause()
    assert (qwen_home / "tui.json").read_text() == "{not json"


async def test_bad_user_theme_notifies_and_falls_back(qwen_home: Path) -> None:
    themes = qwen_home / "tui-themes"
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text('name = "broken"\n[colors]\nprimary = "not-a-colour"\n')
    (themes / "mine.toml").write_text('name = "mine"\ndark = false\n[colors]\nprimary = "#123456"\n')
    (qwen_home / "tui.json").write_text('{"theme": "broken"}')
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.theme == "qwen-dark"
        assert "broken.toml" in notice_text(app) and "not-a-colour" in notice_text(app)   # on home
        assert "mine" in app.theme_names and "broken" not in app.theme_names


async def test_no_color_is_respected(monkeypatch) -> None:
    from textual.filter import Monochrome, NoColor

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.no_color
        assert any(isinstance(f, (Monochrome, NoColor)) for f in app._filters)


# ---- links --------------------------------------------------------------------------------------------------

async def test_link_copy_and_open_without_browser(monkeypatch) -> None:
    app = make_app(resolution("qwen-oauth"), initial="privacy")   # NO_BROWSER=1 from tests/conftest.py
    async with app.run_test(size=SIZE) as pilot:
        await first_screen(pilot)
        assert isinstance(app.screen, PrivacyScreen)
        link = app.screen.query(Link).first()
        link.focus()
        await until(pilot, lambda: app.focused is link, "the link focused")
        # A key is handled rounds after press() returns on a busy machine: wait for its effect, then check it.
        await pilot.press("c")
        await until(pilot, lambda: bool(app.clipboard), "something copied")
        assert app.clipboard == link.url == "https://qwen.ai/termsservice"
        assert any(text == "Link sent to the terminal's clipboard (OSC 52)." for text in notifications(app))
        app.copy_to_clipboard("")
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.clipboard), "something copied")
        assert app.clipboard == link.url
        assert any("No browser" in text for text in notifications(app))


async def test_privacy_for_openai_shows_the_provider_links() -> None:
    app = make_app(resolution("openai", base_url="https://openrouter.ai/api/v1"), initial="privacy")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        urls = [link.url for link in app.screen.query(Link)]
        assert urls == ["https://openrouter.ai/terms", "https://openrouter.ai/privacy"]


async def test_settings_provider_table_copies_a_link() -> None:
    app = make_app(resolution("openai"), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        table = app.screen.query_one("#providers")
        table.focus()
        table.move_cursor(row=0, column=1)
        await pilot.press("c")
        assert app.clipboard == "https://qwen.ai/termsservice"


# ---- commands -----------------------------------------------------------------------------------------------

async def test_command_palette_opens_settings_and_privacy() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        for title, screen in (("Settings", SettingsScreen), ("Privacy", PrivacyScreen)):
            await palette(pilot, title)
            await until(pilot, lambda s=screen: isinstance(app.screen, s), f"{title} opened")   # the command runs later


async def test_typing_slash_auth_opens_the_chooser() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("slash", *"auth", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChooserScreen)
        await pilot.press("slash", *"status", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert len(app.screen_stack) == 2


async def test_every_binding_has_an_id() -> None:
    from qwen_tui.ui.screens.command_input import CommandInputScreen
    from qwen_tui.ui.screens.confirm import ConfirmScreen
    from qwen_tui.ui.screens.model_picker import ModelPickerScreen
    from qwen_tui.ui.screens.usage_data import UsageDataScreen
    from qwen_tui.ui.widgets.device_flow import DeviceFlowWidget, QrScreen
    from qwen_tui.ui.widgets.profiles import ProfilesPanel

    classes = (QwenTuiApp, ChooserScreen, HomeScreen, SettingsScreen, PrivacyScreen, OAuthSignInScreen,
               ProviderFormScreen, ConfirmScreen, UsageDataScreen, DeviceFlowWidget, QrScreen, ProfilesPanel,
               CommandInputScreen, Link, ModelPickerScreen)
    for cls in classes:
        for binding in cls.BINDINGS:
            assert binding.id, f"{cls.__name__} binding {binding.key} has no id"


# ---- logging -----------------------------------------------------------------------------------------------------

async def test_the_app_logs_to_a_private_file_and_a_failing_worker_is_logged(isolated_home: Path, capfd) -> None:
    from textual import work

    class Failing(QwenTuiApp):
        @work(thread=True, exit_on_error=False, group="test")
        def explode(self) -> None:
            secret = "sk-test-SECRETSECRETSECRET1234"  # noqa: F841 - a local the log must not show
            raise RuntimeError("boom")

    app = Failing(context=Context.current(), resolver=lambda context: resolution())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        from textual.worker import WorkerFailed

        try:
            await app.explode().wait()
        except WorkerFailed:
            pass
        await workers_done(app)
        await pilot.pause()
    log_file = isolated_home / ".qwen" / "logs" / "qwen-tui.log"
    text = log_file.read_text()
    assert "app started" in text and "worker failed" in text and "boom" in text
    assert "SECRETSECRET" not in text
    assert log_file.stat().st_mode & 0o777 == 0o600
    assert capfd.readouterr().err == ""


# ---- review fixes: navigation, refreshes, writes ------------------------------------------------------------

async def test_u_before_the_chooser_details_are_mounted_flips_the_choice() -> None:
    """`u` as the chooser appears (its switch is mounted a frame later, and again after a re-render)."""
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.action_auth()
        chooser = app.screen
        assert isinstance(chooser, ChooserScreen) and not chooser.query("#usage-switch")
        chooser.action_toggle_usage()                    # no crash: the choice is kept for the switch
        await pilot.pause()
        assert chooser.query_one("#usage-switch", Switch).value is True
        app.change_language("fr")
        chooser.action_toggle_usage()                    # the re-render dropped the switch again
        await pilot.pause()
        assert chooser.query_one("#usage-switch", Switch).value is False
        assert chooser._usage_value() is False


async def test_a_late_switch_message_does_not_undo_a_newer_u() -> None:
    """Under load the Changed of a `u` can arrive after the next `u` set the choice again (the full run at
    fc2e6f6 saw the choice flip back): a Changed whose value its switch no longer has is stale. The message
    is posted by hand here, the way Textual's queue delivers it late on a busy machine."""
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.action_auth()
        chooser = app.screen
        for _ in range(200):
            if chooser.query("#usage-switch"):
                break
            await pilot.pause(0.02)
        switch = chooser.query_one("#usage-switch", Switch)
        chooser.action_toggle_usage()
        chooser.action_toggle_usage()
        await pilot.pause()
        assert switch.value is False and chooser._usage_value() is False
        chooser.post_message(Switch.Changed(switch, True))   # the first `u`'s message, delivered late
        await pilot.pause()
        assert chooser._usage_value() is False


async def test_the_same_screen_is_never_open_twice_and_another_profile_replaces_the_form() -> None:
    from qwen_tui.core.providers.saved import Profile

    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.open_provider_form()
        await pilot.pause()
        first = app.screen
        app.action_settings()
        await pilot.pause()
        app.open_provider_form()                        # e.g. `/provider` from the settings screen
        await pilot.pause()
        assert app.screen is first
        assert [type(s) for s in app.screen_stack][1:] == [HomeScreen, ProviderFormScreen]
        assert sum(isinstance(s, ProviderFormScreen) for s in app.screen_stack) == 1
        other = Profile("qwen3-coder-plus", "qwen3-coder-plus", "https://openrouter.ai/api/v1", None, False, None)
        app.action_privacy()
        await pilot.pause()
        app.open_provider_form(other)
        await pilot.pause()
        assert isinstance(app.screen, ProviderFormScreen) and app.screen.profile is other
        assert sum(isinstance(s, ProviderFormScreen) for s in app.screen_stack) == 1
        app.action_sign_in_qwen()
        await pilot.pause()
        app.action_settings()
        await pilot.pause()
        app.action_sign_in_qwen()
        await pilot.pause()
        assert isinstance(app.screen, OAuthSignInScreen)
        assert sum(isinstance(s, OAuthSignInScreen) for s in app.screen_stack) == 1


async def test_back_from_settings_and_privacy_returns_to_the_screen_underneath() -> None:
    from textual.widgets import Input

    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, ProviderFormScreen)
        form.query_one("#model", Input).value = "typed-by-the-user"
        for open_screen in (app.action_settings, app.action_privacy):
            open_screen()
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is form
            assert form.query_one("#model", Input).value == "typed-by-the-user"
        await pilot.press("escape", "y")               # the typed model: leaving asks, and discards on y
        await pilot.press("s")
        await pilot.press("escape")                    # nothing above home: home
        assert isinstance(app.screen, HomeScreen)


async def test_screen_stylesheets_do_not_leak_into_the_provider_form() -> None:
    from textual.css.scalar import Scalar

    from qwen_tui.ui.screens.confirm import ConfirmScreen

    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.action_settings()                           # settings.tcss: .field-label { width: 12 }
        await pilot.pause()
        await app.push_screen(ConfirmScreen("?"))       # confirm.tcss: .hint { margin-top: 1 }
        await pilot.press("n")
        app.open_provider_form()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProviderFormScreen)
        assert form.query_one(".field-label").styles.width != Scalar.parse("12")
        assert form.query_one("#preset-field .hint").styles.margin.top == 0


async def test_a_failed_settings_write_shows_the_value_on_disk_again(isolated_home: Path) -> None:
    settings = isolated_home / ".qwen" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"privacy": {')
    app = make_app(resolution("qwen-oauth", usage=False, usage_chosen=True), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("space")                      # on: the write fails (the file does not parse)
        await workers_done(app)
        await pilot.pause()
        await workers_done(app)
        await pilot.pause()
        assert app.screen.query_one("#usage-switch", Switch).value is False
        assert app.usage.verdict.open is False and app.usage.verdict.enabled is False
        assert not any("higher" in text.lower() for text in notifications(app))   # no "overridden" warning


async def test_a_stale_resolution_never_overwrites_a_fresh_one() -> None:
    import threading

    release, stale_done = threading.Event(), threading.Event()
    calls: list[int] = []

    def resolver(context) -> Resolution:
        calls.append(1)
        if len(calls) == 2:                              # the first refresh: slow, and out of date
            release.wait(10)
            stale_done.set()
            return resolution("openai")
        return resolution("qwen-oauth") if len(calls) >= 3 else resolution("openai")

    app = QwenTuiApp(context=Context.current(), resolver=resolver)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.refresh_resolution()
        await pilot.pause(0.1)
        app.refresh_resolution()
        while app.resolution.auth_type.value != "qwen-oauth":
            await pilot.pause(0.05)
        release.set()
        stale_done.wait(5)
        for _ in range(5):
            await pilot.pause(0.05)
        assert app.resolution.auth_type.value == "qwen-oauth"


async def test_home_keeps_the_focus_across_a_refresh() -> None:
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.screen.query_one("#action-privacy").focus()
        app.refresh_resolution()
        await workers_done(app)
        await pilot.pause()
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "action-privacy"


async def test_chooser_keeps_its_selection_and_focus_after_a_language_switch() -> None:
    app = make_app(resolution("openai"), initial="auth")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.change_language("fr")
        await pilot.pause()
        methods = app.screen.query_one("#methods", OptionList)
        assert methods.highlighted_option is not None and methods.highlighted_option.id == "openai"
        assert app.focused is methods


async def test_r_on_home_resolves_again() -> None:
    calls: list[int] = []

    def resolver(context) -> Resolution:
        calls.append(1)
        return resolution("openai")

    app = QwenTuiApp(context=Context.current(), resolver=resolver)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert isinstance(app.screen, HomeScreen) and len(calls) == 1
        await pilot.press("r")
        await workers_done(app)
        assert len(calls) == 2


async def test_a_resolution_arriving_before_a_pushed_screen_is_composed() -> None:
    from qwen_tui.ui.messages import ResolutionReady
    from qwen_tui.ui.screens.usage_data import UsageDataScreen

    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        for open_screen in (app.action_settings, app.action_usage_data):
            open_screen()
            app.config.generation += 1
            app.on_resolution_ready(ResolutionReady(resolution("qwen-oauth"), app.config.generation))
            await pilot.pause()
        assert isinstance(app.screen, UsageDataScreen)
        await pilot.press("s")
        assert isinstance(app.screen, SettingsScreen)


async def test_quick_usage_toggles_land_in_the_order_they_were_made(isolated_home: Path, monkeypatch) -> None:
    import time

    from qwen_tui.core import settings_writer

    real_update = settings_writer.update_layer

    def first_write_slow(scope, changes, context):
        # Real writes; the first one is held back a little, as a busy disk or a lock held by Qwen Code would.
        if changes.get("privacy.usageStatisticsEnabled") is True:
            time.sleep(0.5)
        return real_update(scope, changes, context)

    monkeypatch.setattr(settings_writer, "update_layer", first_write_slow)
    app = make_app(resolution("openai", usage=False, usage_chosen=True), initial="settings")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        app.config.write_setting("user", {"privacy.usageStatisticsEnabled": True}, "usage_stats")
        app.config.write_setting("user", {"privacy.usageStatisticsEnabled": False}, "usage_stats")
        await workers_done(app)
        await pilot.pause()
    assert user_settings(isolated_home)["privacy"]["usageStatisticsEnabled"] is False


async def test_a_bad_user_theme_is_explained_in_the_chosen_language(qwen_home: Path) -> None:
    themes = qwen_home / "tui-themes"
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text('name = "broken"\n[colors]\nprimary = "not-a-colour"\n')
    (themes / "nodark.toml").write_text('name = "nodark"\ndark = "yes"\n[colors]\nprimary = "#123456"\n')
    (qwen_home / "tui.json").write_text('{"language": "fr"}')
    app = make_app(resolution("openai"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        texts = notice_text(app)
        assert "broken.toml" in texts and "'not-a-colour' n'est pas une couleur" in texts
        assert "nodark.toml" in texts and "dark doit valoir true ou false" in texts

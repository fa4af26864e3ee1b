"""The qwen-tui application: startup, navigation between screens, and the workers that do I/O.

Startup reads the configuration before the first frame when files and the environment are enough, and shows
the auth chooser (nothing resolves, or opened with `auth`) or the home screen as the first screen. Where the
keyring must be asked (seconds, at worst), a placeholder is painted at once and a thread worker resolves.
Screens never do I/O themselves: they call `app.config` (ui/resolution.py: the resolution, settings and
preferences writes) or `app.links` (ui/links.py), whose workers post messages, and follow what changes
app-wide through signals (`app.config.resolved`, `app.config.written`, `app.language_changed`,
`app.signed_out`); so do the usage statistics (ui/usage.py). What the first frame can do without (logging,
the collector, lower sections of a screen) waits until that frame is out.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from qwen_tui.core import paths
from qwen_tui.core.context import Context
from qwen_tui.core.i18n import choose_language, set_language, t
from qwen_tui.core.names import AuthMethod
from qwen_tui.core.prefs import DEFAULT_THEME, load_prefs
from qwen_tui.core.resolver import Resolution
from qwen_tui.core.sanitize import clean
from qwen_tui.resources import stylesheet
from qwen_tui.ui.command_actions import CommandActions
from qwen_tui.ui.links import Links
from qwen_tui.ui.messages import ResolutionReady, SettingWritten
from qwen_tui.ui.notices import Notices
from qwen_tui.ui.resolution import ConfigState, Resolver
from qwen_tui.ui.themes import register_themes, set_theme_before_first_parse
from qwen_tui.ui.usage import UsageAdapter

if TYPE_CHECKING:
    from qwen_tui.core.launch import Launch
    from qwen_tui.core.providers.saved import Profile
    from qwen_tui.ui.widgets.qwen_verdict import Verdict

INITIAL_SCREENS = (None, "auth", "settings", "privacy", "status")
# The loading placeholder stays at the bottom of the stack (Textual cannot replace the default screen);
# the first real screen (chooser or home) sits above it.
BASE_DEPTH = 2
NOTIFY_LIMIT = 2500   # a toast may carry a whole URL (copied links are named in full)


class QwenTuiApp(CommandActions, App["Launch"], inherit_bindings=False):
    # With the app's own, the stylesheets of the screens a launch may show first: Textual re-parses every
    # stylesheet when a pushed screen brings one it has not read yet, a cost paid here once instead. When the
    # configuration is read before the app runs, only the first screen's is (see __init__).
    CSS_PATH = [stylesheet("app"), stylesheet("loading"), stylesheet("chooser"), stylesheet("home")]
    TITLE = "qwen-tui"

    BINDINGS = [
        Binding("ctrl+q", "quit", "app.binding.quit", id="app.quit", show=False, priority=True),
        Binding("ctrl+c", "quit", "app.binding.quit", id="app.quit_ctrl_c", show=False, priority=True),
        Binding("ctrl+p", "command_palette", "app.binding.palette", id="app.command_palette",
                show=False, priority=True),
        Binding("slash", "command_input", "app.binding.command", id="app.command_input", key_display="/"),
        Binding("q", "quit", "app.binding.quit", id="app.quit_q"),
    ]

    def __init__(self, initial: str | None = None, *, context: Context | None = None,
                 resolver: Resolver | None = None, verdict: Verdict | None = None) -> None:
        if initial not in INITIAL_SCREENS:
            raise ValueError(f"unknown initial screen {initial!r}")
        self.initial = initial
        # Where the configuration is looked for, taken once (by cli.py, else here: the app's startup is an entry
        # point): every read and write of the app is relative to it.
        self.context = Context.current() if context is None else context
        # "Will qwen start here?" (home's QwenVerdict): how it is computed (tests give their own), the last one
        # with the resolution it was computed for, why Start qwen last failed, and the outcome that offers it.
        self.qwen_verdict = verdict
        self.qwen_verdict_for: tuple[Resolution, Any] | None = None
        self.qwen_start_failure: str | None = None
        self.start_offer: str | None = None
        # Why the Qwen OAuth sign-in is no longer usable (refresh rejected, file unusable); None when fine.
        self.qwen_signed_out: str | None = None
        self._home_after_resolve = False
        self._startup_warnings: list[str] = []
        self._first_screen_shown = False   # see screen_shown
        self.crash_report: str | None = None   # see _handle_exception
        prefs = load_prefs(self.env)
        self.language_pref = prefs.language
        set_language(choose_language(prefs.language, self.env))
        if prefs.error:  # read again so the message is in the language just chosen (rare path)
            self._startup_warnings.append(load_prefs(self.env).error or prefs.error)
        super().__init__()
        self.config = ConfigState(self, self.context, resolver)
        # Read before Textual reads the stylesheets: the first screen is then known, and only its stylesheet is
        # parsed with the app's (~4-6 M instructions), and no placeholder is built that nobody would see.
        self._quick = self.config.resolve_quickly()
        if self._quick is not None:
            self.css_path = [stylesheet("app"), stylesheet(self._first_screen_name(self._quick))]
        self.usage = UsageAdapter(self, self.config)
        self.notices = Notices(self, self.config)   # what the user must act on, on screen (ui/notices.py)
        self.links = Links(self, self.env)
        # Published after the catalog language changed (the new preference, None = the system's): screens relabel.
        self.language_changed: Signal[str | None] = Signal(self, "language-changed")
        # Published when the stored Qwen OAuth sign-in turns unusable (the reason) or usable again (None).
        self.signed_out: Signal[str | None] = Signal(self, "signed-out")
        self.theme_names, errors = register_themes(self, paths.user_themes_dir(self.env))
        self._startup_warnings.extend(errors)
        if prefs.theme not in self.theme_names:
            self._startup_warnings.append(t("app.theme.missing", name=prefs.theme, fallback=DEFAULT_THEME))
        set_theme_before_first_parse(self, prefs.theme if prefs.theme in self.theme_names else DEFAULT_THEME)

    def get_css_variables(self) -> dict[str, str]:
        # First asked by Textual's __init__ (no stylesheet yet) for its default theme: a colour system (~6 M
        # instructions) that set_theme_before_first_parse replaces with the saved theme's before any parse.
        return super().get_css_variables() if hasattr(self, "stylesheet") else {}

    @property
    def cwd(self) -> Path:
        return self.context.cwd

    @property
    def env(self) -> Mapping[str, str]:
        return self.context.env

    @property
    def resolution(self) -> Resolution | None:
        """The current resolution (None only before the first one: no screen but the placeholder exists then)."""
        return self.config.resolution

    # ---- startup -------------------------------------------------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast (screens' and widgets' `notify` end here): never markup, whatever the caller asks (a
        URL or a profile name may hold `[/]`), and sanitised (a server's words or a file's values in it)."""
        super().notify(clean(message, limit=NOTIFY_LIMIT, multiline=True), title=clean(title), severity=severity,
                       timeout=timeout, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected exception ends the app as in Textual, but quietly: Textual prints a traceback with local
        variables (keys and tokens held in them); here the log gets the traceback without locals and the
        terminal one line naming the log."""
        from qwen_tui.ui.crash import report_crash

        self._return_code = 1
        if self._exception is None:   # as Textual does: Pilot re-raises the first one in tests
            self._exception = error
            self._exception_event.set()
        if self.crash_report is None:   # printed by run_app once the terminal is back (one line, not wrapped)
            self.crash_report = report_crash(error, self.env)
        self._close_messages_no_wait()

    def get_default_screen(self) -> Screen[Any]:
        """The bottom of the stack: the placeholder while a worker resolves, else an empty screen never drawn (a
        QwenScreen, which Textual does not restyle whole as it first becomes current: see StackBottom)."""
        if self._quick is not None:
            from qwen_tui.ui.screens.base import StackBottom

            return StackBottom()
        from qwen_tui.ui.screens.loading import LoadingScreen

        return LoadingScreen()

    def on_mount(self) -> None:
        self.notices.attach(self, self._startup_warnings)   # a theme file to fix: on home, not in a toast
        self.usage.attach()
        if self._quick is None:
            self.refresh_resolution()
        else:
            self.call_later(self._resolution_arrived, self._quick, self.config.generation)

    def screen_shown(self, screen: Screen[Any]) -> None:
        """Every qwen-tui screen reports its first frame. The first one that is not the placeholder ends the
        startup: what it put off runs now, never while that screen is still being built (a thread importing
        structlog, or pydantic for the usage statistics, would halve the CPU left to build it)."""
        if self._first_screen_shown or screen.name == "loading":
            return
        self._first_screen_shown = True
        from qwen_tui import collector

        collector.resume(freeze=True)
        self.usage.start()
        self._start_logging()

    @work(thread=True, exit_on_error=False, group="logging")
    def _start_logging(self) -> None:
        """The log file under QWEN_HOME (structlog costs ~0.1 s of CPU: imported after the first screen)."""
        from qwen_tui import __version__
        from qwen_tui.core.log import configure_logging, get_logger

        if configure_logging(self.env, interactive=True) is not None:
            get_logger("app").info("app started", version=__version__, initial=self.initial)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Workers run with exit_on_error=False and turn expected failures into one-line messages; anything
        # unexpected still reaches the log (redacted, without local variables) rather than vanishing.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            from qwen_tui.core.log import get_logger

            error = event.worker.error
            get_logger("app").error("worker failed", worker=event.worker.name,
                                    exc_info=(type(error), error, error.__traceback__))

    def on_unmount(self) -> None:
        self.usage.close()

    # ---- the resolution and the writes (ui/resolution.py) ------------------------------------------------------

    def refresh_resolution(self) -> None:
        """Resolve the configuration again (in a thread); every screen follows when it arrives."""
        self.config.refresh()

    def action_refresh_resolution(self) -> None:
        self.refresh_resolution()

    def on_resolution_ready(self, message: ResolutionReady) -> None:
        self._resolution_arrived(message.resolution, message.generation, failed=message.failed)

    def _resolution_arrived(self, resolution: Resolution, generation: int, *, failed: bool = False) -> None:
        resolved = self.config.arrived(resolution, generation, failed=failed)
        if resolved is None:
            return   # a newer refresh was asked for since: its result (not this stale one) is the truth
        if resolved.first:
            self._show_first_screen()
        elif self._home_after_resolve:
            self._home_after_resolve = False
            self.action_status()

    def on_setting_written(self, message: SettingWritten) -> None:
        self.notices.written(message.what, message.error)   # a failure: on screen until the next write
        # Published to the screens and the usage statistics; a settings write (done, or failed: every screen
        # goes back to what is on disk) then resolves again.
        self.config.setting_written(message)

    def _first_screen_name(self, resolution: Resolution) -> str:
        return "chooser" if self.initial == "auth" or (not resolution.auth_type.value and self.initial != "status") \
            else "home"

    def _show_first_screen(self) -> None:
        assert self.resolution is not None
        if self._first_screen_name(self.resolution) == "chooser":
            self.push_screen(self._chooser())
            return
        self.push_screen(self._home())
        if self.initial == "settings":
            self.action_settings()
        elif self.initial == "privacy":
            self.action_privacy()

    # ---- screens ---------------------------------------------------------------------------------------------

    def _chooser(self) -> Screen[Any]:
        from qwen_tui.ui.screens.chooser import ChooserScreen

        return ChooserScreen()

    def _home(self) -> Screen[Any]:
        from qwen_tui.ui.screens.home import HomeScreen

        return HomeScreen()

    def _show(self, name: str, factory: Callable[[], Screen[Any]],
              keep: Callable[[Screen[Any]], bool] = lambda screen: True) -> Screen[Any] | None:
        """Bring the screen called `name` to the top: back to it when it is in the stack (never a second
        copy), else push a new one. `keep(existing)` False replaces the existing one (e.g. another profile).
        Returns the screen kept, or None when a new one was pushed (or nothing is resolved yet)."""
        if self.resolution is None:
            return None
        existing = next((screen for screen in reversed(self.screen_stack) if screen.name == name), None)
        if existing is None:
            self.push_screen(factory())
            return None
        while self.screen is not existing:
            self.pop_screen()
        if keep(existing):
            return existing
        self.switch_screen(factory())
        return None

    def action_auth(self) -> None:
        self._show("chooser", self._chooser)

    def action_settings(self) -> None:
        from qwen_tui.ui.screens.settings import SettingsScreen

        self._show("settings", SettingsScreen)

    def action_privacy(self) -> None:
        from qwen_tui.ui.screens.privacy import PrivacyScreen

        self._show("privacy", PrivacyScreen)

    def action_usage_data(self) -> None:
        from qwen_tui.ui.screens.usage_data import UsageDataScreen

        self._show("usage_data", UsageDataScreen)

    def action_provider_form(self) -> None:
        self.open_provider_form()

    def open_provider_form(self, profile: Profile | None = None, *, import_env: bool = False) -> None:
        """The OpenAI-compatible provider form: empty, prefilled from a saved profile, or from OPENAI_* values."""
        from qwen_tui.ui.screens.provider_form import ProviderFormScreen

        def same_profile(screen: Screen[Any]) -> bool:
            shown = screen.profile if isinstance(screen, ProviderFormScreen) else None
            return (shown.id if shown else None) == (profile.id if profile else None)

        kept = self._show("provider_form", lambda: ProviderFormScreen(profile, import_env=import_env), same_profile)
        if isinstance(kept, ProviderFormScreen) and import_env:
            kept.action_import_env()

    def action_status(self) -> None:
        if self.resolution is None:
            return
        while len(self.screen_stack) > BASE_DEPTH:
            self.pop_screen()
        if self.screen.name != "home":
            self.switch_screen(self._home())

    def action_go_back(self) -> None:
        """Esc on settings / privacy: the screen underneath (a form keeps what was typed, a sign-in keeps
        running); home when there is none above it."""
        if len(self.screen_stack) > BASE_DEPTH:
            self.pop_screen()
        else:
            self.action_status()

    def leave_chooser(self) -> None:
        """Esc on the chooser: back where the user was, or home when the chooser is the first screen."""
        if len(self.screen_stack) > BASE_DEPTH:
            self.pop_screen()
        else:
            self.switch_screen(self._home())

    def continue_with_method(self, method: AuthMethod, usage_stats: bool) -> None:
        """The chooser's choice: record the usage-statistics decision, then the method's next step."""
        from qwen_tui.core.names import USAGE_STATS
        from qwen_tui.core.telemetry.names import EventName, Method

        assert self.resolution is not None
        if not self.resolution.usage_stats_chosen or self.resolution.usage_stats.value != usage_stats:
            self.config.write_setting("user", {USAGE_STATS: usage_stats}, "usage_stats")
        # The choice (on / off) applies now, with the method that is active now: the gate moves to the method
        # just chosen only once its sign-in or profile is saved (the next resolution says so).
        self.usage.apply_choice(usage_stats)
        self.usage.record(EventName.AUTH_METHOD_CHOSEN, method=Method(method.value))
        if method == AuthMethod.QWEN_OAUTH:
            self.action_sign_in_qwen()
        else:
            self.open_provider_form()

    # ---- Qwen OAuth sign-in state -------------------------------------------------------------------------

    def action_sign_in_qwen(self) -> None:
        from qwen_tui.ui.screens.next_step import next_step_screen

        self._show("oauth_signin", lambda: next_step_screen(AuthMethod.QWEN_OAUTH))

    def open_openai_form(self) -> None:
        """The OpenAI-compatible setup; it replaces the sign-in screen that offered it (qwen.ai refused)."""
        if self.screen.name == "oauth_signin":
            self.pop_screen()
        self.open_provider_form()

    def sign_in_saved(self) -> None:
        """Called (from the saving thread) as soon as a sign-in is on disk, even when the user has left the
        sign-in screen meanwhile: the sign-out banner goes and every screen follows the new configuration."""
        self._set_signed_out(None)
        self.refresh_resolution()

    def qwen_oauth_signed_in(self) -> None:
        """The sign-in screen saw it saved: resolve again, then show home (Qwen OAuth active, expiry, API base)
        with the offer to start qwen (or why it would not start)."""
        self._set_signed_out(None)
        self.start_offer = "signed_in"
        self.notify(t("signin.done"))
        self._home_after_resolve = True
        self.refresh_resolution()

    def _qwen_start_failed(self, reason: str) -> None:
        """Start qwen (command_actions.py) could not prepare the launch: home's verdict says why."""
        self.qwen_start_failure = reason
        verdicts = self.screen.query("#qwen-verdict")
        for widget in verdicts:
            widget.refresh(recompose=True)
        if not verdicts:
            self.notify(reason, severity="error", timeout=10)

    def mark_signed_out(self, reason: str) -> None:
        """The stored sign-in was rejected or is unusable: home says so and offers to sign in again."""
        self._set_signed_out(reason)
        self.refresh_resolution()

    def _set_signed_out(self, reason: str | None) -> None:
        if reason != self.qwen_signed_out:
            self.qwen_signed_out = reason
            self.signed_out.publish(reason)

    def action_command_input(self) -> None:
        from qwen_tui.ui.screens.command_input import CommandInputScreen

        if self.resolution is not None and not isinstance(self.screen, CommandInputScreen):
            self.push_screen(CommandInputScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from qwen_tui.ui.palette import COMMANDS, run_command

        for command in COMMANDS:
            yield SystemCommand(t(command.title_key), t(command.help_key), lambda c=command: run_command(self, c))

    # ---- preferences, language, theme -------------------------------------------------------------------------

    def change_language(self, language: str | None) -> None:
        """`None` follows LC_ALL / LANG. Every screen re-renders (`language_changed`); the choice is saved."""
        self.language_pref = language
        set_language(choose_language(language, self.env))
        self.usage.language_changed()
        self.language_changed.publish(language)
        self.config.save_pref({"language": language})

    def change_theme(self, name: str) -> None:
        if name in self.theme_names and name != self.theme:
            self.theme = name   # the usage statistics follow Textual's theme_changed_signal
            self.config.save_pref({"theme": name})


# Textual writes each frame from its own output thread, a pty buffer's worth at a time. With Python's default
# 5 ms switch interval a busy main thread (mounting what comes after the first frame) holds that thread, and
# the rest of the frame, back for up to 5 ms per write; 1 ms gets frames out sooner (bench/startup.py: ~6 ms).
OUTPUT_SWITCH_INTERVAL_S = 0.001


def run_app(initial: str | None, context: Context) -> int | Launch:
    """Run the TUI in `context` until the user quits: the process exit code, or the `qwen` launch "Start qwen"
    prepared (cli.py execs it, the terminal restored)."""
    sys.setswitchinterval(OUTPUT_SWITCH_INTERVAL_S)
    app = QwenTuiApp(initial, context=context)
    launch = app.run()
    if app.crash_report is not None:
        print(app.crash_report, file=sys.stderr)
    return launch if launch is not None else app.return_code or 0

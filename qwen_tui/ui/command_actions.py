"""App actions the command palette and the `/` line offer beyond opening a screen: theme, language, help,
signing out of Qwen OAuth (after asking), and starting qwen. A mixin of QwenTuiApp, kept apart so app.py stays about
startup, navigation and writes."""

from __future__ import annotations

from typing import Any

from textual import work

from qwen_tui.core.i18n import Words, t
from qwen_tui.core.names import AuthMethod


class CommandActions:
    """Mixed into QwenTuiApp (an App): `self` has its env, resolution, screens and notify."""

    def action_theme(self: Any) -> None:
        self._open_setting("#theme-select")

    def action_language(self: Any) -> None:
        self._open_setting("#language-select")

    def _open_setting(self: Any, selector: str) -> None:
        """Settings, with the focus on one of its fields. A new screen is told which (it focuses its first field
        as it mounts, which may come after any callback scheduled here on a busy machine)."""
        from qwen_tui.ui.screens.settings import SettingsScreen

        existing = self._show("settings", lambda: SettingsScreen(first_focus=selector))
        if existing is not None:
            existing.query_one(selector).focus()

    def action_command_help(self: Any) -> None:
        """The `/` line, listing every command with what it does."""
        from qwen_tui.ui.screens.command_input import CommandInputScreen

        if not isinstance(self.screen, CommandInputScreen):
            self.action_command_input()
        self.call_after_refresh(lambda: getattr(self.screen, "action_command_help", lambda: None)())

    def action_sign_out(self: Any) -> None:
        """Sign out of Qwen OAuth, after asking (the same removal as `qwen-tui auth logout`)."""
        from qwen_tui.core import paths
        from qwen_tui.ui.describe import tilde
        from qwen_tui.ui.screens.confirm import ConfirmScreen

        creds = paths.oauth_creds_path(self.env)
        signed_in = self.resolution is not None and self.resolution.auth_type.value == AuthMethod.QWEN_OAUTH
        if not signed_in and not creds.exists():
            self.notices.give("sign-out", None)   # a failed sign-out said before: nothing is left of it
            self.notify(t("signout.none"))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._sign_out()

        self.push_screen(ConfirmScreen(t("signout.confirm", path=tilde(creds, self.env)),
                                       confirm_label=t("signout.yes"), danger=True), answered)

    @work(thread=True, exit_on_error=False, group="sign-out", description="sign out")
    def _sign_out(self: Any) -> None:
        from qwen_tui.commands.oauth import sign_out
        from qwen_tui.core.fileops import FileOpError
        from qwen_tui.core.settings import SettingsError

        try:
            removed = sign_out(self.context)
        except (SettingsError, FileOpError) as exc:   # the user must act: on home until a sign-out works
            self.call_from_thread(self.notices.give, "sign-out", Words("oauth.logout.failed", reason=exc))
        else:
            self.call_from_thread(self.notices.give, "sign-out", None)
            self.call_from_thread(self.notify, t("oauth.logout.done" if removed else "oauth.logout.none"))
        self.call_from_thread(self.refresh_resolution)   # what is on disk now, even after a failure

    def action_start_qwen(self: Any) -> None:
        """Leave the app and start `qwen` exactly as `qwen-tui run` would: prepared here (in a thread), so a
        `qwen` that cannot start says why on screen; cli.py execs the Launch once the terminal is restored."""
        self._prepare_qwen()

    @work(thread=True, exclusive=True, exit_on_error=False, group="start-qwen", description="prepare qwen")
    def _prepare_qwen(self: Any) -> None:
        from qwen_tui.core.launch import LaunchError, prepare_launch

        try:
            launch = prepare_launch([], qwen=None, context=self.context)
        except LaunchError as exc:
            self.call_from_thread(self._qwen_start_failed, str(exc))
        except Exception as exc:  # noqa: BLE001 - one line on screen, the app keeps running
            self.call_from_thread(self._qwen_start_failed, t("run_ui.start_crashed", kind=type(exc).__name__))
        else:
            self.call_from_thread(self.exit, launch)

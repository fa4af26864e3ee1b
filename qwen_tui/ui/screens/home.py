"""Home: the effective configuration, each value with its source, problems first."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button

from qwen_tui.core.i18n import t
from qwen_tui.core.names import AuthMethod
from qwen_tui.core.resolver import Source
from qwen_tui.core.sanitize import clean
from qwen_tui.core.urls import mask_url
from qwen_tui.core.usage_story import usage_story
from qwen_tui.core.when import human_expiry
from qwen_tui.resources import stylesheet
from qwen_tui.ui.describe import describe_source, short_path
from qwen_tui.ui.resolution import Resolved
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.footer_space import footer
from qwen_tui.ui.widgets.plain import PLAIN_LIMIT, Plain
from qwen_tui.ui.widgets.scroll_body import ScrollBody
from qwen_tui.ui.widgets.sourced_row import SourcedRow


class HomeScreen(QwenScreen):
    CSS_PATH = stylesheet("home")
    BINDINGS = [
        Binding("g", "app.start_qwen", "run_ui.binding.start", id="home.start_qwen"),
        Binding("a", "app.auth", "app.binding.auth", id="home.auth"),
        Binding("s", "app.settings", "app.binding.settings", id="home.settings"),
        Binding("p", "app.privacy", "app.binding.privacy", id="home.privacy"),
        Binding("r", "app.refresh_resolution", "app.binding.refresh", id="home.refresh", show=False),
        Binding("n", "app.provider_form", "profiles.binding.new", id="home.new_provider"),
        Binding("i", "sign_in_again", "signin.binding.sign_in_again", id="home.sign_in_again"),
        Binding("f", "toggle_paths", "home.paths.full", id="home.toggle_paths"),
    ]

    class QwenSignedOut(Message):
        """The stored Qwen OAuth sign-in is unusable; `reason` (one line) says why and what to do."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self) -> None:
        super().__init__(name="home")
        self.full_paths = False   # `f`: paths in full instead of ~/… and ./…

    def _where(self, source: Source) -> str:
        if self.full_paths:
            return describe_source(source)
        app = self.app
        return describe_source(source, lambda path: short_path(path, app.env, app.cwd))

    def _path(self, path: Path) -> str:
        return str(path) if self.full_paths else short_path(path, self.app.env, self.app.cwd)

    def action_toggle_paths(self) -> None:
        self.full_paths = not self.full_paths
        self.call_later(self.recompose_in_place)
        self.refresh_bindings()

    def compose(self) -> ComposeResult:
        res = self.resolution
        yield Plain(t("home.title"), id="home-title", classes="title")
        with ScrollBody(id="home-body"):
            yield _verdict(self.drawn)
            if res.problems or res.enforced_mismatch:
                yield Plain(self._problems(), id="problems")
            if self.drawn or self.app.notices.lines():   # else hidden: mounted a frame later (after_first_frame)
                yield _notice_box()
            signed_out = self.app.qwen_signed_out
            if signed_out:
                yield Plain(t("signin.home.signed_out", reason=signed_out), id="signed-out", classes="warning")
            if not res.auth_type.value:
                yield Plain(t("home.no_method"), id="no-method", classes="warning")
            none = t("home.value.none")
            yield SourcedRow(t("home.auth_type"), res.auth_type.value or none,
                             self._where(res.auth_type.source), id="row-auth")
            if res.enforced_type.value:
                yield SourcedRow(t("home.enforced_type"), res.enforced_type.value,
                                 self._where(res.enforced_type.source), id="row-enforced")
            qwen_oauth = res.auth_type.value == AuthMethod.QWEN_OAUTH
            yield SourcedRow(t("signin.home.api_base") if qwen_oauth else t("home.base_url"),
                             mask_url(res.base_url.value or "") or none, self._where(res.base_url.source),
                             id="row-base-url")
            token_row = qwen_oauth and res.credential.present and bool(res.credential.detail)
            if token_row:
                yield SourcedRow(t("signin.home.token_expiry"), human_expiry(res.credential.detail or ""),
                                 self._where(res.credential.source), id="row-token-expiry")
            yield SourcedRow(t("home.model"), res.model.value or none, self._where(res.model.source),
                             id="row-model")
            cred = res.credential
            cred_text = (cred.masked or t("home.credential.present")) if cred.present else t("home.credential.missing")
            if cred.detail and not token_row:
                cred_text += f"  ({cred.detail})"
            yield SourcedRow(t("home.credential"), cred_text, self._where(cred.source), id="row-credential",
                             error=not cred.present)
            if self.drawn:   # else once the first frame is out (after_first_frame): it asks the usage gate
                yield self._usage_row()
            dotenv = self._path(res.dotenv_path) if res.dotenv_path else t("home.dotenv.none")
            yield SourcedRow(t("home.dotenv"), dotenv, t("home.dotenv.rule"), id="row-dotenv")
            if res.shadowed_dotenv:
                yield Plain(t("home.dotenv.shadowed") + "\n"
                             + "\n".join(f"  {self._path(path)}" for path in res.shadowed_dotenv), id="shadowed")
            if self.drawn:   # else a frame later (after_first_frame)
                yield _profiles_panel()
        if self.drawn:
            yield self._actions()
        yield footer(self.drawn)

    def _problems(self) -> Text:
        """The problems box's text, its bold title included: one widget draws the box (launch budget)."""
        res = self.resolution
        lines = list(res.problems)
        if res.enforced_mismatch:
            lines.append(t("home.enforced_mismatch", enforced=res.enforced_type.value,
                           selected=res.auth_type.value or t("home.value.none")))
        listed = clean("\n".join(f"• {line}" for line in lines), limit=PLAIN_LIMIT, multiline=True)
        return Text.assemble((t("home.problems"), "bold"), "\n", listed)

    def _actions(self) -> Horizontal:
        return Horizontal(
            Button(t("home.action.auth"), id="action-auth", action="app.auth", compact=True),
            Button(t("home.action.settings"), id="action-settings", action="app.settings", compact=True),
            Button(t("home.action.privacy"), id="action-privacy", action="app.privacy", compact=True),
            id="actions",
        )

    def _mount_usage_row(self) -> None:
        body = self.query("#home-body")
        if body and body.first().is_attached and not self.query("#row-usage"):   # not when quitting meanwhile
            body.first().mount(self._usage_row(), before="#row-dotenv")

    def _usage_row(self) -> SourcedRow:
        qwen_cli, qwen_tui, saved_in = usage_story(self.resolution, self._path)
        return SourcedRow(t("home.usage_stats"), f"{qwen_cli}\n{qwen_tui}", saved_in, id="row-usage")

    def after_first_frame(self) -> None:
        # The configuration is the first frame; the saved profiles and the action buttons (the footer's
        # keys, for the mouse) follow a frame later.
        placeholder = self.query("#verdict-placeholder")
        bottom = self.query_children("Footer, FooterSpace")
        if not placeholder or not bottom:   # shown mid-recompose (children removed): it composes all of it, `drawn` set
            return
        # Later than the rest: the story asks the usage gate, which the first frame goes without (launch budget).
        self.call_later(self._mount_usage_row)
        body = self.query_one("#home-body")
        body.mount(_verdict(True), before=placeholder.first())   # it checks as it mounts (home is drawn)
        if not self.query("#notices"):
            body.mount(_notice_box(), after=self.query_one("#problems") if self.query("#problems")
                       else placeholder.first())
        placeholder.remove()
        body.mount(_profiles_panel())
        self.mount(self._actions(), before=bottom.first())

    def on_mount(self) -> None:
        self.app.config.resolved.subscribe(self, self._resolved)
        self.app.signed_out.subscribe(self, self._signed_out)

    async def _resolved(self, resolved: Resolved) -> None:
        await self.recompose_in_place()

    def _signed_out(self, reason: str | None) -> None:
        self.refresh_bindings()   # `i` (sign in again); the banner comes with the resolution that follows

    # ---- Qwen OAuth: is the stored sign-in still good? (refreshes it when near expiry) ----

    def on_screen_suspend(self) -> None:
        # The offer to start qwen after a save or sign-in is said once, on the home that outcome led to.
        self.app.start_offer = None
        self.query("#verdict-offer").remove()

    def on_screen_resume(self) -> None:
        res = self.resolution
        if res.auth_type.value == AuthMethod.QWEN_OAUTH and res.credential.present \
                and not self.app.qwen_signed_out:
            self._check_qwen_sign_in()

    @work(thread=True, exclusive=True, exit_on_error=False, group="oauth-check")
    def _check_qwen_sign_in(self) -> None:
        from qwen_tui.core.oauth.refresh import RefreshError, SignedOut, get_valid_credentials

        try:
            get_valid_credentials(self.app.env)
        except SignedOut as exc:
            self.post_message(self.QwenSignedOut(str(exc)))
        except RefreshError as exc:  # network or server trouble: the sign-in itself may still be fine
            self.app.call_from_thread(self.notify, t("signin.home.check_failed", reason=exc), severity="warning")

    def on_home_screen_qwen_signed_out(self, message: QwenSignedOut) -> None:
        self.app.mark_signed_out(message.reason)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sign_in_again":
            return bool(self.app.qwen_signed_out)
        return True

    def action_sign_in_again(self) -> None:
        self.app.action_sign_in_qwen()


def _verdict(drawn: bool) -> Widget:
    """The qwen verdict; in home's first frame only its "checking…" row, drawn alike: the widget (its class costs
    Textual ~2 M instructions to build at import) replaces it once that frame is out."""
    if not drawn:
        return SourcedRow(t("run_ui.verdict.label"), t("run_ui.verdict.checking"), "", id="verdict-placeholder")
    from qwen_tui.ui.widgets.qwen_verdict import QwenVerdict

    return QwenVerdict()


def _notice_box() -> Widget:
    """Imported here: without a notice at startup, home's first frame goes without the box (launch budget)."""
    from qwen_tui.ui.widgets.notice_box import NoticeBox

    return NoticeBox(id="notices")


def _profiles_panel() -> Widget:
    """Imported here: the panel (and DataTable) is not needed for home's first frame."""
    from qwen_tui.ui.widgets.profiles import ProfilesPanel

    return ProfilesPanel(id="profiles")

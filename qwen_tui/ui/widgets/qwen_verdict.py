"""Home's answer to "will `qwen` start here?": the verdict of `core.launch`, its reason, and its fix as an action.

    qwen CLI            ✗ not as it is · ✓ with Start qwen (qwen-tui run)
                        The key … is only in the OS keyring, which plain qwen does not read.
     Start qwen (g)

Four lines at most (home at 80×24 keeps the configuration in view), with the label `qwen-tui status` uses.

The verdict is computed in a thread once home's first frame is out (it looks for `qwen` on PATH and reads its
package.json), again for each new resolution, never on the UI thread. The fix is a button when the app can do
it (start qwen, the sign-in chooser, settings), else the command to run, shown whole on its own line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button

from qwen_tui.core.i18n import t
from qwen_tui.core.resolver import Resolution
from qwen_tui.core.sanitize import clean
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.plain import Plain
from qwen_tui.ui.widgets.sourced_row import SourcedRow

if TYPE_CHECKING:
    from textual import getters

    from qwen_tui.core.launch import QwenCli
    from qwen_tui.ui.app import QwenTuiApp

Verdict = Callable[[Resolution, Mapping[str, str]], "QwenCli"]
# A fix the app can carry out itself → (the app action, its button label key); any other fix is shown as a command.
# The commands are core.launch's (RUN_COMMAND, AUTH_COMMAND, …), spelled here: that module loads after home's frame.
FIX_ACTIONS = {"qwen-tui run": ("start_qwen", "run_ui.start"), "qwen-tui auth": ("auth", "run_ui.fix.auth"),
               "qwen-tui settings": ("settings", "run_ui.fix.settings")}


def default_verdict(resolution: Resolution, env: Mapping[str, str]) -> QwenCli:
    from qwen_tui.core.launch import qwen_cli_verdict

    return qwen_cli_verdict(resolution, env)


class QwenVerdict(Vertical):
    DEFAULT_CSS = """
    QwenVerdict { height: auto; margin-bottom: 1; }
    QwenVerdict #verdict-actions { height: auto; }
    QwenVerdict #verdict-actions Button { margin-right: 2; }
    """
    if TYPE_CHECKING:
        app = getters.app(QwenTuiApp)

    class Ready(Message):
        def __init__(self, resolution: Resolution, verdict: QwenCli) -> None:
            super().__init__()
            self.resolution = resolution
            self.verdict = verdict

    def __init__(self, *, id: str = "qwen-verdict") -> None:
        super().__init__(id=id)
        self.verdict: QwenCli | None = None

    def compose(self) -> ComposeResult:
        app = self.app
        known = app.qwen_verdict_for
        if self.verdict is None and known is not None and known[0] is app.resolution:
            self.verdict = known[1]
        verdict = self.verdict
        if verdict is None:
            yield SourcedRow(t("run_ui.verdict.label"), t("run_ui.verdict.checking"), "", id="verdict-checking")
            return
        yield SourcedRow(t("run_ui.verdict.label"), *_verdict_text(verdict), id="verdict-direct",
                         error=not verdict.via_run)
        failure = app.qwen_start_failure
        if failure:
            yield Plain(clean(failure), id="verdict-start-failed", classes="error")
        # "saved" / "signed_in": the outcome that led here offers to start qwen, until the user leaves home (the
        # verdict of the saved configuration may come a resolution later: the offer waits for it).
        if app.start_offer and verdict.via_run:
            yield Plain(t(f"run_ui.offer.{app.start_offer}"), id="verdict-offer", classes="success")
        fix = verdict.fix if not verdict.direct else None
        if fix and fix not in FIX_ACTIONS:
            yield Plain(t("run_ui.verdict.fix_command", command=clean(fix)), id="verdict-fix-command")
        with Horizontal(id="verdict-actions"):
            if verdict.via_run:
                yield Button(t("run_ui.start"), id="start-qwen", action="app.start_qwen", compact=True,
                             variant="success")
            if fix in FIX_ACTIONS and FIX_ACTIONS[fix][0] != "start_qwen":
                action, label = FIX_ACTIONS[fix]
                yield Button(t(label), id="verdict-fix", action=f"app.{action}", compact=True)

    # ---- computing ------------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        # Home's first frame is drawn without it: home calls `check` after that frame (launch budget).
        screen = self.screen
        if self.verdict is None and isinstance(screen, QwenScreen) and screen.drawn:
            self.check()

    def check(self) -> None:
        """Compute the verdict for the app's current resolution, in a thread."""
        if self.verdict is None:
            self._compute(self.app.resolution)

    @work(thread=True, exclusive=True, exit_on_error=False, group="qwen-verdict", description="qwen verdict")
    def _compute(self, resolution: Resolution) -> None:
        app = self.app
        verdict_of: Verdict = app.qwen_verdict or default_verdict
        self.post_message(self.Ready(resolution, verdict_of(resolution, app.env)))

    @on(Ready)
    def _ready(self, message: Ready) -> None:
        app = self.app
        if app.qwen_verdict_for is None or app.qwen_verdict_for[0] is not message.resolution:
            app.qwen_start_failure = None    # said of an earlier configuration: this verdict replaces it
        app.qwen_verdict_for = (message.resolution, message.verdict)   # kept for home's next recompose
        if message.resolution is app.resolution:
            self.verdict = message.verdict
            self.call_later(self._recompose_and_focus)

    async def _recompose_and_focus(self) -> None:
        await self.recompose()
        # Only while home is shown: a verdict that arrives after the user moved on (s, p, /…) must not take the
        # focus from the screen they are on.
        if self.app.start_offer is not None and self.screen.is_current:
            for button in self.query("#start-qwen"):
                button.focus()


def _verdict_text(verdict: QwenCli) -> tuple[str, str]:
    """The row's state (plain qwen, and Start qwen), then (second line) why not, or which qwen."""
    if verdict.direct:
        where = t("run_ui.verdict.which", version=clean(verdict.version or "?"), path=clean(verdict.path))
        return t("run_ui.verdict.direct"), where
    if not verdict.found:
        state = t("run_ui.verdict.not_installed")
    else:
        state = t("run_ui.verdict.via_run") if verdict.via_run else t("run_ui.verdict.neither")
    return state, clean(verdict.reason or "")

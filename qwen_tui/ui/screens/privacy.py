"""Privacy: the notice in full for both methods (the current method's part first), and what qwen-tui records.

Faithful to the notice (shared/seed/tos-privacy.fr.md): the methods table, section 1 (Qwen OAuth), section 2
(OpenAI-compatible, with its important note), usage statistics, and the three FAQ answers. Links are focusable
`Link`s for the current method (both when none is set); the other method's links stay in the table as text.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button

from qwen_tui.core import paths
from qwen_tui.core.i18n import t
from qwen_tui.core.methods import QWEN_PRIVACY_URL, QWEN_TERMS_URL
from qwen_tui.core.names import AuthMethod
from qwen_tui.core.providers.catalog import provider_for_base_url
from qwen_tui.resources import stylesheet
from qwen_tui.ui.describe import tilde
from qwen_tui.ui.resolution import Resolved
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.footer import Footer
from qwen_tui.ui.widgets.link import Link, WholeUrl
from qwen_tui.ui.widgets.plain import Plain
from qwen_tui.ui.widgets.scroll_body import ScrollBody
from qwen_tui.ui.widgets.usage_notice import COLLECTED, NOT_COLLECTED

# The FAQ's own link for training questions (the notice links this address there).
QWEN_PRIVACY_FAQ_URL = "https://qwen.ai/privacy"


def _bullets(*keys: str) -> Plain:
    return Plain("\n".join(f"• {t(key)}" for key in keys), classes="bullets")


def methods_table() -> ComposeResult:
    """The notice's table, one method after another with the column names as labels: a grid's narrow cells
    cut words and addresses at 60 columns; here each address keeps a line of its own when it must (WholeUrl).
    The URLs are text here (the current method's links are the focusable ones)."""
    def row(header: str, value: str) -> Plain:
        return Plain(t("screen_truth.label", label=t(header)) + value, classes="table-cell")

    with Vertical(id="methods-table"):
        yield Plain(t("method.qwen_oauth.title"), classes="table-method")
        yield row("privacy.table.provider", t("privacy.table.qwen.provider"))
        yield Plain(WholeUrl(QWEN_TERMS_URL, t("privacy.table.terms")), classes="table-cell")
        yield Plain(WholeUrl(QWEN_PRIVACY_URL, t("privacy.table.privacy")), classes="table-cell")
        yield Plain(t("method.openai.title"), classes="table-method")
        yield row("privacy.table.provider", t("privacy.table.openai.provider"))
        yield row("privacy.table.terms", t("privacy.table.openai.terms"))
        yield row("privacy.table.privacy", t("privacy.table.openai.privacy"))


class PrivacyScreen(QwenScreen):
    CSS_PATH = stylesheet("privacy")
    # The first stop is the current method's first link. Without links (a local or unknown provider) Textual's
    # default took the Usage data button at the very end and scrolled the screen to the bottom, past the current
    # method: the notice's body takes the focus then (after_first_frame), and it opens at the top.
    AUTO_FOCUS = "Link"
    BINDINGS = [
        Binding("escape", "app.go_back", "app.binding.back", id="privacy.back"),
        Binding("u", "app.usage_data", "privacy.binding.usage_data", id="privacy.usage_data"),
    ]

    def __init__(self) -> None:
        super().__init__(name="privacy")

    # ---- the notice's sections ------------------------------------------------------------------------------

    def _qwen_oauth(self, links: bool) -> ComposeResult:
        with Vertical(classes="section", id="qwen-oauth-terms"):
            yield Plain(t("privacy.qwen_oauth.title"), classes="subtitle")
            yield Plain(t("privacy.qwen_oauth.body"))
            yield _bullets("privacy.qwen_oauth.terms", "privacy.qwen_oauth.privacy")
            if links:
                # Ids: a refresh puts the focus back on the same link (QwenScreen.recompose_in_place).
                yield Link(t("method.terms"), QWEN_TERMS_URL, id="qwen-terms-link")
                yield Link(t("method.privacy"), QWEN_PRIVACY_URL, id="qwen-privacy-link")
            else:
                yield Plain(t("privacy.qwen_oauth.links_above"), classes="note")

    def _openai(self, links: bool) -> ComposeResult:
        with Vertical(classes="section", id="openai-terms"):
            yield Plain(t("privacy.openai.title"), classes="subtitle")
            yield Plain(t("privacy.openai.body"))
            yield Plain(t("privacy.openai.important"), classes="important")
            yield Plain(t("privacy.openai.refer"))
            if links:
                yield from self._provider()

    def _provider(self) -> ComposeResult:
        """The provider behind the current base URL, and its documents when known."""
        provider = provider_for_base_url(self.resolution.base_url.value)
        if provider is None:
            yield Plain(t("privacy.openai.unknown_provider"), classes="note")
        elif provider.local:
            yield Plain(t("privacy.openai.local"), classes="note")
        else:
            yield Plain(t("privacy.openai.provider", name=provider.name))
            if provider.terms_url:
                yield Link(t("method.terms"), provider.terms_url, id="provider-terms-link")
            if provider.privacy_url:
                yield Link(t("method.privacy"), provider.privacy_url, id="provider-privacy-link")
            if not (provider.terms_url and provider.privacy_url):
                yield Plain(t("privacy.openai.links_unknown"), classes="note")

    def _overview(self) -> ComposeResult:
        with Vertical(classes="section", id="methods-overview"):
            yield Plain(t("privacy.intro.title"), classes="subtitle")
            yield Plain(t("privacy.intro.body"))
            yield Plain(t("privacy.intro.methods"), classes="bullets")
            yield Plain(t("privacy.intro.different"))
            yield from methods_table()

    def _usage_statistics(self) -> ComposeResult:
        with Vertical(classes="section", id="usage-statistics"):
            yield Plain(t("privacy.usage.title"), classes="subtitle")
            yield Plain(t("privacy.usage.body"))
            yield Plain(t("privacy.usage.what.title"), classes="subtitle")
            yield _bullets("privacy.usage.what.stats", "privacy.usage.what.errors", "privacy.usage.what.features")
            yield Plain(t("privacy.usage.by_method.title"), classes="subtitle")
            yield _bullets("privacy.usage.by_method.qwen", "privacy.usage.by_method.openai")

    def _faq(self) -> ComposeResult:
        with Vertical(classes="section", id="training"):
            yield Plain(t("privacy.training.title"), classes="subtitle")
            yield Plain(t("privacy.training.intro"))
            yield Plain(f"• {t('privacy.training.qwen', url=QWEN_PRIVACY_FAQ_URL)}\n• {t('privacy.training.openai')}",
                        classes="bullets")
            yield Plain(t("privacy.training.important"), classes="important")
        with Vertical(classes="section", id="usage-setting"):
            yield Plain(t("privacy.faq_usage.title"), classes="subtitle")
            yield Plain(t("privacy.faq_usage.body"))
            yield Plain(t("privacy.collected.title"), classes="subtitle")
            yield _bullets(*COLLECTED)
            yield Plain(t("privacy.not_collected.title"), classes="subtitle")
            yield _bullets(*NOT_COLLECTED)
            yield Plain(t("privacy.faq_usage.scope"))
        with Vertical(classes="section", id="switch-methods"):
            yield Plain(t("privacy.switch.title"), classes="subtitle")
            yield Plain(t("privacy.switch.body"))
            yield Plain(t("privacy.switch.steps"), classes="bullets")
            yield Plain(t("privacy.switch.tui"), classes="note")

    def _qwen_tui_records(self) -> ComposeResult:
        env = self.app.env
        with Vertical(classes="section", id="qwen-tui-records"):
            yield Plain(t("privacy.records.title"), classes="subtitle")
            yield Plain(self.app.usage.verdict.describe(), id="records-state")
            yield Plain(t("privacy.records.rules"))
            yield Plain(t("privacy.records.log", path=tilde(paths.log_dir(env), env)))
            yield Plain(t("privacy.records.see"), classes="note")
            yield Button(t("usage_data.open"), id="open-usage-data", compact=True)

    # ---- layout ---------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        method = self.resolution.auth_type.value
        yield Plain(t("privacy.title"), id="privacy-title", classes="title")
        with ScrollBody(id="privacy-body"):
            if method == AuthMethod.QWEN_OAUTH:
                yield Plain(t("privacy.current_method", method=t("method.qwen_oauth.title")), id="current-method")
                yield from self._qwen_oauth(links=True)
                yield from self._overview()
                yield from self._openai(links=False)
            elif method == AuthMethod.OPENAI:
                yield Plain(t("privacy.current_method", method=t("method.openai.title")), id="current-method")
                yield from self._openai(links=True)
                yield from self._overview()
                yield from self._qwen_oauth(links=False)
            else:
                yield Plain(t("privacy.no_method"), classes="note", id="current-method")
                yield from self._overview()
                yield from self._qwen_oauth(links=True)
                yield from self._openai(links=True)
            yield from self._usage_statistics()
            yield from self._faq()
            yield from self._qwen_tui_records()
        yield Footer()

    def on_mount(self) -> None:
        self.app.config.resolved.subscribe(self, self._resolved)

    def after_first_frame(self) -> None:
        body = self.query_one(ScrollBody)
        if self.focused is None and body.allow_focus():   # laid out now: it overflows, so it is a stop
            body.focus(scroll_visible=False)

    async def _resolved(self, resolved: Resolved) -> None:
        await self.recompose_in_place()

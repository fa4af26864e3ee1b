"""Privacy: whose terms apply to the current method (from the notice), and what qwen-tui itself records."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer

from qwen_tui.core import paths
from qwen_tui.core.i18n import t
from qwen_tui.core.methods import QWEN_PRIVACY_URL, QWEN_TERMS_URL, AuthMethod
from qwen_tui.core.provider_terms import provider_for_base_url
from qwen_tui.core.resolver import Resolution
from qwen_tui.resources import stylesheet
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.link import Link
from qwen_tui.ui.widgets.plain import Plain
from qwen_tui.ui.widgets.usage_notice import UsageNotice


def _tilde(path: Path, env: Mapping[str, str]) -> str:
    """`~/.qwen/logs` rather than the full home path: shorter, and the same on every machine."""
    try:
        return "~/" + str(path.relative_to(paths.home_dir(env)))
    except ValueError:
        return str(path)


class PrivacyScreen(QwenScreen):
    CSS_PATH = stylesheet("privacy")
    BINDINGS = [Binding("escape", "app.status", "app.binding.back", id="privacy.back")]

    def __init__(self) -> None:
        super().__init__(name="privacy")

    @property
    def resolution(self) -> Resolution:
        return self.app.resolution  # type: ignore[attr-defined]

    def _qwen_oauth(self) -> ComposeResult:
        yield Plain(t("privacy.qwen_oauth.title"), classes="subtitle")
        yield Plain(t("privacy.qwen_oauth.body"))
        yield Link(t("method.terms"), QWEN_TERMS_URL)
        yield Link(t("method.privacy"), QWEN_PRIVACY_URL)
        yield Plain(t("privacy.qwen_oauth.usage"), classes="note")

    def _openai(self) -> ComposeResult:
        yield Plain(t("privacy.openai.title"), classes="subtitle")
        yield Plain(t("privacy.openai.important"), classes="important")
        provider = provider_for_base_url(self.resolution.base_url.value)
        if provider is None:
            yield Plain(t("privacy.openai.unknown_provider"), classes="note")
        elif provider.local:
            yield Plain(t("privacy.openai.local"), classes="note")
        else:
            yield Plain(t("privacy.openai.provider", name=provider.name))
            if provider.terms_url:
                yield Link(t("method.terms"), provider.terms_url)
            if provider.privacy_url:
                yield Link(t("method.privacy"), provider.privacy_url)
            if not (provider.terms_url and provider.privacy_url):
                yield Plain(t("privacy.openai.links_unknown"), classes="note")
        yield Plain(t("privacy.openai.usage"), classes="note")

    def compose(self) -> ComposeResult:
        method = self.resolution.auth_type.value
        env = self.app.env  # type: ignore[attr-defined]
        yield Plain(t("privacy.title"), id="privacy-title", classes="title")
        with VerticalScroll(id="privacy-body"):
            with Vertical(classes="section", id="method-notice"):
                if method == AuthMethod.QWEN_OAUTH:
                    yield Plain(t("privacy.current_method", method=t("method.qwen_oauth.title")))
                    yield from self._qwen_oauth()
                elif method == AuthMethod.OPENAI:
                    yield Plain(t("privacy.current_method", method=t("method.openai.title")))
                    yield from self._openai()
                else:
                    yield Plain(t("privacy.no_method"), classes="note")
                    yield from self._qwen_oauth()
                    yield from self._openai()
            with Vertical(classes="section", id="training"):
                yield Plain(t("privacy.training.title"), classes="subtitle")
                yield Plain(t("privacy.training.body"))
            with Vertical(classes="section", id="usage-notice"):
                yield Plain(t("privacy.usage.title"), classes="subtitle")
                yield Plain(t("privacy.usage.body"))
                yield UsageNotice()
            with Vertical(classes="section", id="qwen-tui-records"):
                yield Plain(t("privacy.records.title"), classes="subtitle")
                res = self.resolution
                # qwen-tui records nothing before the choice is made, nor with OpenAI-compatible auth.
                recording = res.usage_stats_chosen and res.usage_stats.value and method != AuthMethod.OPENAI
                yield Plain(t("privacy.records.on" if recording else "privacy.records.off"), id="records-state")
                yield Plain(t("privacy.records.rules"))
                yield Plain(t("privacy.records.log", path=_tilde(paths.log_dir(env), env)))
        yield Footer()

    def resolution_changed(self, resolution: Resolution) -> None:
        self.call_later(self.recompose)

"""The provider form's choice of provider, and whose terms apply to the one chosen."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive

from qwen_tui.core.i18n import t
from qwen_tui.core.providers.catalog import endpoint
from qwen_tui.ui.widgets.link import Link
from qwen_tui.ui.widgets.plain import Plain

CUSTOM = "custom"


class PresetInfo(Vertical):
    """Whose terms apply to the chosen endpoint: links (openable / copyable), "unknown", or "runs locally"."""

    endpoint_key: reactive[str] = reactive(CUSTOM, recompose=True)

    def compose(self) -> ComposeResult:
        item = endpoint(self.endpoint_key)
        widgets: list[Any] = [Plain(t("form.terms.title"), classes="subtitle")]
        if item.local:
            widgets.append(Plain(t("form.terms.local"), classes="note"))
        elif item.preset.id == CUSTOM:
            widgets.append(Plain(t("form.terms.custom"), classes="note"))
        else:
            for kind, url in (("terms", item.terms_url), ("privacy", item.privacy_url)):
                if url:
                    widgets.append(Link(t(f"form.terms.{kind}"), url, classes="preset-link"))
                else:
                    widgets.append(Plain(t(f"form.terms.{kind}_unknown"), classes="note"))
        if item.docs_url:
            widgets.append(Link(t("form.terms.docs"), item.docs_url, classes="preset-link"))
        yield from widgets

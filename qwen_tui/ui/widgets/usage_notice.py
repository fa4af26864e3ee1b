"""What usage statistics do and do not collect, in the notice's own words (shared by chooser and privacy)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from qwen_tui.core.i18n import t
from qwen_tui.ui.widgets.plain import Plain

COLLECTED = ("privacy.collected.telemetry", "privacy.collected.errors", "privacy.collected.patterns")
NOT_COLLECTED = ("privacy.not_collected.code", "privacy.not_collected.prompts",
                 "privacy.not_collected.responses", "privacy.not_collected.personal")


class UsageNotice(Vertical):
    """Collected / not collected, and the per-method rule."""

    def compose(self) -> ComposeResult:
        yield Plain(t("privacy.collected.title"), classes="subtitle")
        yield Plain("\n".join(f"• {t(key)}" for key in COLLECTED), classes="bullets")
        yield Plain(t("privacy.not_collected.title"), classes="subtitle")
        yield Plain("\n".join(f"• {t(key)}" for key in NOT_COLLECTED), classes="bullets")
        yield Plain(t("privacy.usage.by_method"), classes="note")

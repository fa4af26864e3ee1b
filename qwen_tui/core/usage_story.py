"""The one usage-statistics story, told in the same words by the chooser, settings, home, `status` and
`usage-stats status`. Each sentence names its subject, because two programs read the same saved value:

- the `qwen` CLI: on or off as saved (its settings layers), and with no saved choice its default, on;
- qwen-tui: records its own usage only under its consent rule (telemetry.gate: a saved choice, on, Qwen OAuth
  active, no DO_NOT_TRACK, a workspace never turning it on) — the gate's verdict says which.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qwen_tui.core.i18n import t
from qwen_tui.core.resolver import Resolution


def qwen_cli_sentence(resolution: Resolution) -> str:
    """What the qwen CLI does with the saved value (with none: its default, on)."""
    if not resolution.usage_stats_chosen:
        return t("usage.story.qwen.default")
    return t("usage.story.qwen.on" if resolution.usage_stats.value else "usage.story.qwen.off")


def usage_story(resolution: Resolution, short: Callable[[Path], str] = str) -> list[str]:
    """The qwen CLI's sentence, qwen-tui's (the gate's verdict), and where the qwen CLI's value is saved (its
    path written by `short`)."""
    from qwen_tui.core.telemetry.gate import decide

    source = resolution.usage_stats.source
    saved_in = t("usage.story.saved_in", where=source.describe(short)) if resolution.usage_stats_chosen \
        else t("usage.story.not_saved")
    return [qwen_cli_sentence(resolution), decide(resolution).describe(), saved_in]

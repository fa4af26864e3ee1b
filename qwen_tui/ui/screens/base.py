"""What every qwen-tui screen shares: its stylesheet, translated key descriptions, language re-render."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding
from textual.screen import Screen

from qwen_tui.core.i18n import catalog, t


def translate(text: str) -> str:
    """`text` when it is not a message key (Textual's own bindings), else its translation."""
    return t(text) if text in catalog("en") else text


class QwenScreen(Screen):
    """Binding descriptions are message keys, translated each time the footer asks for them, so a
    language switch re-renders them without rebuilding the bindings."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        translated: dict[str, ActiveBinding] = {}
        for key, active in super().active_bindings.items():
            binding = active.binding
            if binding.description:
                binding = replace(binding, description=translate(binding.description))
            translated[key] = active._replace(binding=binding)
        return translated

    async def relabel(self) -> None:
        """Re-render every text after a language switch (state the user changed lives outside widgets)."""
        await self.recompose()
        self.refresh_bindings()


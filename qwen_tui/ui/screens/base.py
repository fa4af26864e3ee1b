"""What every qwen-tui screen shares: its stylesheet, translated key descriptions, language re-render."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.widgets import Button

from qwen_tui.core.i18n import catalog, t
from qwen_tui.core.resolver import Resolution


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

    # True once the screen's first frame is out. Screens leave what that frame can do without (below the fold,
    # filled by a worker anyway) to `after_first_frame`, and compose it directly when composing again.
    drawn = False

    def on_show(self) -> None:
        if not self.drawn:
            self.drawn = True
            self.after_first_frame()
        self.app.screen_shown(self)  # type: ignore[attr-defined]

    def after_first_frame(self) -> None:
        """Mount what the first frame was drawn without (launch budget: bench/startup.py)."""

    @property
    def resolution(self) -> Resolution:
        """The app's current resolution (screens are shown only once there is one)."""
        return self.app.resolution  # type: ignore[attr-defined]

    async def relabel(self) -> None:
        """Re-render every text after a language switch (state the user changed lives outside widgets)."""
        await self.recompose_in_place()
        self.refresh_bindings()

    async def recompose_in_place(self) -> None:
        """Recompose, keeping the focus on the same widget (by id, else by its place in the focus order) and
        the scroll position: a refresh must not move the user."""
        focused = self.focused
        chain = self.focus_chain
        focus_id = focused.id if focused is not None else None
        focus_index = chain.index(focused) if focused in chain else None
        scrolls = {widget.id: widget.scroll_offset.y for widget in self.query("VerticalScroll") if widget.id}
        await self.recompose()
        target = None
        if focus_id is not None:
            target = next(iter(self.query(f"#{focus_id}")), None)
        if target is None and focus_id is None and focus_index is not None:
            chain = self.focus_chain
            target = chain[focus_index] if focus_index < len(chain) else None
        if target is not None and target.focusable:
            self.set_focus(target, scroll_visible=False)

        def scroll_back() -> None:
            for widget_id, y in scrolls.items():
                for widget in self.query(f"#{widget_id}"):
                    widget.scroll_to(y=y, animate=False)

        if any(scrolls.values()):
            self.call_after_refresh(scroll_back)

    @on(Button.Pressed, "#open-usage-data")
    def open_usage_data(self, event: Button.Pressed) -> None:
        """The "what is recorded" button some screens show (settings, privacy)."""
        event.stop()
        self.app.action_usage_data()  # type: ignore[attr-defined]


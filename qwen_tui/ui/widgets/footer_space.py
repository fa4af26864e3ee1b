"""The footer's place in a screen's first frame. Textual's Footer shows no key in the frame it is mounted in (its
keys come once the screen's bindings are ready), so that frame draws only the footer's background row. This
draws the same row without the Footer's module and stylesheet (~1.5% of a launch, bench/instructions.py), and
holds the Footer once the screen's first frame is out (QwenScreen.on_show): inside it, so that a recompose
racing that moment removes the Footer with its space instead of leaving a second one."""

from __future__ import annotations

from textual.widget import Widget


class FooterSpace(Widget):
    DEFAULT_CSS = "FooterSpace { dock: bottom; height: 1; background: $footer-background; }"

    def on_mount(self) -> None:
        if getattr(self.screen, "drawn", False):   # composed before the screen's first frame, mounted after it
            self.hold_footer()

    def hold_footer(self) -> None:
        if self.children or not self.is_attached:
            return
        from qwen_tui.ui.widgets.footer import Footer

        self.mount(Footer())
        self.screen.call_after_refresh(self.screen.refresh_bindings)   # its keys come with a bindings update


def footer(drawn: bool) -> Widget:
    """What a screen composes at the bottom: the Footer, or before the screen's first frame its space."""
    if not drawn:
        return FooterSpace()
    from qwen_tui.ui.widgets.footer import Footer

    return Footer()

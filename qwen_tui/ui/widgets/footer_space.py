"""The footer's place in a screen's first frame. Textual's Footer shows no key in the frame it is mounted in (its
keys come once the screen's bindings are ready), so that frame draws only the footer's background row. This
draws the same row without the Footer's module and stylesheet (~1% of a launch, bench/instructions.py);
QwenScreen puts the Footer in its place once that frame is out."""

from __future__ import annotations

from textual.widget import Widget


class FooterSpace(Widget):
    DEFAULT_CSS = "FooterSpace { dock: bottom; height: 1; background: $footer-background; }"


def footer(drawn: bool) -> Widget:
    """What a screen composes at the bottom: the Footer, or before the screen's first frame its space."""
    if not drawn:
        return FooterSpace()
    from qwen_tui.ui.widgets.footer import Footer

    return Footer()

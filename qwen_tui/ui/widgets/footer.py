"""Textual's Footer, without restyling its keys whenever it is rebuilt.

The footer is recomposed each time the bindings change (every focus move). Textual's `FooterKey.compact`
starts True, which adds the `-compact` class as the key is mounted, and most keys are then bound to the
footer's value (False here), which removes it again: two restyles of each key, ending as it began (a tenth of
the CPU of the UI tests). Here each key starts with the value and class it ends with, so its watcher has
nothing to change; what is drawn is the same."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    def compose(self) -> ComposeResult:
        for widget in super().compose():   # every key passes here, a binding group's too (inside its `with`)
            if isinstance(widget, FooterKey):
                # Bound to the footer's value, or (the command palette's key) FooterKey's own default.
                compact = self.compact if "compact" in (widget._reactive_connect or {}) else True
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

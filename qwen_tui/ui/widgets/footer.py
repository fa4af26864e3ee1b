"""Textual's Footer, rebuilt only when the keys it shows change, and without restyling its keys on the way.

Textual recomposes the footer each time the screen's bindings are updated (every focus move, and several times
as a screen opens: four times as the provider form opened), even when it would show the same keys. Here it
remembers what it drew and is rebuilt only when that changes.

Textual's `FooterKey.compact` starts True, which adds the `-compact` class as the key is mounted, and most keys
are then bound to the footer's value (False here), which removes it again: two restyles of each key, ending as
it began (a tenth of the CPU of the UI tests). Here each key starts with the value and class it ends with, so its
watcher has nothing to change; what is drawn is the same."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    _drawn: tuple[Any, ...] | None = None   # what the last compose showed (see `_shown`)
    _pending = False                         # a rebuild is scheduled: it will read the bindings as they are then

    def _shown(self, screen: Screen[Any]) -> tuple[Any, ...]:
        """Everything compose reads from the screen: the bindings shown (the palette's key too), each with its
        enabled state and tooltip, and whether the palette's key is shown."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE, *(
            (key, binding, enabled, tooltip) for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show or key == palette))

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Textual's, scheduling no rebuild when one is already scheduled or nothing shown would change."""
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending and self._shown(screen) != self._drawn:
            self._pending = True
            self.call_after_refresh(self.recompose)

    def compose(self) -> ComposeResult:
        self._pending = False
        self._drawn = self._shown(self.screen) if self._bindings_ready else None
        for widget in super().compose():   # every key passes here, a binding group's too (inside its `with`)
            if isinstance(widget, FooterKey):
                # Bound to the footer's value, or (the command palette's key) FooterKey's own default.
                compact = self.compact if "compact" in (widget._reactive_connect or {}) else True
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

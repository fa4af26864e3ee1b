"""The API key field of the provider form."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from qwen_tui.core.i18n import t
from qwen_tui.core.providers.validate import normalize_key_checked


class KeyInput(Input):
    """The key field: a paste follows the one key rule (validate.normalize_key: a multi-line paste is joined,
    whitespace inside removed), where a plain Input keeps only a paste's first line."""

    _reshaped: str | None = None   # the field's value just after a paste that had whitespace inside the key

    def _on_paste(self, event: events.Paste) -> None:
        key, reshaped = normalize_key_checked(event.text)
        if key:
            if self.selection.is_empty:
                self.insert_text_at_cursor(key)
            else:
                self.replace(key, *self.selection)
            self._reshaped = self.value if reshaped else None
        event.prevent_default()   # Input's own handler (which keeps the first line) must not run too
        event.stop()

    def shape_note(self, status: int | None) -> str:
        """For a rejection (401/403) of the key as pasted with whitespace inside: a word on the key's shape (as
        the CLI says it), since "copy the whole key" is not the likely fault. Empty once the field is edited."""
        if status in (401, 403) and self._reshaped is not None and self.value == self._reshaped:
            return " " + t("setup.key_reshaped")
        return ""

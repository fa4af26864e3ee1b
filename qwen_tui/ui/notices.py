"""What the user must act on after something they did, kept on the screen instead of in a timed toast (issue 14
point 8): where a save put a key (no keyring, so in a plain-text file), a settings write or a sign-out that
failed, a provider that could not be switched or deleted, a theme file that could not be read.

`app.notices` holds one line per topic; home shows them at the top, settings too (its writes). A line stays until
the situation changes: a later outcome of the same topic replaces it (a success removes it), and a line about a
key goes once the active key is no longer the one it was about, in the place it was when the line was given
(moved to the keyring, another provider active). An active key kept in plain text in qwen-tui's file is also read
from the files at each resolution (there at the next start, gone once the key is moved, even outside the app,
and while the resolver fails).
Lines are worded again in the current language each time they are shown (core.i18n.Words). The text is sanitised
where it is shown (widgets/plain.Plain), in widgets/notice_box.NoticeBox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.signal import Signal

from qwen_tui.core.i18n import Words, t

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App

    from qwen_tui.core.resolver import Resolution
    from qwen_tui.ui.resolution import ConfigState, Resolved


class _Notice:
    """One line to act on. A plain class, not a dataclass (built by exec-ing generated code at import, on the
    launch path): nothing compares or prints notices."""
    __slots__ = ("env_key", "place", "say", "since")

    def __init__(self, say: Words, env_key: str | None, since: int) -> None:
        self.say = say            # worded again, in the language of the moment, each time it is shown
        self.env_key = env_key    # a line about a key: kept while the active key is this one, where it was
        self.since = since        # the first refresh whose resolution follows the action (older ones predate it)
        self.place: tuple[object, ...] | None = None   # where that key was in the first such resolution


class Notices:
    def __init__(self, app: App[Any], config: ConfigState) -> None:
        self._config = config
        self._items: dict[str, _Notice] = {}
        self._in_plain_text: tuple[str, Path] | None = None   # the last resolution's active key, when in a file
        # Published (with the topic) when a line was given or removed: the widgets showing them redraw.
        self.changed: Signal[str] = Signal(app, "notices-changed")

    def attach(self, app: App[Any], startup: list[str]) -> None:
        """Once the app runs: the warnings of its start (a theme that could not be loaded), and the resolutions
        (immediately: judged before the screens redraw for the same resolution)."""
        for number, warning in enumerate(startup):
            self.give(f"startup-{number}", warning)
        self._config.resolved.subscribe(app, self._on_resolved, immediate=True)

    def written(self, what: str, error: str | None) -> None:
        """A settings or preferences write finished: its failure stays until the next write of the same kind."""
        self.give(f"write-{what}", Words("notices.write_failed", what=Words("app.write_failed"), reason=error)
                  if error else None)

    def give(self, topic: str, text: str | Words | None, *, env_key: str | None = None) -> None:
        """Show `text` for `topic` (replacing its previous line), or with None remove it; Words are worded each
        time the line is shown (a language switch relabels it). A line about `env_key` is judged only by
        resolutions asked for from now on (the action's own refresh comes first)."""
        if text:
            say = text if isinstance(text, Words) else Words.later(lambda: text)
            self._items[topic] = _Notice(say, env_key, self._config.generation)
        elif self._items.pop(topic, None) is None:
            return
        self.changed.publish(topic)

    def lines(self) -> list[str]:
        """The lines, in the current language; then what the files say (`_from_files`) unless a line given by
        an action already speaks of that key."""
        lines = [str(notice.say) for notice in self._items.values()]
        about = {notice.env_key for notice in self._items.values()}
        if self._in_plain_text is not None and self._in_plain_text[0] not in about:
            name, path = self._in_plain_text
            lines.append(t("notices.key_in_plain_text", name=name, path=path))
        return lines

    def _on_resolved(self, resolved: Resolved) -> None:
        # A failed resolution (the resolver raised) shows no key: the files' line goes with it until a reading
        # works, as it would claim what nothing on the screen backs. A line given by an action is about what the
        # action did; only a resolution that says where the active key is may retire it.
        in_plain_text = None if resolved.failed else _in_plain_text(resolved.resolution)
        if in_plain_text != self._in_plain_text:
            self._in_plain_text = in_plain_text
            self.changed.publish("files")
        if resolved.failed:
            return
        source = resolved.resolution.credential.source
        for topic, notice in list(self._items.items()):
            if notice.env_key is None or resolved.generation < notice.since:
                continue
            place = (source.kind, source.path)
            if source.key != notice.env_key or notice.place not in (None, place):
                del self._items[topic]    # home redraws for this resolution anyway
            else:
                notice.place = place


def _in_plain_text(resolution: Resolution) -> tuple[str, Path] | None:
    """(name, file) of the active key when it is kept in plain text in qwen-tui's own 0600 file (chosen, or no
    keyring worked). Read from the files at every resolution: there again at the next start, gone once the key
    moved, whoever moved it. A key in a settings `env` block is one of the resolution's problems already
    (resolver._plaintext_keys); one in Qwen Code's own `.env` is where plain `qwen` reads it, as the form said."""
    from qwen_tui.core.resolver import SourceKind

    source = resolution.credential.source
    if source.kind != SourceKind.SECRET_FILE or not source.key or source.path is None:
        return None
    return source.key, source.path

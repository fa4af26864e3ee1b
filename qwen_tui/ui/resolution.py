"""The configuration as the app holds it: the current resolution and the one counter that orders refreshes,
the worker that resolves, the one path for settings and preferences writes, and the signals that tell every
screen (and the usage statistics) what changed.

Screens subscribe in their `on_mount` (`app.config.resolved.subscribe(self, callback)`); Textual drops a
subscriber once it is no longer mounted. Nothing here is imported before the app's first frame that the first
frame does not need: the writers load when the first write happens.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.signal import Signal

from qwen_tui.core.context import Context
from qwen_tui.core.i18n import t
from qwen_tui.core.record import record
from qwen_tui.core.resolver import NOT_SET, Credential, Resolution, Value
from qwen_tui.ui.messages import ResolutionReady, SettingWritten

if TYPE_CHECKING:
    from textual.app import App

Resolver = Callable[[Context], Resolution]
QuickResolver = Callable[[Context], "Resolution | None"]
PREFS = "prefs"   # the `what` of a preferences write


def default_resolver(context: Context) -> Resolution:
    from qwen_tui.core.resolver import resolve

    return resolve(context)


def resolve_without_keyring(context: Context) -> Resolution | None:
    """The resolution when every value comes from files and the environment, None where only the keyring
    (which may take seconds) could tell."""
    from qwen_tui.core.resolver import KeyringNeeded, resolve

    try:
        return resolve(context, keyring=False)
    except KeyringNeeded:
        return None


def unresolved(problem: str) -> Resolution:
    """What the UI shows when the resolver itself failed: nothing configured, and why."""
    return Resolution(
        auth_type=Value(None), enforced_type=Value(None), base_url=Value(None), model=Value(None),
        credential=Credential(False), usage_stats=Value(True, NOT_SET), usage_stats_chosen=False,
        dotenv_path=None, problems=(problem,),
    )


@record   # not a dataclass: each is built by exec-ing generated code (~3.5 M instructions at launch)
class Resolved:
    """Published on `ConfigState.resolved`: a new current resolution, the refresh it answers, whether it is
    the app's first, and whether the resolver failed (the resolution then only carries the problem)."""
    resolution: Resolution
    generation: int
    first: bool
    failed: bool = False


@record
class Written:
    """Published on `ConfigState.written`: a settings (`what` names it) or preferences (`what` == PREFS) write
    finished; `error` is a one-line reason when it failed and nothing changed on disk."""
    what: str
    error: str | None = None


class ConfigState:
    """The current resolution, the refreshes that replace it, and the writes that change what it reads."""

    def __init__(self, app: App[Any], context: Context, resolver: Resolver | None) -> None:
        self._app = app
        self.context = context
        self._resolver = resolver or default_resolver
        # A resolver given by the caller is the only one used (tests); the real one first tries without the keyring.
        self._quick_resolver: QuickResolver | None = resolve_without_keyring if resolver is None else None
        self.resolution: Resolution | None = None
        # Each refresh is numbered; a result older than the last refresh asked for is dropped, so a slow resolve
        # never overwrites a newer one. The resolution published carries the number it answers.
        self.generation = 0
        self.resolved: Signal[Resolved] = Signal(app, "resolved")
        self.written: Signal[Written] = Signal(app, "written")
        # Settings and preferences writes run one at a time; of two writes to the same keys, the one asked
        # for last wins even when its thread gets the lock first.
        self._write_lock = threading.Lock()
        self._write_numbers = itertools.count(1)
        self._last_written: dict[tuple[str, ...], int] = {}

    # ---- resolving ----------------------------------------------------------------------------------------

    def resolve_quickly(self) -> Resolution | None:
        """Unless the keyring must be asked, resolving reads a few small files and is done on the spot (the
        first screen is drawn with no placeholder before it). Else, or on any failure, None: a worker resolves."""
        if self._quick_resolver is None:
            return None
        try:
            return self._quick_resolver(self.context)
        except Exception:   # the worker resolves again and shows the failure as a problem
            return None

    def refresh(self) -> None:
        """Resolve again (in a thread); `resolved` is published when it arrives."""
        self.generation += 1
        self._app.run_worker(partial(self._resolve, self.generation), name="resolve", group="resolve",
                             description="resolve", thread=True, exclusive=True, exit_on_error=False)

    def _resolve(self, generation: int) -> None:
        try:
            resolution = self._resolver(self.context)
        except Exception as exc:  # a resolver bug must not take the app down: show it as a problem
            resolution = unresolved(t("app.resolve_failed", reason=f"{type(exc).__name__}: {exc}"))
            self._app.post_message(ResolutionReady(resolution, generation, failed=True))
        else:
            self._app.post_message(ResolutionReady(resolution, generation))

    def arrived(self, resolution: Resolution, generation: int, *, failed: bool = False) -> Resolved | None:
        """Make `resolution` current and publish it, unless a newer refresh was asked for since (None then)."""
        if generation < self.generation:
            return None
        resolved = Resolved(resolution, generation, first=self.resolution is None, failed=failed)
        self.resolution = resolution
        self.resolved.publish(resolved)
        return resolved

    # ---- writes ---------------------------------------------------------------------------------------------

    def write_setting(self, scope: str, changes: dict[str, Any], what: str) -> None:
        """Write `changes` (dotted keys) to the user or workspace layer with the one settings writer."""
        number = next(self._write_numbers)
        self._app.run_worker(partial(self._write_setting, number, scope, changes, what), name="write settings",
                             group="settings-write", description="write settings", thread=True,
                             exit_on_error=False)

    def save_pref(self, changes: dict[str, Any]) -> None:
        """Save qwen-tui's own preferences (theme, language)."""
        number = next(self._write_numbers)
        self._app.run_worker(partial(self._save_pref, number, changes), name="save preferences", group="prefs",
                             description="save preferences", thread=True, exit_on_error=False)

    def _write_setting(self, number: int, scope: str, changes: dict[str, Any], what: str) -> None:
        from qwen_tui.core.fileops import FileOpError
        from qwen_tui.core.settings import Scope, SettingsError
        from qwen_tui.core.settings_writer import update_layer

        with self._write_lock:
            if self._superseded((scope, *sorted(changes)), number):
                return
            try:
                update_layer(Scope(scope), changes, self.context)
            except (SettingsError, FileOpError) as exc:
                self._app.post_message(SettingWritten(what, str(exc)))
            else:
                self._app.post_message(SettingWritten(what))

    def _save_pref(self, number: int, changes: dict[str, Any]) -> None:
        from qwen_tui.core.fileops import FileOpError
        from qwen_tui.core.prefs import PrefsError, save_prefs

        with self._write_lock:
            if self._superseded((PREFS, *sorted(changes)), number):
                return
            try:
                save_prefs(changes, self.context.env)
            except (PrefsError, FileOpError) as exc:
                self._app.post_message(SettingWritten(PREFS, str(exc)))
            else:
                self._app.post_message(SettingWritten(PREFS))   # a failure said before is over

    def _superseded(self, keys: tuple[str, ...], number: int) -> bool:
        """Under the write lock: was a later write to the same keys already done? Else note this one."""
        if self._last_written.get(keys, 0) > number:
            return True
        self._last_written[keys] = number
        return False

    def setting_written(self, message: SettingWritten) -> None:
        """On the app's thread: publish a finished write; after a settings write (done or failed) resolve again,
        so every screen shows what is on disk now."""
        self.written.publish(Written(message.what, message.error))
        if message.what != PREFS:
            self.refresh()

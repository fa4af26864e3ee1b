"""The app's side of the usage statistics: one recorder, its gate kept in step with the configuration, and
the events the app records, all taken from the app's signals (resolution, writes, language, theme, screens).

The recorder is made on first use, so its modules (pydantic, httpx) load after the first frame unless a screen
drawn before it shows the gate (privacy). Until the first screen is drawn it holds its events and its worker.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from qwen_tui.ui.resolution import PREFS, ConfigState, Resolved, Written

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from qwen_tui.core.telemetry.gate import Verdict
    from qwen_tui.core.telemetry.names import EventName
    from qwen_tui.core.telemetry.recorder import Recorder

EXIT_FLUSH_S = 1.0
# The settings writes (their `what`, a `Setting` value) named in a usage event; others are not recorded. The event
# names (core/telemetry/names.py, nine enums: ~7 M instructions) load when the first event is recorded, after the
# first frame.
RECORDED_SETTINGS = frozenset({"usage_stats", "auth_method", "provider"})


class UsageAdapter:
    """Subscribed (immediately, on the app's thread) to the app's signals once the app runs (`attach`)."""

    def __init__(self, app: App[Any], config: ConfigState) -> None:
        self._app = app
        self._config = config
        self._recorder: Recorder | None = None
        self._lock = threading.Lock()           # a worker thread may be the first user
        self._started = False                   # the first screen is drawn: the gate follows the resolution
        self._followed: Resolved | None = None  # the resolution the gate follows (or will, once started)
        self._screens_before_start: list[str] = []   # viewed before the gate was set: recorded then
        # Events that must wait for the next resolution (a finished sign-in: the gate follows the method only
        # once the files say it is active), each with the first generation that may record it.
        self._pending: list[tuple[int, EventName, dict[str, Any]]] = []

    def attach(self) -> None:
        app = self._app
        self._config.resolved.subscribe(app, self._on_resolved, immediate=True)
        self._config.written.subscribe(app, self._on_written, immediate=True)
        app.theme_changed_signal.subscribe(app, lambda _theme: self._setting_changed("theme"), immediate=True)
        app.screen_change_signal.subscribe(app, self._on_screen, immediate=True)

    @property
    def recorder(self) -> Recorder:
        with self._lock:
            if self._recorder is None:
                from qwen_tui.core.telemetry.gate import decide
                from qwen_tui.core.telemetry.recorder import Recorder

                self._recorder = Recorder(self._config.context.env, held=not self._started)
                if self._config.resolution is not None:
                    self._recorder.update(decide(self._config.resolution))
            return self._recorder

    @property
    def verdict(self) -> Verdict:
        """What the gate says now (open or not, and why)."""
        return self.recorder.verdict

    def record(self, name: EventName | str, **fields: Any) -> bool:
        """Record one usage event; False (a no-op) while the gate is closed."""
        return self.recorder.record(name, **fields)

    def flush(self, timeout: float) -> bool:
        """Wait (at most `timeout` seconds) until what was recorded is stored; False when it was not in time."""
        return self.recorder.flush(timeout)

    def record_after_resolve(self, name: EventName, **fields: Any) -> None:
        """Record once the next resolution (asked for after this call) has set the gate: for an event about a
        change still to land, e.g. a sign-in that switches the active method."""
        self._pending.append((self._config.generation + 1, name, fields))

    def language_changed(self) -> None:
        self._setting_changed("language")

    # ---- startup and exit ---------------------------------------------------------------------------------------

    def start(self) -> None:
        """The first screen is drawn: the gate follows the resolution, what waited is recorded, the worker runs."""
        self._started = True
        if self._followed is not None:
            self._follow(self._followed, first=True)
        for name in self._screens_before_start:
            self._screen_viewed(name)
        self._screens_before_start.clear()
        self.recorder.release()

    def close(self) -> None:
        if self._recorder is not None:
            self._recorder.close(EXIT_FLUSH_S)   # bounded: never holds the exit longer

    # ---- the user's choice -----------------------------------------------------------------------------------

    def apply_choice(self, enabled: bool, *, scope: str = "user") -> None:
        """The user's usage-statistics choice (chooser or settings), applied to the live recorder at once;
        off also deletes the unsent events and the installation id (in a worker: disk I/O). On is applied at
        once only where the consent rule lets it count (the user layer, no DO_NOT_TRACK); otherwise the
        resolution that follows the write decides."""
        from qwen_tui.core import paths
        from qwen_tui.core.names import USAGE_STATS
        from qwen_tui.core.resolver import Source, SourceKind
        from qwen_tui.core.telemetry.consent import do_not_track
        from qwen_tui.core.telemetry.gate import evaluate

        resolution = self._config.resolution
        assert resolution is not None
        env = self._config.context.env
        if enabled and (scope != "user" or do_not_track(env)):
            return   # on counts only where the consent rule lets it (the user layer, no DO_NOT_TRACK): the
            #          resolution that follows the write decides
        path = paths.user_settings_path(env) if scope == "user" \
            else paths.workspace_settings_path(self._config.context.cwd, env)
        source = Source(SourceKind.SETTINGS, path, USAGE_STATS, scope)
        self.recorder.update(evaluate(chosen=True, enabled=enabled, source=source, method=resolution.auth_type))
        if not enabled:
            self._app.run_worker(self._purge, name="purge usage data", group="usage", thread=True,
                                 exit_on_error=False)

    def _purge(self) -> None:
        from qwen_tui.core.fileops import FileOpError
        from qwen_tui.ui.messages import SettingWritten

        try:
            self.recorder.purge_local()
        except FileOpError as exc:
            self._app.post_message(SettingWritten("usage_purge", str(exc)))

    # ---- signals -------------------------------------------------------------------------------------------------

    def _on_resolved(self, resolved: Resolved) -> None:
        if resolved.failed:
            from qwen_tui.core.telemetry.names import ErrorKind, EventName

            self.record(EventName.ERROR, kind=ErrorKind.RESOLVE)
        self._followed = resolved
        if self._started:   # else `start` sets the gate
            self._follow(resolved, first=False)

    def _follow(self, resolved: Resolved, *, first: bool) -> None:
        from qwen_tui.core.telemetry.gate import decide
        from qwen_tui.core.telemetry.names import EventName

        self.recorder.update(decide(resolved.resolution))
        if first:
            self.recorder.record(EventName.APP_STARTED)   # a no-op unless the gate is open
        due = [(name, fields) for after, name, fields in self._pending if after <= resolved.generation]
        self._pending = [item for item in self._pending if item[0] > resolved.generation]
        for name, fields in due:
            self.recorder.record(name, **fields)

    def _on_written(self, written: Written) -> None:
        if written.error:
            from qwen_tui.core.telemetry.names import ErrorKind, EventName

            self.record(EventName.ERROR, kind=ErrorKind.PREFS_WRITE if written.what == PREFS
                        else ErrorKind.SETTINGS_WRITE)
        elif written.what in RECORDED_SETTINGS:
            self._setting_changed(written.what)

    def _setting_changed(self, setting: str) -> None:
        from qwen_tui.core.telemetry.names import EventName, Setting

        self.record(EventName.SETTING_CHANGED, setting=Setting(setting))

    def _on_screen(self, screen: Screen[Any]) -> None:
        if not self._started:
            self._screens_before_start.append(screen.name or "")
        else:
            self._screen_viewed(screen.name or "")

    def _screen_viewed(self, name: str) -> None:
        from qwen_tui.core.telemetry.names import EventName, ScreenName

        if name in {member.value for member in ScreenName}:
            self.record(EventName.SCREEN_VIEWED, screen=ScreenName(name))

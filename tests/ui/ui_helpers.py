"""UI test helpers (imported by the tests in this folder): Resolutions built directly (so screens never depend
on the machine) and an app factory."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from weakref import WeakKeyDictionary

from textual.app import App
from textual.worker import WorkerCancelled

from qwen_tui.core import paths
from qwen_tui.core.context import Context
from qwen_tui.core.i18n import t
from qwen_tui.core.launch import QwenCli
from qwen_tui.core.resolver import Credential, Resolution, Source, SourceKind, Value
from qwen_tui.ui.app import QwenTuiApp


def resolution(auth: str | None = None, *, usage: bool = True, usage_chosen: bool = False,
               home: Path = Path("/home/dev"), problems: tuple[str, ...] = (),
               base_url: str | None = None) -> Resolution:
    """A Resolution as the resolver would return it, with fixed paths so snapshots are stable."""
    user = home / ".qwen" / "settings.json"
    auth_source = (
        Source(SourceKind.SETTINGS, user, "security.auth.selectedType", "user") if auth else Source(SourceKind.NONE)
    )
    if auth == "openai":
        url = Value(base_url or "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                    Source(SourceKind.DOTENV, home / ".qwen" / ".env", "OPENAI_BASE_URL"))
        model = Value("qwen3-coder-plus", Source(SourceKind.ENV, None, "OPENAI_MODEL"))
        cred = Credential(True, "sk-…cdef", Source(SourceKind.KEYRING, None, "openai-api-key"))
    elif auth == "qwen-oauth":
        url = Value("https://portal.qwen.ai/v1", Source(SourceKind.OAUTH_CREDS, home / ".qwen" / "oauth_creds.json"))
        model = Value("coder-model", Source(SourceKind.DEFAULT))
        cred = Credential(True, "…wxyz", Source(SourceKind.OAUTH_CREDS, home / ".qwen" / "oauth_creds.json"),
                          "expires 2026-05-01T12:00:00Z")
    else:
        url, model, cred = Value(None), Value(None), Credential(False)
    usage_source = Source(SourceKind.SETTINGS, user, "privacy.usageStatisticsEnabled", "user") if usage_chosen \
        else Source(SourceKind.DEFAULT)
    return Resolution(
        auth_type=Value(auth, auth_source), enforced_type=Value(None), base_url=url, model=model,
        credential=cred, usage_stats=Value(usage, usage_source), usage_stats_chosen=usage_chosen,
        dotenv_path=home / ".qwen" / ".env" if auth == "openai" else None,
        shadowed_dotenv=(home / ".env",) if auth == "openai" else (), problems=problems,
    )


QWEN = Path("/usr/local/bin/qwen")


def verdict(res: Resolution) -> QwenCli:
    """What `qwen_cli_verdict` says for `resolution()`'s cases with qwen 0.24.4 installed (fixed path), in the
    current language as core.launch words it."""
    if res.auth_type.value == "openai":   # the key is in the keyring
        reason = t("run.reason.qwen_tui_only", name="openai-api-key", where=t("run.where.keyring"))
        return QwenCli(True, QWEN, "0.24.4", False, True, reason, "qwen-tui run")
    if res.auth_type.value == "qwen-oauth":
        reason = t("run.reason.refuses_oauth", version="0.24.4", first="0.15.6")
        return QwenCli(True, QWEN, "0.24.4", False, False, reason, "qwen-tui auth")
    return QwenCli(True, QWEN, "0.24.4", False, False, t("run.reason.no_method"), "qwen-tui auth")


def make_app(res: Resolution | None = None, initial: str | None = None, **env_extra: str) -> QwenTuiApp:
    """The app with a fixed resolution and its verdict (`verdict`), and the test's isolated environment
    (see tests/conftest.py)."""
    fixed = res or resolution()
    env = {**os.environ, **env_extra}
    return QwenTuiApp(initial, context=Context(Path.cwd(), env), resolver=lambda context: fixed,
                      verdict=lambda res, env: verdict(res))


# Qwen Code's home as the snapshots show it (a stable path, not the test's tmp dir). The app must neither read nor
# write there: it is outside the test's directory, shared by every test and run on the machine (and a real user's
# home where one is called dev). Tests ran into it: each app's log was written there (by root, who may create it).
SHOWN_QWEN_HOME = Path("/home/dev/.qwen")


class _ShownHomeApp(QwenTuiApp):
    def _start_logging(self) -> None:
        """Not started: the log would go under SHOWN_QWEN_HOME (logging has its own tests: unit/test_log_redaction,
        test_app's failed worker)."""


def make_shown_home_app(res: Resolution | None = None, initial: str | None = None, **env_extra: str) -> QwenTuiApp:
    """`make_app` with QWEN_HOME at SHOWN_QWEN_HOME. The app reads its preferences and themes there as it starts:
    anything found there would change the screen, so it is refused rather than read."""
    env = {**os.environ, **env_extra, "QWEN_HOME": str(SHOWN_QWEN_HOME)}
    found = [str(path) for path in (paths.tui_prefs_path(env), paths.user_themes_dir(env)) if path.exists()]
    assert not found, f"{', '.join(found)} would change what the snapshot shows: not the test's; move it away"
    fixed = res or resolution()
    return _ShownHomeApp(initial, context=Context(Path.cwd(), env), resolver=lambda context: fixed,
                         verdict=lambda res, env: verdict(res))


_SAID: WeakKeyDictionary[App, list[str]] = WeakKeyDictionary()
_textual_notify = App.notify


def _recorded_notify(self: App, message: str, **options) -> None:
    _SAID.setdefault(self, []).append(message)
    _textual_notify(self, message, **options)


# Every toast of every app, from the start (importing this module installs the record): a toast leaves
# `app._notifications` when its timeout ends in wall time, which a busy machine reaches before a test reads it.
App.notify = _recorded_notify  # type: ignore[method-assign]


def notifications(app: App) -> list[str]:
    """Every message `app` has notified so far, in order, as it was shown (after QwenTuiApp's sanitiser),
    whether or not its toast is still up."""
    return list(_SAID.get(app, ()))


def restyles(monkeypatch, kind: type) -> list:
    """The nodes of type `kind` restyled whole through Textual's `App.update_styles` from now on, in order (a count
    of the work, not a time)."""
    seen: list = []
    update_styles = App.update_styles

    def counting(self, node, animate: bool = True) -> None:
        if isinstance(node, kind):
            seen.append(node)
        update_styles(self, node, animate=animate)

    monkeypatch.setattr(App, "update_styles", counting)
    return seen


async def appeared(pilot, selector: str):
    """The widget matching `selector` on the current screen, once it is there: a screen composes (and
    recomposes, when a resolution arrives) rounds after it became current."""
    app = pilot.app
    await until(pilot, lambda: bool(app.screen.query(selector)), f"{selector} on {app.screen!r}")
    return app.screen.query_one(selector)


async def workers_done(app: App) -> None:
    """Every worker of `app` has ended; an error in one is raised. Textual's `wait_for_complete` also raises when
    a worker was cancelled, which is what an exclusive worker does to the one it replaces (a second refresh while
    the first still loads): that is the app working, and a busy machine makes it likely."""
    results = await asyncio.gather(*(worker.wait() for worker in list(app.workers)), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, WorkerCancelled):
            raise result


async def until(pilot, condition, what: str, *, timeout: float = 60.0) -> None:
    """Wait until `condition()` holds, checking it after each round of the app's queued messages, scheduled
    animations and refreshes: what a step needs, never a fixed time (a busy machine runs them late; Textual's
    own `pause()` ends when the process looks idle, which a starved process does while work is still queued).
    The timeout only stops a test that would hang; it is not part of what is checked."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"{what}: not after {timeout} s"
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()


async def palette(pilot, query: str) -> None:
    """Run the command palette's first hit for `query`: typed once the palette is up, Enter once its search
    has ended and a hit is highlighted (the search runs in a worker: a fixed pause ended before it on a busy
    machine), and back once the palette has closed."""
    from textual.command import CommandList, CommandPalette

    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
    await pilot.press(*query)
    await workers_done(app)
    hits = app.screen.query_one(CommandList)
    await until(pilot, lambda: hits.highlighted is not None, f"a command for {query!r}")
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette closed")


async def first_screen(pilot) -> None:
    """The resolution arrived and its first screen is composed and laid out (its footer, composed last, has its
    place): a busy machine gets there rounds after the resolve worker ends."""
    app = pilot.app
    await workers_done(app)

    def laid_out() -> bool:
        footers = app.screen.query("Footer") if len(app.screen_stack) > 1 else []
        return app.resolution is not None and any(footer.region.height for footer in footers)

    await until(pilot, laid_out, "the first screen")


def scrolling(widget) -> bool:
    """A scroll of `widget`'s scroll container is running or scheduled."""
    container = widget.parent
    while container is not None and not getattr(container, "is_scrollable", False):
        container = container.parent
    animator = widget.app.animator
    return container is not None and any(animator.is_being_animated(container, a) for a in ("scroll_x", "scroll_y"))


def scrolled_into_view(widget) -> bool:
    """`widget` is entirely in view and its scroll container has no scroll running or scheduled (a focus
    scrolls its widget to the centre, animated, a few messages after the focus)."""
    return widget.screen.can_view_entire(widget) and not scrolling(widget)


async def settled(pilot, read, *, still_for: int = 5, timeout: float = 3.0):
    """`read()` once it has stopped changing: a focus scrolls its widget into view with an animation that
    starts a few messages later, so no single pause is known to come after it."""
    value, unchanged, waited = read(), 0, 0.0
    while unchanged < still_for:
        assert waited < timeout, f"still changing after {timeout} s (last {value!r})"
        await pilot.pause(0.02)
        waited += 0.02
        current = read()
        unchanged = unchanged + 1 if current == value else 0
        value = current
    return value


async def settle(pilot) -> None:
    """Workers done and their messages handled, three times over (a worker's result may start another)."""
    for _ in range(3):
        await workers_done(pilot.app)
        await pilot.pause()


def notice_text(app: QwenTuiApp) -> str:
    """What the current screen shows of `app.notices` (ui/notices.py): the box's text, or "" while hidden."""
    boxes = [box for box in app.screen.query("NoticeBox") if box.display]
    return "\n".join(str(line.render()) for box in boxes for line in box.query("Plain"))


def profile_rows(app: QwenTuiApp) -> list[list[str]]:
    """Home's saved-providers table, cell by cell as text."""
    from textual.widgets import DataTable

    table = app.screen.query_one("#profiles-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]

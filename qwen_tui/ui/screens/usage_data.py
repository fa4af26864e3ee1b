"""Usage data: what qwen-tui's usage statistics record and why (state, layer, method), where events go, and the
recorded events themselves, most recent first — read from the outbox, i.e. exactly what is (or would be) sent.

Reading the outbox is disk I/O, so a thread worker does it (after flushing the live recorder, so the events of
this session are there) and posts the result back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable

from qwen_tui.core.i18n import t
from qwen_tui.core.telemetry.names import EventName
from qwen_tui.core.telemetry.recorder import RecordedEvent
from qwen_tui.resources import stylesheet
from qwen_tui.ui.describe import tilde
from qwen_tui.ui.resolution import Resolved
from qwen_tui.ui.screens.base import QwenScreen
from qwen_tui.ui.widgets.footer import Footer
from qwen_tui.ui.widgets.plain import Plain, plain_text
from qwen_tui.ui.widgets.usage_notice import UsageNotice

FLUSH_BEFORE_READ_S = 1.0


@dataclass(frozen=True)
class UsageSnapshot:
    events: list[RecordedEvent]
    endpoint: str | None
    installation_id: str | None
    outbox: Path


class UsageDataLoaded(Message):
    def __init__(self, snapshot: UsageSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


def _when(minute: int) -> str:
    return datetime.fromtimestamp(minute * 60, tz=UTC).strftime("%Y-%m-%d %H:%M")


def _values(event: RecordedEvent) -> str:
    return " ".join(f"{key}={str(value).lower() if isinstance(value, bool) else value}"
                    for key, value in event.fields.items()) or "—"


class UsageDataScreen(QwenScreen):
    CSS_PATH = stylesheet("usage_data")
    BINDINGS = [
        Binding("escape", "back", "app.binding.back", id="usage_data.back"),
        Binding("r", "reload", "usage_data.binding.refresh", id="usage_data.refresh"),
        Binding("s", "app.settings", "app.binding.settings", id="usage_data.settings"),
        Binding("p", "app.privacy", "app.binding.privacy", id="usage_data.privacy"),
    ]

    def __init__(self) -> None:
        super().__init__(name="usage_data")
        self.snapshot: UsageSnapshot | None = None   # kept across re-renders (language switch)

    def compose(self) -> ComposeResult:
        yield Plain(t("usage_data.title"), id="usage-title", classes="title")
        with VerticalScroll(id="usage-body"):
            with Vertical(classes="section", id="usage-state"):
                yield Plain(t("usage_data.state.title"), classes="subtitle")
                yield Plain(self.app.usage.verdict.describe(), id="usage-verdict")
                yield Plain("", id="usage-destination", classes="note")
                yield Plain("", id="usage-installation", classes="note")
            with Vertical(classes="section", id="usage-recorded"):
                yield Plain(t("usage_data.recorded.title"), classes="subtitle")
                yield Plain(t("usage_data.recorded.loading"), id="usage-count", classes="note")
                yield DataTable(id="usage-events", cursor_type="row", zebra_stripes=True, show_cursor=False)
            with Vertical(classes="section", id="usage-schema"):
                yield Plain(t("usage_data.schema.title"), classes="subtitle")
                yield Plain("\n".join(f"• {t(f'usage_data.schema.{name}')}" for name in EventName), classes="bullets")
                yield Plain(t("usage_data.schema.common"), classes="note")
            with Vertical(classes="section", id="usage-notice"):
                yield Plain(t("usage_data.notice.title"), classes="subtitle")
                yield UsageNotice()
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.app.config.resolved.subscribe(self, self._resolved)

    def _fill(self) -> None:
        if self.snapshot is not None:
            self._show(self.snapshot)
        # After the push completes, so this screen's own `screen_viewed` is already queued and shown.
        self.call_after_refresh(self.action_reload)

    async def relabel(self) -> None:
        # Recompose does not run on_mount again: show the events kept, and read them again.
        await super().relabel()
        self._fill()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.query_one("#usage-verdict", Plain).update(self.app.usage.verdict.describe())
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="usage-data")
    def _load(self) -> None:
        from qwen_tui.core.telemetry.outbox import outbox_path, read_installation_id
        from qwen_tui.core.telemetry.recorder import recorded_events
        from qwen_tui.core.telemetry.transport import endpoint_from

        app = self.app
        app.usage.flush(FLUSH_BEFORE_READ_S)
        env = app.env
        self.post_message(UsageDataLoaded(UsageSnapshot(
            recorded_events(env), endpoint_from(env), read_installation_id(env), outbox_path(env))))

    def on_usage_data_loaded(self, message: UsageDataLoaded) -> None:
        self.snapshot = message.snapshot
        self._show(message.snapshot)

    def _show(self, snapshot: UsageSnapshot) -> None:
        env = self.app.env
        destination = t("usage_data.destination.endpoint", endpoint=snapshot.endpoint) if snapshot.endpoint \
            else t("usage_data.destination.local", path=tilde(snapshot.outbox, env))
        self.query_one("#usage-destination", Plain).update(destination)
        installation = t("usage_data.installation_id", id=snapshot.installation_id) if snapshot.installation_id \
            else t("usage_data.installation_id.none")
        self.query_one("#usage-installation", Plain).update(installation)
        unsent = sum(1 for event in snapshot.events if not event.sent)
        count = t("usage_data.recorded.count", count=len(snapshot.events), unsent=unsent) if snapshot.events \
            else t("usage_data.recorded.none")
        self.query_one("#usage-count", Plain).update(count)
        table = self.query_one("#usage-events", DataTable)
        table.clear(columns=True)
        table.display = bool(snapshot.events)
        table.add_columns(*(t(f"usage_data.column.{name}") for name in ("time", "event", "fields", "status")))
        for event in snapshot.events:
            status = t("usage_data.status.sent" if event.sent else "usage_data.status.kept")
            table.add_row(_when(event.minute), plain_text(event.name), plain_text(_values(event)), status,
                          key=str(event.seq))

    def _resolved(self, resolved: Resolved) -> None:
        self.action_reload()

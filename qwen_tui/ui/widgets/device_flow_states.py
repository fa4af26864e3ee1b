"""The device-flow widget's states (ui/widgets/device_flow.py) and what each one says: the status line, the
next step after a failure, and the code's remaining time.

    requesting → waiting → slowed down → saving → success / denied / expired / refused / error / cancelled
"""

from __future__ import annotations

from enum import StrEnum

from qwen_tui.core.i18n import t

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class FlowState(StrEnum):
    REQUESTING = "requesting"
    WAITING = "waiting"
    SLOWED_DOWN = "slowed_down"
    SAVING = "saving"
    SUCCESS = "success"
    DENIED = "denied"
    EXPIRED = "expired"
    REFUSED = "refused"
    ERROR = "error"
    CANCELLED = "cancelled"


POLLING_STATES = frozenset({FlowState.REQUESTING, FlowState.WAITING, FlowState.SLOWED_DOWN})
CODE_STATES = frozenset({FlowState.WAITING, FlowState.SLOWED_DOWN})  # a live user code is on screen
RETRY_STATES = frozenset({FlowState.DENIED, FlowState.EXPIRED, FlowState.REFUSED, FlowState.ERROR,
                          FlowState.CANCELLED})


def status_text(state: FlowState, interval: float | None, host: str) -> str:
    """The status line (without the spinner) for `state`; `interval` is the polling interval in seconds, `host`
    the server asked for a code."""
    seconds = f"{interval:g}" if interval is not None else ""
    texts = {
        FlowState.REQUESTING: t("signin.state.requesting", host=host),
        FlowState.WAITING: t("signin.state.waiting", seconds=seconds),
        FlowState.SLOWED_DOWN: t("signin.state.slowed_down", seconds=seconds),
        FlowState.SAVING: t("signin.state.saving"),
        FlowState.SUCCESS: t("signin.state.success"),
        FlowState.DENIED: t("signin.state.denied"),
        FlowState.EXPIRED: t("signin.state.expired"),
        FlowState.REFUSED: t("signin.state.refused"),
        FlowState.ERROR: t("signin.state.error"),
        FlowState.CANCELLED: t("signin.state.cancelled"),
    }
    return texts[state]


def next_text(state: FlowState) -> str:
    """What to do next after a failure; empty in every other state."""
    return {
        FlowState.DENIED: t("signin.next.retry"),
        FlowState.EXPIRED: t("signin.next.new_code"),
        FlowState.REFUSED: t("signin.next.refused"),
        FlowState.ERROR: t("signin.next.retry"),
        FlowState.CANCELLED: t("signin.next.cancelled"),
    }.get(state, "")


def format_remaining(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"

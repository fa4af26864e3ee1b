"""Usage events from a non-interactive command (`qwen-tui status`, `usage-stats`, `auth …`).

`record_command_run()` asks the light gate; closed (the usual case) it returns without importing pydantic
or httpx and without opening any connection. Open, it records the command-run event (and, after a sign-in,
the sign-in-finished event) in the outbox, in this thread, then sends the unsent events once: `timeout` bounds
the network exchange, counted after the imports (pydantic, httpx), so a busy machine makes the command slower by
the time those take and a hung collector by `timeout` at most, and no event is lost either way (one not sent
stays in the outbox for the next command).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qwen_tui.core.telemetry.gate import decide_light
from qwen_tui.core.telemetry.names import (
    Command,
    CommandOutcome,
    DurationBucket,
    EventName,
    Method,
    SignInOutcome,
)

if TYPE_CHECKING:
    from qwen_tui.core.context import Context

EXIT_FLUSH_S = 1.0


def record_command_run(command: Command, exit_code: int, *, sign_in: Method | None = None,
                       duration_s: float = 0.0, context: Context, timeout: float = EXIT_FLUSH_S) -> bool:
    """Record that `command` ran (and how it ended) when the gate is open; True when something was recorded."""
    verdict = decide_light(context)
    if not verdict.open:
        return False
    from qwen_tui.core.telemetry.recorder import Recorder

    recorder = Recorder(context.env, held=True)   # held: no worker thread, this process stores and sends itself
    recorder.update(verdict)
    outcome = CommandOutcome.of(exit_code)
    events: list[tuple[EventName, dict[str, Any]]] = [
        (EventName.COMMAND_RUN, {"command": command, "outcome": outcome})]
    if sign_in is not None:
        result = {CommandOutcome.OK: SignInOutcome.SUCCESS, CommandOutcome.INTERRUPTED: SignInOutcome.CANCELLED}
        events.append((EventName.SIGN_IN_FINISHED, {
            "method": sign_in, "outcome": result.get(outcome, SignInOutcome.FAILED),
            "duration": DurationBucket.of(duration_s)}))
    recorder.store_now(events)    # stored first: whatever happens next, the outbox keeps them
    recorder.send_now(timeout)
    return True

"""Usage events from a non-interactive command (`qwen-tui status`, `usage-stats`, `auth …`).

`record_command_run()` asks the light gate; closed (the usual case) it returns without importing pydantic
or httpx and without opening any connection. Open, it records the command-run event (and, after a sign-in,
the sign-in-finished event), then flushes within `timeout` seconds before the process exits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from qwen_tui.core.telemetry.gate import decide_light
from qwen_tui.core.telemetry.names import (
    Command,
    CommandOutcome,
    DurationBucket,
    EventName,
    Method,
    SignInOutcome,
)

EXIT_FLUSH_S = 1.0


def record_command_run(command: Command, exit_code: int, *, sign_in: Method | None = None,
                       duration_s: float = 0.0, cwd: Path | None = None,
                       env: Mapping[str, str] | None = None, timeout: float = EXIT_FLUSH_S) -> bool:
    """Record that `command` ran (and how it ended) when the gate is open; True when something was recorded."""
    env = dict(os.environ if env is None else env)
    verdict = decide_light(cwd, env)
    if not verdict.open:
        return False
    from qwen_tui.core.telemetry.recorder import Recorder

    recorder = Recorder(env)
    recorder.update(verdict)
    outcome = CommandOutcome.of(exit_code)
    recorder.record(EventName.COMMAND_RUN, command=command, outcome=outcome)
    if sign_in is not None:
        result = {CommandOutcome.OK: SignInOutcome.SUCCESS, CommandOutcome.INTERRUPTED: SignInOutcome.CANCELLED}
        recorder.record(EventName.SIGN_IN_FINISHED, method=sign_in, outcome=result.get(outcome, SignInOutcome.FAILED),
                        duration=DurationBucket.of(duration_s))
    recorder.close(timeout)
    return True

"""`qwen-tui usage-stats on|off|status [--scope user|workspace] [--json]`.

on/off write Qwen Code's `privacy.usageStatisticsEnabled` (the user's explicit choice) to one layer; off also
deletes what qwen-tui kept locally (unsent events, the installation id). status (also the command alone) tells
the usage-statistics story (core/usage_story): what the qwen CLI does, what qwen-tui records and why, and
where the choice is saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qwen_tui.commands.output import say, show
from qwen_tui.core.i18n import t
from qwen_tui.core.names import USAGE_STATS

if TYPE_CHECKING:
    from qwen_tui.core.context import Context


def usage_stats(action: str, *, scope: str, as_json: bool, context: Context) -> int:
    if action == "status":
        return _status(as_json, context)
    from qwen_tui.core.fileops import FileOpError
    from qwen_tui.core.settings import Scope, SettingsError
    from qwen_tui.core.settings_writer import update_layer

    enabled = action == "on"
    try:
        path = update_layer(Scope(scope), {USAGE_STATS: enabled}, context)
    except (SettingsError, FileOpError) as error:
        say(t("usage.write_failed", reason=error))
        return 1
    state = t("status.on") if enabled else t("status.off")
    show(t("usage.written", state=state, path=path))
    code = _discard_local_data(context) if not enabled else 0
    return _check_effective(enabled, context) or code


def _check_effective(enabled: bool, context: Context) -> int:
    """A higher settings layer (or DO_NOT_TRACK) may still decide otherwise: say which, and fail, rather than
    claim success."""
    from qwen_tui.core.resolver import resolve
    from qwen_tui.core.telemetry.consent import do_not_track

    if enabled and do_not_track(context.env):
        say(t("telemetry.cli.do_not_track"))
        return 1
    effective = resolve(context).usage_stats
    if effective.value == enabled:
        return 0
    scope = effective.source.scope
    key = "usage.overridden" if scope in ("user", "workspace") else "usage.overridden_system"
    say(t(key, source=effective.source.describe(), scope=scope))
    return 1


def _discard_local_data(context: Context) -> int:
    from qwen_tui.core.fileops import FileOpError
    from qwen_tui.core.telemetry.outbox import discard_local_data

    try:
        discard_local_data(context.env)
    except FileOpError as error:
        say(t("telemetry.cli.discard_failed", reason=error))
        return 1
    show(t("telemetry.cli.discarded"))
    return 0


def _status(as_json: bool, context: Context) -> int:
    from qwen_tui.core.resolver import resolve
    from qwen_tui.core.sanitize import safe_json
    from qwen_tui.core.telemetry.gate import decide
    from qwen_tui.core.telemetry.outbox import outbox_path, read_installation_id
    from qwen_tui.core.telemetry.transport import endpoint_from

    resolution = resolve(context)
    verdict = decide(resolution)
    if as_json:
        document = {
            "enabled": resolution.usage_stats.value,
            "chosen": resolution.usage_stats_chosen,
            "source": verdict.source.describe(),
            "scope": verdict.source.scope,
            "authType": resolution.auth_type.value,
            "authTypeSource": resolution.auth_type.source.describe(),
            "recording": verdict.open,
            "reason": str(verdict.reason),
            "rule": str(verdict.rule) if verdict.rule else None,
            "explanation": verdict.describe(),
            "endpointConfigured": endpoint_from(context.env) is not None,
            "outbox": str(outbox_path(context.env)),
            "installationId": read_installation_id(context.env),
        }
        print(safe_json(document))
        return 0
    from qwen_tui.core.usage_story import usage_story

    for line in usage_story(resolution):
        show(line)
    return 0

"""The usage-statistics consent rule: whose choice counts (light: the resolver applies it before the first frame).

A workspace layer comes with whatever repository was cloned, so it can turn usage statistics off but never on
(its `true` is set aside, and the verdict says so); only the user layer and the system files (an
administrator's policy) can turn them on; `DO_NOT_TRACK` in the environment turns them off whatever the files
say (the convention Crush and others honour).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

from qwen_tui.core.names import USAGE_STATS
from qwen_tui.core.record import record
from qwen_tui.core.resolver import Source, SourceKind

if TYPE_CHECKING:
    from qwen_tui.core.settings import LoadedSettings

class Rule(StrEnum):
    """A rule that set a value aside, named by the verdict."""
    WORKSPACE_IGNORED = "workspace-ignored"   # a workspace layer's `true`: only the user can turn them on
    DO_NOT_TRACK = "do-not-track"


@record
class Consent:
    """The user's usage-statistics choice after the consent rules, and where it comes from."""
    chosen: bool
    enabled: bool
    source: Source
    rule: Rule | None = None
    ignored: Source | None = None    # the workspace value set aside, for WORKSPACE_IGNORED


def do_not_track(env: Mapping[str, str]) -> bool:
    value = env.get("DO_NOT_TRACK", "").strip().lower()
    return value not in ("", "0", "false")


def consent(settings: LoadedSettings, env: Mapping[str, str]) -> Consent:
    """The highest layer that sets the key decides, except that a workspace `true` is set aside."""
    from qwen_tui.core.settings import MISSING, Scope

    if do_not_track(env):
        return Consent(True, False, Source(SourceKind.ENV, None, "DO_NOT_TRACK"), Rule.DO_NOT_TRACK)
    ignored: Source | None = None
    for layer in reversed(settings.layers):
        value = layer.get(USAGE_STATS)
        if value is MISSING:
            continue
        source = Source(SourceKind.SETTINGS, layer.path, layer.key_as_written(USAGE_STATS), str(layer.scope))
        if layer.scope == Scope.WORKSPACE and value is not False:
            ignored = source
            continue
        rule = Rule.WORKSPACE_IGNORED if ignored else None
        if not isinstance(value, bool):
            return Consent(False, True, Source(SourceKind.DEFAULT), rule, ignored)
        return Consent(True, value, source, rule, ignored)
    return Consent(False, True, Source(SourceKind.DEFAULT), Rule.WORKSPACE_IGNORED if ignored else None, ignored)

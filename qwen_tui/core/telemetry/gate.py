"""The gate: is a usage event recorded right now, and why (one verdict, one reason).

Open only when all hold: the user has made the usage-statistics choice (the first-run chooser, the settings
screen, `qwen-tui usage-stats on`, or an explicit `privacy.usageStatisticsEnabled` in a settings layer —
Qwen Code's default of true when the key is absent is *not* a choice), that choice is on, and the active
auth method is Qwen OAuth. Closed, nothing is recorded and no connection is opened.

Consent is the user's (`telemetry.consent`): a workspace layer can turn usage statistics off but never on,
`DO_NOT_TRACK` turns them off; the verdict names the rule that set a value aside.

Light on purpose: json + the settings reader only, so the CLI can ask it after every command for free.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from qwen_tui.core.i18n import t
from qwen_tui.core.names import AuthMethod
from qwen_tui.core.resolver import NOT_SET, Resolution, Source, Value
from qwen_tui.core.telemetry.consent import Consent, Rule, consent

if TYPE_CHECKING:
    from qwen_tui.core.context import Context
    from qwen_tui.core.settings import LoadedSettings

RECORDING_METHOD = AuthMethod.QWEN_OAUTH   # the one method whose users may be recorded


class Reason(StrEnum):
    OPEN = "open"                    # chosen, on, Qwen OAuth
    NOT_CHOSEN = "not-chosen"        # no layer sets the key: the choice was never made
    OFF = "off"                      # chosen, off
    NO_METHOD = "no-method"          # chosen, on, but no auth method is active
    OTHER_METHOD = "other-method"    # chosen, on, but the method is OpenAI-compatible (or another)
    DO_NOT_TRACK = "do-not-track"    # DO_NOT_TRACK is set in the environment


@dataclass(frozen=True)
class Verdict:
    """Whether usage events may be recorded, and why."""
    open: bool
    reason: Reason
    chosen: bool
    enabled: bool                    # the effective flag as Qwen Code reads it (True when absent)
    source: Source                   # where the usage-statistics value comes from
    method: Value[str | None]        # the active auth method, with its source
    ignored: Source | None = None    # a workspace `true` set aside by the consent rule

    def describe(self) -> str:
        """One localised line: the verdict and its reason (and the workspace value set aside, if any)."""
        # Only other-method names the method, and that reason needs one.
        line = t(f"telemetry.verdict.{self.reason}", where=self.source.describe(), method=self.method.value,
                 method_where=self.method.source.describe())
        if self.ignored is not None:
            line += " " + t("telemetry.rule.workspace-ignored", where=self.ignored.describe())
        return line

    @property
    def rule(self) -> Rule | None:
        if self.reason == Reason.DO_NOT_TRACK:
            return Rule.DO_NOT_TRACK
        return Rule.WORKSPACE_IGNORED if self.ignored is not None else None




def evaluate(*, chosen: bool, enabled: bool, source: Source, method: Value[str | None],
             rule: Rule | None = None, ignored: Source | None = None) -> Verdict:
    """The rule itself, from its inputs."""
    if rule == Rule.DO_NOT_TRACK:
        reason = Reason.DO_NOT_TRACK
    elif not chosen:
        reason = Reason.NOT_CHOSEN
    elif not enabled:
        reason = Reason.OFF
    elif not method.value:
        reason = Reason.NO_METHOD
    elif method.value != RECORDING_METHOD:
        reason = Reason.OTHER_METHOD
    else:
        reason = Reason.OPEN
    return Verdict(reason == Reason.OPEN, reason, chosen, enabled if chosen else True, source, method, ignored)


def _evaluate_consent(given: Consent, method: Value[str | None]) -> Verdict:
    return evaluate(chosen=given.chosen, enabled=given.enabled, source=given.source, method=method,
                    rule=given.rule, ignored=given.ignored)


def decide(resolution: Resolution) -> Verdict:
    """The verdict for a full resolution (the TUI and `usage-stats status`)."""
    given = resolution.usage_consent or Consent(
        resolution.usage_stats_chosen, bool(resolution.usage_stats.value), resolution.usage_stats.source)
    return _evaluate_consent(given, resolution.auth_type)


def decide_light(context: Context) -> Verdict:
    """The verdict without a full resolution: the settings layers first; the auth method (which needs the
    `.env` search) only when the choice is on. Never probes the keyring or reads credentials."""
    from qwen_tui.core.settings import load_settings

    settings = load_settings(context)
    given = consent(settings, context.env)
    if not (given.chosen and given.enabled):
        return _evaluate_consent(given, Value(None))
    return _evaluate_consent(given, _auth_method(settings, context))


def _auth_method(settings: LoadedSettings, context: Context) -> Value[str | None]:
    # The resolver's own lookup (settings, then QWEN_OAUTH / OPENAI_* in env, .env, settings.env), so the
    # gate and `qwen-tui status` can never disagree about the method.
    from qwen_tui.core.dotenv import load_dotenv
    from qwen_tui.core.resolver import ConfigLookup

    return ConfigLookup(settings, load_dotenv(context), context).auth_type()


def unchosen() -> Verdict:
    """The verdict before anything is known (the TUI before its first resolution): closed."""
    return evaluate(chosen=False, enabled=True, source=NOT_SET, method=Value(None))

"""`qwen-tui usage-stats on|off|status [--scope user|workspace]`: Qwen Code's `privacy.usageStatisticsEnabled`."""

from __future__ import annotations

import json
import sys

from qwen_tui.core.i18n import t

KEY = "privacy.usageStatisticsEnabled"


def usage_stats(action: str, *, scope: str, as_json: bool) -> int:
    if action == "status":
        return _status(as_json)
    from qwen_tui.core.fileops import FileOpError
    from qwen_tui.core.settings import Scope, SettingsError
    from qwen_tui.core.settings_writer import update_layer

    enabled = action == "on"
    try:
        path = update_layer(Scope(scope), {KEY: enabled})
    except (SettingsError, FileOpError) as error:
        print(t("usage.write_failed", reason=str(error)), file=sys.stderr)
        return 1
    state = t("status.on") if enabled else t("status.off")
    print(t("usage.written", state=state, path=path))
    return 0


def _status(as_json: bool) -> int:
    from qwen_tui.core.resolver import resolve

    resolution = resolve()
    value = resolution.usage_stats
    if as_json:
        document = {
            "enabled": value.value,
            "chosen": resolution.usage_stats_chosen,
            "source": value.source.describe(),
            "authType": resolution.auth_type.value,
        }
        print(json.dumps(document, indent=2))
        return 0
    state = t("status.on") if value.value else t("status.off")
    if resolution.usage_stats_chosen:
        print(t("usage.status_chosen", state=state, source=value.source.describe()))
    else:
        print(t("usage.status_default", state=state))
    return 0

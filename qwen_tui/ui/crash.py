"""What an unexpected exception in the TUI leaves behind: its traceback in the log, one line on the terminal.

Textual's own crash output is a traceback with local variables, which would print the keys and tokens held in
them; the log's traceback has no locals and is redacted (core/log.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from qwen_tui.core.i18n import t


def report_crash(error: BaseException, env: Mapping[str, str]) -> str:
    """Log `error` with its traceback; the one line to print, naming the log file (or saying there is none)."""
    kind = type(error).__name__
    try:
        from qwen_tui.core import paths
        from qwen_tui.core.log import LOG_FILE_NAME, configure_logging, get_logger, logging_configured

        # The log is set up once the first screen is drawn: a crash before that sets it up here.
        path = paths.log_dir(env) / LOG_FILE_NAME if logging_configured() else configure_logging(env, interactive=True)
        if path is not None:
            get_logger("app").error("crashed", exc_info=error)
            return t("output.crashed", kind=kind, path=path)
    except Exception:  # noqa: BLE001 - a crash report must never raise a second error
        pass
    return t("output.crashed_no_log", kind=kind)

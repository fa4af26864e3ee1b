"""Logging: structlog into a rotating file under QWEN_HOME, secrets redacted, nothing on the terminal.

API CONTRACT:
    def configure_logging(env: Mapping[str, str] | None = None, *, interactive: bool) -> Path | None
        # log file <QWEN_HOME>/logs/qwen-tui.log (dir 0700, file 0600), RotatingFileHandler 1 MB × 3,
        # JSON lines. Never writes to stdout/stderr (interactive or not). When the dir cannot be created
        # (read-only home) logging is disabled silently and None is returned.
    def get_logger(name: str | None = None)        # structlog BoundLogger
    def redact_text(text: str) -> str               # masks sk-…, Bearer …, Authorization values, JWT-ish tokens
    def redact_event(logger, method_name, event_dict) -> dict   # structlog processor: redacts values of keys
        # named like *key*, *token*, *secret*, *password*, authorization, and any string value via redact_text
    Exceptions are rendered without local variables (structlog's dict_tracebacks with show_locals=False).
"""

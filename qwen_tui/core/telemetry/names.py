"""The closed vocabularies usage events are made of. Stdlib only, so the gate and the UI can use them cheaply.

Every value an event can carry is a member of one of these enums (or a bool / small int): adding a value
here is the only way to let something new leave the machine, and it is reviewed like code.
"""

from __future__ import annotations

import sys
from enum import StrEnum

from qwen_tui.core.names import AuthMethod


class EventName(StrEnum):
    APP_STARTED = "app_started"
    AUTH_METHOD_CHOSEN = "auth_method_chosen"
    SIGN_IN_FINISHED = "sign_in_finished"
    SETTING_CHANGED = "setting_changed"
    SCREEN_VIEWED = "screen_viewed"
    ERROR = "error"
    COMMAND_RUN = "command_run"


# The auth method an event names: Qwen Code's own ids (a new method is reviewed here like any new value).
Method = AuthMethod


class SignInOutcome(StrEnum):
    SUCCESS = "success"
    DENIED = "denied"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"


class DurationBucket(StrEnum):
    UNDER_10S = "under_10s"
    UNDER_1M = "under_1m"
    UNDER_5M = "under_5m"
    OVER_5M = "over_5m"

    @classmethod
    def of(cls, seconds: float) -> DurationBucket:
        if seconds < 10:
            return cls.UNDER_10S
        if seconds < 60:
            return cls.UNDER_1M
        if seconds < 300:
            return cls.UNDER_5M
        return cls.OVER_5M


class Setting(StrEnum):
    USAGE_STATS = "usage_stats"
    THEME = "theme"
    LANGUAGE = "language"
    AUTH_METHOD = "auth_method"
    PROVIDER = "provider"


class ScreenName(StrEnum):
    CHOOSER = "chooser"
    HOME = "home"
    SETTINGS = "settings"
    PRIVACY = "privacy"
    USAGE_DATA = "usage_data"
    OAUTH_SIGNIN = "oauth_signin"
    PROVIDER_FORM = "provider_form"
    COMMAND_INPUT = "command_input"


class ErrorKind(StrEnum):
    SETTINGS_WRITE = "settings_write"
    PREFS_WRITE = "prefs_write"
    RESOLVE = "resolve"
    SIGN_IN = "sign_in"
    NETWORK = "network"
    INTERNAL = "internal"


class Command(StrEnum):
    STATUS = "status"
    USAGE_STATS_ON = "usage_stats_on"
    USAGE_STATS_OFF = "usage_stats_off"
    USAGE_STATS_STATUS = "usage_stats_status"
    AUTH_LOGIN_QWEN_OAUTH = "auth_login_qwen_oauth"
    AUTH_LOGIN_OPENAI = "auth_login_openai"
    AUTH_LOGOUT = "auth_logout"
    AUTH_TOKEN = "auth_token"


class CommandOutcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    INTERRUPTED = "interrupted"

    @classmethod
    def of(cls, exit_code: int) -> CommandOutcome:
        if exit_code == 0:
            return cls.OK
        return cls.INTERRUPTED if exit_code == 130 else cls.FAILED


class OsFamily(StrEnum):
    LINUX = "linux"
    MACOS = "macos"
    WINDOWS = "windows"
    OTHER = "other"

    @classmethod
    def current(cls) -> OsFamily:
        if sys.platform.startswith("linux"):
            return cls.LINUX
        if sys.platform == "darwin":
            return cls.MACOS
        if sys.platform == "win32":
            return cls.WINDOWS
        return cls.OTHER

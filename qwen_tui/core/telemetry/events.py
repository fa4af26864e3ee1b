"""The closed event schema: one pydantic model per event, every field an enum member, a bool or a small int.

No field can hold free text: no URL, path, host, model name, user name or message. `extra="forbid"` rejects
any other key. The only string that is not an enum is `app_version`, which must be this package's version.
Imported only when an event is about to be recorded (pydantic is kept off the startup and `status` paths).
"""

from __future__ import annotations

import re
import time
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from qwen_tui import __version__
from qwen_tui.core.telemetry.names import (
    Command,
    CommandOutcome,
    DurationBucket,
    ErrorKind,
    EventName,
    Method,
    OsFamily,
    ScreenName,
    Setting,
    SignInOutcome,
)

VERSION_PATTERN = re.compile(r"^\d{1,4}\.\d{1,4}\.\d{1,4}$")
# Unix time in whole minutes: coarse on purpose, enough to order events, too coarse to time a user's work.
MAX_MINUTE = 10**8


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    if TYPE_CHECKING:   # each event model declares its own name (the discriminator); for the checker only,
        event: str      # so pydantic keeps the fields in the order the outbox has always had them

    minute: int = Field(ge=0, le=MAX_MINUTE)
    app_version: str = Field(max_length=14)
    os: OsFamily

    @field_validator("app_version")
    @classmethod
    def _this_version(cls, value: str) -> str:
        if not VERSION_PATTERN.fullmatch(value) or value != __version__:
            raise ValueError("must be this qwen-tui's version")
        return value


class AppStarted(_Event):
    event: Literal[EventName.APP_STARTED]


class AuthMethodChosen(_Event):
    event: Literal[EventName.AUTH_METHOD_CHOSEN]
    method: Method


class SignInFinished(_Event):
    event: Literal[EventName.SIGN_IN_FINISHED]
    method: Method
    outcome: SignInOutcome
    duration: DurationBucket


class SettingChanged(_Event):
    event: Literal[EventName.SETTING_CHANGED]
    setting: Setting


class ScreenViewed(_Event):
    event: Literal[EventName.SCREEN_VIEWED]
    screen: ScreenName


class ErrorOccurred(_Event):
    event: Literal[EventName.ERROR]
    kind: ErrorKind


class CommandRun(_Event):
    event: Literal[EventName.COMMAND_RUN]
    command: Command
    outcome: CommandOutcome


Event = Annotated[
    AppStarted | AuthMethodChosen | SignInFinished | SettingChanged | ScreenViewed | ErrorOccurred | CommandRun,
    Field(discriminator="event"),
]
EVENT_MODELS: tuple[type[_Event], ...] = (
    AppStarted, AuthMethodChosen, SignInFinished, SettingChanged, ScreenViewed, ErrorOccurred, CommandRun,
)


@cache
def _adapter() -> TypeAdapter[Event]:
    # Any: mypy reads the Annotated union as a UnionType, which some pydantic stubs refuse (and others accept).
    return TypeAdapter(cast(Any, Event))


def make_event(name: EventName | str, fields: dict[str, Any], *, now: float | None = None) -> _Event:
    """Validate one event (pydantic ValidationError when a field is not in its closed vocabulary)."""
    data = {
        **fields,
        "event": name,
        "minute": int((time.time() if now is None else now) // 60),
        "app_version": __version__,
        "os": OsFamily.current(),
    }
    return _adapter().validate_python(data)


def load_event(data: Any) -> _Event:
    """An event read back from the outbox, validated again: a hand-edited line cannot smuggle text out."""
    return _adapter().validate_python(data)


def event_fields(event: _Event) -> dict[str, str | bool | int]:
    """The event's own fields (not the shared ones), as they are sent: enum values, bools, ints."""
    shared = set(_Event.model_fields)
    return {key: value for key, value in event.model_dump(mode="json").items() if key not in shared | {"event"}}

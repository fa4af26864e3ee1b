"""The closed event schema: no event can carry arbitrary text, and the OTLP payload is built from it alone."""

from __future__ import annotations

import enum
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from qwen_tui import __version__
from qwen_tui.core.telemetry import names
from qwen_tui.core.telemetry.events import EVENT_MODELS, event_fields, load_event, make_event
from qwen_tui.core.telemetry.transport import otlp_payload

# Every vocabulary the telemetry names module offers (Method is qwen_tui.core.names.AuthMethod, imported).
ENUMS = [obj for obj in vars(names).values() if isinstance(obj, type) and issubclass(obj, enum.Enum)
         and obj not in (enum.Enum, enum.StrEnum)]
ALLOWED_TEXT = {member.value for e in ENUMS for member in e} | {__version__}
VALID = {
    "app_started": {},
    "auth_method_chosen": {"method": "qwen-oauth"},
    "sign_in_finished": {"method": "qwen-oauth", "outcome": "success", "duration": "under_1m"},
    "setting_changed": {"setting": "theme"},
    "screen_viewed": {"screen": "privacy"},
    "error": {"kind": "network"},
    "command_run": {"command": "status", "outcome": "ok"},
}


def _assert_closed(dumped: dict) -> None:
    for key, value in dumped.items():
        if isinstance(value, str):
            assert value in ALLOWED_TEXT, f"{key}={value!r} is free text"
        else:
            assert isinstance(value, (bool, int)), f"{key}={value!r}"


def test_every_field_is_an_enum_a_bool_an_int_or_the_version() -> None:
    for model in EVENT_MODELS:
        assert model.model_config["extra"] == "forbid"
        for name, info in model.model_fields.items():
            annotation = info.annotation
            if name == "app_version":
                continue
            origin = typing.get_origin(annotation)
            ok = (origin is typing.Literal or annotation in (bool, int)
                  or (isinstance(annotation, type) and issubclass(annotation, enum.Enum)))
            assert ok, f"{model.__name__}.{name}: {annotation}"


def test_each_valid_event_validates_and_round_trips() -> None:
    assert set(VALID) == {member.value for member in names.EventName}
    for name, fields in VALID.items():
        event = make_event(name, fields)
        assert event_fields(event) == fields
        assert load_event(event.model_dump(mode="json")) == event


@pytest.mark.parametrize("extra", [{"url": "https://example.com"}, {"path": "/home/u"}, {"message": "hi"}])
def test_unknown_keys_are_rejected(extra: dict) -> None:
    with pytest.raises(ValidationError):
        make_event("app_started", extra)


def test_app_version_must_be_this_version() -> None:
    good = make_event("app_started", {}).model_dump(mode="json")
    for bad in ("9.9.9", "0.1.0 /home/user", "", "x" * 10):
        with pytest.raises(ValidationError):
            load_event({**good, "app_version": bad})


text_values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["https://qwen.ai/x", "/home/zorglub/.qwen", "sk-abcdef123456", "qwen3-coder-plus",
                     "portal.qwen.ai", "zorglub", "Qwen-OAuth", "qwen-oauth ", "1", "true", "yes"]),
)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(VALID)), field=st.sampled_from(
    ["method", "outcome", "duration", "setting", "screen", "kind", "command", "os", "app_version", "minute",
     "event", "note"]), value=text_values)
def test_any_string_in_any_field_is_rejected_or_an_enum_member(name: str, field: str, value: str) -> None:
    fields = {**VALID[name], field: value}
    try:
        event = make_event(name, fields) if field not in ("os", "app_version", "minute", "event") else \
            load_event({**make_event(name, VALID[name]).model_dump(mode="json"), field: value})
    except ValidationError:
        return
    _assert_closed(event.model_dump(mode="json"))


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(VALID)),
       fields=st.dictionaries(st.text(min_size=1, max_size=12), text_values, max_size=4))
def test_random_field_sets_never_yield_free_text(name: str, fields: dict) -> None:
    try:
        event = make_event(name, fields)
    except ValidationError:
        return
    _assert_closed(event.model_dump(mode="json"))


def test_otlp_payload_shape_and_contents() -> None:
    events = [make_event(name, fields, now=1_700_000_000) for name, fields in VALID.items()]
    payload = otlp_payload(events, "0b8f4a52-5a4f-4b1e-9a57-0f6a7b1b8d2e")
    resource = payload["resourceLogs"][0]
    resource_attrs = {a["key"]: a["value"] for a in resource["resource"]["attributes"]}
    assert resource_attrs["service.name"] == {"stringValue": "qwen-tui"}
    assert resource_attrs["service.version"] == {"stringValue": __version__}
    records = resource["scopeLogs"][0]["logRecords"]
    assert [r["body"]["stringValue"] for r in records] == list(VALID)
    assert records[0]["timeUnixNano"] == str(1_700_000_000 // 60 * 60 * 10**9)
    command = {a["key"]: a["value"]["stringValue"] for a in records[-1]["attributes"]}
    assert command == {"event.name": "command_run", "command": "status", "outcome": "ok"}

"""Where events go and how: the endpoint setting, the OTLP/HTTP JSON logs payload, and one POST.

The payload is built only from validated events (enum values, bools, small ints), the package version, the
OS family and the anonymous installation id: it cannot carry a token, key, URL, path or user name.
httpx is imported inside `post_batch`, i.e. only when something is actually sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from qwen_tui import __version__

if TYPE_CHECKING:
    from qwen_tui.core.telemetry.events import _Event

SCOPE_NAME = "qwen-tui.usage"
SEVERITY_INFO = 9
_OTEL_OS = {"linux": "linux", "macos": "darwin", "windows": "windows", "other": "other"}


def endpoint_from(env: Mapping[str, str]) -> str | None:
    """`QWEN_TUI_USAGE_ENDPOINT`, else the `usage_endpoint` preference; None when neither is an http(s) URL."""
    from qwen_tui.core.prefs import load_prefs

    return load_prefs(env).usage_endpoint


def _value(value: str | bool | int) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}   # OTLP JSON encodes int64 as a string
    return {"stringValue": value}


def _attributes(values: Mapping[str, str | bool | int]) -> list[dict[str, Any]]:
    return [{"key": key, "value": _value(value)} for key, value in values.items()]


def otlp_payload(events: Sequence[_Event], installation_id: str | None) -> dict[str, Any]:
    """One OTLP logs request: resourceLogs → scopeLogs → logRecords, one record per event."""
    from qwen_tui.core.telemetry.events import event_fields

    os_family = str(events[0].os) if events else "other"
    resource = {"service.name": "qwen-tui", "service.version": __version__, "os.type": _OTEL_OS[os_family]}
    if installation_id:
        resource["service.instance.id"] = installation_id
    records = []
    for event in events:
        nanos = str(event.minute * 60 * 1_000_000_000)
        records.append({
            "timeUnixNano": nanos,
            "observedTimeUnixNano": nanos,
            "severityNumber": SEVERITY_INFO,
            "severityText": "INFO",
            "body": {"stringValue": str(event.event)},
            "attributes": _attributes({"event.name": str(event.event), **event_fields(event)}),
        })
    return {"resourceLogs": [{
        "resource": {"attributes": _attributes(resource)},
        "scopeLogs": [{"scope": {"name": SCOPE_NAME, "version": __version__}, "logRecords": records}],
    }]}


class SendResult(StrEnum):
    SENT = "sent"
    RETRY = "retry"        # network error, 5xx, 429: try again later
    REJECTED = "rejected"  # another 4xx: this endpoint will not take it; stop for this session


def post_batch(endpoint: str, payload: dict[str, Any], timeout: float) -> SendResult:
    """One POST with one deadline for the whole exchange; the answer's body is capped (it is never used). The
    client is made before the deadline starts: loading the TLS trust store is CPU work a busy machine makes slow,
    not a wait on the network, and must not use up the exchange's budget (the exit flush has 1 s)."""
    import httpx

    from qwen_tui.core.bounded_http import blocking_client, fetch_blocking

    try:
        with blocking_client(endpoint, timeout=timeout) as client:
            response = fetch_blocking("POST", endpoint, deadline=timeout, max_bytes=64 * 1024, client=client,
                                      json=payload)
    except httpx.HTTPError:
        return SendResult.RETRY
    if 200 <= response.status_code < 300:
        return SendResult.SENT
    if response.status_code == 429 or response.status_code >= 500:
        return SendResult.RETRY
    return SendResult.REJECTED

"""A real RFC 8628 device-authorization server on 127.0.0.1 that speaks Qwen's paths and quirks.

Qwen's quirks: `authorization_pending` as HTTP 400, `slow_down` as HTTP 429 (or 400, per mode), errors as
`{error, error_description}`. The server checks what a real one would: form encoding, the client id,
PKCE S256 (the verifier must hash to the challenge sent with the device request), known device codes and
refresh tokens. Every request is recorded with its arrival time (`time.monotonic()`, system-wide on Linux,
so a test can compare it with times taken in another process; a test that drives the client on a virtual clock
sets `server.clock` to the same one).

In-process use: `DeviceServer(interval=1).start()`, then `approve(user_code)` / `deny(user_code)` and the
fault attributes. Standalone: `python -m tests.servers.device_server --port N`, controlled over HTTP:
`POST /_control/approve?user_code=…` (no user_code: the latest), `/_control/deny?…`, `/_control/mode?name=…`,
`GET /_control/requests`, `GET /_control/user_code`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEVICE_CODE_PATH = "/api/v1/oauth2/device/code"
TOKEN_PATH = "/api/v1/oauth2/token"
CLIENT_ID = "f0304373b74a44d2b584a3fb70ca9e56"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
FORM_TYPE = "application/x-www-form-urlencoded"
DISCONTINUED = "Qwen OAuth free tier was discontinued on 2026-04-15. Please select Coding Plan or API Key instead."

# Named modes (also settable over the control endpoint) → the attributes they set.
MODES: dict[str, dict[str, object]] = {
    "normal": {},
    "pending": {},  # the default: pending until approve()/deny()
    "slow_down-400": {"slow_down_polls": 1, "slow_down_status": 400},
    "slow_down-429": {"slow_down_polls": 1, "slow_down_status": 429},
    "denied": {"poll_fault": "denied"},
    "expired": {"poll_fault": "expired"},
    "500": {"device_fault": "500"},
    "malformed": {"device_fault": "malformed"},
    "hang": {"device_fault": "hang"},
    "discontinued": {"device_fault": "discontinued"},
    "poll-500": {"poll_fault": "500"},
    "poll-malformed": {"poll_fault": "malformed"},
    "poll-unknown-error": {"poll_fault": "unknown"},
    "refresh-rotate": {"refresh_mode": "rotate"},
    "refresh-keep": {"refresh_mode": "keep"},
    "refresh-no-resource-url": {"refresh_mode": "no_resource_url"},
    "refresh-reject-400": {"refresh_mode": "reject_400"},
    "refresh-reject-401": {"refresh_mode": "reject_401"},
}


@dataclass(frozen=True)
class RecordedRequest:
    time: float  # server.clock() (time.monotonic() unless a test set it) at arrival
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    form: dict[str, str]
    status: int = 0  # filled when answered (0: never answered, e.g. a hang)


@dataclass
class Grant:
    device_code: str
    user_code: str
    challenge: str
    issued_at: float
    state: str = "pending"  # pending | approved | denied | used
    required_interval: float = 5.0
    last_poll: float | None = None


def s256(verifier: str) -> str:
    # Computed with hashlib, independently of the client's authlib call.
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def closed_port_url() -> str:
    """A loopback URL whose port has nothing listening: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class DeviceServer:
    def __init__(
        self,
        *,
        interval: float | None = 1,
        expires_in: float = 600,
        token_expires_in: int = 3600,
        resource_url: str | None = "portal.qwen.ai",
        port: int = 0,
        hang_seconds: float = 30.0,
    ) -> None:
        self.interval = interval  # None: the device answer carries no interval (client uses 5 s)
        self.expires_in = expires_in
        self.token_expires_in = token_expires_in
        self.resource_url = resource_url
        self.hang_seconds = hang_seconds
        self.clock: Callable[[], float] = time.monotonic  # arrival times, grant ages, the interval check
        # fault modes
        self.device_fault: str | None = None  # discontinued | refused | 403 | 500 | malformed | hang
        self.poll_fault: str | None = None  # denied | expired | 500 | malformed | unknown
        self.slow_down_polls = 0  # answer slow_down to this many polls
        self.slow_down_status = 429
        self.hang_polls = 0  # hang this many polls (client sees a timeout)
        self.report_expiry = True  # answer expired_token once expires_in has passed
        self.refresh_mode = "rotate"  # rotate | keep | no_resource_url | reject_400 | reject_401 | 500
        self.on_refresh: Callable[[], None] | None = None  # runs in the server thread before a refresh answer
        # A lying server (hostile-input suite): fields merged into the device answer (verification_uri,
        # user_code …) and into token answers (access_token …), and the error_description of its refusals
        # ("refused" mode, rejected refreshes).
        self.device_overrides: dict[str, object] = {}
        self.token_overrides: dict[str, object] = {}
        self.refusal_description: str | None = None
        # state
        self.requests: list[RecordedRequest] = []
        self.too_fast_polls = 0  # polls that came sooner than the interval the client was told
        self._grants: dict[str, Grant] = {}
        self._by_user_code: dict[str, Grant] = {}
        self._refresh_tokens: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._issued = threading.Condition(self._lock)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> DeviceServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True, name="device-server")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def set_mode(self, name: str) -> None:
        for attribute, value in MODES[name].items():
            setattr(self, attribute, value)

    # ---- hooks ----
    def approve(self, user_code: str | None = None) -> None:
        self._set_state(user_code, "approved")

    def deny(self, user_code: str | None = None) -> None:
        self._set_state(user_code, "denied")

    def _set_state(self, user_code: str | None, state: str) -> None:
        with self._lock:
            grant = self._by_user_code[user_code] if user_code else list(self._grants.values())[-1]
            grant.state = state

    def wait_for_user_code(self, timeout: float = 10.0) -> str:
        with self._issued:
            if not self._issued.wait_for(lambda: self._grants, timeout):
                raise TimeoutError("no device code was requested")
            return list(self._grants.values())[-1].user_code

    def seed_refresh_token(self, token: str) -> None:
        with self._lock:
            self._refresh_tokens.add(token)

    def polls(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == TOKEN_PATH and r.form.get("grant_type") == DEVICE_GRANT]

    def refreshes(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == TOKEN_PATH and r.form.get("grant_type") == "refresh_token"]

    def device_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == DEVICE_CODE_PATH]

    # ---- protocol ----
    def _device_code(self, form: dict[str, str]) -> tuple[int, object]:
        if form.get("client_id") != CLIENT_ID:
            return 400, {"error": "invalid_client", "error_description": "unknown client_id"}
        if form.get("code_challenge_method") != "S256" or not form.get("code_challenge"):
            return 400, {"error": "invalid_request", "error_description": "PKCE S256 challenge required"}
        if not form.get("scope"):
            return 400, {"error": "invalid_scope", "error_description": "scope required"}
        fault = self.device_fault
        if fault == "discontinued":
            return 403, {"error": "access_denied", "error_description": DISCONTINUED}
        if fault == "refused":
            return 400, {"error": "unauthorized_client",
                         "error_description": self.refusal_description or "client not allowed"}
        if fault == "403":
            return 403, "Forbidden by policy\n"
        if fault == "500":
            return 500, "Internal Server Error\n"
        if fault == "malformed":
            return 200, '{"device_code": "abc", "user_code": '
        grant = Grant(
            device_code=secrets.token_urlsafe(24),
            user_code=f"{secrets.token_hex(2).upper()}-{secrets.token_hex(2).upper()}",
            challenge=form["code_challenge"],
            issued_at=self.clock(),
            required_interval=self.interval if self.interval is not None else 5.0,
        )
        with self._issued:
            self._grants[grant.device_code] = grant
            self._by_user_code[grant.user_code] = grant
            self._issued.notify_all()
        body: dict[str, object] = {
            "device_code": grant.device_code,
            "user_code": grant.user_code,
            "verification_uri": f"{self.url}/authorize",
            "verification_uri_complete": f"{self.url}/authorize?user_code={grant.user_code}",
            "expires_in": self.expires_in,
        }
        if self.interval is not None:
            body["interval"] = self.interval
        return 200, {**body, **self.device_overrides}

    def _token(self, form: dict[str, str]) -> tuple[int, object]:
        if form.get("client_id") != CLIENT_ID:
            return 400, {"error": "invalid_client", "error_description": "unknown client_id"}
        if form.get("grant_type") == DEVICE_GRANT:
            return self._poll(form)
        if form.get("grant_type") == "refresh_token":
            return self._refresh(form)
        return 400, {"error": "unsupported_grant_type", "error_description": "unsupported grant_type"}

    def _poll(self, form: dict[str, str]) -> tuple[int, object]:
        now = self.clock()
        with self._lock:
            grant = self._grants.get(form.get("device_code", ""))
            if grant is None or grant.state == "used":
                return 400, {"error": "invalid_grant", "error_description": "unknown device_code"}
            if s256(form.get("code_verifier", "")) != grant.challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
            if grant.last_poll is not None and now - grant.last_poll < grant.required_interval - 0.05:
                self.too_fast_polls += 1
            grant.last_poll = now
            fault = self.poll_fault
            if fault == "500":
                return 500, "Internal Server Error\n"
            if fault == "malformed":
                return 400, "{not json"
            if fault == "unknown":
                return 400, {"error": "server_busy", "error_description": "Try a different region."}
            if fault == "denied" or grant.state == "denied":
                return 400, {"error": "access_denied", "error_description": "The user denied the request."}
            if fault == "expired" or (self.report_expiry and now - grant.issued_at > self.expires_in):
                return 400, {"error": "expired_token", "error_description": "The device code has expired."}
            if self.slow_down_polls > 0:
                self.slow_down_polls -= 1
                grant.required_interval += 5
                return self.slow_down_status, {"error": "slow_down", "error_description": "Polling too fast."}
            if grant.state == "pending":
                return 400, {"error": "authorization_pending", "error_description": "Waiting for the user."}
            grant.state = "used"
            return 200, self._issue_tokens(include_refresh=True, include_resource=True)

    def _issue_tokens(self, *, include_refresh: bool, include_resource: bool) -> dict[str, object]:
        body: dict[str, object] = {
            "access_token": "at-" + secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": self.token_expires_in,
            "scope": "openid profile email model.completion",
        }
        if include_refresh:
            token = "rt-" + secrets.token_urlsafe(16)
            self._refresh_tokens.add(token)
            body["refresh_token"] = token
        if include_resource and self.resource_url is not None:
            body["resource_url"] = self.resource_url
        return {**body, **self.token_overrides}

    def _refresh(self, form: dict[str, str]) -> tuple[int, object]:
        if self.on_refresh is not None:
            self.on_refresh()
        mode = self.refresh_mode
        with self._lock:
            if mode == "reject_400":
                return 400, {"error": "invalid_grant",
                             "error_description": self.refusal_description or "Refresh token expired."}
            if mode == "reject_401":
                return 401, {"error": "invalid_token", "error_description": "Refresh token invalid."}
            if mode == "500":
                return 500, "Internal Server Error\n"
            token = form.get("refresh_token", "")
            if token not in self._refresh_tokens:
                return 400, {"error": "invalid_grant", "error_description": "Unknown refresh token."}
            rotate = mode in ("rotate", "no_resource_url")
            if rotate:
                self._refresh_tokens.discard(token)
            return 200, self._issue_tokens(include_refresh=rotate, include_resource=mode != "no_resource_url")

    # ---- HTTP plumbing ----
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                self._dispatch("GET")

            def do_POST(self) -> None:
                self._dispatch("POST")

            def _dispatch(self, method: str) -> None:
                arrived = server.clock()
                if server._stopping.is_set():  # a kept-alive connection outlives shutdown(): drop it
                    self.close_connection = True
                    return
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if split.path.startswith("/_control/"):
                    self._control(split.path, {k: v[0] for k, v in parse_qs(split.query).items()})
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                is_form = headers.get("content-type", "").split(";")[0].strip() == FORM_TYPE
                form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()} if is_form else {}
                index = server._record(RecordedRequest(arrived, method, split.path, headers, form))
                hang = (split.path == DEVICE_CODE_PATH and server.device_fault == "hang") or (
                    split.path == TOKEN_PATH and form.get("grant_type") == DEVICE_GRANT and server._take_hang()
                )
                if hang:
                    server._stopping.wait(server.hang_seconds)
                    self.close_connection = True
                    return
                if method != "POST" or split.path not in (DEVICE_CODE_PATH, TOKEN_PATH):
                    status, body = 404, {"error": "not_found", "error_description": split.path}
                elif not is_form:
                    status, body = 400, {"error": "invalid_request", "error_description": "form encoding required"}
                elif split.path == DEVICE_CODE_PATH:
                    status, body = server._device_code(form)
                else:
                    status, body = server._token(form)
                server._answered(index, status)
                self._send(status, body)

            def _control(self, path: str, query: dict[str, str]) -> None:
                action = path.removeprefix("/_control/")
                try:
                    if action == "approve":
                        server.approve(query.get("user_code"))
                    elif action == "deny":
                        server.deny(query.get("user_code"))
                    elif action == "mode":
                        server.set_mode(query["name"])
                    elif action == "requests":
                        self._send(200, [asdict(r) for r in server.requests])
                        return
                    elif action == "user_code":
                        self._send(200, {"user_code": server.wait_for_user_code(float(query.get("timeout", 10)))})
                        return
                    else:
                        raise KeyError(action)
                except (KeyError, IndexError, TimeoutError) as exc:
                    self._send(404, {"error": "bad_control", "error_description": str(exc)})
                    return
                self._send(200, {"ok": True})

            def _send(self, status: int, body: object) -> None:
                data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
                self.send_response(status)
                kind = "text/plain" if isinstance(body, str) and not body.startswith("{") else "application/json"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _record(self, request: RecordedRequest) -> int:
        with self._lock:
            self.requests.append(request)
            return len(self.requests) - 1

    def _answered(self, index: int, status: int) -> None:
        with self._lock:
            request = self.requests[index]
            self.requests[index] = RecordedRequest(
                request.time, request.method, request.path, request.headers, request.form, status
            )

    def _take_hang(self) -> bool:
        with self._lock:
            if self.hang_polls > 0:
                self.hang_polls -= 1
                return True
            return False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--interval", type=float, default=1)
    parser.add_argument("--expires-in", type=float, default=600)
    parser.add_argument("--mode", choices=sorted(MODES), default="pending")
    args = parser.parse_args(argv)
    server = DeviceServer(interval=args.interval, expires_in=args.expires_in, port=args.port)
    server.set_mode(args.mode)
    print(f"listening on {server.url}", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


if __name__ == "__main__":
    main()

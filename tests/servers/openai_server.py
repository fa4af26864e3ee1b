"""A real OpenAI-compatible server on 127.0.0.1 for provider checks, the CLI and interop tests.

Answers `GET {prefix}/models`, `POST {prefix}/chat/completions` (plain JSON, or with `stream: true` SSE
chunks `data: {...chat.completion.chunk...}` ending with `data: [DONE]`, which the `qwen` CLI requires)
and OpenRouter's `GET {prefix}/key`. Every request is recorded with its headers (Authorization included,
for interop tests) and JSON body. Anything outside the prefix is a 404, like a base URL missing `/v1`.

Faults (`mode`): "normal", "400" (a refusal in the provider's words), "403" (a key the server knows but refuses,
as DashScope does for another region's key or OpenAI for an unsupported country), "429", "500", "slow" (sleeps
`slow_seconds`, longer than the client's timeout), "malformed" (200 with a body that is not JSON);
`fault_message` replaces the error message of "400"/"429"/"500". A wrong key is a 401; `key=None` makes the
server keyless. `tls=True` serves HTTPS with a certificate from a `trustme` CA written to `ca_path`
(point SSL_CERT_FILE at it to trust it).

In-process: `OpenAIServer(key="sk-…").start()`, `.url` is the base URL (with the prefix), `.stop()`.
Standalone: `python -m tests.servers.openai_server --port N --key K [--keyless] [--tls] [--mode M]`;
prints `listening on <base url>` (and `ca <path>` with --tls); `POST /_control/mode?name=M` and
`GET /_control/requests` control it over HTTP.
"""

from __future__ import annotations

import argparse
import json
import ssl
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

MODES = ("normal", "400", "403", "429", "500", "slow", "malformed")
DEFAULT_MODELS = ("qwen3-coder-plus", "qwen3-coder-flash")


@dataclass(frozen=True)
class RecordedRequest:
    time: float                 # time.monotonic() at arrival
    method: str
    path: str
    headers: dict[str, str]     # lower-cased names
    body: Any                   # parsed JSON, the raw text when not JSON, None when empty


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    tls_context: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls_context is not None:
            try:  # the handshake runs in the request's thread, so a client that rejects it blocks nothing
                request = self.tls_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up (timeouts in tests) are expected; keep test output clean


class OpenAIServer:
    def __init__(
        self, key: str | None = "sk-test-server-0123456789abcdef", *, prefix: str = "/v1",
        models: tuple[str, ...] = DEFAULT_MODELS, mode: str = "normal", tls: bool = False,
        slow_seconds: float = 5.0, port: int = 0, reply: str = "pong",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        self.key = key
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.models = list(models)
        self.mode = mode
        self.slow_seconds = slow_seconds
        self.reply = reply
        self.fault_message: str | None = None   # the error message of "400"/"429"/"500" answers
        self.requests: list[RecordedRequest] = []
        self.ca_path: Path | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _HTTPServer(("127.0.0.1", port), _handler_for(self))
        self._thread: threading.Thread | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if tls:
            self._enable_tls()

    def _enable_tls(self) -> None:
        import trustme

        ca = trustme.CA()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._httpd.tls_context = context
        self._tmp = tempfile.TemporaryDirectory(prefix="openai-server-ca-")
        self.ca_path = Path(self._tmp.name) / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_path))

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def origin(self) -> str:
        scheme = "https" if self._httpd.tls_context is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The base URL a client is configured with (origin + prefix)."""
        return self.origin + self.prefix

    def start(self) -> OpenAIServer:
        # A short poll interval: stop() waits for it, and tests stop a server each.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True, name="openai-server")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes "slow" handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def requests_to(self, suffix: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.split("?")[0] == self.prefix + suffix]

    def sleep(self) -> None:
        self._stopping.wait(self.slow_seconds)

    # --- answers (status, JSON body or None for a stream) ---------------------------------------------

    def answer(self, method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        route = path.split("?")[0]
        if self.prefix and not (route == self.prefix or route.startswith(self.prefix + "/")):
            return 404, _error("Not Found", "not_found")
        route = route[len(self.prefix):]
        if self.key is not None and headers.get("authorization") != f"Bearer {self.key}":
            # Like OpenAI, never echo the key that was sent.
            return 401, _error("Incorrect API key provided.", "invalid_api_key")
        if self.mode == "400":
            return 400, _error(self.fault_message or "Bad request.", "invalid_request_error")
        if self.mode == "403":
            return 403, _error("You are not allowed to access this resource.", "access_denied")
        if self.mode == "429":
            return 429, _error(self.fault_message or "Rate limit reached.", "rate_limit_exceeded")
        if self.mode == "500":
            return 500, _error(self.fault_message or "The server had an error while processing your request.",
                               "server_error")
        if method == "GET" and route == "/models":
            return 200, {"object": "list", "data": [
                {"id": model, "object": "model", "created": 0, "owned_by": "test"} for model in self.models
            ]}
        if method == "GET" and route == "/key":
            return 200, {"data": {"label": "test key", "limit": None, "usage": 0, "is_free_tier": False}}
        if method == "POST" and route == "/chat/completions":
            if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
                return 400, _error("'messages' is required.", "invalid_request_error")
            if body.get("model") not in self.models:
                return 404, _error(f"The model `{body.get('model')}` does not exist.", "model_not_found")
            return 200, None if body.get("stream") else _completion(body["model"], self.reply)
        return 404, _error(f"Unknown endpoint {method} {route}.", "not_found")


def _error(message: str, code: str) -> dict:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


def _completion(model: str, reply: str) -> dict:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunks(model: str, reply: str) -> list[dict]:
    def chunk(delta: dict, finish: str | None) -> dict:
        return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    return [chunk({"role": "assistant", "content": ""}, None), chunk({"content": reply}, None), chunk({}, "stop")]


def _handler_for(server: OpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            if self.path.startswith("/_control/"):
                self._control(method)
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            server.record(RecordedRequest(time.monotonic(), method, self.path, headers, body))
            if server.mode == "slow":
                server.sleep()
            status, answer = server.answer(method, self.path, headers, body)
            if status == 200 and server.mode == "malformed":
                self._send(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
            elif status == 200 and answer is None:
                self._stream(body["model"])
            else:
                self._send(status, json.dumps(answer).encode(), "application/json")

        def _stream(self, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in _chunks(model, server.reply):
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _send(self, status: int, data: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _control(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if method == "POST" and parts.path == "/_control/mode" and query.get("name") in MODES:
                server.mode = query["name"]
                self._send(200, b"{}", "application/json")
            elif method == "GET" and parts.path == "/_control/requests":
                with server._lock:
                    data = [asdict(r) for r in server.requests]
                self._send(200, json.dumps(data).encode(), "application/json")
            else:
                self._send(404, json.dumps(_error("unknown control", "not_found")).encode(), "application/json")

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default="sk-test-server-0123456789abcdef")
    parser.add_argument("--keyless", action="store_true")
    parser.add_argument("--prefix", default="/v1")
    parser.add_argument("--model", action="append", dest="models")
    parser.add_argument("--mode", choices=MODES, default="normal")
    parser.add_argument("--tls", action="store_true")
    args = parser.parse_args(argv)
    server = OpenAIServer(None if args.keyless else args.key, prefix=args.prefix, mode=args.mode, tls=args.tls,
                          port=args.port, models=tuple(args.models or DEFAULT_MODELS))
    print(f"listening on {server.url}", flush=True)
    if server.ca_path is not None:
        print(f"ca {server.ca_path}", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()

"""Real loopback servers speaking Anthropic's and Google Gemini's own API dialects.

AnthropicServer: `GET /v1/models` and `POST /v1/messages` (plain JSON, or with `stream: true` the Messages
API's SSE events: message_start, content_block_start, content_block_delta, content_block_stop, message_delta,
message_stop). Its `url` is the root, as Anthropic's SDK takes it (it appends /v1/messages). The key travels in
`x-api-key`, or as `Authorization: Bearer` (qwen 0.24.4 sends it so to every host but Anthropic's own:
anthropicContentGenerator's `useProxyIdentity`), with an `anthropic-version` header; a wrong or missing one is
a 401 in Anthropic's error shape.

GeminiServer: `GET /v1beta/models` with the key in `x-goog-api-key`; a wrong key is Google's 400 with reason
API_KEY_INVALID (Google does not answer 401 for a bad key).

Every request is recorded with its lower-cased headers and JSON body. `with Server(key=…) as s:`; `s.url`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class _Base:
    prefix = ""

    def __init__(self, key: str, models: tuple[str, ...], reply: str = "pong") -> None:
        self.key = key
        self.models = list(models)
        self.reply = reply
        self.requests: list[Recorded] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{self.prefix}"

    def __enter__(self) -> _Base:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def requests_to(self, suffix: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.split("?")[0].endswith(suffix)]

    def answer(self, handler: BaseHTTPRequestHandler, method: str, path: str, body: Any) -> None:
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                headers = {name.lower(): value for name, value in self.headers.items()}
                server.requests.append(Recorded(method, self.path, headers, body))
                server.answer(self, method, self.path.split("?")[0], body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

        return Handler


def send_json(handler: BaseHTTPRequestHandler, status: int, data: Any) -> None:
    payload = json.dumps(data).encode()
    handler.send_response(status)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


class AnthropicServer(_Base):

    def __init__(self, key: str = "sk-ant-test-0123456789abcdef",
                 models: tuple[str, ...] = ("claude-test-1", "claude-test-2"), reply: str = "pong") -> None:
        super().__init__(key, models, reply)

    def answer(self, handler: BaseHTTPRequestHandler, method: str, path: str, body: Any) -> None:
        headers = {name.lower(): value for name, value in handler.headers.items()}
        keys = (headers.get("x-api-key"), headers.get("authorization", "").removeprefix("Bearer "))
        if not path.startswith("/v1/"):
            send_json(handler, 404, {"type": "error", "error": {"type": "not_found_error", "message": "Not found"}})
        elif self.key not in keys or not headers.get("anthropic-version"):
            send_json(handler, 401, {"type": "error",
                                     "error": {"type": "authentication_error", "message": "invalid x-api-key"}})
        elif method == "GET" and path == "/v1/models":
            send_json(handler, 200, {"data": [{"type": "model", "id": m, "display_name": m} for m in self.models],
                                     "has_more": False})
        elif method == "POST" and path == "/v1/messages":
            self._messages(handler, body if isinstance(body, dict) else {})
        else:
            send_json(handler, 404, {"type": "error", "error": {"type": "not_found_error", "message": path}})

    def _messages(self, handler: BaseHTTPRequestHandler, body: dict) -> None:
        model = body.get("model", self.models[0])
        message = {"id": "msg_test", "type": "message", "role": "assistant", "model": model, "content": [],
                   "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 3, "output_tokens": 0}}
        if not body.get("stream"):
            done = {**message, "content": [{"type": "text", "text": self.reply}], "stop_reason": "end_turn",
                    "usage": {"input_tokens": 3, "output_tokens": 1}}
            send_json(handler, 200, done)
            return
        events = [
            ("message_start", {"type": "message_start", "message": message}),
            ("content_block_start", {"type": "content_block_start", "index": 0,
                                     "content_block": {"type": "text", "text": ""}}),
            ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                     "delta": {"type": "text_delta", "text": self.reply}}),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                               "usage": {"output_tokens": 1}}),
            ("message_stop", {"type": "message_stop"}),
        ]
        stream = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events).encode()
        handler.send_response(200)
        handler.send_header("content-type", "text/event-stream")
        handler.send_header("content-length", str(len(stream)))
        handler.end_headers()
        handler.wfile.write(stream)


class GeminiServer(_Base):
    def __init__(self, key: str = "AIza-test-0123456789abcdef",
                 models: tuple[str, ...] = ("gemini-test-pro",)) -> None:
        super().__init__(key, models)

    def answer(self, handler: BaseHTTPRequestHandler, method: str, path: str, body: Any) -> None:
        headers = {name.lower(): value for name, value in handler.headers.items()}
        if headers.get("x-goog-api-key") != self.key:
            invalid = "API key not valid. Please pass a valid API key."
            send_json(handler, 400, {"error": {"code": 400, "message": invalid, "status": "INVALID_ARGUMENT",
                                               "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                                            "reason": "API_KEY_INVALID"}]}})
        elif method == "GET" and path == "/v1beta/models":
            send_json(handler, 200, {"models": [{"name": f"models/{m}", "displayName": m} for m in self.models]})
        else:
            send_json(handler, 404, {"error": {"code": 404, "message": f"{path} not found", "status": "NOT_FOUND"}})

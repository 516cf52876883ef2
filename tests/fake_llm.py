"""A fake OpenAI-compatible chat endpoint for the tests: a real HTTP server on 127.0.0.1, in a thread.

It answers each POST with the next entry of `script`, then with "normal" once the script is used up. An
entry is a mode name (a key of MODES: every way an endpoint misbehaved when issue 11 probed the app) or a
`Reply` for anything else. Every request is recorded, so tests bound behaviour by counting what reached
the server rather than by timing it.
"""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NORMAL_TEXT = "A calm lo-fi piece with a mellow piano."
SCRIPT_TEXT = "<script>alert('xss')</script>A calm piece.<img src=x onerror=alert(1)> <b>Slow</b> piano."
HUGE_CHARS = 9_000_000  # the size of the reply that reached the browser in the probe
HTML_PAGE = b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>"  # a proxy's page
HANG_SECONDS = 60.0  # longer than any timeout the tests set; closing the server ends a hang early


def completion(text: str) -> dict:
    """A chat completion as OpenAI sends it, with `text` as the reply."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def error_body(message: str) -> dict:
    return {"error": {"message": message, "type": "invalid_request_error", "code": None}}


@dataclass
class Reply:
    """One answer: status, body (a dict is sent as JSON), content type; `hang` sends nothing at all."""

    status: int = 200
    body: dict | bytes = b""
    content_type: str = "application/json"
    hang: bool = False


# Built on demand: the huge reply is 9 MB.
MODES: dict[str, Callable[[], Reply]] = {
    "normal": lambda: Reply(200, completion(NORMAL_TEXT)),
    "429": lambda: Reply(429, error_body("Rate limit reached; slow down.")),
    "500": lambda: Reply(500, error_body("The server had an error while processing your request.")),
    "hang": lambda: Reply(hang=True),
    "malformed": lambda: Reply(200, b'{"id": "chatcmpl-test", "choices": [{"message": {"content": "Unterm'),
    "html": lambda: Reply(200, HTML_PAGE, "text/html"),
    "no_choices": lambda: Reply(200, {"id": "chatcmpl-test", "object": "chat.completion", "model": "m"}),
    "huge": lambda: Reply(200, completion("la " * (HUGE_CHARS // 3))),
    "script": lambda: Reply(200, completion(SCRIPT_TEXT)),
}


class FakeLLM:
    """The server; `url` is its base URL (what OPENAI_BASE_URL is set to), `requests` what it received."""

    def __init__(self):
        self.script: list[str | Reply] = []
        self.requests: list[dict] = []
        self._arrived = threading.Condition()
        self._closing = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> bool:
        """Block until `count` requests have arrived (or `timeout` s passed); whether they did."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)

    def close(self) -> None:
        self._closing.set()  # ends the hangs, so shutdown does not wait for them
        self.server.shutdown()
        self.server.server_close()

    def _next_reply(self, request: dict) -> Reply:
        with self._arrived:
            self.requests.append(request)
            entry = self.script.pop(0) if self.script else "normal"
            self._arrived.notify_all()
        return MODES[entry]() if isinstance(entry, str) else entry

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                reply = fake._next_reply(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                if reply.hang:
                    fake._closing.wait(HANG_SECONDS)
                    return  # the connection closes without an answer
                payload = json.dumps(reply.body).encode() if isinstance(reply.body, dict) else reply.body
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", reply.content_type)
                    self.send_header("content-length", str(len(payload)))
                    self.send_header("retry-after-ms", "10")  # keeps the client's retry pauses short
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up

            def log_message(self, *args):
                pass

        return Handler

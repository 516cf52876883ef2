"""The OpenAI-compatible backend, with the real `openai` client against a local HTTP server."""

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lpmc import settings
from lpmc.errors import BackendError
from lpmc.text import tags_to_caption
from lpmc.text.cli import run_batch
from lpmc.text.llm import parse_json_reply, read_attribute_reply

SECRET = "sk-test-DO-NOT-SHOW-1234567890abcdef"
TAGS = ["lo-fi", "mellow piano", "rainy night", "slow tempo"]


def completion(text: str) -> dict:
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


class FakeEndpoint:
    """An OpenAI-compatible server on 127.0.0.1 that plays scripted replies (status, body, delay): each
    reply waits `delay` seconds, or until `release` is set; `replies` counts the replies it began to send."""

    def __init__(self):
        self.script: list[tuple[int, dict, float]] = []
        self.requests: list[dict] = []
        self.release = threading.Event()
        self.replies = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                endpoint.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                status, body, delay = (
                    endpoint.script.pop(0) if endpoint.script else (200, completion("ok"), 0)
                )
                endpoint.release.wait(delay)
                endpoint.replies += 1
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.send_header("retry-after-ms", "10")  # keeps the client's retry backoff short
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self):
        self.release.set()  # a reply still held ends now
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint(monkeypatch):
    server = FakeEndpoint()
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("LPMC_LLM_MODEL", "test-model")
    monkeypatch.setattr(settings, "LLM_MAX_RETRIES", 1)
    monkeypatch.setattr(settings, "LLM_TIMEOUT_SECONDS", 5.0)
    yield server
    server.close()


def test_success_sends_prompt_model_and_key(endpoint):
    endpoint.script = [(200, completion("A calm lo-fi piece with a mellow piano."), 0)]
    caption = tags_to_caption(TAGS, "writing", "openai")
    assert caption.text == "A calm lo-fi piece with a mellow piano."
    assert caption.backend == "llm-endpoint" and caption.note == ""
    assert "test-model" in caption.model and endpoint.url in caption.model
    request = endpoint.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "test-model"
    assert request["headers"]["authorization"] == f"Bearer {SECRET}"
    assert request["body"]["messages"][1]["content"] in caption.prompt
    assert SECRET not in caption.prompt


def test_auto_uses_a_configured_endpoint(endpoint):
    endpoint.script = [(200, completion("Rainy-night lo-fi."), 0)]
    caption = tags_to_caption(TAGS)
    assert (caption.backend, caption.text, caption.note) == ("llm-endpoint", "Rainy-night lo-fi.", "")


def test_401_is_not_retried_and_never_shows_the_key(endpoint, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    endpoint.script = [(401, error_body(f"Incorrect API key provided: {SECRET}"), 0)]
    with pytest.raises(BackendError, match="rejected the API key") as raised:
        tags_to_caption(TAGS, "writing", "openai")
    assert len(endpoint.requests) == 1
    assert SECRET not in str(raised.value)
    endpoint.script = [(401, error_body(f"Incorrect API key provided: {SECRET}"), 0)]
    caption = tags_to_caption(TAGS, "writing", "auto")  # auto falls back and says why
    assert caption.backend == "tag-writer" and "rejected the API key" in caption.note
    assert SECRET not in caption.note + caption.text + caption.prompt
    assert SECRET not in caplog.text and SECRET not in "".join(capsys.readouterr())


def test_400_is_not_retried_and_quotes_the_server(endpoint):
    endpoint.script = [(400, error_body("model 'test-model' does not support max_tokens"), 0)]
    with pytest.raises(
        BackendError, match=r"rejected the request \(400\): model 'test-model' does not support"
    ):
        tags_to_caption(TAGS, "writing", "openai")
    assert len(endpoint.requests) == 1


def test_429_is_retried_then_succeeds(endpoint):
    endpoint.script = [(429, error_body("slow down"), 0), (200, completion("After a pause."), 0)]
    assert tags_to_caption(TAGS, "summary", "openai").text == "After a pause."
    assert len(endpoint.requests) == 2


def test_429_every_time_says_rate_limited(endpoint):
    endpoint.script = [(429, error_body("slow down"), 0)] * 2
    with pytest.raises(BackendError, match="rate-limiting"):
        tags_to_caption(TAGS, "writing", "openai")
    assert len(endpoint.requests) == 2  # one try + LLM_MAX_RETRIES


def test_500_is_retried_then_reported(endpoint):
    endpoint.script = [(500, error_body("boom"), 0)] * 2
    with pytest.raises(BackendError, match=r"server error \(500\) after 1 retries"):
        tags_to_caption(TAGS, "writing", "openai")
    assert len(endpoint.requests) == 2


def test_slow_answer_times_out(endpoint, monkeypatch):
    monkeypatch.setattr(settings, "LLM_TIMEOUT_SECONDS", 0.3)
    monkeypatch.setattr(settings, "LLM_MAX_RETRIES", 0)
    endpoint.script = [(200, completion("too late"), 30)]  # held until the test ends (30 s at most)
    with pytest.raises(BackendError, match=r"did not answer within 0.3 s"):
        tags_to_caption(TAGS, "writing", "openai")
    assert endpoint.replies == 0  # the client gave up before any answer came
    assert len(endpoint.requests) == 1  # and did not try again (no retries allowed)


def test_connection_refused(monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nothing listens there
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr(settings, "LLM_MAX_RETRIES", 0)
    with pytest.raises(BackendError, match="Cannot connect to the LLM endpoint"):
        tags_to_caption(TAGS, "writing", "openai")
    caption = tags_to_caption(TAGS)
    assert caption.backend == "tag-writer" and "Cannot connect" in caption.note and caption.text


def test_attribute_prediction_reads_json_in_a_code_fence(endpoint):
    answer = '{"new_attributes": ["vinyl crackle", "jazzy chords"], "description": "A lo-fi beat."}'
    reply = f"Sure!\n```json\n{answer}\n```"
    endpoint.script = [(200, completion(reply), 0)]
    caption = tags_to_caption(TAGS, "attribute_prediction", "openai")
    assert caption.new_attributes == ["vinyl crackle", "jazzy chords"]
    assert caption.text == "A lo-fi beat." and caption.raw == "" and caption.warnings == []
    assert "JSON" in endpoint.requests[0]["body"]["messages"][1]["content"]


def test_attribute_prediction_junk_is_reported_with_the_raw_text(endpoint):
    endpoint.script = [(200, completion("I think it would also be jazzy, maybe {broken"), 0)]
    caption = tags_to_caption(TAGS, "attribute_prediction", "openai")
    assert caption.new_attributes == []
    assert caption.raw == "I think it would also be jazzy, maybe {broken"
    assert any("did not answer with the JSON" in warning for warning in caption.warnings)


def test_batch_cli_with_endpoint_keeps_going_after_a_bad_line(endpoint, capsys):
    endpoint.script = [(200, completion("First."), 0), (200, completion("Third."), 0)]
    lines = [
        '{"id": "a", "tags": ["rock"]}',
        '{"id": "b", "tags": []}',
        "not json",
        '{"id": "c", "tags": "pop, sad"}',
    ]
    assert run_batch(lines, "writing", "openai") == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out[0] == {"id": "a", "caption": "First.", "backend": "llm-endpoint"}
    assert out[1]["id"] == "b" and "at least one tag" in out[1]["error"]
    assert "not valid JSON" in out[2]["error"]
    assert out[3] == {"id": "c", "caption": "Third.", "backend": "llm-endpoint"}


@pytest.mark.parametrize(
    "reply, expected",
    [
        ('{"new_attributes": ["a"], "description": "d"}', (["a"], "d")),
        ("Here you go: {'new_attributes': ['a', 'b'], 'description': 'd'} Hope it helps!", (["a", "b"], "d")),
        ('```\n{"new_attributes": "a, b", "description": "d"}\n```', (["a", "b"], "d")),
        ('{"new_attributes": [], "description": ""}', None),
        ("no json at all", None),
        ("{'description': __import__('os').system('echo pwned')}", None),  # never evaluated
    ],
)
def test_attribute_reply_parsing(reply, expected):
    assert read_attribute_reply(reply) == expected


def test_parse_json_reply_ignores_lists():
    assert parse_json_reply("[1, 2]") is None

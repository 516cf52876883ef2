"""The OpenAI-compatible backend, with the real `openai` client against a local HTTP server."""

import json
import logging
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from lpmc import settings
from lpmc.errors import BackendError
from lpmc.text import llm, tags_to_caption
from lpmc.text.cli import run_batch
from lpmc.text.llm import OpenAIChat, parse_json_reply, read_attribute_reply
from tests.fake_llm import NORMAL_TEXT, FakeLLM, Reply, completion, error_body

SECRET = "sk-test-DO-NOT-SHOW-1234567890abcdef"
TAGS = ["lo-fi", "mellow piano", "rainy night", "slow tempo"]


@pytest.fixture
def endpoint(monkeypatch):
    server = FakeLLM()
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("LPMC_LLM_MODEL", "test-model")
    monkeypatch.setenv("LPMC_LLM_RETRIES", str(1))
    monkeypatch.setenv("LPMC_LLM_TIMEOUT", str(5.0))
    yield server
    server.close()


def test_success_sends_prompt_model_and_key(endpoint):
    endpoint.script = [Reply(200, completion("A calm lo-fi piece with a mellow piano."))]
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
    endpoint.script = [Reply(200, completion("Rainy-night lo-fi."))]
    caption = tags_to_caption(TAGS)
    assert (caption.backend, caption.text, caption.note) == ("llm-endpoint", "Rainy-night lo-fi.", "")


def test_401_is_not_retried_and_never_shows_the_key(endpoint, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    endpoint.script = [Reply(401, error_body(f"Incorrect API key provided: {SECRET}"))]
    with pytest.raises(BackendError, match="rejected the API key") as raised:
        tags_to_caption(TAGS, "writing", "openai")
    assert len(endpoint.requests) == 1
    assert SECRET not in str(raised.value)
    endpoint.script = [Reply(401, error_body(f"Incorrect API key provided: {SECRET}"))]
    caption = tags_to_caption(TAGS, "writing", "auto")  # auto falls back and says why
    assert caption.backend == "tag-writer" and "rejected the API key" in caption.note
    assert SECRET not in caption.note + caption.text + caption.prompt
    assert SECRET not in caplog.text and SECRET not in "".join(capsys.readouterr())


def test_400_is_not_retried_and_quotes_the_server(endpoint):
    endpoint.script = [Reply(400, error_body("model 'test-model' does not support max_tokens"))]
    with pytest.raises(
        BackendError, match=r"rejected the request \(400\): model 'test-model' does not support"
    ):
        tags_to_caption(TAGS, "writing", "openai")
    assert len(endpoint.requests) == 1


def test_429_is_retried_then_succeeds(endpoint):
    endpoint.script = [Reply(429, error_body("slow down")), Reply(200, completion("After a pause."))]
    assert tags_to_caption(TAGS, "summary", "openai").text == "After a pause."
    assert len(endpoint.requests) == 2


def test_429_every_time_says_rate_limited(endpoint):
    endpoint.script = [Reply(429, error_body("slow down"))] * 2
    with pytest.raises(BackendError, match="rate-limiting"):
        tags_to_caption(TAGS, "writing", "openai")
    assert len(endpoint.requests) == 2  # one try + LLM_MAX_RETRIES


def test_500_is_retried_then_reported(endpoint):
    endpoint.script = [Reply(500, error_body("boom"))] * 2
    with pytest.raises(BackendError, match=r"server error \(500\) after 1 retries"):
        tags_to_caption(TAGS, "writing", "openai")
    assert len(endpoint.requests) == 2


# OpenAIChat.complete against every way the fake endpoint misbehaves

MESSAGES = [{"role": "system", "content": "You write captions."}, {"role": "user", "content": "lo-fi, piano"}]
TIMEOUT = 1.0  # LPMC_LLM_TIMEOUT in the tests that hang
BOUND = 15 * TIMEOUT  # catches a hang, not a speed: what the deadline does is asserted by counting requests


def within(seconds: float, function, *args):
    """function(*args), failing the test with TimeoutError when it has not returned within `seconds`."""
    pool = ThreadPoolExecutor(1)
    try:
        return pool.submit(function, *args).result(timeout=seconds)
    finally:
        pool.shutdown(wait=False)


def test_a_normal_answer_asks_for_capped_tokens(endpoint):
    assert OpenAIChat().complete(MESSAGES) == NORMAL_TEXT
    body = endpoint.requests[0]["body"]
    assert body["messages"] == MESSAGES and body["max_tokens"] == settings.llm_max_tokens() == 400


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("malformed", "that is not valid JSON"),
        ("html", "with an HTML page instead of JSON"),
        ("no_choices", "without a reply in it"),
        ("huge", "longer than 1000000 bytes"),
    ],
)
def test_a_bad_200_answer_is_one_sentence_and_not_retried(endpoint, mode, says):
    endpoint.script = [mode]
    with pytest.raises(BackendError) as raised:
        OpenAIChat().complete(MESSAGES)
    message = str(raised.value)
    assert says in message and endpoint.url in message
    assert message.endswith(".") and "\n" not in message and len(message) < 300
    assert len(endpoint.requests) == 1


@pytest.mark.parametrize("mode", ["malformed", "html", "no_choices", "huge", "hang"])
def test_auto_falls_back_to_the_builtin_writer(endpoint, monkeypatch, mode):
    monkeypatch.setenv("LPMC_LLM_TIMEOUT", str(TIMEOUT))
    endpoint.script = [mode]
    caption = tags_to_caption(TAGS)
    assert caption.backend == "tag-writer" and caption.text and caption.note


def test_a_long_answer_is_cut_with_a_warning(endpoint, caplog):
    endpoint.script = [Reply(200, completion("la " * 20_000))]
    with caplog.at_level(logging.WARNING, logger="lpmc.text.llm"):
        text = OpenAIChat().complete(MESSAGES)
    assert len(text) <= llm.MAX_REPLY_CHARS and text.startswith("la la") and text.endswith("…")
    assert f"kept the first {llm.MAX_REPLY_CHARS}" in caplog.text


def test_markup_is_removed_from_answers(endpoint):
    endpoint.script = ["script"]
    assert OpenAIChat().complete(MESSAGES) == "A calm piece. Slow piano."
    endpoint.script = [Reply(200, completion("Tempo < 90 bpm, <script>alert(1)"))]  # unclosed: cut off
    assert OpenAIChat().complete(MESSAGES) == "Tempo < 90 bpm,"


def test_429_and_500_are_retried_within_the_timeout(endpoint, monkeypatch):
    monkeypatch.setenv("LPMC_LLM_RETRIES", str(2))
    endpoint.script = ["429", "500"]
    assert OpenAIChat().complete(MESSAGES) == NORMAL_TEXT
    assert len(endpoint.requests) == 3


def test_a_hung_endpoint_is_given_up_at_the_timeout_retries_included(endpoint, monkeypatch):
    monkeypatch.setenv("LPMC_LLM_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("LPMC_LLM_RETRIES", str(2))
    endpoint.script = ["hang"] * 3
    with pytest.raises(BackendError, match=r"did not answer within 1 s"):
        within(BOUND, OpenAIChat().complete, MESSAGES)
    assert len(endpoint.requests) == 1  # no time was left to retry (it was 3 tries of 30 s each)


def test_retries_stop_at_the_timeout(endpoint, monkeypatch):
    monkeypatch.setenv("LPMC_LLM_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("LPMC_LLM_RETRIES", str(1000))
    endpoint.script = ["500"] * 1001
    # Which sentence depends on where the deadline falls: between tries, or during one on a busy machine.
    with pytest.raises(
        BackendError, match=r"server error \(500\) after \d+ retries|did not answer within 1 s"
    ):
        within(BOUND, OpenAIChat().complete, MESSAGES)
    assert len(endpoint.requests) < 1001


def test_hung_requests_cannot_starve_other_callers(endpoint, monkeypatch):
    other = FakeLLM()
    monkeypatch.setenv("LPMC_LLM_CONCURRENCY", "2")
    monkeypatch.setenv("LPMC_LLM_RETRIES", str(0))
    monkeypatch.setenv("LPMC_LLM_TIMEOUT", str(30.0))  # the two hung requests hold their slots...
    endpoint.script = ["hang", "hang"]
    pool = ThreadPoolExecutor(2)
    hung = [pool.submit(OpenAIChat().complete, MESSAGES) for _ in range(2)]
    try:
        assert endpoint.wait_for_requests(2)
        monkeypatch.setenv("LPMC_LLM_TIMEOUT", str(TIMEOUT))  # ...longer than a third caller waits
        with pytest.raises(BackendError, match=r"busy.*LPMC_LLM_CONCURRENCY"):
            within(BOUND, OpenAIChat().complete, MESSAGES)
        assert len(endpoint.requests) == 2  # the third caller never reached the hung endpoint
        monkeypatch.setenv("OPENAI_BASE_URL", other.url)  # another endpoint still answers
        assert within(BOUND, OpenAIChat().complete, MESSAGES) == NORMAL_TEXT
    finally:
        endpoint.close()  # ends the hangs
        other.close()
    for future in hung:
        with pytest.raises(BackendError):
            future.result(timeout=BOUND)
    pool.shutdown()


def test_connection_refused(monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nothing listens there
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("LPMC_LLM_RETRIES", str(0))
    with pytest.raises(BackendError, match="Cannot connect to the LLM endpoint"):
        tags_to_caption(TAGS, "writing", "openai")
    caption = tags_to_caption(TAGS)
    assert caption.backend == "tag-writer" and "Cannot connect" in caption.note and caption.text


def test_attribute_prediction_reads_json_in_a_code_fence(endpoint):
    answer = '{"new_attributes": ["vinyl crackle", "jazzy chords"], "description": "A lo-fi beat."}'
    reply = f"Sure!\n```json\n{answer}\n```"
    endpoint.script = [Reply(200, completion(reply))]
    caption = tags_to_caption(TAGS, "attribute_prediction", "openai")
    assert caption.new_attributes == ["vinyl crackle", "jazzy chords"]
    assert caption.text == "A lo-fi beat." and caption.raw == "" and caption.warnings == []
    assert "JSON" in endpoint.requests[0]["body"]["messages"][1]["content"]


def test_attribute_prediction_junk_is_reported_with_the_raw_text(endpoint):
    endpoint.script = [Reply(200, completion("I think it would also be jazzy, maybe {broken"))]
    caption = tags_to_caption(TAGS, "attribute_prediction", "openai")
    assert caption.new_attributes == []
    assert caption.raw == "I think it would also be jazzy, maybe {broken"
    assert any("did not answer with the JSON" in warning for warning in caption.warnings)


def test_batch_cli_with_endpoint_keeps_going_after_a_bad_line(endpoint, capsys):
    endpoint.script = [Reply(200, completion("First.")), Reply(200, completion("Third."))]
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

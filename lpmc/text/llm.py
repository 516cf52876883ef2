"""Chat with an OpenAI-compatible endpoint (OpenAI, llama.cpp's server, vLLM, Ollama) via the `openai` client.

Configuration is read from the environment at every call, so a user can change it without restarting:
OPENAI_API_KEY, OPENAI_BASE_URL, LPMC_LLM_MODEL; timeout, retries and concurrency come from lpmc.settings.

Every failure is a BackendError with one sentence for the user, so `auto` can fall back to the built-in
writer. LPMC_LLM_TIMEOUT bounds the whole call: waiting for a free slot, every try and the pauses between
them share one deadline. 429 and 5xx answers, timeouts and dropped connections are retried while time
remains (400 and 401 never are). At most LPMC_LLM_CONCURRENCY requests go to one endpoint at a time, so a
hung endpoint cannot hold every caller. Answers are read as raw bytes and checked here, because an HTML
page or broken JSON with status 200 is what proxies and overloaded servers really send. The key is never
logged nor shown: error messages are scrubbed of it.
"""

import ast
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from lpmc import settings
from lpmc.errors import BackendError
from lpmc.tasks import OnText

if TYPE_CHECKING:
    from lpmc.text.chat import ChatCaptioner

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Placeholder key for local servers that need none (the client insists on one).
NO_KEY = "not-needed"
# Longest piece of a server's error text quoted to the user.
MAX_ERROR_CHARS = 300
MAX_REPLY_CHARS = 4000  # kept of a reply (about 2.5x what MAX_REPLY_TOKENS allows); the rest is cut
MAX_RESPONSE_BYTES = 1_000_000  # read of an answer; a longer one is refused (a reply of 400 tokens is ~3 KB)
RETRY_PAUSE_SECONDS = 0.5  # before the first retry, doubling after; a server's Retry-After wins
# A reply is plain text: markup is removed so no page that renders it can run it. Elements whose content
# is code go whole (up to the end of the reply when unclosed); other tags lose only the tag itself.
CODE_ELEMENTS = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"</?[A-Za-z][^>]*>")

# One semaphore per (endpoint URL, limit): requests in flight to that endpoint.
_slots: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def endpoint_url() -> str:
    return settings.env("OPENAI_BASE_URL") or DEFAULT_BASE_URL


def endpoint_name() -> str:
    """'gpt-3.5-turbo at https://api.openai.com/v1': what the UI shows as the model that wrote a caption."""
    return f"{settings.llm_model()} at {endpoint_url()}"


class OpenAIChat:
    """An OpenAI-compatible chat endpoint; `complete(messages)` returns the reply text."""

    @property
    def name(self) -> str:
        return endpoint_name()

    def complete(self, messages: list[dict[str, str]], on_text: OnText = None) -> str:
        """Send chat `messages`; BackendError with a sentence for the user when the endpoint fails, answers
        with anything but a chat completion, or not within LPMC_LLM_TIMEOUT."""
        import openai

        key = settings.env("OPENAI_API_KEY")
        deadline = time.monotonic() + settings.llm_timeout()
        log.info("asking %s", endpoint_name())
        with _endpoint_slot(deadline):
            client = openai.OpenAI(api_key=key or NO_KEY, base_url=endpoint_url(), max_retries=0)
            try:
                body = _ask(client, messages, deadline, key)
            finally:
                client.close()
        text = _clean_reply(_reply_content(body))
        if not text:
            raise BackendError(f"The LLM endpoint ({endpoint_name()}) returned an empty answer.")
        if on_text:
            on_text(text)
        return text


@contextmanager
def _endpoint_slot(deadline: float) -> Iterator[None]:
    """Hold one of the endpoint's LPMC_LLM_CONCURRENCY slots; BackendError when none frees up in time."""
    limit = settings.llm_concurrency()
    with _slots_lock:
        slot = _slots.setdefault((endpoint_url(), limit), threading.BoundedSemaphore(limit))
    if not slot.acquire(timeout=max(0.0, deadline - time.monotonic())):
        raise BackendError(
            f"The LLM endpoint ({endpoint_name()}) is busy with {limit} unfinished requests "
            "(LPMC_LLM_CONCURRENCY); try again in a moment."
        )
    try:
        yield
    finally:
        slot.release()


def _ask(client, messages: list[dict[str, str]], deadline: float, key: str) -> bytes:
    """The raw body of the endpoint's answer, retrying what may pass while the deadline allows."""
    import openai

    # What may pass: a timeout, a dropped connection, 429, 5xx. Never 400 or 401.
    transient = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)
    retries = 0
    while True:
        try:
            return _post(client, messages, deadline)
        except openai.APIError as error:
            pause = _retry_pause(error, retries)
            retry = isinstance(error, transient) and retries < settings.llm_retries()
            if not retry or time.monotonic() + pause >= deadline:
                raise BackendError(_explain(error, key, retries)) from None
        time.sleep(pause)
        retries += 1


def _post(client, messages: list[dict[str, str]], deadline: float) -> bytes:
    """One try: POST the chat request and read the answer's bytes. The request's timeout is what is left
    of the deadline and reading stops once it passes, so a try ends by the deadline, or one stalled read
    later (twice LPMC_LLM_TIMEOUT at the very worst)."""
    import httpx2  # the openai client's transport: reading a streamed body raises its errors
    import openai

    with client.chat.completions.with_streaming_response.create(
        model=settings.llm_model(),
        messages=messages,
        temperature=0,
        max_tokens=settings.llm_max_tokens(),
        timeout=max(deadline - time.monotonic(), 0.001),
    ) as response:
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise BackendError(
                        f"The LLM endpoint ({endpoint_name()}) sent an answer longer than "
                        f"{MAX_RESPONSE_BYTES} bytes; it should honour max_tokens."
                    )
                if time.monotonic() > deadline:
                    raise openai.APITimeoutError(request=response.http_response.request)
        except httpx2.TimeoutException:
            raise openai.APITimeoutError(request=response.http_response.request) from None
        except httpx2.HTTPError:
            raise openai.APIConnectionError(request=response.http_response.request) from None
    return bytes(body)


def _retry_pause(error: Exception, retries: int) -> float:
    """Seconds to wait before retrying: the server's Retry-After when it sends one, else a doubling pause."""
    response = getattr(error, "response", None)
    headers = response.headers if response is not None else {}
    for name, seconds_per_unit in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return max(0.0, float(headers[name]) * seconds_per_unit)
        except (KeyError, ValueError):  # absent, or an HTTP date: use the next rule
            continue
    return RETRY_PAUSE_SECONDS * 2**retries


def _reply_content(body: bytes) -> str:
    """choices[0].message.content of a chat completion; BackendError for anything else."""
    where = endpoint_name()
    try:
        answer = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        if body.lstrip()[:1] == b"<":
            raise BackendError(
                f"The LLM endpoint ({where}) answered with an HTML page instead of JSON; check that "
                "OPENAI_BASE_URL points at the API (it usually ends in /v1)."
            ) from None
        raise BackendError(f"The LLM endpoint ({where}) sent an answer that is not valid JSON.") from None
    content = answer
    for key in ("choices", 0, "message", "content"):
        try:
            content = content[key]
        except (KeyError, IndexError, TypeError):
            raise BackendError(
                f"The LLM endpoint ({where}) answered without a reply in it (no choices[0].message.content)."
            ) from None
    if not isinstance(content, str):
        raise BackendError(f"The LLM endpoint ({where}) answered with a reply that is not text.")
    return content


def _clean_reply(text: str) -> str:
    """The reply as plain text of at most MAX_REPLY_CHARS (cut first, so markup removal stays cheap)."""
    if len(text) > MAX_REPLY_CHARS:
        log.warning(
            "the LLM endpoint's answer had %d characters; kept the first %d", len(text), MAX_REPLY_CHARS
        )
        text = text[: MAX_REPLY_CHARS - 1].rstrip() + "…"
    return TAG.sub("", CODE_ELEMENTS.sub("", text)).strip()


def load_openai_chat(files: dict) -> "ChatCaptioner":
    """Registry loader for the endpoint (it has no files; configuration is read on every call)."""
    from lpmc.text.chat import ChatCaptioner

    return ChatCaptioner(OpenAIChat())


# What to tell the user for each `openai` error class, most specific first. Fields: where (model and URL),
# timeout, retries, status (HTTP code) and server (the server's own message).
ERROR_MESSAGES = (
    (
        "APITimeoutError",
        "The LLM endpoint ({where}) did not answer within {timeout:g} s (LPMC_LLM_TIMEOUT, retries "
        "included); try again, or raise LPMC_LLM_TIMEOUT.",
    ),
    (
        "APIConnectionError",
        "Cannot connect to the LLM endpoint ({where}); check OPENAI_BASE_URL and that the server is running.",
    ),
    ("AuthenticationError", "The LLM endpoint ({where}) rejected the API key (401); check OPENAI_API_KEY."),
    (
        "PermissionDeniedError",
        "The LLM endpoint ({where}) refused access (403); check the key's permissions.",
    ),
    (
        "NotFoundError",
        "The LLM endpoint ({where}) does not know this model or path (404); check LPMC_LLM_MODEL "
        "and OPENAI_BASE_URL.",
    ),
    (
        "RateLimitError",
        "The LLM endpoint ({where}) is rate-limiting requests (429) and still was after "
        "{retries} retries; wait a moment and try again.",
    ),
    ("BadRequestError", "The LLM endpoint ({where}) rejected the request (400): {server}"),
    (
        "InternalServerError",
        "The LLM endpoint ({where}) had a server error ({status}) after {retries} retries; try again later.",
    ),
    ("APIStatusError", "The LLM endpoint ({where}) answered with an error ({status}): {server}"),
    ("APIError", "The LLM endpoint ({where}) failed: {server}"),
)


def _explain(error: Exception, key: str, retries: int) -> str:
    """A sentence a user can act on, for each way the endpoint can fail (with the key scrubbed out)."""
    import openai

    fields = {
        "where": endpoint_name(),
        "timeout": settings.llm_timeout(),
        "retries": retries,
        "status": getattr(error, "status_code", "?"),
        "server": _server_says(error),
    }
    template = next(text for name, text in ERROR_MESSAGES if isinstance(error, getattr(openai, name)))
    return _scrub(template.format(**fields), key)


def _server_says(error: Exception) -> str:
    body = getattr(error, "body", None)
    text = body.get("message") if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        text = body["error"].get("message")
    return str(text or getattr(error, "message", "") or "no details")[:MAX_ERROR_CHARS]


def _scrub(text: str, key: str) -> str:
    """Remove the API key (and anything shaped like one) from text shown to people."""
    if key:
        text = text.replace(key, "***")
    return re.sub(r"\bsk-[A-Za-z0-9_\-]{8,}", "sk-***", text)


# Structured answers (attribute_prediction)


def parse_json_reply(text: str) -> dict | None:
    """The JSON object in an LLM reply, despite code fences, text around it or single quotes; else None."""
    fenced = re.search(r"```(?:json|JSON)?\s*(.*?)```", text, re.DOTALL)
    body = fenced.group(1) if fenced else text
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        return None
    candidate = body[start : end + 1]
    try:
        value = json.loads(candidate)
    except json.JSONDecodeError:
        # literal_eval reads Python-style dicts ('single quotes', True) and never runs code.
        pythonish = re.sub(
            r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", re.sub(r"\bnull\b", "None", candidate))
        )
        try:
            value = ast.literal_eval(pythonish)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    return value if isinstance(value, dict) else None


def read_attribute_reply(text: str) -> tuple[list[str], str] | None:
    """(new attributes, description) from an attribute_prediction reply, or None when it is not usable."""
    value = parse_json_reply(text)
    if value is None:
        return None
    attributes = value.get("new_attributes", value.get("new attributes", value.get("attributes", [])))
    description = value.get("description", value.get("caption", ""))
    if isinstance(attributes, str):
        attributes = [part.strip() for part in attributes.split(",")]
    if not isinstance(attributes, list) or not isinstance(description, str) or not description.strip():
        return None
    return [str(attribute).strip() for attribute in attributes if str(attribute).strip()], description.strip()

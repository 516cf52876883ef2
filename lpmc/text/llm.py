"""Chat with an OpenAI-compatible endpoint (OpenAI, llama.cpp's server, vLLM, Ollama) via the `openai` client.

Configuration is read from the environment at every call, so a user can change it without restarting:
OPENAI_API_KEY, OPENAI_BASE_URL, LPMC_LLM_MODEL; timeout and retries come from lpmc.settings. The client
retries 429 and 5xx answers, timeouts and dropped connections with exponential backoff, and never retries
400 or 401. The key is never logged nor shown: error messages are scrubbed of it.
"""

import ast
import json
import logging
import re
from typing import TYPE_CHECKING

from lpmc import settings
from lpmc.errors import BackendError
from lpmc.tasks import OnText

if TYPE_CHECKING:
    from lpmc.text.chat import ChatCaptioner

log = logging.getLogger(__name__)

# Placeholder key for local servers that need none (the client insists on one).
NO_KEY = "not-needed"
# Longest piece of a server's error text quoted to the user.
MAX_ERROR_CHARS = 300
MAX_REPLY_TOKENS = 400


def endpoint_configured() -> bool:
    """Whether the user pointed lpmc at an endpoint (OPENAI_API_KEY or OPENAI_BASE_URL is set)."""
    return bool(settings.env("OPENAI_API_KEY") or settings.env("OPENAI_BASE_URL"))


def endpoint_name() -> str:
    """'gpt-3.5-turbo at https://api.openai.com/v1': what the UI shows as the model that wrote a caption."""
    return f"{settings.llm_model()} at {settings.env('OPENAI_BASE_URL') or 'https://api.openai.com/v1'}"


class OpenAIChat:
    """An OpenAI-compatible chat endpoint; `complete(messages)` returns the reply text."""

    @property
    def name(self) -> str:
        return endpoint_name()

    def complete(self, messages: list[dict[str, str]], on_text: OnText = None) -> str:
        """Send chat `messages`; BackendError with a sentence for the user when the endpoint fails."""
        import openai

        key = settings.env("OPENAI_API_KEY")
        client = openai.OpenAI(
            api_key=key or NO_KEY,
            base_url=settings.env("OPENAI_BASE_URL") or None,
            timeout=settings.LLM_TIMEOUT_SECONDS,
            max_retries=settings.LLM_MAX_RETRIES,
        )
        log.info("asking %s", endpoint_name())
        try:
            response = client.chat.completions.create(
                model=settings.llm_model(), messages=messages, temperature=0, max_tokens=MAX_REPLY_TOKENS
            )
        except openai.APIError as error:
            raise BackendError(_explain(error, key)) from None
        finally:
            client.close()
        choices = response.choices or []
        text = (choices[0].message.content or "").strip() if choices else ""
        if not text:
            raise BackendError(f"The LLM endpoint ({endpoint_name()}) returned an empty answer.")
        if on_text:
            on_text(text)
        return text


def load_openai_chat(files: dict) -> "ChatCaptioner":
    """Registry loader for the endpoint (it has no files; configuration is read on every call)."""
    from lpmc.text.chat import ChatCaptioner

    return ChatCaptioner(OpenAIChat())


# What to tell the user for each `openai` error class, most specific first. Fields: where (model and URL),
# timeout, retries, status (HTTP code) and server (the server's own message).
ERROR_MESSAGES = (
    (
        "APITimeoutError",
        "The LLM endpoint ({where}) did not answer within {timeout:g} s ({retries} retries); "
        "try again, or raise LPMC_LLM_TIMEOUT.",
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


def _explain(error: Exception, key: str) -> str:
    """A sentence a user can act on, for each way the endpoint can fail (with the key scrubbed out)."""
    import openai

    fields = {
        "where": endpoint_name(),
        "timeout": settings.LLM_TIMEOUT_SECONDS,
        "retries": settings.LLM_MAX_RETRIES,
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

"""Any chat LLM as a tags -> caption model: build the prompt, ask, read the answer.

Every LLM backend (an OpenAI-compatible endpoint, a transformers model, a GGUF model in-process) only
implements `ChatModel.complete`; `ChatCaptioner` turns it into the tag-captioning protocol, so the prompt
and the reading of attribute_prediction's JSON are written once for all of them. It can also write again,
told what its first caption contradicted (lpmc.text.caption asks for that once, in "auto").
"""

from typing import Protocol

from lpmc.tasks import OnText
from lpmc.text import llm, prompts
from lpmc.text.caption import Caption

NOT_JSON_WARNING = (
    "The LLM did not answer with the JSON asked for, so no new attributes could be read; its raw answer "
    "is shown as the caption."
)


class ChatModel(Protocol):
    """Chat messages in, reply text out; BackendError with a sentence for the user on failure."""

    name: str  # what the page shows as the model behind the backend, e.g. "gpt-4o-mini at 127.0.0.1"

    def complete(self, messages: list[dict[str, str]], on_text: OnText = None) -> str: ...


class ChatCaptioner:
    """The tag-captioning protocol on top of a chat model."""

    def __init__(self, chat: ChatModel):
        self.chat = chat

    def write(
        self, tags: list[str], style: str, on_text: OnText = None, language: str = prompts.DEFAULT_LANGUAGE
    ) -> Caption:
        return self._ask(prompts.build_prompt(tags, style, language), style, on_text)

    def rewrite(self, tags: list[str], style: str, language: str, problems: list[str]) -> Caption:
        """A second caption, the prompt naming what the first one contradicted (`problems`)."""
        return self._ask(prompts.build_prompt(tags, style, language, tuple(problems)), style, None)

    def _ask(self, messages: list[dict[str, str]], style: str, on_text: OnText) -> Caption:
        reply = self.chat.complete(messages, on_text)
        if style != "attribute_prediction":
            return Caption(text=reply, model=self.chat.name)
        parsed = llm.read_attribute_reply(reply)
        if parsed is None:
            return Caption(text=reply, model=self.chat.name, raw=reply, warnings=[NOT_JSON_WARNING])
        new_attributes, description = parsed
        return Caption(text=description, model=self.chat.name, new_attributes=new_attributes)

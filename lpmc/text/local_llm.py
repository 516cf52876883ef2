"""A local instruction-tuned chat model (any transformers causal LM with a chat template), run on CPU.

For example Qwen/Qwen2.5-0.5B-Instruct from the Hugging Face cache or a folder the user copied; the
registry finds the folder and calls `load_local_llm`. Greedy decoding, so answers are reproducible.
"""

from pathlib import Path

from lpmc import settings
from lpmc.errors import BackendError, ModelUnavailable
from lpmc.tasks import OnText
from lpmc.text.chat import ChatCaptioner


class LocalChatLLM:
    """A causal LM and its tokenizer; `complete(messages)` returns the reply text."""

    def __init__(self, model_dir: Path):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self._torch = torch
        self.name = Path(model_dir).name
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
            self.model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
        except (OSError, ValueError) as error:
            raise ModelUnavailable(f"Cannot load a chat model from {model_dir}: {error}") from None
        if not self.tokenizer.chat_template:
            raise ModelUnavailable(
                f"The model in {model_dir} has no chat template; use an instruction-tuned (chat) model."
            )

    def complete(self, messages: list[dict[str, str]], on_text: OnText = None) -> str:
        """Greedy chat completion of `messages` -> reply text."""
        inputs = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        prompt_length = inputs["input_ids"].shape[1]
        pad_id = self.tokenizer.pad_token_id
        if pad_id is None:
            pad_id = self.tokenizer.eos_token_id
        try:
            with self._torch.inference_mode():
                output = self.model.generate(
                    **inputs, max_new_tokens=settings.llm_max_tokens(), do_sample=False, pad_token_id=pad_id
                )
        except RuntimeError as error:
            raise BackendError(f"The local model {self.name} failed while writing: {error}") from None
        reply = self.tokenizer.decode(output[0, prompt_length:], skip_special_tokens=True).strip()
        if not reply:
            raise BackendError(f"The local model {self.name} returned an empty answer.")
        if on_text:
            on_text(reply)
        return reply


def load_local_llm(files: dict[str, Path]) -> ChatCaptioner:
    """Registry loader: `files["dir"]` is a transformers checkpoint folder with a chat template."""
    return ChatCaptioner(LocalChatLLM(files["dir"]))

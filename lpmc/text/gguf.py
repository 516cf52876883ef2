"""Any GGUF chat model run in-process by llama.cpp (through xllamacpp): tags -> caption with no server.

The user downloads a GGUF file (e.g. Qwen2.5-1.5B-Instruct Q4_K_M) and names it in LPMC_LLM_GGUF. The
model is loaded once, answers with its own chat template, streams its tokens, and stops at LPMC_LLM_MAX_TOKENS
or after LPMC_LLM_TIMEOUT seconds, whichever comes first.
"""

import secrets
import threading
from pathlib import Path

from lpmc import settings
from lpmc.errors import BackendError, ModelUnavailable
from lpmc.tasks import OnText
from lpmc.text.chat import ChatCaptioner

CONTEXT_TOKENS = 4096  # the prompt (system + up to 200 tags) and the reply fit with room to spare
SILENT = -1  # llama.cpp's verbosity: errors reach the user as BackendError, not as console noise


class GGUFChat:
    """A GGUF chat model in llama.cpp; `complete(messages)` returns the reply text."""

    def __init__(self, model_path: Path):
        try:
            import xllamacpp
        except ImportError:
            raise ModelUnavailable(
                "the Python package xllamacpp is not installed (pip install xllamacpp)."
            ) from None
        self.name = Path(model_path).name
        params = xllamacpp.CommonParams()
        params.model.path = str(model_path)
        params.n_ctx = CONTEXT_TOKENS
        params.verbosity = SILENT
        threads = settings.torch_threads() or params.cpuparams.n_threads
        params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
        # xllamacpp also serves the model on a loopback port; a key nobody knows keeps that port closed.
        params.api_keys = [secrets.token_urlsafe(32)]
        try:
            self.server = xllamacpp.Server(params)
        except (RuntimeError, ValueError) as error:
            raise ModelUnavailable(f"{self.name} could not be loaded as a GGUF chat model: {error}") from None
        self.lock = threading.Lock()  # one answer at a time: the model has one slot

    def complete(self, messages: list[dict[str, str]], on_text: OnText = None) -> str:
        """Greedy chat completion of `messages`, streamed piece by piece to `on_text`."""
        request = {
            "messages": messages,
            "max_tokens": settings.llm_max_tokens(),
            # Greedy, and no reuse of the previous prompt's cache (it changes the numerics, so the words).
            "temperature": 0,
            "top_k": 1,
            "cache_prompt": False,
            "stream": True,
            "t_max_predict_ms": int(settings.llm_timeout() * 1000),
        }
        pieces: list[str] = []
        errors: list[str] = []

        def receive(chunk: dict) -> None:
            if "error" in chunk:
                error = chunk["error"]
                errors.append(str(error.get("message", error) if isinstance(error, dict) else error))
                return
            for choice in chunk.get("choices", []):
                piece = (choice.get("delta") or {}).get("content") or ""
                if piece:
                    pieces.append(piece)
                    if on_text:
                        on_text(piece)

        with self.lock:
            self.server.handle_chat_completions(request, receive)
        if errors:
            raise BackendError(f"The GGUF model {self.name} failed while writing: {errors[0][:300]}")
        reply = "".join(pieces).strip()
        if not reply:
            raise BackendError(f"The GGUF model {self.name} returned an empty answer.")
        return reply


def load_gguf_chat(files: dict[str, Path]) -> ChatCaptioner:
    """Registry loader: `files["model"]` is a GGUF chat model (LPMC_LLM_GGUF, or from LPMC_WEIGHTS_DIR)."""
    return ChatCaptioner(GGUFChat(files["model"]))

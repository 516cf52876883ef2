"""Tags -> caption in four styles, by an OpenAI-compatible LLM, a local chat model or the built-in writer."""

from lpmc.text.caption import BACKENDS, Caption, parse_tags, tags_to_caption
from lpmc.text.prompts import STYLES
from lpmc.text.writer import write_caption

__all__ = ["BACKENDS", "STYLES", "Caption", "parse_tags", "tags_to_caption", "write_caption"]

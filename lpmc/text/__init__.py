"""Tags -> caption in four styles, by any tag-captioning model of the registry (LLMs, built-in writer)."""

from lpmc.text.caption import Caption, parse_tags, tags_to_caption
from lpmc.text.prompts import STYLES

__all__ = ["STYLES", "Caption", "parse_tags", "tags_to_caption"]

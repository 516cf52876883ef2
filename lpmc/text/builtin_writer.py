"""The built-in writer as a tags -> caption model: offline, deterministic, no LLM.

English comes from `writer.write_caption` (lexicon + MiniLM); attribute_prediction's new attributes come
from tag co-occurrence statistics (cooccurrence.py). Registry entry: "tag-writer" (alias "builtin").
"""

from pathlib import Path

from lpmc.tasks import OnText
from lpmc.text import prompts, writer
from lpmc.text.caption import Caption
from lpmc.text.cooccurrence import CooccurrenceModel

MODEL_DESCRIPTION = "lexicon + MiniLM + tag co-occurrence statistics"
ENGLISH_ONLY = "The built-in writer writes English only; choose an LLM backend for a caption in {language}."


class BuiltinWriter:
    """Writes a caption for tags in any of the four styles; only computes."""

    def __init__(self, cooccurrence: CooccurrenceModel):
        self.cooccurrence = cooccurrence

    def write(
        self, tags: list[str], style: str, on_text: OnText = None, language: str = prompts.DEFAULT_LANGUAGE
    ) -> Caption:
        new_attributes = []
        if style == "attribute_prediction":
            new_attributes = self.cooccurrence.predict(tags, prompts.NEW_ATTRIBUTES)
        text = writer.write_caption(tags + new_attributes, style)
        if on_text:
            on_text(text)
        warnings = [] if language == prompts.DEFAULT_LANGUAGE else [ENGLISH_ONLY.format(language=language)]
        return Caption(text=text, model=MODEL_DESCRIPTION, new_attributes=new_attributes, warnings=warnings)


def load_builtin_writer(files: dict[str, Path]) -> BuiltinWriter:
    """Registry loader: files {"cooccurrence": json, "embeddings": npz, "lexicon": npz} under assets/text/."""
    return BuiltinWriter(CooccurrenceModel(files["cooccurrence"], files["embeddings"]))

"""Stronger photo models from the Hugging Face hub, used when their weights are present.

- BLIP (Salesforce/blip-image-captioning-base): a caption whose words join the photo's words.
- CLIP (openai/clip-vit-base-patch32): zero-shot scores of scene and mood prompts.
Both loaders take files {"dir": a transformers checkpoint folder} and only compute.
"""

from pathlib import Path

import numpy as np
from PIL import Image

from lpmc.recommend.image import Photo
from lpmc.recommend.reading import PhotoReading
from lpmc.vocabulary import clip_scenes, photo_moods

CAPTION_MAX_TOKENS = 30
CAPTION_BEAMS = 3
CLIP_TEMPLATE = "a photo that looks {}"
CLIP_MIN_PROBABILITY = 0.1


class BlipCaptioner:
    def __init__(self, folder: Path):
        from transformers import BlipForConditionalGeneration, BlipProcessor

        self.processor = BlipProcessor.from_pretrained(folder)
        self.model = BlipForConditionalGeneration.from_pretrained(folder).eval()

    def caption(self, image: Image.Image) -> str:
        """One English sentence describing the photo."""
        import torch

        inputs = self.processor(images=image, return_tensors="pt")
        with torch.inference_mode():
            ids = self.model.generate(
                pixel_values=inputs["pixel_values"],
                max_new_tokens=CAPTION_MAX_TOKENS,
                num_beams=CAPTION_BEAMS,
            )
        return self.processor.decode(ids[0], skip_special_tokens=True).strip()

    def read(self, photo: Photo) -> PhotoReading:
        """The image-understanding protocol: the photo's caption (its words join the photo's words)."""
        return PhotoReading(caption=self.caption(photo.to_pil()) or None)


class ClipZeroShot:
    def __init__(self, folder: Path):
        from transformers import CLIPModel, CLIPProcessor

        self.processor = CLIPProcessor.from_pretrained(folder)
        self.model = CLIPModel.from_pretrained(folder).eval()

    def scores(self, image: Image.Image, words: list[str]) -> np.ndarray:
        """Probability that each word describes the photo, softmax over `words` -> (len(words),)."""
        import torch

        prompts = [CLIP_TEMPLATE.format(word) for word in words]
        inputs = self.processor(text=prompts, images=image, return_tensors="pt", padding=True)
        with torch.inference_mode():
            logits = self.model(**inputs).logits_per_image[0]
        return torch.softmax(logits, dim=-1).numpy().astype(np.float32)

    def read(self, photo: Photo) -> PhotoReading:
        """The image-understanding protocol: the scenes and moods CLIP finds likely, with their probability
        (each vocabulary is a separate softmax: one scene and one mood compete only among their own)."""
        words = {}
        for vocabulary in (clip_scenes(), photo_moods()):
            probabilities = self.scores(photo.to_pil(), list(vocabulary))
            words.update(
                {
                    w: round(float(p), 3)
                    for w, p in zip(vocabulary, probabilities, strict=True)
                    if p >= CLIP_MIN_PROBABILITY
                }
            )
        return PhotoReading(words=words)


def load_blip_captioner(files: dict[str, Path]) -> BlipCaptioner:
    """Registry loader: files {"dir": folder with a BlipForConditionalGeneration checkpoint + processor}."""
    return BlipCaptioner(files["dir"])


def load_clip(files: dict[str, Path]) -> ClipZeroShot:
    """Registry loader: files {"dir": folder with a CLIPModel checkpoint + processor}."""
    return ClipZeroShot(files["dir"])

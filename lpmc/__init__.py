"""lpmc: a music-captioning studio (tags → caption, audio → caption, image → music)."""

__version__ = "0.1.0"

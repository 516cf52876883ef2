"""Image -> music: read a photo's scene and mood, recommend songs from a catalog or the user's library."""

from lpmc.recommend.analysis import ImageAnalysis, analyze_image
from lpmc.recommend.recommend import Recommendation, SongResult, recommend

__all__ = ["ImageAnalysis", "Recommendation", "SongResult", "analyze_image", "recommend"]

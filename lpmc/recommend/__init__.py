"""Image -> music: read a photo's scene and mood, recommend songs from a catalog or the user's library.

from lpmc.recommend.recommend import recommend
result = recommend("photo.jpg", text="road trip", catalog="jamendo", top=10)
"""

# Where songs come from, and the most songs one request may ask for.
CATALOGS = ("jamendo", "pmemo", "library", "all")  # all: the other three merged (the library if indexed)
MAX_TOP = 100

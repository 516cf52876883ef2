"""ImageNet labels and colour cues -> the scene and theme words they imply for music.

Only scene-like and music-relevant classes are listed (places, weather, seasons, events, vehicles of
travel, instruments); every other label is kept as an object word of its own ("golden retriever").
Keys are the first name of the class in imagenet_labels.txt.
"""

SCENE_WORDS: dict[str, tuple[str, ...]] = {
    # Water, coast, landscape
    "seashore": ("beach", "sea", "summer"),
    "sandbar": ("beach", "sand", "sea", "summer"),
    "lakeside": ("lake", "nature", "calm water"),
    "promontory": ("coast", "sea cliffs"),
    "cliff": ("cliffs", "mountains"),
    "alp": ("mountains", "snowy peaks", "nature"),
    "valley": ("valley", "landscape", "nature"),
    "volcano": ("volcano", "mountains", "fire"),
    "geyser": ("geyser", "nature"),
    "coral reef": ("ocean", "underwater", "tropical"),
    "breakwater": ("sea", "harbour"),
    "dock": ("harbour", "sea"),
    "pier": ("pier", "sea"),
    "beacon": ("lighthouse", "sea", "coast"),
    "boathouse": ("lake",),
    "canoe": ("river", "lake", "adventure"),
    "paddle": ("river", "lake"),
    "speedboat": ("sea", "summer"),
    "catamaran": ("sea", "sailing", "summer"),
    "trimaran": ("sea", "sailing"),
    "schooner": ("sea", "sailing"),
    "yawl": ("sea", "sailing"),
    "liner": ("sea", "cruise", "travel"),
    "snorkel": ("underwater", "sea", "summer"),
    "scuba diver": ("underwater", "ocean"),
    "bikini": ("beach", "summer"),
    "maillot": ("beach", "summer"),
    "swimming trunks": ("beach", "summer"),
    "sunscreen": ("beach", "summer"),
    "ear": ("fields", "countryside"),
    "corn": ("fields", "countryside"),
    "rapeseed": ("fields", "spring"),
    "hay": ("countryside", "farm"),
    "barn": ("countryside", "farm"),
    "daisy": ("flowers", "spring"),
    "greenhouse": ("garden", "plants"),
    "maze": ("garden",),
    "mountain tent": ("camping", "outdoors", "adventure"),
    "stone wall": ("countryside",),
    # Snow, seasons, celebrations
    "ski": ("snow", "winter", "sport"),
    "snowmobile": ("snow", "winter"),
    "dogsled": ("snow", "winter"),
    "bobsled": ("snow", "winter", "sport"),
    "snowplow": ("snow", "winter"),
    "Christmas stocking": ("christmas", "winter", "holiday"),
    "candle": ("candlelight", "evening"),
    "jack-o'-lantern": ("halloween", "horror"),
    "groom": ("wedding", "love", "romantic"),
    "gown": ("wedding", "elegant"),
    "balloon": ("party", "celebration"),
    "carousel": ("fairground", "fun"),
    "maypole": ("festival", "spring"),
    "umbrella": ("rain",),
    # City, road, travel
    "streetcar": ("city", "street"),
    "trolleybus": ("city", "street"),
    "cab": ("city", "street"),
    "traffic light": ("city", "street"),
    "street sign": ("city", "street"),
    "police van": ("city", "street"),
    "motor scooter": ("city", "street"),
    "suspension bridge": ("bridge", "city"),
    "steel arch bridge": ("bridge", "city"),
    "viaduct": ("bridge", "landscape"),
    "triumphal arch": ("city", "monument"),
    "fountain": ("city square",),
    "car mirror": ("road", "driving"),
    "trailer truck": ("highway", "road"),
    "convertible": ("road trip", "driving", "summer"),
    "jeep": ("road trip", "adventure"),
    "recreational vehicle": ("road trip", "travel"),
    "sports car": ("speed", "driving"),
    "racer": ("racing", "speed", "action"),
    "go-kart": ("racing", "fun"),
    "steam locomotive": ("train", "travel"),
    "electric locomotive": ("train", "travel"),
    "bullet train": ("train", "travel", "speed"),
    "passenger car": ("train", "travel"),
    "airliner": ("flight", "travel"),
    "wing": ("flight", "travel", "sky"),
    "airship": ("sky", "flight"),
    "parachute": ("sky", "adventure"),
    "space shuttle": ("space", "rocket"),
    "planetarium": ("space", "stars"),
    # Buildings and rooms
    "church": ("church", "sacred", "choir"),
    "monastery": ("monastery", "sacred", "meditative"),
    "mosque": ("mosque", "sacred"),
    "altar": ("church", "sacred"),
    "bell cote": ("church",),
    "stupa": ("temple", "meditative"),
    "castle": ("castle", "medieval", "epic"),
    "palace": ("palace", "royal"),
    "throne": ("royal", "epic"),
    "library": ("library", "books", "quiet"),
    "bookshop": ("books", "quiet"),
    "restaurant": ("restaurant", "dinner"),
    "dining table": ("dinner",),
    "red wine": ("wine", "dinner", "evening"),
    "cocktail shaker": ("bar", "cocktails", "night"),
    "pool table": ("bar", "night"),
    "cinema": ("cinema", "film"),
    "home theater": ("film", "home"),
    "theater curtain": ("theatre", "stage"),
    "four-poster": ("bedroom", "sleep"),
    "quilt": ("bedroom", "cosy"),
    "cradle": ("lullaby", "baby", "children"),
    "crib": ("lullaby", "baby", "children"),
    "teddy": ("toys", "children"),
    "toyshop": ("toys", "children"),
    "desk": ("office", "work"),
    "desktop computer": ("office", "work"),
    "laptop": ("office", "work"),
    "scoreboard": ("stadium", "sport"),
    "ballplayer": ("baseball", "sport"),
    "soccer ball": ("football", "sport"),
    "basketball": ("basketball", "sport"),
    "dumbbell": ("gym", "workout", "sport"),
    "barbell": ("gym", "workout", "sport"),
    "punching bag": ("boxing", "workout"),
    "running shoe": ("running", "sport"),
    "mountain bike": ("cycling", "outdoors"),
    # Music itself
    "stage": ("concert", "live music", "stage"),
    "spotlight": ("concert", "stage"),
    "microphone": ("singing", "concert"),
    "loudspeaker": ("loud music", "party"),
    "acoustic guitar": ("acoustic guitar", "music"),
    "electric guitar": ("electric guitar", "rock", "music"),
    "grand piano": ("piano", "music"),
    "upright": ("piano", "music"),
    "violin": ("violin", "music"),
    "cello": ("cello", "music"),
    "banjo": ("banjo", "country"),
    "harp": ("harp", "music"),
    "accordion": ("accordion", "music"),
    "sax": ("saxophone", "jazz"),
    "cornet": ("trumpet", "music"),
    "trombone": ("trombone", "music"),
    "French horn": ("horn", "orchestra"),
    "drum": ("drums", "music"),
    "steel drum": ("steel drums", "caribbean"),
    "flute": ("flute", "music"),
    "oboe": ("oboe", "music"),
    "organ": ("pipe organ", "church"),
    "harmonica": ("harmonica", "blues"),
    "marimba": ("marimba", "music"),
    "maraca": ("maracas", "latin"),
    "panpipe": ("panpipe", "andes"),
    "gong": ("gong", "meditative"),
    "chime": ("chimes", "bells"),
}


# Colour cues (colour.py) -> the themes music usually pairs them with.
CUE_THEMES: dict[str, tuple[str, ...]] = {
    "sunset": ("romantic", "summer", "relaxing"),
    "golden hour": ("warm", "summer"),
    "night": ("night", "calm"),
    "overcast": ("dramatic", "dark"),
    "storm": ("dramatic", "dark"),
}
CUE_THEME_SHARE = 0.6  # a theme word gets this share of its cue's weight


def cue_words(cues: dict[str, float]) -> dict[str, float]:
    """Colour cues plus the themes they imply, weighted; a word from several cues keeps the largest."""
    words = dict(cues)
    for cue, weight in cues.items():
        for theme in CUE_THEMES.get(cue, ()):
            words[theme] = max(words.get(theme, 0.0), round(CUE_THEME_SHARE * weight, 3))
    return words


def label_name(label: str) -> str:
    """'seashore, coast, seacoast, sea-coast' -> 'seashore' (the class's first name)."""
    return label.split(",")[0].strip()


def scene_words(label: str) -> tuple[str, ...]:
    """Scene and theme words an ImageNet label implies; empty for object-only classes."""
    return SCENE_WORDS.get(label_name(label), ())


def label_words(labels: list[tuple[str, float]]) -> dict[str, float]:
    """ImageNet (label, probability) -> object and scene words weighted by probability (summed)."""
    words: dict[str, float] = {}
    for label, probability in labels:
        for word in (label_name(label), *scene_words(label)):
            words[word] = round(min(1.0, words.get(word, 0.0) + probability), 3)
    return words

"""What kind of thing a music tag names: genre, instrument, vocal, tempo, mood, sound, quality...

`classify(tag)` first reads the tag's words against a hand-written lexicon (the head word decides:
"rock guitar" is an instrument, "hard rock" a genre); a tag the lexicon does not know is placed next to
its nearest lexicon word in MiniLM embedding space, and stays `other` when nothing is close.
"""

import re
from functools import lru_cache

import numpy as np

from lpmc import settings

# Categories, in the order the writer talks about them.
GENRE = "genre"
KIND = "kind"  # what the recording is: live performance, cover, jam, demo...
INSTRUMENTAL = "instrumental"
VOCAL = "vocal"
INSTRUMENT = "instrument"
TEMPO = "tempo"
KEY = "key"
MOOD = "mood"
SOUND = "sound"  # how it sounds: loud, bright, punchy, reverb...
QUALITY = "quality"  # recording quality: low quality, noisy, mono...
ERA = "era"
CONTEXT = "context"  # where it would be heard: movie, party, video game...
ABSENCE = "absence"  # "no percussion", "no voices"
OTHER = "other"
CATEGORIES = (
    GENRE,
    KIND,
    INSTRUMENTAL,
    VOCAL,
    INSTRUMENT,
    TEMPO,
    KEY,
    MOOD,
    SOUND,
    QUALITY,
    ERA,
    CONTEXT,
    ABSENCE,
    OTHER,
)

# Tags already placed by embedding, so a repeated tag costs nothing (bounded memory).
MAX_REMEMBERED_TAGS = 50_000
_embedded_categories: dict[str, str] = {}
EXEMPLAR_EMBEDDINGS_FILE = "text/lexicon_embeddings.npz"
# Nearest-word similarity a tag needs to join a category it has no lexicon word for.
MIN_EMBEDDING_SIMILARITY = 0.5

GENRE_WORDS = set(
    """
rock pop jazz blues funk soul disco reggae ska punk metal grunge emo hip-hop hiphop rap trap drill r&b rnb
country folk bluegrass americana classical baroque romantic-era opera orchestral symphonic chamber techno
house trance dubstep edm electronic electronica electro dance club ambient downtempo chillout chill lofi
lo-fi idm industrial gospel christian worship hymn carol spiritual devotional bhajan kirtan qawwali latin
salsa samba bossa bossanova tango flamenco cumbia reggaeton bachata merengue mariachi afrobeat afrobeats
highlife kpop k-pop jpop j-pop cpop mandopop cantopop bollywood bhangra indian carnatic hindustani arabic
celtic irish klezmer polka waltz march swing bebop fusion grime garage drum&bass dnb jungle breakbeat
hardstyle hardcore psytrance synthwave vaporwave chiptune 8-bit newage new-age world ethnic tribal
traditional ballad lullaby anthem shanty sertanero sertanejo forro kuduro zouk soca calypso dancehall
dub rocksteady shoegaze post-rock indie alternative psychedelic progressive prog experimental avant-garde
minimal minimalism drone musical showtune cabaret lounge easy-listening
exotica surf rockabilly doo-wop motown neo-soul boogie acapella a-cappella barbershop choral madrigal
nursery children kids christmas holiday tropical moombahton phonk hyperpop bedroom dream-pop synthpop
synth-pop darkwave post-punk new-wave hard heavy thrash death black doom sludge stoner nu-metal metalcore
deathcore screamo pop-punk skate emocore hip hop r&b/soul j-rock enka trot gamelan
""".split()
)
# Two-word genres whose words alone would read differently ("hip" is not a genre).
GENRE_PHRASES = {
    "hip hop",
    "drum and bass",
    "new age",
    "easy listening",
    "bossa nova",
    "k pop",
    "rhythm and blues",
    "big band",
    "new wave",
    "love song",
    "kids song",
    "children song",
    "nursery rhyme",
    "video game music",
}

INSTRUMENT_WORDS = set(
    """
guitar guitars bass basses e-bass e-guitar drums drum drumming kick kicks snare snares hi-hat hi-hats hihat
hihats hat hats cymbal cymbals crash ride tom toms percussion percussions piano pianos keyboard keyboards keys
synth synths synthesizer synthesizers organ organs strings string violin violins viola violas cello cellos
contrabass double-bass fiddle harp harps flute flutes piccolo clarinet clarinets oboe bassoon saxophone sax
saxophones trumpet trumpets trombone trombones horn horns brass tuba french-horn accordion harmonica
banjo mandolin ukulele sitar tabla tanpura shehnai veena erhu guzheng pipa koto shamisen shakuhachi
bagpipes bagpipe didgeridoo marimba xylophone vibraphone glockenspiel celesta bells bell chimes
tambourine shaker shakers claps clap clapping handclaps snaps finger-snaps snapping conga congas bongo bongos
djembe cajon timpani timbales cowbell woodblock triangle steeldrum steelpan steel-drum kalimba mbira
oud bouzouki balalaika charango cuatro pads pad arpeggiator sampler samples sample 808 808s turntable
turntables scratching scratches beat beats beatbox orchestra ensemble band quartet bassline riff riffs
melody melodies chords chord harmony harmonies arpeggio arpeggios solo solos groove grooves rhythm rhythms
line lines pattern patterns loop loops hits hit stabs stab lead leads plucks pluck fills fill backbeat
harpsichord clavinet rhodes wurlitzer mellotron theremin dulcimer zither lute recorder whistle tin-whistle
ocarina pan-flute panflute kettle-drums gong gongs taiko sub subs subbass sub-bass noise-sweeps sweeps riser
risers bassoons strumming strummed plucked picking fingerpicking piano-accompaniment instruments
""".split()
)
# Words that name a musical part, not an instrument: "catchy melody" is an instrument-side element.
PART_WORDS = set(
    """
melody melodies chords chord harmony harmonies arpeggio arpeggios solo solos groove grooves rhythm
rhythms line lines pattern patterns loop loops riff riffs fills fill hits hit beat beats
""".split()
)

VOCAL_WORDS = set(
    """
vocal vocals voice voices singer singers singing sings sung vocalist vocalists choir choirs chorus rap rapping
rapper rappers rapped humming hum hums chant chants chanting vocalisation vocalisations vocalization
vocalizations vocalizing vocalising whistling yodel yodeling falsetto soprano alto tenor baritone crooning
crooner speech spoken talking narration narrator shouting screaming screams growl growls growling backup
harmonizing harmonising ad-libs adlibs scat beatboxing mc toasting duet acapella a-cappella
""".split()
)

TEMPO_HEADS = {"tempo", "tempos", "bpm", "uptempo", "up-tempo", "midtempo", "mid-tempo"}
TEMPO_WORDS = set(
    """
tempo uptempo up-tempo bpm fast slow moderate midtempo mid-tempo accelerating decelerating
tempo-changes
""".split()
)

QUALITY_WORDS = set(
    """
quality recording recorded audio mono stereo noisy hiss hissing static crackle crackling muffled
lo-fi lofi low-fi hi-fi amateur professional mixed mix mastering mastered unmastered bootleg phone
poor bad low high clipping clipped muddy tinny boomy distortion imbalanced unbalanced
""".split()
)

KIND_PHRASES = (
    "live performance",
    "live recording",
    "live",
    "amateur recording",
    "home recording",
    "home video",
    "cover",
    "cover song",
    "demo",
    "jam",
    "jam session",
    "remix",
    "rehearsal",
    "karaoke",
    "tutorial",
    "lesson",
    "music lesson",
    "guitar lesson",
    "soundcheck",
    "busking",
    "medley",
    "mashup",
    "sample",
    "backing track",
    "practice",
    "instrument demo",
    "gear showcase",
    "advertisement",
    "commercial",
    "trailer",
    "intro",
    "outro",
    "jingle",
)

SOUND_WORDS = set(
    """
noise loud soft quiet bright dark warm cold punchy heavy distorted crushed harsh clean crisp clear wide narrow
spacious
reverb reverberant echo echoes echoing delay dry wet compressed raw messy shimmering sparkling airy thin thick
full deep boomy gritty fuzzy fuzz saturated filtered muffled sharp mellow smooth rich lush sustained staccato
layered sparse dense minimal busy repetitive syncopated complex simple acoustic electric electronic synthetic
analog analogue digital processed pitched detuned overdriven glitchy glitch wobbly resonant percussive
booming rumbling buzzing metallic tinny
""".split()
)

# Sounds around the music (crowd, birds, sirens): described as sound, never as an instrument.
AMBIENT_WORDS = set(
    """
crowd crowds audience people cheering cheers applause laughter laughing chatter chattering birds bird
footsteps traffic waves siren sirens engine beeping beeps noises sounds ambience ambiance
""".split()
)

ERA_PATTERN = re.compile(
    r"^(?:(?:19|20)?\d0'?s|(?:19|20)\d\d|(?:early|late|mid)[ -](?:\d0'?s|century)|retro|vintage|oldies?|old"
    r"[ -]school|old[ -]fashioned|classic|modern|contemporary|futuristic|medieval|baroque era"
    r"|renaissance)$"
)
DECADE_WORDS = re.compile(r"\b(?:(?:19|20)?\d0'?s|(?:19|20)\d\d)\b")

CONTEXT_WORDS = set(
    """
video videos movie movies film films scene scenes game games gaming advert advertisement advertisements
commercial commercials party parties club clubs wedding weddings workout workouts gym exercise fitness
meditation yoga church worship restaurant cafe coffee shop background soundtrack documentary trailer
youtube tv television show shows festival festivals concert celebration christmas birthday ceremony
study studying sleep sleeping relaxation driving drive road trip travel vlog podcast cartoon anime theatre
theater stage prayer spa massage beach summer dinner lounge bar pub casino fashion runway sports
night nights evening morning afternoon sunset sunrise weekend winter autumn spring rain rainy city
""".split()
)

MOOD_WORDS = set(
    """
happy sad emotional energetic passionate groovy spirited youthful fun funny easygoing romantic upbeat
enthusiastic vibrant melancholic melancholy exciting mellow relaxing calming soothing calm aggressive intense
eerie animated pleasant cheerful sinister inspiring soulful cinematic sentimental playful epic haunting
buoyant positive chaotic powerful meditative catchy joyful joyous uplifting hopeful nostalgic dreamy
peaceful serene tense suspenseful dramatic dark mysterious spooky scary creepy angry sorrowful lonely
longing tender gentle sweet cute quirky whimsical bold confident triumphant heroic majestic grand
sensual sexy seductive chill chilled laid-back laidback lively bouncy danceable hypnotic trippy
psychedelic spiritual devotional religious motivational motivating festive celebratory warm wistful
reflective introspective somber sombre bittersweet heartfelt tender dreamy ethereal atmospheric moody
gloomy brooding menacing ominous anxious frantic hectic urgent driving relaxed cozy comforting hopeless
depressing dramatic emotive expressive lyrical sincere earnest innocent childlike naive humorous comic
comical silly goofy wild rebellious edgy raw fierce furious hard-hitting hype hyped excited euphoric
blissful tranquil serene soothing contemplative solemn sacred mournful tragic dark-toned poignant
""".split()
)

ABSENCE_PATTERN = re.compile(r"^(?:no|without|lacks?|lacking|zero)\s+(.+)$")
KEY_PATTERN = re.compile(r"\b(?:major|minor)\b|\bkey\b|^[a-g](?:#|b|♯|♭)?\s*(?:maj|min|m)$")
BPM_PATTERN = re.compile(r"^(\d{2,3})\s*bpm$")
INSTRUMENTAL_TAGS = {
    "instrumental",
    "instrumental music",
    "instrumental song",
    "instrumental track",
    "instrumental piece",
    "instrumentals",
    "instrumental only",
    "no vocals",
    "no vocal",
    "no voice",
    "no voices",
    "no singer",
    "no singing",
    "without vocals",
}


def normalise(tag: str) -> str:
    """Lower case, single spaces, hyphens kept: the form the lexicon is written in."""
    return " ".join(tag.lower().replace("_", " ").split())


def lexicon_category(tag: str) -> str | None:
    """The category the lexicon gives a tag, or None when it knows none of the tag's words."""
    text = normalise(tag)
    words = text.replace("/", " ").split()
    if not words:
        return None
    if text in INSTRUMENTAL_TAGS:
        return INSTRUMENTAL
    if ABSENCE_PATTERN.match(text):
        return ABSENCE
    if BPM_PATTERN.match(text) or words[-1] in TEMPO_HEADS or (len(words) <= 2 and text in TEMPO_WORDS):
        return TEMPO
    if KEY_PATTERN.search(text) and not set(words) & INSTRUMENT_WORDS:
        return KEY
    if ERA_PATTERN.match(text):
        return ERA
    if text in KIND_PHRASES:
        return KIND
    head = words[-1]
    if "quality" in words or head in ("recording", "audio", "mix"):
        return QUALITY
    if set(words) & VOCAL_WORDS and not (set(words[-1:]) & INSTRUMENT_WORDS - PART_WORDS):
        return VOCAL
    if set(words) & AMBIENT_WORDS:
        return SOUND
    if text in GENRE_PHRASES or text.removesuffix(" music") in GENRE_PHRASES:
        return GENRE
    if head in INSTRUMENT_WORDS or set(words) & (INSTRUMENT_WORDS - PART_WORDS - {"band"}):
        return INSTRUMENT
    core = [word for word in words if word not in ("music", "song", "songs", "style", "genre", "track")]
    names_music = head in ("music", "song", "songs") and set(core) & GENRE_WORDS
    if core and (" ".join(core) in GENRE_WORDS or core[-1] in GENRE_WORDS or names_music):
        return GENRE
    if head in ("mood", "feel", "feeling", "vibe", "vibes", "atmosphere", "energy", "emotion", "emotions"):
        return MOOD
    if set(words) & CONTEXT_WORDS:
        return CONTEXT
    if len(words) == 1 or (
        len(words) == 2 and words[0] in ("very", "slightly", "a", "bit", "quite", "super")
    ):
        if head in QUALITY_WORDS:
            return QUALITY
        if head in MOOD_WORDS:
            return MOOD
        if head in SOUND_WORDS:
            return SOUND
    if head in ("sound", "sounds", "tone", "timbre", "texture", "production", "effect", "effects"):
        return SOUND
    if head in PART_WORDS:
        return INSTRUMENT
    if words[0] in MOOD_WORDS and len(words) <= 2:
        return MOOD
    return None


def _exemplars() -> list[tuple[str, str]]:
    """(word, category) pairs that unseen tags are compared with."""
    pairs = [(word, GENRE) for word in sorted(GENRE_WORDS)]
    pairs += [(word, INSTRUMENT) for word in sorted(INSTRUMENT_WORDS - PART_WORDS)]
    pairs += [(word, VOCAL) for word in sorted(VOCAL_WORDS)]
    pairs += [(word, MOOD) for word in sorted(MOOD_WORDS)]
    pairs += [(word, SOUND) for word in sorted((SOUND_WORDS | AMBIENT_WORDS) - MOOD_WORDS)]
    pairs += [(word, CONTEXT) for word in sorted(CONTEXT_WORDS)]
    pairs += [(phrase, KIND) for phrase in KIND_PHRASES]
    pairs += [(word + " tempo", TEMPO) for word in ("fast", "slow", "medium")]
    return pairs


@lru_cache(maxsize=1)
def _exemplar_space() -> tuple[np.ndarray, tuple[str, ...]]:
    """(exemplar embeddings (E, 384), their categories): shipped vectors; missing words are embedded."""
    from lpmc.text.embedding import embed

    pairs = _exemplars()
    words = [word for word, _ in pairs]
    shipped = shipped_exemplar_vectors()
    missing = [word for word in words if word not in shipped]
    if missing:
        shipped.update(zip(missing, embed(missing), strict=True))
    return np.stack([shipped[word] for word in words]), tuple(category for _, category in pairs)


def shipped_exemplar_vectors() -> dict[str, np.ndarray]:
    """word -> MiniLM vector, from assets/text/lexicon_embeddings.npz (bench/build_cooccurrence.py)."""
    path = settings.ASSETS_DIR / EXEMPLAR_EMBEDDINGS_FILE
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as arrays:
        return dict(zip(arrays["words"].tolist(), arrays["embeddings"].astype(np.float32), strict=True))


def exemplar_words() -> list[str]:
    """Every lexicon word unseen tags are compared with (what the shipped embeddings cover)."""
    return [word for word, _ in _exemplars()]


def embedding_categories(tags: list[str]) -> list[str]:
    """Category of each tag by its nearest lexicon word in MiniLM space; OTHER when none is close enough."""
    found = {
        text: _embedded_categories[text] for text in map(normalise, tags) if text in _embedded_categories
    }
    new = sorted({normalise(tag) for tag in tags} - found.keys())
    if new:
        from lpmc.text.embedding import embed

        space, categories = _exemplar_space()
        similarity = embed(new) @ space.T
        for text, row in zip(new, similarity, strict=True):
            nearest = int(row.argmax())
            found[text] = categories[nearest] if row[nearest] >= MIN_EMBEDDING_SIMILARITY else OTHER
            if len(_embedded_categories) < MAX_REMEMBERED_TAGS:
                _embedded_categories[text] = found[text]
    return [found[normalise(tag)] for tag in tags]


def classify(tags: list[str], use_embeddings: bool = True) -> list[str]:
    """Category of each tag: the lexicon's if it knows the tag, else its embedding neighbour's (or OTHER)."""
    categories = [lexicon_category(tag) for tag in tags]
    unknown = [i for i, category in enumerate(categories) if category is None]
    guessed = [OTHER] * len(unknown)
    if unknown and use_embeddings:
        guessed = _embedding_categories_or_other([tags[i] for i in unknown])
    for i, category in zip(unknown, guessed, strict=True):
        categories[i] = category
    return categories


def _embedding_categories_or_other(tags: list[str]) -> list[str]:
    # The writer must work even when the embedder cannot load; unknown tags are then kept as OTHER.
    from lpmc.errors import LpmcError

    try:
        return embedding_categories(tags)
    except (LpmcError, ImportError, OSError):
        return [OTHER] * len(tags)

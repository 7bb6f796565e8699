"""French text handling shared by the index and the queries, so both sides see the same terms.

Citizens type without accents, with typographic or straight apostrophes, with elisions ("l'enfance")
and inflected forms ("déneige" / "déneigement"): folding and Snowball stemming make those meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import snowballstemmer

APOSTROPHES = "\u2019\u2018\u02bc\u2032`\u00b4\uff07"
_APOS = str.maketrans({c: "'" for c in APOSTROPHES})
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_WORD = re.compile(r"[0-9a-z]+")
ELISIONS = frozenset({"l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu"})

# Function words and question scaffolding: they say nothing about *which* service.
STOP_WORDS = frozenset("""
a au aux avec ce ces cet cette c ca d dans de des du elle elles en et eux il ils je j la le les leur leurs
l lui m ma mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses si son
sur t ta te tes toi ton tu un une vos votre vous y est sont etre ete suis es sommes etes ai as avons avez
ont avoir fait faire faut peut peuvent puis veux voudrais voudrait souhaite souhaiterais aimerais
quel quelle quels quelles quoi comment ou quand pourquoi combien est-ce dont lequel laquelle lesquels
cela celui celle ceux celles ici la-bas chez vers sans sous entre contre apres avant depuis pendant
tres plus moins aussi bien tout tous toute toutes autre autres meme deja encore alors donc car or ni
soit c'est cest qu'est quest bonjour merci svp sil plait s'il madame monsieur
occupe occuper occupent charge gere gerer gerent s'occupe soccupe adresser contacter demander demande
aller dois doit besoin aide-moi voila
""".split())


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("french")


def normalise(text: str) -> str:
    """Unicode-normalise, unify apostrophes and lower-case (accents kept: the stemmer wants them)."""
    text = unicodedata.normalize("NFKC", text).translate(_APOS).translate(_LIGATURES)
    return text.lower()


def _strip(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


# Latin letters with diacritics folded by one C-level translate (the per-character path is for the rest).
_FOLD = str.maketrans({chr(i): _strip(chr(i)) for i in range(0xC0, 0x250) if _strip(chr(i)) != chr(i)})


# Apostrophes, ligatures and accented Latin letters (of lower-cased text) in a single translate pass.
_FOLD_LOWER = str.maketrans({**{c: "'" for c in APOSTROPHES}, "œ": "oe", "æ": "ae", "ß": "ss",
                             **{chr(k): v for k, v in _FOLD.items()}})


def fold(text: str) -> str:
    """Case and accent folding with apostrophes unified: 'Élus’' → "elus'"."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():  # the common case; "`" is the one ASCII apostrophe variant
        return text.replace("`", "'").lower()
    text = text.lower().translate(_FOLD_LOWER)
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def name_key(text: str) -> str:
    """`fold`, then only its letters and digits, one space apart: how names are compared across files and
    turned into identifiers (« L’Île-de-France » → "l ile de france"). Built on the one `fold`."""
    return " ".join(_WORD.findall(fold(text)))


def same_name(a: str, b: str) -> bool:
    """Names equal up to case, accents, apostrophe style and spacing."""
    return " ".join(fold(a).split()) == " ".join(fold(b).split())


def words(text: str) -> list[str]:
    """Folded words with elided articles dropped ("l'enfance" → "enfance"); digits kept."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of one folded word (stemming the folded form keeps both sides aligned)."""
    if len(word) <= 3 or word.isdigit():
        return word
    return _stemmer().stemWord(word)


def content_words(text: str) -> list[str]:
    """Words that carry meaning: no stop words, no one-letter elisions."""
    return [w for w in words(text) if w not in STOP_WORDS and w not in ELISIONS and len(w) > 1 or w.isdigit()]


def stems(text: str) -> list[str]:
    """Stems of the content words, in order (order matters for phrases)."""
    return list(_stems(text))


@lru_cache(maxsize=100_000)
def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in content_words(text))


COMMON_MIN = 10_000  # occurrences in pyspellchecker's French frequency list (subtitles): « force », « aucun »


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Folded everyday French words (pyspellchecker's French frequency list, COMMON_MIN occurrences or more): a
    commune that bears one (Forcé, Aucun, Château) is named only when it reads as a name, not as the word."""
    text = (Path(__file__).with_name("common_words.txt")).read_text(encoding="utf-8")  # tools/common_words.py
    return frozenset(w for w in text.splitlines() if w and not w.startswith("#"))


def contains_phrase(haystack: list[str], needle: tuple[str, ...]) -> bool:
    """Whether the stem sequence `needle` occurs contiguously in `haystack`."""
    n = len(needle)
    if n == 0 or n > len(haystack):
        return False
    first = needle[0]
    for i, s in enumerate(haystack[: len(haystack) - n + 1]):
        if s == first and tuple(haystack[i : i + n]) == needle:
            return True
    return False

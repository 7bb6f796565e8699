"""Step 1 — understand the question: its places and organisation, then its topic as weighted stems.

Words naming the organisation select it and are not the topic. A commune's words mostly act through
the place boost, but keep a little weight (sites, partners and units are named after places). Unknown
words are mapped to the index vocabulary by fuzzy matching (typos), a commune's name never is.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from lookup.model import Index
from lookup.places import PlaceReading, read_places
from lookup.text import ELISIONS, STOP_WORDS, stem, words
from lookup.weights import FUZZY_CUTOFF, MAX_FUZZY_WORDS, PLACE_WORD

ELIDED = ("qu", "l", "d", "j", "n", "s")  # an elision typed without apostrophe: "lenfance"


@dataclass
class Query:
    text: str  # the question as answered (control characters made spaces)
    places: PlaceReading
    terms: dict[str, float]  # topic stems → weight (1 if known, the similarity if typo-corrected)
    sequence: list[str]  # every content word's stem in order, for phrases

    @property
    def org(self) -> str | None:
        return self.places.org


def clean(text: str) -> str:
    """Control, format, unassigned… characters become spaces."""
    if text.isprintable():
        return text
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)


def understand(idx: Index, text: str, org: str | None, commune: str | None) -> Query:
    """The question's places and topic terms (`org` already checked; `commune` may raise UnknownCommune)."""
    ws = words(text)
    places = read_places(idx.places, ws, text, org, commune)
    named = places.named
    place_words = places.place_words
    topic = [w for i, w in enumerate(ws) if i not in named or w in place_words]
    drop = {w for i, w in enumerate(ws) if i in named and w not in place_words}
    terms = topic_terms(idx, topic, drop=drop, exact=place_words)
    for w in place_words:
        if stem(w) in terms:
            terms[stem(w)] *= PLACE_WORD
    sequence = [stem(w) for w in ws if w not in STOP_WORDS and w not in ELISIONS]
    return Query(text, places, terms, sequence)


def topic_terms(idx: Index, ws: list[str], drop: set[str], exact: set[str]) -> dict[str, float]:
    """Query stems with weights: 1 for a known stem, the similarity for a typo-corrected one. Words in
    `exact` (a commune's name) are not typos: they count only if the index knows them."""
    terms: dict[str, float] = {}
    budget = MAX_FUZZY_WORDS
    for w in ws:
        if w in STOP_WORDS or w in ELISIONS or w in drop or (len(w) < 2 and not w.isdigit()):
            continue
        s = stem(w)
        if s in idx.unit_idf or s in idx.comp_idf or len(w) < 4 or w.isdigit():
            terms[s] = max(terms.get(s, 0.0), 1.0)
            continue
        if budget <= 0 or w in exact:
            continue
        budget -= 1
        for fs, wt in fuzzy_terms(idx, w):
            terms[fs] = max(terms.get(fs, 0.0), wt)
    return terms


def fuzzy_terms(idx: Index, w: str) -> list[tuple[str, float]]:
    """Index stems an unknown word may be a typo of, with their weight (the squared similarity)."""
    for p in ELIDED:
        rest = w[len(p):]
        if w.startswith(p) and rest in idx.vocab:
            return [(idx.vocab[rest], 0.95)]
    hits = process.extract(w, idx.vocab_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=3)
    if not hits:
        return []
    top = hits[0][1]
    return [(idx.vocab[h[0]], (h[1] / 100.0) ** 2) for h in hits if h[1] >= top - 2]

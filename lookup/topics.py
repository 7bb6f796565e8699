"""Step 1 (continued) — the question's topics: how well it matches each competence of the reference,
directly or through a life situation.

The competence reference (data/competences.yaml) gives each competence a label, acronyms, keywords and
citizens' phrases; the situations (data/situations.yaml) give the ordinary words of a life situation or
a trade's jargon and the competences that answer it. The question's stems are scored BM25F-style
against both; a multi-word keyword found as such adds a bonus; a situation passes a share of its score
to each competence it concerns.
"""

from __future__ import annotations

from lookup.model import Index, Phrase, Posting
from lookup.question import Query
from lookup.text import contains_phrase
from lookup.weights import PHRASE_BONUS, SITUATION_SHARE

Topics = dict[int, float]  # competence → score, in the order the question's stems met them


def competence_scores(idx: Index, query: Query) -> Topics:
    """Each matching competence's score (ties keep this order: the question's stems' order)."""
    scores = _match(query, idx.comp_postings, idx.comp_phrases, idx.comp_idf)
    by_situation: dict[int, float] = {}
    for si, s in situation_scores(idx, query).items():
        for ci in idx.situations[si].competences:
            by_situation[ci] = max(by_situation.get(ci, 0.0), SITUATION_SHARE * s)
    for ci, s in by_situation.items():
        scores[ci] = scores.get(ci, 0.0) + s
    return scores


def situation_scores(idx: Index, query: Query) -> dict[int, float]:
    """Each matching situation's score."""
    return _match(query, idx.sit_postings, idx.sit_phrases, idx.sit_idf)


def _match(query: Query, postings: dict[str, list[Posting]], phrases: dict[str, list[Phrase]],
           idf: dict[str, float]) -> dict[int, float]:
    scores: dict[int, float] = {}
    for t, qw in query.terms.items():
        for p in postings.get(t, ()):
            scores[p.item] = scores.get(p.item, 0.0) + qw * p.weight
    found = sorted((ph for t in query.terms for ph in phrases.get(t, ())
                    if query.terms.keys() >= set(ph.stems) and contains_phrase(query.sequence, ph.stems)),
                   key=lambda ph: ph.rank)
    for ph in found:  # in the reference's order, so that sums are always made alike
        scores[ph.item] = scores.get(ph.item, 0.0) + PHRASE_BONUS * sum(idf.get(s, 0.0) for s in ph.stems)
    return scores

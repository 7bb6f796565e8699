"""Step 1 (continued) — the question's topics: how well it matches each competence of the reference.

The reference (data/competences.yaml, through the graph) gives each competence a label, acronyms,
keywords and citizens' phrases; the question's stems are scored against them BM25F-style, and a
multi-word keyword or label found as such adds a bonus.
"""

from __future__ import annotations

from lookup.model import Index
from lookup.question import Query
from lookup.text import contains_phrase
from lookup.weights import PHRASE_BONUS

Topics = dict[int, float]  # competence → score, in the order the question's stems met them


def competence_scores(idx: Index, query: Query) -> Topics:
    """Each matching competence's score (ties keep this order: the question's stems' order)."""
    scores: Topics = {}
    for t, qw in query.terms.items():
        for p in idx.comp_postings.get(t, ()):
            scores[p.item] = scores.get(p.item, 0.0) + qw * p.weight
    found = sorted((ph for t in query.terms for ph in idx.comp_phrases.get(t, ())
                    if query.terms.keys() >= set(ph.stems) and contains_phrase(query.sequence, ph.stems)),
                   key=lambda ph: ph.rank)
    for ph in found:  # in the reference's order, so that sums are always made alike
        scores[ph.competence] = scores.get(ph.competence, 0.0) + PHRASE_BONUS * sum(
            idx.comp_idf.get(s, 0.0) for s in ph.stems)
    return scores

"""Step 2 — retrieve the candidate units: those whose own text holds a question stem, and those that
HANDLE a competence the question matches (they inherit part of its score).

Every unit of the organisation asked (or of all organisations) is considered; nothing is cut off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lookup.model import Index, Posting
from lookup.question import Query
from lookup.topics import Topics
from lookup.weights import ALPHA, BREADTH, OTHER_COMPETENCES


@dataclass
class Candidate:
    unit: int
    own: float = 0.0  # BM25F score of the unit's own text
    competence: int | None = None  # the best matching competence it handles
    inherited: float = 0.0  # the share of the competences' scores it receives


def retrieve(idx: Index, query: Query, topics: Topics) -> dict[int, Candidate]:
    """Candidates by unit, with their own-text score and what they inherit."""
    org = query.org
    out: dict[int, Candidate] = {}
    for t, qw in query.terms.items():
        for p in idx.of_org(idx.postings.get(t, []), org, _item):
            c = out.setdefault(p.item, Candidate(p.item))
            c.own += qw * p.weight
    order = {ci: k for k, ci in enumerate(topics)}
    for ci in topics:
        for u in idx.of_org(idx.handlers.get(ci, []), org, int):
            if out.get(u, Candidate(u)).competence is None:
                c = out.setdefault(u, Candidate(u))
                c.competence, c.inherited = inherit(idx, u, topics, order)
    return out


def _item(p: Posting) -> int:
    return p.item


def inherit(idx: Index, u: int, topics: Topics, order: dict[int, int]) -> tuple[int, float]:
    """The unit's best matching competence (ties: the question's order) and what it inherits: ALPHA of
    that competence's score plus a small share of its other matches, damped for generalists."""
    held = [h.competence for h in idx.units[u].handles]
    found = [ci for ci in held if ci in topics]
    best = min(found, key=lambda ci: (-topics[ci], order[ci]))
    top = topics[best]
    damp = ALPHA / (1.0 + BREADTH * math.log(max(len(held), 1)))
    return best, damp * (top + OTHER_COMPETENCES * (sum(topics[ci] for ci in sorted(found)) - top))

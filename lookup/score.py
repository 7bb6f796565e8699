"""Step 3 — score each candidate: its own text, the best mission sentence, being named, what it
inherits from its competences, and the place it covers. The parts are kept apart for explanation."""

from __future__ import annotations

from dataclasses import dataclass

from lookup.candidates import Candidate
from lookup.model import Index, Unit
from lookup.places import place_factor
from lookup.question import Query
from lookup.weights import NAME_BONUS, PASSAGE


@dataclass
class Scored:
    unit: int
    own: float  # BM25F of its own text
    passage: float  # its best mission sentence holding several question words
    named: float  # the question names it
    inherited: float  # from the competences it HANDLES
    competence: int | None  # … the best of which
    place: float  # multiplier: it covers the commune named (or its canton, EPCI)

    @property
    def text(self) -> float:
        """The evidence of the unit's own words."""
        return self.own + self.passage + self.named

    @property
    def total(self) -> float:
        return (self.text + self.inherited) * self.place


def score(idx: Index, query: Query, candidates: dict[int, Candidate]) -> list[Scored]:
    """Every candidate scored (in unit order)."""
    weight = {t: idx.unit_idf.get(t, 0.0) * w for t, w in query.terms.items()}
    total = sum(weight.values()) or 1.0
    out = []
    for u, c in sorted(candidates.items()):
        unit = idx.units[u]
        passage = named = 0.0
        if c.own > 0:
            passage = PASSAGE * _best_passage(unit, weight)
            named = NAME_BONUS * _naming(unit, weight, total)
        place = place_factor(idx.places, unit.cover, unit.org, query.places.communes)
        out.append(Scored(u, c.own, passage, named, c.inherited, c.competence, place))
    return out


def _best_passage(unit: Unit, weight: dict[str, float]) -> float:
    """The mission sentence holding the most question weight, if it holds two question stems or more."""
    best = 0.0
    for m in unit.missions:
        hits = m.stems.intersection(weight)
        if len(hits) >= 2:
            best = max(best, sum(weight[t] for t in hits))
    return best


def _naming(unit: Unit, weight: dict[str, float], total: float) -> float:
    """A name (or alias) wholly in the question: its idf mass × the share of the question it covers."""
    best = 0.0
    for name in unit.name_stems:
        if name and weight.keys() >= set(name):
            mass = sum(weight[t] for t in set(name))
            best = max(best, mass * min(1.0, mass / total))
    return best

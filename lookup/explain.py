"""Step 5 — explain: each ranked unit as an answer of the JSON contract, with the text that best
explains the match and a verbatim quote with its source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lookup.model import Index, Unit
from lookup.question import Query
from lookup.rank import Ranked
from lookup.text import stems
from lookup.topics import Topics
from lookup.weights import ALPHA, EVIDENCE_MISSION, EVIDENCE_NAME, EVIDENCE_SITE


@dataclass(frozen=True)
class Option:
    """A text that may explain a match, with where it comes from."""

    factor: float  # how much its overlap with the question counts
    text: str
    source: str | None
    quote: str | None
    stems: frozenset[str]


def answer(idx: Index, r: Ranked, topics: Topics, query: Query) -> dict[str, Any]:
    unit = idx.units[r.unit]
    org = idx.orgs[unit.org]
    matched, evidence = explain(idx, unit, r.competence, topics, query)
    comp = idx.competences[r.competence] if r.competence is not None else None
    return {
        "score": round(float(r.score), 4),
        "unit": {"id": unit.id, "name": unit.name, "kind": unit.kind,
                 "organisation": {"id": org.id, "name": org.name}},
        "chain": [{"id": a.id, "name": a.name, "kind": a.kind} for a in map(idx.units.__getitem__, unit.ancestors)],
        "competence": {"code": comp.code, "label": comp.label} if comp else None,
        "matched": matched,
        "evidence": evidence,
        "head": unit.head,
        "partners": [{"id": p.id, "name": p.name} for p in unit.partners],
    }


def options(unit: Unit) -> list[Option]:
    """The unit's own texts in their order of preference: names and aliases, missions, sites."""
    out = [Option(EVIDENCE_NAME, n, unit.source, unit.quote, frozenset(stems(n))) for n in [unit.name, *unit.aliases]]
    out += [Option(EVIDENCE_MISSION, m.text, m.source, m.text, m.stems) for m in unit.missions]
    out += [Option(EVIDENCE_SITE, s.name, s.source or unit.source, s.quote or unit.quote, s.stems) for s in unit.sites]
    return out


def explain(idx: Index, unit: Unit, competence: int | None, topics: Topics, query: Query
            ) -> tuple[str, dict[str, str | None] | None]:
    """The first best option by factor × the question's idf mass it holds; the competence the unit
    inherits from, when that weighs more. With no overlap at all: the unit's own name."""
    weighted = [(t, idx.unit_idf.get(t, 0.0) * w) for t, w in query.terms.items()]
    opts = options(unit)
    best, best_score = opts[0], 0.0
    for o in opts:
        s = o.factor * sum(v for t, v in weighted if t in o.stems)
        if s > best_score:
            best, best_score = o, s
    if competence is not None and ALPHA * topics.get(competence, 0.0) > best_score:
        h = next(h for h in unit.handles if h.competence == competence)
        best = Option(ALPHA, idx.competences[competence].label, h.source or unit.source, h.quote or unit.quote,
                      frozenset())
    return best.text, ({"source": best.source, "quote": best.quote} if best.quote else None)

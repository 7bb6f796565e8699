"""Step 4 (continued) — is the question for this organisation at all?

Out of scope when its best topic belongs to another level of government (a commune's, the State's…),
no unit here handles it and the units' own words do not say more; or when no unit has enough evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from lookup.model import Index
from lookup.question import Query
from lookup.score import Scored
from lookup.topics import Topics
from lookup.weights import MIN_SCORE, MIN_TOPIC


@dataclass
class Scope:
    out_of_scope: bool
    hint: str | None  # whom to ask instead (the competence's hint)


def decide(idx: Index, query: Query, topics: Topics, scored: list[Scored]) -> Scope:
    text_best = max((s.text for s in scored if s.own > 0), default=0.0)
    best = max((s.total for s in scored), default=0.0)
    kinds = {idx.orgs[query.org].kind} if query.org else idx.org_kinds
    out, hint = False, None
    if topics:
        top = max(topics, key=topics.__getitem__)
        c = idx.competences[top]
        if (topics[top] >= MIN_TOPIC and not idx.handled_in(top, query.org) and not (c.levels & kinds)
                and topics[top] >= text_best):
            out, hint = True, c.hint
    return Scope(out or best < MIN_SCORE, hint)

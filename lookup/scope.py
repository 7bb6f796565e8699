"""Step 4 (continued) — is the question for this organisation at all, and how sure is the answer?

Out of scope when its best topic belongs to another level of government (a commune's, the State's…),
no unit here handles it, and neither the units' own words nor a topic of this level say nearly as
much: the answer gives that competence's hint (whom to ask). Out of scope too when nothing in the question points anywhere. Between the two,
a question whose evidence is weak is still answered, with its best candidates and a low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from lookup.model import Index
from lookup.question import Query
from lookup.score import Scored
from lookup.topics import Topics
from lookup.weights import LOW_TEXT, LOW_TOPIC, MIN_SCORE, MIN_TOPIC, OTHER_LEVEL


@dataclass
class Scope:
    out_of_scope: bool
    hint: str | None  # whom to ask instead (the competence's hint)
    confidence: str | None  # "high", "low" (weak evidence: best candidates only), None when out of scope


def decide(idx: Index, query: Query, topics: Topics, scored: list[Scored]) -> Scope:
    text_best = max((s.text for s in scored if s.own > 0), default=0.0)
    best = max((s.total for s in scored), default=0.0)
    kinds = {idx.orgs[query.org].kind} if query.org else idx.org_kinds
    here = 0.0  # the best topic this organisation's level holds
    for ci, s in topics.items():
        c = idx.competences[ci]
        if c.levels & kinds or idx.handled_in(ci, query.org):
            here = max(here, s)
    if topics:
        top = max(topics, key=topics.__getitem__)
        c = idx.competences[top]
        if (topics[top] >= MIN_TOPIC and not idx.handled_in(top, query.org) and not (c.levels & kinds)
                and topics[top] >= max(text_best, OTHER_LEVEL * here)):
            return Scope(True, c.hint, None)
    if best >= MIN_SCORE:
        return Scope(False, None, "high")
    if best > 0 and (here >= LOW_TOPIC or text_best >= LOW_TEXT):
        return Scope(False, None, "low")
    return Scope(True, None, None)

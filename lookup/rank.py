"""Step 4 — rank: best score first (ties: deeper unit, then id), the more specific unit before an
ancestor carrying nearly the same evidence, and local copies of one unit grouped under their parent."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lookup.model import Index
from lookup.score import Scored
from lookup.weights import REPLICAS, SAME_TOPIC_MARGIN, SPECIFIC_MARGIN

MAX_MOVES = 50  # bound on specific-first moves (each one strictly improves the order; this is a safety net)


@dataclass
class Ranked:
    unit: int
    score: float
    competence: int | None  # the competence it owes part of its score to, if any


def rank(idx: Index, scored: list[Scored], limit: int, collapse: bool) -> list[Ranked]:
    """The `limit` best units. `collapse`: no place was given, so local copies are grouped."""
    ranked = sorted((Ranked(s.unit, s.total, s.competence) for s in scored if s.total > 0),
                    key=lambda r: (-r.score, -idx.units[r.unit].depth, idx.units[r.unit].id))
    ranked = specific_first(idx, ranked[: max(limit * 4, 20)])
    if collapse:
        ranked = collapse_replicas(idx, ranked, {s.unit: s for s in scored})
    return ranked[:limit]


def specific_first(idx: Index, ranked: list[Ranked]) -> list[Ranked]:
    """Put a unit before its ancestor when both carry (nearly) the same evidence. After a move the same
    position is examined again: what precedes it is unchanged, and so is the set of units after it."""
    out = list(ranked)
    i = moves = 0
    while i < len(out) and moves < MAX_MOVES:
        top = out[i]
        depth = idx.units[top.unit].depth
        for j in range(i + 1, len(out)):
            below = out[j]
            if top.unit not in idx.units[below.unit].ancestors:
                continue
            margin = SPECIFIC_MARGIN
            if top.competence is not None and top.competence == below.competence:
                margin = max(margin, min(0.3, SAME_TOPIC_MARGIN * (idx.units[below.unit].depth - depth)))
            if below.score >= top.score * (1 - margin):
                out.insert(i, out.pop(j))
                moves += 1
                break
        else:
            i += 1
    return out


def collapse_replicas(idx: Index, ranked: list[Ranked], scored: dict[int, Scored]) -> list[Ranked]:
    """Local copies of one unit (same kind, same score: e.g. one road centre per canton) cannot be told
    apart without a place: answer with the unit that groups them, and list the copies after the rest."""
    groups: dict[tuple[float, str], list[int]] = defaultdict(list)
    for r in ranked:
        groups[(round(r.score, 6), idx.units[r.unit].kind)].append(r.unit)
    out = list(ranked)
    for (score, _kind), members in groups.items():
        if len(members) < REPLICAS or (lca := _common_ancestor(idx, members)) is None:
            continue
        first = min(i for i, r in enumerate(out) if r.unit in members)
        rest = [(i, r) for i, r in enumerate(out) if r.unit not in members and r.unit != lca]
        copies = [r for r in out if r.unit in members]
        own = scored.get(lca)
        parent = Ranked(lca, max(score, own.total if own else 0.0), own.competence if own else None)
        out = [r for i, r in rest if i < first] + [parent] + [r for i, r in rest if i >= first] + copies
    return out


def _common_ancestor(idx: Index, members: list[int]) -> int | None:
    common = list(idx.units[members[0]].ancestors)
    for m in members[1:]:
        anc = set(idx.units[m].ancestors)
        common = [a for a in common if a in anc]
    return common[0] if common else None

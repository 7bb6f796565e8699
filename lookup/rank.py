"""Step 4 — rank: best score first (ties: deeper unit, then id), the more specific unit before an
ancestor carrying nearly the same evidence, and local copies of one unit grouped under their parent."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lookup.model import Index
from lookup.score import Scored
from lookup.weights import REPLICA_MARGIN, REPLICAS, SAME_TOPIC_MARGIN, SPECIFIC_MARGIN

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
    apart without a place: answer with the unit that groups them, and list the copies after the rest.
    Territorial siblings (same parent and kind, each covering its own territory) owing their rank to the
    same competence are copies too when their scores differ by less than REPLICA_MARGIN: a stray word of
    one sector's text does not tell which sector the person needs."""
    grouped = [ms for ms in _territorial_siblings(idx, ranked).values() if len(ms) >= REPLICAS]
    taken = {u for ms in grouped for u in ms}
    same_score: dict[tuple[float, str], list[int]] = defaultdict(list)
    for r in ranked:
        if r.unit not in taken:
            same_score[(round(r.score, 6), idx.units[r.unit].kind)].append(r.unit)
    grouped += [ms for ms in same_score.values() if len(ms) >= REPLICAS]
    best = {r.unit: r.score for r in ranked}
    out = list(ranked)
    for members in grouped:
        if (lca := _common_ancestor(idx, members)) is None:
            continue
        score = max(best[m] for m in members)
        first = min(i for i, r in enumerate(out) if r.unit in members)
        rest = [(i, r) for i, r in enumerate(out) if r.unit not in members and r.unit != lca]
        copies = [r for r in out if r.unit in members]
        own = scored.get(lca)
        parent = Ranked(lca, max(score, own.total if own else 0.0), own.competence if own else None)
        out = [r for i, r in rest if i < first] + [parent] + [r for i, r in rest if i >= first] + copies
    return out


def _territorial_siblings(idx: Index, ranked: list[Ranked]) -> dict[tuple[str | None, str, int], list[int]]:
    """Units covering a territory, by (parent, kind, competence), kept when close to their group's best."""
    by_key: dict[tuple[str | None, str, int], list[Ranked]] = defaultdict(list)
    for r in ranked:
        u = idx.units[r.unit]
        if u.cover and r.competence is not None:
            by_key[(u.parent, u.kind, r.competence)].append(r)
    out = {}
    for key, rs in by_key.items():
        best = max(r.score for r in rs)
        out[key] = [r.unit for r in rs if r.score >= best * (1 - REPLICA_MARGIN)]
    return out


def _common_ancestor(idx: Index, members: list[int]) -> int | None:
    common = list(idx.units[members[0]].ancestors)
    for m in members[1:]:
        anc = set(idx.units[m].ancestors)
        common = [a for a in common if a in anc]
    return common[0] if common else None

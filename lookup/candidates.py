"""First pass of the lookup: the units worth the finer features, without scoring every unit.

A unit's first-pass score is its own-text BM25F score plus what it inherits from the competences it
HANDLES. Over one organisation every unit is scored. Over all organisations the best `limit` units
are found by threshold early stopping (after Fagin's TA): the stem postings, kept best weight first,
and the units ordered by inherited score are each read down to a threshold chosen so that no unread
unit can beat the `limit`-th best score found (ties at that boundary: the first read). Inherited
scores are computed once per handling profile (units handling the same competences inherit the same
score), not once per unit.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_right
from collections import defaultdict
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter, neg

from lookup.index import Index, Postings

ALPHA = 0.8  # weight of the competence match inherited through HANDLES
BREADTH = 0.1  # damping of inherited scores by log(number of competences handled)
OTHER_COMPETENCES = 0.05  # share of a unit's further matching competences
CANDIDATES = 400  # units kept for the finer features on large graphs
FIRST_STEP = 128  # postings read per list in the first round of early stopping
GROWTH = 2.0  # growth of the reading step from round to round
LEVELS = 16  # steps in which a source's reading threshold is lowered from its top contribution

Inherited = dict[int, tuple[int, float]]  # unit → (best competence, inherited score)


@lru_cache(maxsize=256)
def _breadth(n: int) -> float:
    """A unit handling many competences is a generalist: it inherits a little less of each."""
    return 1.0 / (1.0 + BREADTH * math.log(max(n, 1)))


def profile_scores(idx: Index, cscores: dict[int, float], among: list[int] | None = None
                   ) -> dict[int, tuple[int, float]]:
    """Per handling profile touched by the question (of the units `among`, or of all units): its best
    competence and the score it passes on."""
    hits: dict[int, list[tuple[int, float]]] = defaultdict(list)
    if among is None:
        for ci, s in cscores.items():
            item = (ci, s)
            for pid in idx.comp_profiles.get(ci, ()):
                hits[pid].append(item)
    else:
        order = {ci: k for k, ci in enumerate(cscores)}  # the question's order, as over all profiles
        for pid in dict.fromkeys(idx.unit_profile[u] for u in among):
            if pid >= 0:
                found = sorted((ci for ci in idx.profiles[pid] if ci in order), key=order.__getitem__)
                if found:
                    hits[pid] = [(ci, cscores[ci]) for ci in found]
    out: dict[int, tuple[int, float]] = {}
    profiles = idx.profiles
    for pid, lst in hits.items():
        b = ALPHA * _breadth(len(profiles[pid]))
        if len(lst) == 1:
            out[pid] = (lst[0][0], b * (lst[0][1] + OTHER_COMPETENCES * 0))
        elif len(lst) == 2:
            (c0, s0), (c1, s1) = lst if lst[0][1] >= lst[1][1] else (lst[1], lst[0])
            out[pid] = (c0, b * (s0 + OTHER_COMPETENCES * (0 + s1)))
        else:
            lst.sort(key=itemgetter(1), reverse=True)  # stable: equal scores keep the question's order
            out[pid] = (lst[0][0], b * (lst[0][1] + OTHER_COMPETENCES * sum(s for _, s in lst[1:])))
    return out


def own_scores(idx: Index, qterms: dict[str, float], batch: list[int]) -> list[float]:
    """Own-text score of each unit of `batch` (0.0: it contains no query stem), term by term."""
    acc = [0.0] * len(batch)
    for t, qw in qterms.items():
        p = idx.postings.get(t)
        if p:
            acc = [a if w is None else a + qw * w for a, w in zip(acc, map(p.weight.get, batch))]
    return acc


def candidates(idx: Index, qterms: dict[str, float], cscores: dict[int, float], org: str | None,
               limit: int = CANDIDATES) -> tuple[dict[int, float], Inherited]:
    """Own-text scores and inherited (competence, score) of the best `limit` units (first-pass score)."""
    if org is not None:
        pool = idx.orgs[org].units
        profs = profile_scores(idx, cscores, pool)
        own = {u: s for u, s in zip(pool, own_scores(idx, qterms, pool)) if s > 0.0}
        inh = {u: profs[p] for u, p in zip(pool, map(idx.unit_profile.__getitem__, pool)) if p in profs}
        if len(own) + len(inh) > limit:
            pre = {u: own.get(u, 0.0) + inh.get(u, (0, 0.0))[1] for u in own.keys() | inh.keys()}
            return _keep(own, inh, pre, limit)
        return own, inh
    return _early_stop(idx, qterms, profile_scores(idx, cscores), limit)


def _keep(own: dict[int, float], inh: Inherited, pre: dict[int, float], limit: int
          ) -> tuple[dict[int, float], Inherited]:
    if len(pre) <= limit:
        return own, inh
    keep = set(heapq.nlargest(limit, pre, key=pre.__getitem__))
    return {u: s for u, s in own.items() if u in keep}, {u: v for u, v in inh.items() if u in keep}


class _Source:
    """Units in decreasing order of one part of the first-pass score (a query stem, or inheritance)."""

    size: int
    top: float  # the largest contribution

    def count(self, tau: float) -> int:
        """How many leading entries contribute at least `tau` (rounding errs on the side of more)."""
        raise NotImplementedError

    def read(self, start: int, end: int) -> list[int]:
        raise NotImplementedError


class _StemSource(_Source):
    def __init__(self, postings: Postings, qw: float) -> None:
        self.units, self.weights, self.qw = postings.units, postings.weights, qw
        self.size, self.top = len(self.units), qw * self.weights[0]

    def count(self, tau: float) -> int:
        return bisect_right(self.weights, -(tau / self.qw) * (1 - 1e-9), key=neg)

    def read(self, start: int, end: int) -> list[int]:
        return self.units[start:end]


class _HeirSource(_Source):
    def __init__(self, idx: Index, profs: dict[int, tuple[int, float]]) -> None:
        order = sorted(profs, key=lambda p: -profs[p][1])
        self.values = [profs[p][1] for p in order]
        self.members = [idx.profile_units[p] for p in order]
        self.ends = list(accumulate(len(m) for m in self.members))  # units up to and including each profile
        self.size, self.top = self.ends[-1], self.values[0]

    def count(self, tau: float) -> int:
        n = bisect_right(self.values, -tau * (1 - 1e-9), key=neg)  # profiles passing on at least tau
        return self.ends[n - 1] if n else 0

    def read(self, start: int, end: int) -> list[int]:
        out: list[int] = []
        j = bisect_right(self.ends, start)
        while j < len(self.members) and start < end:
            first = self.ends[j] - len(self.members[j])
            out += self.members[j][start - first : end - first]
            start = self.ends[j]
            j += 1
        return out


def _early_stop(idx: Index, qterms: dict[str, float], profs: dict[int, tuple[int, float]], limit: int
                ) -> tuple[dict[int, float], Inherited]:
    """Threshold early stopping. With θ the `limit`-th best score found so far and each source k read
    down to contribution τ_k, Σ τ_k ≤ θ, a unit not yet read has less than θ: it cannot be kept.
    θ rises as units are read, and the τ_k are chosen again each round (`_allocate`)."""
    sources: list[_Source] = [_StemSource(idx.postings[t], qw) for t, qw in qterms.items() if t in idx.postings]
    if profs:
        sources.append(_HeirSource(idx, profs))
    total = sum(src.top for src in sources)
    own: dict[int, float] = {}
    inh: Inherited = {}
    pre: dict[int, float] = {}
    read = [0] * len(sources)
    step = FIRST_STEP
    while True:
        theta = heapq.nlargest(limit, pre.values())[-1] if len(pre) >= limit else 0.0
        need = _allocate(sources, theta) if theta > 0.0 else [src.size for src in sources]
        batch: list[int] = []
        for k, src in enumerate(sources):
            if read[k] < need[k]:
                end = min(need[k], read[k] + step)
                batch += src.read(read[k], end)
                read[k] = end
        if not batch:
            break
        step = int(step * GROWTH)
        batch = [u for u in dict.fromkeys(batch) if u not in pre]
        for u, s, p in zip(batch, own_scores(idx, qterms, batch), map(idx.unit_profile.__getitem__, batch)):
            h = profs.get(p)
            if s > 0.0:
                own[u] = s
            if h is not None:
                inh[u] = h
                pre[u] = s + h[1]
            else:
                pre[u] = s
    return _keep(own, inh, pre, limit)


def _allocate(sources: list[_Source], theta: float) -> list[int]:
    """How far to read each source: lower τ_k from the source's top by steps (a fraction of the top) where
    it costs the fewest entries per unit of score given up, until Σ τ_k ≤ θ."""
    slack = sum(src.top for src in sources) - theta
    grid = [[(src.top * j / LEVELS, src.count(src.top * (1 - j / LEVELS)) if j < LEVELS else src.size)
             for j in range(LEVELS + 1)] for src in sources]
    at = [0] * len(sources)
    given = 0.0
    while given < slack:
        best: tuple[float, int, int] | None = None
        for k, g in enumerate(grid):
            d0, c0 = g[at[k]]
            for j in range(at[k] + 1, LEVELS + 1):
                ratio = (g[j][1] - c0) / (g[j][0] - d0)
                if best is None or ratio < best[0]:
                    best = (ratio, k, j)
        if best is None:
            break
        _, k, j = best
        given += grid[k][j][0] - grid[k][at[k]][0]
        at[k] = j
    return [grid[k][at[k]][1] for k in range(len(sources))]

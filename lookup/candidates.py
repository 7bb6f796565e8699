"""First pass of the lookup: the units worth the finer features, without the finer features for all.

A unit's first-pass score is its own-text BM25F score plus what it inherits from the competences it
HANDLES. Both are computed for every unit in scope (one organisation's contiguous block of units, or all
of them) as numpy vectors: a stem's postings add its weights in one scatter, a handling profile's
inherited score is computed once per profile (units handling the same competences inherit the same score)
and gathered per unit. The best `limit` units are kept (ties at the boundary: lowest unit index, so the
answer does not depend on numpy's partition order).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from lookup.index import Index

ALPHA = 0.8  # weight of the competence match inherited through HANDLES
BREADTH = 0.1  # damping of inherited scores by log(number of competences handled)
OTHER_COMPETENCES = 0.05  # share of a unit's further matching competences
CANDIDATES = 400  # units kept for the finer features on large graphs
WHOLE_SCATTER = 20_000  # up to this many units, adding whole postings is cheaper than finding a slice

Inherited = dict[int, tuple[int, float]]  # unit → (best competence, inherited score)


def breadth(sizes: np.ndarray) -> np.ndarray:
    """A unit handling many competences is a generalist: it inherits a little less of each."""
    return 1.0 / (1.0 + BREADTH * np.log(np.maximum(sizes, 1)))


def profile_scores(idx: Index, cscores: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    """Per handling profile (plus a last slot for "handles nothing"): the competence it inherits from
    (-1: none) and the score it passes on — the best matching competence plus a small share of the others.
    Equal competence scores keep the question's order (stable sort, also with reverse=True)."""
    n = len(idx.inherit_factor)
    h = idx.holdings
    if not cscores:
        return np.full(n, -1, dtype=np.int32), np.zeros(n)
    order = sorted(cscores, key=cscores.__getitem__, reverse=True)
    m = len(idx.competences)
    # One slot past the competences stands for "none": rank after every match, score 0, competence -1.
    rank = np.full(m + 1, len(order), dtype=np.int32)
    rank[order] = range(len(order))
    score = np.zeros(m + 1)
    score[list(cscores)] = list(cscores.values())
    comp_of_rank = np.array([*order, -1], dtype=np.int32)
    # The "handles nothing" profile is the last one and holds the "none" slot (see Holdings).
    best = comp_of_rank[np.minimum.reduceat(rank[h.comps], h.starts)]  # each profile's best competence
    total = np.add.reduceat(score[h.comps] * h.counts, h.starts)
    top = score[best]  # best == -1 reads the "none" slot: 0.0
    return best, idx.inherit_factor * (top + OTHER_COMPETENCES * (total - top))


def candidates(idx: Index, qterms: dict[str, float], cscores: dict[int, float], org: str | None,
               limit: int = CANDIDATES) -> tuple[dict[int, float], Inherited]:
    """Own-text scores and inherited (competence, score) of the best `limit` units (first-pass score)."""
    lo, hi = idx.orgs[org].span if org is not None else (0, idx.size)
    whole = org is None or idx.size <= WHOLE_SCATTER  # small graph: scatter whole postings, then slice
    own = np.zeros(idx.size if whole else hi - lo)
    for t, qw in qterms.items():
        p = idx.postings.get(t)
        if p is None:
            continue
        if whole:
            own[p.units] += qw * p.weights
        else:
            a, b = p.units.searchsorted((lo, hi))
            own[p.units[a:b] - lo] += qw * p.weights[a:b]
    if whole and org is not None:
        own = own[lo:hi]
    best, inherited = profile_scores(idx, cscores)
    prof = idx.unit_profile[lo:hi]
    inh = inherited[prof]
    pre = own + inh
    keep = (pre > 0.0).nonzero()[0]
    if len(keep) > limit:
        vals = pre[keep]
        kth = np.partition(vals, len(vals) - limit)[len(vals) - limit]
        above = keep[vals > kth]
        keep = np.concatenate([above, keep[vals == kth][: limit - len(above)]])
    own_k, inh_k, comp_k = own[keep].tolist(), inh[keep].tolist(), best[prof[keep]].tolist()
    units = (keep + lo).tolist()
    return ({u: s for u, s in zip(units, own_k) if s > 0.0},
            {u: (c, s) for u, c, s in zip(units, comp_k, inh_k) if c >= 0})

"""The vectorised first pass keeps exactly the units a plain per-unit computation would keep."""

from __future__ import annotations

import math

import pytest

from lookup.candidates import ALPHA, BREADTH, OTHER_COMPETENCES, candidates
from lookup.engine import Engine
from lookup.index import Index
from lookup.text import stems

QUESTIONS = ["aide sociale à l'enfance placement familial", "routes départementales déneigement",
             "allocation personnalisée d'autonomie APA", "collèges restauration scolaire", "ressources humaines paie",
             "service", "zzz"]


@pytest.fixture(scope="module")
def idx(loaded_store) -> Index:
    return Engine.from_store(loaded_store).index()


def _reference(idx: Index, qterms: dict[str, float], cscores: dict[int, float], pool: range
               ) -> dict[int, tuple[float, int, float]]:
    """Per unit, written unit by unit: own score, inherited competence (-1: none), inherited score."""
    weight = {t: dict(zip(p.units.tolist(), p.weights.tolist())) for t, p in idx.postings.items()}
    order = {ci: k for k, ci in enumerate(cscores)}
    out = {}
    for u in pool:
        own = 0.0
        for t, qw in qterms.items():
            own += qw * weight.get(t, {}).get(u, 0.0)
        held = sorted(ci for ci, _, _ in idx.units[u].handles)
        found = sorted((ci for ci in held if ci in order), key=lambda ci: (-cscores[ci], order[ci]))
        comp, inh = -1, 0.0
        if found:
            damp = 1.0 / (1.0 + BREADTH * math.log(max(len(held), 1)))
            comp = found[0]
            inh = ALPHA * damp * (cscores[comp] + OTHER_COMPETENCES * sum(cscores[c] for c in found[1:]))
        out[u] = (own, comp, inh)
    return out


def _question(idx: Index, text: str) -> tuple[dict[str, float], dict[int, float]]:
    qterms = {s: 1.0 for s in stems(text)}
    cscores: dict[int, float] = {}
    for t in qterms:
        for ci, w in idx.comp_postings.get(t, ()):
            cscores[ci] = cscores.get(ci, 0.0) + w
    return qterms, cscores


@pytest.mark.parametrize("text", QUESTIONS)
@pytest.mark.parametrize("limit", [3, 25, 10_000])
def test_first_pass_matches_unit_by_unit_scores(idx: Index, text: str, limit: int) -> None:
    qterms, cscores = _question(idx, text)
    for org in [None, *sorted(idx.orgs)]:
        lo, hi = idx.orgs[org].span if org else (0, idx.size)
        ref = _reference(idx, qterms, cscores, range(lo, hi))
        pre = {u: own + inh for u, (own, _, inh) in ref.items() if own + inh > 0}
        ranked = sorted(pre, key=lambda u: (-pre[u], u))
        cut = pre[ranked[limit - 1]] if len(ranked) >= limit else 0.0
        own, inherited = candidates(idx, qterms, cscores, org, limit=limit)
        kept = own.keys() | inherited.keys()
        assert len(kept) == min(limit, len(pre))
        assert all(pre[u] >= cut - 1e-9 for u in kept)  # nothing better was left out
        assert {u for u in pre if pre[u] > cut + 1e-9} <= kept
        assert all(lo <= u < hi and idx.units[u].org == (org or idx.units[u].org) for u in kept)
        for u in kept:
            r_own, r_comp, r_inh = ref[u]
            assert own.get(u, 0.0) == pytest.approx(r_own)
            assert inherited.get(u, (-1, 0.0))[0] == r_comp
            assert inherited.get(u, (-1, 0.0))[1] == pytest.approx(r_inh)


def test_ties_at_the_boundary_keep_the_first_units(idx: Index) -> None:
    qterms, cscores = {}, {ci: 1.0 for ci in range(len(idx.competences))}
    own, inherited = candidates(idx, qterms, cscores, None, limit=10_000)
    everyone = sorted(inherited, key=lambda u: (-inherited[u][1], u))
    cut = inherited[everyone[4]][1]
    tied = [u for u in everyone if inherited[u][1] == cut]
    _, five = candidates(idx, qterms, cscores, None, limit=5)
    expected = [u for u in everyone if inherited[u][1] > cut] + tied[: 5 - sum(inherited[u][1] > cut for u in everyone)]
    assert sorted(five) == sorted(expected)
    assert not own


def test_organisations_are_contiguous_blocks(idx: Index) -> None:
    for org in idx.orgs.values():
        lo, hi = org.span
        assert org.units == list(range(lo, hi))

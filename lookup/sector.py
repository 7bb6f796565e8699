"""Inside a covered organisation: the territorial unit serving a commune the document does not name.

By the territories the document states, then canton, then EPCI, then the nearest centre the document
names — and the answer says which rule decided (« secteur le plus proche, à confirmer »).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lookup.model import Competence, Index

RULE_STATED = "territoire indiqué par le document"
RULE_CANTON = "même canton qu'un territoire indiqué par le document"
RULE_EPCI = "même intercommunalité qu'un territoire indiqué par le document"
RULE_NEAREST = "secteur le plus proche, à confirmer"


@dataclass
class Sector:
    unit: int
    rule: str


def territorial_unit(idx: Index, org: str, commune: str, units: list[int]) -> Sector | None:
    """Among `units` (candidates for the topic, best first) of `org` that state communes they serve, the one
    serving `commune`: stated, else same canton, else same EPCI, else nearest stated commune."""
    places = idx.places
    here = places.info.get(commune)
    if here is None:
        return None
    stated = [(u, [c for c in idx.units[u].stated if c in places.info]) for u in units
              if idx.units[u].org == org]
    stated = [(u, cs) for u, cs in stated if cs]
    if not stated:
        return None
    for u, cs in stated:
        if commune in cs:
            return Sector(u, RULE_STATED)
    for attr, rule in (("canton", RULE_CANTON), ("epci", RULE_EPCI)):
        mine = getattr(here, attr)
        if mine:
            for u, cs in stated:
                if any(getattr(places.info[c], attr) == mine for c in cs):
                    return Sector(u, rule)
    if here.lat is None or here.lon is None:
        return None
    best: tuple[float, int] | None = None
    for u, cs in stated:
        for c in cs:
            o = places.info[c]
            if o.lat is None or o.lon is None:
                continue
            d = _km(here.lat, here.lon, o.lat, o.lon)
            if best is None or d < best[0] - 1e-9:
                best = (d, u)
    return Sector(best[1], RULE_NEAREST) if best else None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(a))


def sector_first(idx: Index, org: str | None, commune: str | None, ranked: list[Any], scored: list[Any],
                 topic: Competence | None, make: Callable[[int, float, int | None], Any]
                 ) -> tuple[list[Any], str | None]:
    """Put first the territorial unit serving `commune` (see territorial_unit), with the rule that chose it."""
    if org is None or commune is None or not ranked:
        return ranked, None
    pool = sorted((s for s in scored if s.total > 0 and idx.units[s.unit].org == org
                   and (topic is None or any(h.competence == topic.idx for h in idx.units[s.unit].handles))),
                  key=lambda s: -s.total)
    sector = territorial_unit(idx, org, commune, [s.unit for s in pool])
    if sector is None:
        return ranked, None
    rest = [r for r in ranked if r.unit != sector.unit]
    first = next((r for r in ranked if r.unit == sector.unit), None)
    if first is None:
        s = next(s for s in pool if s.unit == sector.unit)
        first = make(s.unit, s.total, s.competence)
    return [first, *rest][: len(ranked)], sector.rule

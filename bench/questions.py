"""Question streams for the HTTP benchmarks: distinct citizen-style questions, and a popularity mix.

Questions are built from the citizens' phrases of data/competences.yaml and the communes of the seeded
départements ("aide à domicile à Stenay"), so they exercise the engine as real questions do, places
included. Nothing here is tuned on the evaluation files.
"""

from __future__ import annotations

import csv
import random
from collections import OrderedDict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def distinct_questions(n: int, seed: int = 7, departements: tuple[str, ...] = ("55",)) -> list[str]:
    """`n` different questions "PHRASE à COMMUNE" (phrases × communes gives hundreds of thousands)."""
    comp = yaml.safe_load((REPO / "data" / "competences.yaml").read_text(encoding="utf-8"))["competences"]
    phrases = sorted({p for c in comp for p in c.get("phrases", [])})
    with (REPO / "data" / "territories" / "communes.csv").open(encoding="utf-8") as fh:
        communes = [r["name"] for r in csv.DictReader(fh) if r["departement"] in departements]
    if n > len(phrases) * len(communes):
        raise ValueError(f"au plus {len(phrases) * len(communes)} questions distinctes")
    rnd = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < n:
        seen.setdefault(f"{rnd.choice(phrases)} à {rnd.choice(communes)}", None)
    return list(seen)


def zipf_stream(pool: list[str], length: int, exponent: float = 1.0, seed: int = 11) -> list[str]:
    """`length` questions drawn from `pool` with popularity ∝ 1/rank^exponent (a few questions are asked
    very often, most rarely: the usual shape of search logs)."""
    weights = [1.0 / (r + 1) ** exponent for r in range(len(pool))]
    return random.Random(seed).choices(pool, weights=weights, k=length)


def lru_hit_rate(stream: list[str], size: int) -> float:
    """Share of the stream an LRU cache of `size` answers would serve (one process)."""
    cache: OrderedDict[str, None] = OrderedDict()
    hits = 0
    for q in stream:
        if q in cache:
            hits += 1
            cache.move_to_end(q)
        else:
            cache[q] = None
            if len(cache) > size:
                cache.popitem(last=False)
    return hits / len(stream) if stream else 0.0

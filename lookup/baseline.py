"""The BM25 baseline `qfq eval` prints beside the engine: plain BM25 over each unit's name and document
section (its missions when no section was found), nothing else — no competences, places or scope."""

from __future__ import annotations

from typing import Any

from lookup.bm25 import BM25
from lookup.model import Index
from lookup.text import stems


class Baseline:
    def __init__(self, idx: Index) -> None:
        self.idx = idx
        self.bm25 = BM25([stems(" ".join([u.name, u.section or " ".join(m.text for m in u.missions)]))
                          for u in idx.units])

    def ask(self, question: str, org: str | None = None, limit: int = 5) -> dict[str, Any]:
        """The answer's shape, as far as `lookup.evaluate.judge` reads it (never out of scope)."""
        scores = self.bm25.scores(stems(question))
        ranked = sorted((u for u in self.idx.units if scores[u.idx] > 0 and (org is None or u.org == org)),
                        key=lambda u: (-scores[u.idx], u.id))
        return {"out_of_scope": False, "answers": [{"unit": {"name": u.name}} for u in ranked[:limit]]}

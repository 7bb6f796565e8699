"""BM25F: per-document term weights over weighted fields (the engine), and plain BM25 (the baseline)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from lookup.weights import K1

Doc = dict[str, list[str]]  # field → stems


def bm25f(docs: list[Doc], fw: dict[str, float], fb: dict[str, float], background: frozenset[str] = frozenset()
          ) -> tuple[dict[str, float], list[dict[str, float]]]:
    """idf per stem, and per document its stems' weights idf·tf'(k1+1)/(k1+tf'), where tf' sums each
    field's count × field weight, normalised by the field's length against its average. Background
    fields (long context) add to tf' but not to document frequencies: a word that every section
    mentions in passing keeps the idf its precise fields give it."""
    n = max(len(docs), 1)
    avg = {f: (sum(len(d[f]) for d in docs) / n) or 1.0 for f in fw}
    df: Counter[str] = Counter()
    for d in docs:
        df.update({t for f in fw if f not in background for t in d[f]})
    for d in docs:  # a stem only background fields hold: as rare as can be
        df.update({t for f in background for t in d[f] if t not in df})
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    out: list[dict[str, float]] = []
    for d in docs:
        tf: dict[str, float] = defaultdict(float)
        for f, w in fw.items():
            if not d[f]:
                continue
            norm = 1 - fb[f] + fb[f] * len(d[f]) / avg[f]
            for t, c in Counter(d[f]).items():
                tf[t] += w * c / norm
        out.append({t: idf[t] * v * (K1 + 1) / (K1 + v) for t, v in tf.items()})
    return idf, out


class BM25:
    """Plain BM25 (k1 = 1.2, b = 0.75) over one stem list per document: the baseline `qfq eval` prints."""

    def __init__(self, docs: list[list[str]], b: float = 0.75) -> None:
        self.n = max(len(docs), 1)
        self.avg = (sum(len(d) for d in docs) / self.n) or 1.0
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        self.idf = {t: math.log(1 + (self.n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.tf = [Counter(d) for d in docs]
        self.norm = [1 - b + b * len(d) / self.avg for d in docs]

    def scores(self, query: list[str]) -> list[float]:
        """Each document's score for the query's stems."""
        out = []
        for tf, norm in zip(self.tf, self.norm):
            s = 0.0
            for t in query:
                if c := tf.get(t):
                    s += self.idf[t] * c * (K1 + 1) / (c + K1 * norm)
            out.append(s)
        return out

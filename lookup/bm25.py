"""BM25F: per-document term weights over weighted fields (the engine), and plain BM25 (the baseline)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from lookup.weights import K1

Doc = dict[str, list[str]]  # field → stems


def bm25f(docs: list[Doc], fw: dict[str, float], fb: dict[str, float]
          ) -> tuple[dict[str, float], list[dict[str, float]]]:
    """idf per stem, and per document its stems' weights idf·tf'(k1+1)/(k1+tf'), where tf' sums each
    field's count × field weight, normalised by the field's length against its average."""
    n = max(len(docs), 1)
    avg = {f: (sum(len(d[f]) for d in docs) / n) or 1.0 for f in fw}
    df: Counter[str] = Counter()
    for d in docs:
        df.update({t for f in fw for t in d[f]})
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

"""Each unit's section of its source document: the text the document gives about it, beyond its name
and mission bullets (introductions, organisation paragraphs, sentences that were not bullets).

A unit's anchors are where its quote and its missions stand in the document. Its section is the text
from each anchor up to the next anchor of another unit (a document describes one unit at a time), at
most SECTION_CHARS characters in all.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

from loaders.dataset import Dataset, squash

SECTION_CHARS = 4000  # a long section (a whole pôle) says less about each unit than its first pages


@dataclass(frozen=True)
class Anchor:
    position: int  # character offset in the squashed document
    unit: tuple[str, str]  # (organisation id, unit slug)


def unit_sections(ds: Dataset) -> dict[tuple[str, str], str]:
    """(organisation id, unit slug) → its section text (a unit found in no document has none)."""
    texts = {sid: squash((ds.root / "sources" / fname).read_text(encoding="utf-8"))
             for sid, fname in ds.documents.items() if (ds.root / "sources" / fname).is_file()}
    anchors: dict[str, set[Anchor]] = defaultdict(set)
    for o in ds.organisations:
        for u in o.units:
            uid = (o.id, u.id)
            spots = [(u.source, u.quote)]
            spots += [(u.source, m) if isinstance(m, str) else (m.source or u.source, m.text) for m in u.missions]
            for src, text in spots:
                doc = texts.get(str(src))
                if doc is not None and (at := doc.find(squash(text))) >= 0:
                    anchors[str(src)].add(Anchor(at, uid))
    parts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for src, found in anchors.items():
        doc, ordered = texts[src], sorted(found, key=lambda a: (a.position, a.unit))
        starts = [a.position for a in ordered]
        for a in ordered:
            end = next((b.position for b in ordered[bisect_right(starts, a.position):] if b.unit != a.unit), len(doc))
            parts[a.unit].append(doc[a.position:end])
    return {uid: _merge(ps)[:SECTION_CHARS] for uid, ps in parts.items()}


def _merge(parts: list[str]) -> str:
    """The parts in document order, each once (an anchor inside another's span repeats its text)."""
    out: list[str] = []
    for p in parts:
        if not any(p in q for q in out):
            out.append(p)
    return " ".join(out)

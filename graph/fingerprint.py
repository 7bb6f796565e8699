"""A checksum of the whole graph: equal fingerprints mean the same nodes and relationships."""

from __future__ import annotations

import hashlib
import json

from graph.store import Store


def fingerprint(store: Store) -> dict[str, object]:
    """Counts and a sha256 over every (label, id) and (type, from, to), sorted."""
    nodes = store.read("fingerprint_nodes")
    edges = store.read("fingerprint_edges")
    h = hashlib.sha256()
    for row in sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in nodes + edges):
        h.update(row.encode())
    return {"nodes": len(nodes), "relationships": len(edges), "sha256": h.hexdigest()}

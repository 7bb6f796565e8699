"""Constraints and indexes, applied idempotently for the store's backend."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable

from graph.errors import StoreError

SCHEMA_DIR = Path(__file__).resolve().parent


def statements(backend: str) -> list[str]:
    """The schema statements for `falkordb` or `neo4j`, one per entry."""
    name = "neo4j" if backend == "neo4j" else "falkordb"
    text = (SCHEMA_DIR / f"{name}.cypher").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def apply(backend: str, run: Callable[[str], object]) -> int:
    """Run every statement; an index that already exists is not an error. Returns how many were new."""
    created = 0
    for stmt in statements(backend):
        try:
            run(stmt)
            created += 1
        except StoreError as exc:
            if "already" not in str(exc).lower():
                raise
    return created

"""Probe values written to and read back from a store: the round trips of the store tests.

Their Cypher lives in tests/cypher/ (linted with queries/ by `make lint-cypher`): the product's queries/
holds only what the product runs."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

CYPHER = Path(__file__).resolve().parent / "cypher"


@cache
def text(name: str) -> str:
    """The statement of tests/cypher/<name>.cypher, comment lines removed (as queries.load does)."""
    lines = (CYPHER / f"{name}.cypher").read_text(encoding="utf-8").splitlines()
    return "\n".join(ln for ln in lines if not ln.lstrip().startswith("//")).strip()


def echo(store: Any, id: str, value: Any) -> list[dict[str, Any]]:
    """Store `value` under probe `id` and return what the store gives back."""
    return store.run_text(text("echo_value"), {"id": id, "value": value}, write=True)


def read(store: Any, id: str) -> list[dict[str, Any]]:
    return store.run_text(text("probe_read"), {"id": id})


def clear(store: Any) -> None:
    store.run_text(text("probe_delete"), write=True)

"""Load a checked dataset into the store, all or nothing.

On FalkorDB the load is staged in a new graph key and switched in at the end; on Neo4j it is one
transaction. Either way a failed or killed load leaves the previous graph as it was.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from graph.store import Store, chunks
from loaders.dataset import Dataset
from loaders.graph_rows import build_rows
from schema.apply import apply as apply_schema

Progress = Callable[[str, int], None]


@dataclass
class LoadReport:
    version: str
    rows: int
    seconds: float


def load_dataset(store: Store, ds: Dataset, progress: Progress | None = None, batch: int = 5000) -> LoadReport:
    """Replace the graph's content with `ds`; `progress(step, rows_done)` is called after each batch."""
    start = time.perf_counter()
    plan = build_rows(ds, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    total = 0
    if store.backend == "neo4j":  # Neo4j refuses schema changes inside a data transaction
        apply_schema("neo4j", lambda stmt: store.run_text(stmt, write=True))
    with store.replace() as writer:
        if store.backend != "neo4j":  # FalkorDB indexes belong to the staged graph key
            apply_schema(store.backend, writer.write_text)
        writer.write("clear_graph")
        for name, rows in plan:
            for part in chunks(rows, batch):
                writer.write(name, {"rows": list(part)})
                total += len(part)
                if progress:
                    progress(name, len(part))
    return LoadReport(version=ds.version, rows=total, seconds=time.perf_counter() - start)


def plan_size(ds: Dataset) -> int:
    return sum(len(rows) for _, rows in build_rows(ds, ""))

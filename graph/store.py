"""The one store interface the product uses, whatever the backend.

`read`/`write` run a named query from queries/ with parameters and return plain values;
`replace()` gives a writer whose batches become visible all at once, or not at all; `active_key()` names
the graph readers use now and `pinned(key)` reads that graph only (graph/version.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import queries

Row = dict[str, Any]
BATCH_SIZE = 5000


class Writer(Protocol):
    """Receives the writes of one load."""

    def write(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...

    def write_text(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...


class Reader(Protocol):
    """Read-only access: what a request's DataVersion reads through."""

    def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...


class Store(Protocol):
    backend: str
    description: str
    recovered: bool

    def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...

    def write(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...

    def run_text(self, cypher: str, params: Mapping[str, Any] | None = None, write: bool = False) -> list[Row]: ...

    def replace(self) -> AbstractContextManager[Writer]: ...

    def active_key(self) -> str: ...

    def pinned(self, key: str) -> Reader: ...

    def ping(self) -> bool: ...

    def close(self) -> None: ...


def write_batches(writer: Writer, name: str, rows: Sequence[Mapping[str, Any]], size: int = BATCH_SIZE) -> int:
    """Send `rows` to the named `UNWIND $rows …` query in batches; return how many rows went."""
    for chunk in chunks(rows, size):
        writer.write(name, {"rows": list(chunk)})
    return len(rows)


def chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def query_text(name: str) -> str:
    return queries.load(name)

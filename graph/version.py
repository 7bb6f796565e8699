"""One data version per request (or CLI command): the graph it reads, and every cache built from it.

A load (`qfq load`) writes a new graph and then points readers at it. A request asks which graph is
current once (`Versions.current()`, one cheap read), and all its reads go to that graph: it never mixes
two loads. Whatever is computed from a version (the lookup index, answer caches, the organisation and
search catalogues) lives in its `DataVersion` (`memo`) and goes with it when a newer version is seen.
A load removes the graph it replaced at once: a request still reading it gets `VersionGone` and is run
again, as a whole, on the new one (api/app.py's `OneVersion`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from graph.errors import VersionGone
from graph.store import Reader, Row, Store

T = TypeVar("T")


class DataVersion:
    """One loaded graph: read-only access pinned to it, its data version (from its Meta node) and the
    objects built from it."""

    def __init__(self, key: str, store: Reader) -> None:
        self.key = key  # the store's name for this graph (FalkorDB: `qfq@N`, never reused)
        self._store = store  # reads go to this graph only
        self.gone = False  # a read found the graph removed: what was computed from it is incomplete
        self._memo: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        meta = self.read("meta")
        self.version: str | None = meta[0]["version"] if meta else None
        self.loaded_at: str | None = meta[0].get("loaded_at") if meta else None

    def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a named read-only query on this version's graph (VersionGone once a load removed it)."""
        try:
            return self._store.read(name, params)
        except VersionGone:
            self.gone = True
            raise

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """The object `name` of this version, built once (concurrent callers wait for the first build).

        An object that reads the graph holds this version through `weakref.proxy`: a reference cycle would
        keep an old version (and its index) alive for ever, the collector being frozen (lookup/engine.py)."""
        if name in self._memo:
            return self._memo[name]  # type: ignore[no-any-return]
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._memo:
                self._memo[name] = build()
            return self._memo[name]  # type: ignore[no-any-return]


class Versions:
    """The current DataVersion of a store, asked for once per request: a load is seen by the next request."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._current: DataVersion | None = None
        self._alive: weakref.WeakValueDictionary[str, DataVersion] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def current(self) -> DataVersion:
        key = self.store.active_key()
        dv = self._current
        if dv is not None and dv.key == key:
            return dv
        with self._lock:
            dv = self._alive.get(key)  # another request's, begun just before or after a switch
            if dv is None:
                dv = self._alive[key] = DataVersion(key, self.store.pinned(key))
            self._current = dv  # the previous one is freed with its last reader
            return dv


def pin(store: Store) -> DataVersion:
    """The version current now, for a one-off reader (a CLI command)."""
    return Versions(store).current()

"""FalkorDB through its native protocol (the `falkordb` client).

A load is staged in a fresh graph key and made current by moving a pointer key, so a failed or
killed load leaves the previous graph intact and readers never see half a load.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import falkordb
import redis

from graph.errors import StoreError, StoreUnavailable, VersionGone, disk_full, mentions_disk_full
from graph.store import Row, query_text
from graph.values import check_params, to_plain

log = logging.getLogger("qfq.graph")


class FalkorStore:
    """Store on a FalkorDB server; `graph` is the logical name, versions live in `graph@N`."""

    backend = "falkordb"

    def __init__(self, host: str, port: int, password: str | None, graph: str, description: str,
                 username: str | None = None, recovered: bool = False,
                 restart: Callable[[], tuple[int, str]] | None = None, data_dir: str | None = None) -> None:
        self.graph = graph
        self.description = description
        self.recovered = recovered
        self._restart = restart  # embedded store: bring the server back and give its new port/password
        self._data_dir = data_dir  # embedded store: where its files live (named when the disk is full)
        self._host, self._username = host, username
        self._connect(host, port, password, username, description)

    def _connect(self, host: str, port: int, password: str | None, username: str | None, description: str) -> None:
        try:
            self._db = falkordb.FalkorDB(host=host, port=port, password=password, username=username,
                                         socket_connect_timeout=5, socket_timeout=120)
            self._conn: redis.Redis = self._db.connection
            self._graphs: dict[str, Any] = {}
            self._disk_full_seen = False
            self.ping_or_raise()
        except redis.AuthenticationError:
            raise StoreUnavailable(
                f"{description} : authentification refusée. Vérifiez le mot de passe dans QFQ_GRAPH_URL."
            ) from None
        except (redis.RedisError, OSError) as exc:
            if "WRONGPASS" in str(exc) or "NOAUTH" in str(exc) or "invalid password" in str(exc):
                raise StoreUnavailable(
                    f"{description} : authentification refusée. Vérifiez le mot de passe dans QFQ_GRAPH_URL."
                ) from None
            raise StoreUnavailable(
                f"{description} : injoignable ({_cause(exc)}). Vérifiez que le serveur FalkorDB tourne "
                "et que l'hôte et le port de QFQ_GRAPH_URL sont les bons."
            ) from None

    # -- naming ---------------------------------------------------------------------------------
    @property
    def _pointer(self) -> str:
        return f"{self.graph}:active"

    def active_graph(self) -> str:
        """The graph key readers use now (the last completed load)."""
        name = self._call(lambda: self._conn.get(self._pointer))
        return name.decode() if isinstance(name, bytes) else (name or self.graph)

    active_key = active_graph

    def pinned(self, key: str) -> _Pinned:
        """Reads of graph `key` only: VersionGone once a load has replaced and removed it."""
        return _Pinned(self, key)

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run one client call; a lost connection restarts the embedded server once, else is reported;
        a write refused for a full disk (MISCONF, with `appendfsync everysec`) is « disque plein »."""
        try:
            return self._on_full_disk(fn)
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            if self._restart is None:
                raise StoreUnavailable(f"{self.description} : connexion perdue ({_cause(exc)}).") from None
            log.warning("graphe embarqué : connexion perdue (%s), redémarrage du serveur", _cause(exc))
            port, password = self._restart()
            self._connect(self._host, port, password, self._username, self.description)
            try:
                return self._on_full_disk(fn)
            except (redis.ConnectionError, redis.TimeoutError, OSError) as again:
                raise StoreUnavailable(f"{self.description} : connexion perdue ({_cause(again)}).") from None

    def _on_full_disk(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except redis.ResponseError as exc:
            if mentions_disk_full(str(exc)):
                raise disk_full(self._data_dir if self._restart else None,
                                f"FalkorDB refuse les écritures ({_cause(exc)})") from None
            raise

    # -- queries --------------------------------------------------------------------------------
    def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self._run(self.active_graph(), query_text(name), params, write=False)

    def write(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self._run(self.active_graph(), query_text(name), params, write=True)

    def run_text(self, cypher: str, params: Mapping[str, Any] | None = None, write: bool = False) -> list[Row]:
        return self._run(self.active_graph(), cypher, params, write=write)

    def _graph(self, name: str) -> Any:
        """The client's handle on a graph key, kept: a handle caches the graph's label and property names
        (refreshed when the server reports a new schema version); a fresh handle per query asked the
        server for them again each time, ~1 ms per query returning nodes."""
        g = self._graphs.get(name)
        if g is None:
            if len(self._graphs) >= 8:  # keys of earlier loads are deleted: forget their handles
                self._graphs.clear()
            g = self._graphs[name] = self._db.select_graph(name)
        return g

    def _run(self, graph: str, cypher: str, params: Mapping[str, Any] | None, write: bool) -> list[Row]:
        clean = check_params(params)
        try:
            res = self._call(lambda: self._graph(graph).query(cypher, clean) if write
                             else self._graph(graph).ro_query(cypher, clean))
        except redis.ResponseError as exc:
            if not write and "empty key" in str(exc):
                if graph != self.graph:  # a load's graph, removed by the next load
                    raise VersionGone(f"{graph} a été remplacé par un chargement") from None
                return []  # nothing loaded yet: an empty graph answers nothing
            raise StoreError(f"Requête refusée par FalkorDB : {exc}") from None
        header = [h[1] if isinstance(h, (list, tuple)) else h for h in (res.header or [])]
        header = [h.decode() if isinstance(h, bytes) else str(h) for h in header]
        return [dict(zip(header, (to_plain(v) for v in row))) for row in res.result_set or []]

    # -- staged loads ---------------------------------------------------------------------------
    @contextmanager
    def replace(self) -> Iterator[_StagedWriter]:
        """Write a whole new graph; it becomes current only if the block completes."""
        self._drop_stale_versions()
        seq = self._call(lambda: self._conn.incr(f"{self.graph}:seq"))
        staged = f"{self.graph}@{seq}"
        writer = _StagedWriter(self, staged)
        try:
            yield writer
        except BaseException:
            self._delete_graph(staged)
            raise
        old = self.active_graph()
        self._switch(staged)
        if old != staged:
            self._delete_graph(old)
        self._compact_log()

    def _compact_log(self, timeout: float = 180.0) -> None:
        """Rewrite the append-only log as a snapshot after a load: otherwise the next start replays every
        load query (a national load: minutes, beyond the start-up wait). Best effort: a server without AOF,
        or one already rewriting, is left as it is."""
        try:
            self._conn.execute_command("BGREWRITEAOF")
        except redis.ResponseError:
            pass  # already in progress, or AOF off
        except (redis.RedisError, OSError):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                info = self._conn.info("persistence")
            except (redis.RedisError, OSError):
                return
            if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                return
            time.sleep(0.05)

    def _switch(self, staged: str) -> None:
        """Point readers at the new version. The embedded server writes its AOF with `everysec` (a full
        disk then refuses writes instead of killing the server): for this one write it fsyncs, so a
        completed load survives a power cut too."""
        if self._restart is None:
            self._call(lambda: self._conn.set(self._pointer, staged))
            return
        self._call(lambda: self._conn.config_set("appendfsync", "always"))
        try:
            self._call(lambda: self._conn.set(self._pointer, staged))
        finally:
            try:
                self._call(lambda: self._conn.config_set("appendfsync", "everysec"))
            except StoreError:
                pass  # the server is gone: it restarts from its file, with `everysec`

    def _drop_stale_versions(self) -> None:
        """Remove versions left by a killed load (never the current one)."""
        active = self.active_graph()
        for key in self._call(lambda: list(self._conn.scan_iter(match=f"{self.graph}@*", count=1000))):
            name = key.decode() if isinstance(key, bytes) else key
            if name != active:
                self._delete_graph(name)

    def _delete_graph(self, name: str) -> None:
        try:
            self._call(lambda: self._db.select_graph(name).delete())
        except redis.ResponseError:
            pass  # nothing stored under that name
        except StoreError:
            pass  # cleanup after a failed load: the next load drops what is left

    def ping_or_raise(self) -> None:
        try:
            self._conn.ping()
        except redis.ResponseError as exc:
            if not mentions_disk_full(str(exc)):  # a full disk still lets us read: connected
                raise

    def ping(self) -> bool:
        """Whether the server answers. Redis answers PING with MISCONF while its disk is full: it still
        serves reads (the graph already loaded), so it is up; the condition is logged once."""
        try:
            ok = bool(self._conn.ping())
            self._disk_full_seen = False
            return ok
        except redis.ResponseError as exc:
            if not mentions_disk_full(str(exc)):
                return False
            if not self._disk_full_seen:
                self._disk_full_seen = True
                log.warning("%s : disque plein, les écritures sont refusées (%s) ; les lectures continuent",
                            self.description, _cause(exc))
            return True
        except (redis.RedisError, OSError):
            return False

    def close(self) -> None:
        try:
            self._conn.close()
        except (redis.RedisError, OSError):
            pass


class _Pinned:
    """A read-only store on one graph key (a request's data version, graph/version.py)."""

    def __init__(self, store: FalkorStore, graph: str) -> None:
        self._store = store
        self.graph = graph
        self.backend, self.description, self.recovered = store.backend, store.description, store.recovered

    def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self._store._run(self.graph, query_text(name), params, write=False)

    def run_text(self, cypher: str, params: Mapping[str, Any] | None = None, write: bool = False) -> list[Row]:
        if write:
            raise StoreError("Écriture refusée : cette vue du graphe est en lecture seule.")
        return self._store._run(self.graph, cypher, params, write=False)

    def active_key(self) -> str:
        return self.graph

    def pinned(self, key: str) -> _Pinned:
        return self._store.pinned(key)

    def ping(self) -> bool:
        return self._store.ping()


class _StagedWriter:
    """Writes into the staged graph key of one load."""

    def __init__(self, store: FalkorStore, graph: str) -> None:
        self._store = store
        self.graph = graph

    def write(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self._store._run(self.graph, query_text(name), params, write=True)

    def write_text(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self._store._run(self.graph, cypher, params, write=True)


def _cause(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]

"""Graph store access: one interface, embedded FalkorDB by default, external FalkorDB or Neo4j by URL."""

from __future__ import annotations

from graph.config import GraphConfig, from_env
from graph.errors import BadParameter, StoreError, StoreUnavailable
from graph.store import Store, Writer, write_batches

__all__ = ["open_store", "Store", "Writer", "write_batches", "StoreError", "StoreUnavailable",
           "BadParameter", "GraphConfig"]


def open_store(config: GraphConfig | None = None) -> Store:
    """Connect to the store QFQ_GRAPH_URL names (starting the embedded one when unset)."""
    cfg = config or from_env()
    if cfg.backend == "neo4j":
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(cfg.driver_url, cfg.user, cfg.password, cfg.database, cfg.safe_url)
    from graph.falkor_store import FalkorStore

    if cfg.backend == "falkordb":
        return FalkorStore(cfg.host, cfg.port, cfg.password, cfg.graph, cfg.safe_url, username=cfg.user)
    from graph.embedded import EmbeddedServer

    assert cfg.data_dir is not None
    server = EmbeddedServer(cfg.data_dir)
    info = server.ensure()

    def restart() -> tuple[int, str]:
        again = server.ensure()
        return again.port, again.password

    store = FalkorStore("127.0.0.1", info.port, info.password, cfg.graph, cfg.safe_url, recovered=info.recovered,
                        restart=restart, data_dir=str(cfg.data_dir))
    store.server = server  # type: ignore[attr-defined]  # keeps the owner alive with the store
    return store

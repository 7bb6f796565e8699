"""Which graph store to use, read from QFQ_GRAPH_URL and friends.

Kept separate from the adapters so that a bad URL is reported before any connection is tried.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from graph.errors import StoreUnavailable

NEO4J_SCHEMES = {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}
DEFAULT_GRAPH = "qfq"


@dataclass(frozen=True)
class GraphConfig:
    """Where the graph lives: `embedded`, `falkordb` (native protocol) or `neo4j` (official driver)."""

    backend: str
    url: str = ""
    host: str = "127.0.0.1"
    port: int = 6379
    user: str | None = None
    password: str | None = None
    database: str | None = None
    graph: str = DEFAULT_GRAPH
    data_dir: Path | None = None

    @property
    def driver_url(self) -> str:
        """The URL without user and password (credentials go to the driver separately)."""
        parts = urlsplit(self.url)
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")

    @property
    def safe_url(self) -> str:
        """The URL without its password, for messages and logs."""
        if self.backend == "embedded":
            return f"embedded FalkorDB ({self.data_dir})"
        parts = urlsplit(self.url)
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        if parts.username:
            netloc = f"{parts.username}@{netloc}"
        return f"{parts.scheme}://{netloc}{parts.path}"


def repo_root() -> Path:
    """The checkout this code runs from (var/ and data/ live there by default)."""
    return Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    return Path(os.environ.get("QFQ_DATA_DIR") or repo_root() / "var" / "graph")


def from_env(env: dict[str, str] | None = None) -> GraphConfig:
    """Build the configuration from QFQ_GRAPH_URL (unset → embedded FalkorDB)."""
    env = dict(os.environ if env is None else env)
    url = (env.get("QFQ_GRAPH_URL") or "").strip()
    graph = env.get("QFQ_GRAPH_NAME") or DEFAULT_GRAPH
    if not url:
        data_dir = Path(env.get("QFQ_DATA_DIR") or repo_root() / "var" / "graph")
        return GraphConfig(backend="embedded", graph=graph, data_dir=data_dir)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise StoreUnavailable(_bad_url(url, f"adresse illisible ({exc})")) from None
    scheme = parts.scheme.lower()
    if scheme == "falkordb":
        if not parts.hostname:
            raise StoreUnavailable(_bad_url(url, "il manque l'hôte"))
        path_graph = parts.path.strip("/") or graph
        return GraphConfig(
            backend="falkordb",
            url=url,
            host=parts.hostname,
            port=port or 6379,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            graph=path_graph,
        )
    if scheme in NEO4J_SCHEMES:
        if not parts.hostname:
            raise StoreUnavailable(_bad_url(url, "il manque l'hôte"))
        return GraphConfig(
            backend="neo4j",
            url=url,
            host=parts.hostname,
            port=port or 7687,
            user=env.get("QFQ_GRAPH_USER") or (unquote(parts.username) if parts.username else "neo4j"),
            password=env.get("QFQ_GRAPH_PASSWORD") or (unquote(parts.password) if parts.password else None),
            database=env.get("QFQ_GRAPH_DATABASE") or None,
        )
    raise StoreUnavailable(
        _bad_url(url, f"schéma « {scheme or '?'} » inconnu (attendu : falkordb://, bolt://, neo4j://, neo4j+s://)")
    )


def _bad_url(url: str, cause: str) -> str:
    safe = url
    try:
        p = urlsplit(url)
        if p.password:
            safe = url.replace(f":{p.password}@", ":***@")
    except ValueError:
        safe = "<illisible>"
    return (
        f"QFQ_GRAPH_URL={safe} : {cause}. "
        "Corrigez QFQ_GRAPH_URL ou retirez-la pour utiliser le graphe embarqué."
    )

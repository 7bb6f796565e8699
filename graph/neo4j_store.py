"""Neo4j 5 (single instance, Aura, cluster) through the official driver.

A load runs in one explicit transaction: Neo4j commits all of it or none of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j import exceptions as nx

from graph.errors import StoreError, StoreUnavailable
from graph.store import Row, query_text
from graph.values import check_params, to_plain


class Neo4jStore:
    backend = "neo4j"
    recovered = False

    def __init__(self, url: str, user: str | None, password: str | None, database: str | None,
                 description: str) -> None:
        self.description = description
        self._database = database
        auth = (user or "neo4j", password or "") if (user or password) else None
        try:
            self._driver = neo4j.GraphDatabase.driver(url, auth=auth, connection_timeout=5,
                                                      max_transaction_retry_time=5)
            self._driver.verify_connectivity()
        except nx.AuthError:
            raise StoreUnavailable(
                f"{description} : authentification refusée. Vérifiez QFQ_GRAPH_USER et QFQ_GRAPH_PASSWORD."
            ) from None
        except (nx.ServiceUnavailable, nx.DriverError, nx.Neo4jError, OSError, ValueError) as exc:
            raise StoreUnavailable(
                f"{description} : injoignable ({_cause(exc)}). Vérifiez que Neo4j tourne et que "
                "QFQ_GRAPH_URL est la bonne adresse (bolt://, neo4j://, neo4j+s://)."
            ) from None

    def _session(self) -> neo4j.Session:
        return self._driver.session(database=self._database) if self._database else self._driver.session()

    def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self.run_text(query_text(name), params, write=False)

    def write(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self.run_text(query_text(name), params, write=True)

    def run_text(self, cypher: str, params: Mapping[str, Any] | None = None, write: bool = False) -> list[Row]:
        clean = check_params(params)

        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            return [{k: to_plain(v) for k, v in rec.items()} for rec in tx.run(cypher, clean)]

        try:
            with self._session() as session:
                return session.execute_write(work) if write else session.execute_read(work)
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise StoreUnavailable(f"{self.description} : connexion perdue ({_cause(exc)}).") from None
        except nx.Neo4jError as exc:
            raise StoreError(f"Requête refusée par Neo4j : {_cause(exc)}") from None

    @contextmanager
    def replace(self) -> Iterator[_TxWriter]:
        """One explicit transaction for the whole load: committed at the end, rolled back on error.

        Readers keep seeing the previous graph until the commit; if the loading process dies, Neo4j
        rolls the transaction back when its connection drops (tests/test_loaders.py, SIGKILL)."""
        try:
            with self._session() as session:
                tx = session.begin_transaction()
                try:
                    yield _TxWriter(tx, self.description)
                    tx.commit()
                except BaseException:
                    if not tx.closed():
                        try:
                            tx.rollback()
                        except (nx.DriverError, nx.Neo4jError, OSError):
                            pass  # connection gone: the server rolls back on its own
                    raise
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise StoreUnavailable(f"{self.description} : connexion perdue pendant le chargement ({_cause(exc)}) ; "
                                   "le graphe précédent est intact, relancez « qfq load ».") from None
        except nx.Neo4jError as exc:
            raise StoreError(f"Chargement refusé par Neo4j : {_cause(exc)} ; le graphe précédent est intact.") from None

    def active_key(self) -> str:
        """The loaded data version and load time: a load commits in one transaction, in place, so there is
        no older graph to pin; a request's reads may straddle a load's commit (FalkorDB's may not)."""
        meta = self.read("meta")
        return f"{meta[0]['version']}@{meta[0].get('loaded_at')}" if meta else ""

    def pinned(self, key: str) -> Neo4jStore:
        return self

    def ping(self) -> bool:
        try:
            self._driver.verify_connectivity()
            return True
        except (nx.DriverError, nx.Neo4jError, OSError):
            return False

    def close(self) -> None:
        self._driver.close()


class _TxWriter:
    def __init__(self, tx: neo4j.Transaction, description: str) -> None:
        self._tx = tx
        self._description = description

    def write(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self.write_text(query_text(name), params)

    def write_text(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        try:
            return [{k: to_plain(v) for k, v in rec.items()} for rec in self._tx.run(cypher, check_params(params))]
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise StoreUnavailable(f"{self._description} : connexion perdue ({_cause(exc)}).") from None
        except nx.Neo4jError as exc:
            raise StoreError(f"Requête refusée par Neo4j : {_cause(exc)}") from None


def _cause(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]

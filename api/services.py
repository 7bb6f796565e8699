"""What a request reads through (its data version, pinned) and the per-version answer caches."""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache
from rapidfuzz import fuzz, process

from graph.version import DataVersion, Versions
from lookup.engine import Engine
from lookup.text import fold

from api.jsonbody import dump
from api.orgs import OrgIndex

CACHE_BYTES = 64 * 1024 * 1024  # per cache and per worker: about 20 000 answers of 3 KB
MAX_CACHED_BODY = 256 * 1024  # a larger response is recomputed rather than evicting hundreds of answers
ENTRY_BYTES = 400  # what one cached entry costs besides its body: digest key, LRU links, dict slots
MAX_KEYED_QUERY = 2048  # bytes of an /api/ask query string remembered as such (known parameters only)
ASK_PARAMETERS = frozenset({"q", "org", "commune", "limit"})


class BodyCache:
    """A least-recently-used cache of encoded responses, bounded by the bytes of its keys and values.

    A key is a 16-byte digest of the request's parts, never the parts themselves: a client sending
    60 KB of parameters must not make the cache hold 60 KB per entry. Every entry is counted with
    ENTRY_BYTES of bookkeeping, so a flood of tiny answers is bounded too. Only the bytes are kept:
    thousands of nested answer dicts would be objects for every full collection to scan. Thread-safe."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.lru: LRUCache[bytes, bytes] = LRUCache(maxsize=max(max_bytes, 1), getsizeof=entry_size)
        self.lock = threading.Lock()

    def get(self, *parts: Any) -> bytes | None:
        key = cache_key(*parts)
        with self.lock:
            return self.lru.get(key)

    def put(self, parts: tuple[Any, ...], body: bytes) -> None:
        """Keep `body` unless it is empty or too large to be worth the answers it would evict."""
        if body and entry_size(body) <= min(MAX_CACHED_BODY, self.lru.maxsize):
            key = cache_key(*parts)
            # A copy of exactly its length: orjson's output keeps the block it was written in (4 KB at
            # least), which would make a short answer weigh ten times what it is counted for.
            body = memoryview(body).tobytes()
            with self.lock:
                self.lru[key] = body

    def clear(self) -> None:
        with self.lock:
            self.lru.clear()

    @property
    def size(self) -> int:
        """Bytes accounted (bodies and bookkeeping)."""
        return int(self.lru.currsize)

    def __len__(self) -> int:
        return len(self.lru)


def entry_size(body: bytes) -> int:
    return len(body) + ENTRY_BYTES


def cache_key(*parts: Any) -> bytes:
    """A 16-byte digest of the parts (strings, numbers, None; lone surrogates included)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass
class Services:
    """What one request reads through: its data version (every read goes to that one graph) and the
    objects built from that version (lookup engine, answer caches, organisation and search catalogues),
    kept in the DataVersion and dropped with it when a load brings a new one (graph/version.py)."""

    data: DataVersion
    cache_bytes: int = CACHE_BYTES  # per cache, worker and version; 0: no answer cache

    @property
    def store(self) -> DataVersion:
        """Read-only access to this request's graph."""
        return self.data

    @property
    def engine(self) -> Engine:
        return self.data.memo("engine", lambda: Engine(weakref.proxy(self.data)))  # see DataVersion.memo

    def version(self) -> str | None:
        """The loaded data version (None when the graph is empty)."""
        return self.data.version

    def cache(self, name: str) -> BodyCache | None:
        """This version's answer cache `name` (None when caching is off)."""
        if self.cache_bytes <= 0:
            return None
        return self.data.memo(f"cache:{name}", lambda: BodyCache(self.cache_bytes))

    def _orgs(self) -> OrgIndex:
        return self.data.memo("orgs", lambda: OrgIndex({**r["organisation"], "territory": r["territory"]}
                                                       for r in self.data.read("api_organisations")))

    def organisations(self) -> list[dict[str, Any]]:
        return self._orgs().orgs

    def org(self, text: str) -> dict[str, Any]:
        """Resolve a forgiving organisation argument (raises NotFound)."""
        return self._orgs().resolve(text)

    def ask(self, question: str, org: str | None = None, commune: str | None = None,
            limit: int = 5) -> dict[str, Any]:
        """The engine's answer (same JSON as `qfq ask --json`), memoised per data version. Read-only."""
        res, body = self._ask(question, org, commune, limit)
        return res if res is not None else json.loads(body)

    def ask_json(self, question: str, org: str | None = None, commune: str | None = None, limit: int = 5) -> bytes:
        """The same answer, already encoded as UTF-8 JSON."""
        return self._ask(question, org, commune, limit)[1]

    def _ask(self, question: str, org: str | None, commune: str | None,
             limit: int) -> tuple[dict[str, Any] | None, bytes]:
        """(answer, its JSON) on a miss, (None, JSON) on a hit."""
        org_id = self.org(org)["id"] if org else None
        key = (question, org_id, commune, limit)
        answers = self.cache("answers")
        body = answers.get(*key) if answers is not None else None
        if body is not None:
            return None, body
        res = self.engine.ask(question, org=org_id, commune=commune, limit=limit)
        body = dump(res)
        if answers is not None:
            answers.put(key, body)
        return res, body

    def answer_for_query(self, query_string: bytes) -> bytes | None:
        """The /api/ask body already served for exactly this query string (and data version): a repeated
        request skips even the parsing of its parameters."""
        by_query = self.cache("by_query")
        if by_query is None or len(query_string) > MAX_KEYED_QUERY:
            return None
        return by_query.get(query_string)

    def keep_answer_for_query(self, query_string: bytes, names: set[str], body: bytes) -> None:
        """Remember the body for this query string only when it holds the known parameters (`names`)
        and is short: unknown or padded parameters would each be an entry for the same answer."""
        by_query = self.cache("by_query")
        if by_query is not None and len(query_string) <= MAX_KEYED_QUERY and names <= ASK_PARAMETERS:
            by_query.put((query_string,), body)

    # -- search ---------------------------------------------------------------------------------
    def search(self, text: str, first: int) -> list[tuple[float, str, str, dict[str, Any]]]:
        """(score 0-100, kind, label, row) of the nodes whose names best match `text`."""
        catalog = self.data.memo("catalog", self._catalog)
        query = fold(text).strip()
        if not query:
            return []
        best: dict[int, float] = {}
        scorer = fuzz.token_set_ratio if len(query) <= 4 else fuzz.WRatio  # short: acronyms, whole words
        for _name, score, i in process.extract(query, catalog.names, scorer=scorer, limit=first * 4,
                                               score_cutoff=60):
            owner = catalog.owners[i]
            best[owner] = max(best.get(owner, 0.0), float(score))
        items = catalog.items
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], items[kv[0]][1]))[:first]
        return [(round(s, 1), items[o][0], items[o][1], items[o][2]) for o, s in ranked]

    def _catalog(self) -> Catalog:
        items: list[tuple[str, str, dict[str, Any]]] = []
        items += [("Organisation", o["name"], o) for o in self.organisations()]
        items += [("Unit", r["unit"]["name"], r["unit"])
                  for r in self.data.read("api_units", {"org": None, "kind": None})]
        items += [("Competence", r["competence"]["label"], r["competence"])
                  for r in self.data.read("api_competences")]
        items += [("Partner", r["partner"]["name"], r["partner"]) for r in self.data.read("api_partners")]
        catalog = Catalog(items)
        for i, (_kind, label, row) in enumerate(items):
            for n in {label, *(row.get("aliases") or []), *(row.get("acronyms") or [])}:
                catalog.names.append(fold(n))
                catalog.owners.append(i)
        return catalog


@dataclass
class Catalog:
    """The search's names of one data version: each folded name and the item it names."""

    items: list[tuple[str, str, dict[str, Any]]]  # (kind, label, row)
    names: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)  # names[i] names items[owners[i]]


REQUEST_KEY = "qfq.services"  # where a request keeps its Services (in its ASGI scope)


def services_of(request: Any) -> Services:
    """The request's Services, pinned to the data version current at its first use: every later read of
    the request goes to the same graph (api/app.py re-runs it if a load removes that graph meanwhile)."""
    services = request.scope.get(REQUEST_KEY)
    if services is None:
        state = request.app.state
        versions = getattr(state, "versions", None)
        if versions is None:  # routes mounted without create_app's lifespan
            from graph import open_store

            versions = state.versions = Versions(open_store())
        services = request.scope[REQUEST_KEY] = Services(versions.current(),
                                                         getattr(state, "cache_bytes", CACHE_BYTES))
    return services  # type: ignore[no-any-return]

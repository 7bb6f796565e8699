"""What the app shares between requests: the store, the lookup engine and small per-version caches."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache
from rapidfuzz import fuzz, process

from graph.store import Store
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
    """One per app. The graph only changes through `qfq load`, which bumps the data version: caches
    are keyed by that version, re-read at most every `check_every` seconds."""

    store: Store
    engine: Engine
    check_every: float = 2.0
    cache_bytes: int = CACHE_BYTES  # 0: no answer cache
    _version: str | None = None
    _checked: float = -1e9
    _orgs: OrgIndex = field(default_factory=lambda: OrgIndex([]))
    _answers: BodyCache = field(init=False)
    _by_query: BodyCache = field(init=False)  # /api/ask: raw query string → body
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _catalog_version: str | None = None
    _items: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    _names: list[str] = field(default_factory=list)
    _owners: list[tuple[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._answers = BodyCache(self.cache_bytes)
        self._by_query = BodyCache(self.cache_bytes)

    def version(self) -> str | None:
        """The loaded data version (None when the graph is empty)."""
        now = time.monotonic()
        if now - self._checked >= self.check_every:
            meta = self.store.read("meta")
            version = meta[0]["version"] if meta else None
            with self._lock:
                if version != self._version or not self._orgs.orgs:
                    self._orgs = OrgIndex({**r["organisation"], "territory": r["territory"]}
                                          for r in self.store.read("api_organisations"))
                    self._answers.clear()
                    self._by_query.clear()
                self._version, self._checked = version, now
        return self._version

    def organisations(self) -> list[dict[str, Any]]:
        self.version()
        return self._orgs.orgs

    def org(self, text: str) -> dict[str, Any]:
        """Resolve a forgiving organisation argument (raises NotFound)."""
        self.version()
        return self._orgs.resolve(text)

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
        key = (self.version(), question, org_id, commune, limit)
        body = self._answers.get(*key)
        if body is not None:
            return None, body
        res = self.engine.ask(question, org=org_id, commune=commune, limit=limit)
        body = dump(res)
        # The engine checks the data version on its own 2 s clock: right after a load it may still answer
        # from the previous index. Such an answer is served but not kept under the new version's key.
        if self.cache_bytes > 0 and self.engine.index().version == key[0]:
            self._answers.put(key, body)
        return res, body

    def answer_for_query(self, query_string: bytes) -> bytes | None:
        """The /api/ask body already served for exactly this query string (and data version): a repeated
        request skips even the parsing of its parameters."""
        if self.cache_bytes <= 0 or len(query_string) > MAX_KEYED_QUERY:
            return None
        return self._by_query.get(self.version(), query_string)

    def keep_answer_for_query(self, query_string: bytes, names: set[str], body: bytes) -> None:
        """Remember the body for this query string only when it holds the known parameters (`names`)
        and is short: unknown or padded parameters would each be an entry for the same answer. An answer
        from the previous index just after a load is not kept (see _ask)."""
        if self.cache_bytes > 0 and len(query_string) <= MAX_KEYED_QUERY and names <= ASK_PARAMETERS:
            key = (self.version(), query_string)
            if self.engine.index().version == key[0]:
                self._by_query.put(key, body)

    # -- search ---------------------------------------------------------------------------------
    def search(self, text: str, first: int) -> list[tuple[float, str, str, dict[str, Any]]]:
        """(score 0-100, kind, label, row) of the nodes whose names best match `text`."""
        names, owners = self._catalog()
        query = fold(text).strip()
        if not query:
            return []
        best: dict[int, float] = {}
        scorer = fuzz.token_set_ratio if len(query) <= 4 else fuzz.WRatio  # short: acronyms, whole words
        for _name, score, i in process.extract(query, names, scorer=scorer, limit=first * 4, score_cutoff=60):
            owner = owners[i][0]
            best[owner] = max(best.get(owner, 0.0), float(score))
        items = self._items
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], items[kv[0]][1]))[:first]
        return [(round(s, 1), items[o][0], items[o][1], items[o][2]) for o, s in ranked]

    def _catalog(self) -> tuple[list[str], list[tuple[int]]]:
        version = self.version()
        if self._catalog_version != version or not self._items:
            items: list[tuple[str, str, dict[str, Any]]] = []
            items += [("Organisation", o["name"], o) for o in self.organisations()]
            items += [("Unit", r["unit"]["name"], r["unit"])
                      for r in self.store.read("api_units", {"org": None, "kind": None})]
            items += [("Competence", r["competence"]["label"], r["competence"])
                      for r in self.store.read("api_competences")]
            items += [("Partner", r["partner"]["name"], r["partner"]) for r in self.store.read("api_partners")]
            names: list[str] = []
            owners: list[tuple[int]] = []
            for i, (_kind, label, row) in enumerate(items):
                for n in {label, *(row.get("aliases") or []), *(row.get("acronyms") or [])}:
                    names.append(fold(n))
                    owners.append((i,))
            with self._lock:
                self._items, self._names, self._owners = items, names, owners
                self._catalog_version = version
        return self._names, self._owners

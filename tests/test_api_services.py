"""The state shared between requests: the answer cache is exact, bounded in bytes, and least-recently-used."""

from __future__ import annotations

import json
from typing import Any

from api.services import CACHE_BYTES, ENTRY_BYTES, MAX_CACHED_BODY, BodyCache, Services
from graph.version import pin
from lookup.engine import Engine


class CountingEngine(Engine):
    def __init__(self, store: Any) -> None:
        super().__init__(store=store)
        self.calls = 0

    def ask(self, *args: Any, **kwargs: Any) -> dict:
        self.calls += 1
        return super().ask(*args, **kwargs)


def test_body_cache_is_bounded_in_bytes_and_evicts_the_least_recent() -> None:
    entry = 100 + ENTRY_BYTES
    cache = BodyCache(3 * entry)
    for k in "abc":
        cache.put((k,), k.encode() * 100)
    assert cache.size == 3 * entry and cache.get("a") == b"a" * 100  # "a" is now the most recent
    cache.put(("d",), b"d" * 100)
    assert cache.get("b") is None and [cache.get(k) is not None for k in "acd"] == [True] * 3
    cache.put(("big",), b"x" * (3 * entry))  # larger than the whole cache: not kept, nothing evicted
    cache.put(("empty",), b"")
    assert len(cache) == 3 and cache.get("big") is None and cache.get("empty") is None
    large = BodyCache(4 * MAX_CACHED_BODY)
    large.put(("huge",), b"x" * (MAX_CACHED_BODY + 1))
    assert large.get("huge") is None


def test_body_cache_counts_keys_and_entries_not_only_bodies() -> None:
    """60 KB keys and a flood of tiny answers: the keys are digests and every entry is counted."""
    cache = BodyCache(100 * (ENTRY_BYTES + 10))
    for i in range(1000):
        cache.put(("v1", str(i) * 20_000), b"0123456789")
    assert len(cache) == 100 and cache.size <= 100 * (ENTRY_BYTES + 10)
    assert all(len(k) == 16 for k in cache.lru)
    assert cache.get("v1", "999" * 20_000) == b"0123456789"


def counting_services(store: Any, cache_bytes: int = CACHE_BYTES) -> tuple[Services, CountingEngine]:
    """Services on the store's current data version, whose engine counts the questions it answers."""
    dv = pin(store)
    engine = dv.memo("engine", lambda: CountingEngine(dv))
    return Services(dv, cache_bytes), engine


def test_answers_repeat_from_the_cache_byte_for_byte(loaded_store: Any) -> None:
    services, engine = counting_services(loaded_store)
    first = services.ask_json("APA pour ma mère à Stenay")
    again = services.ask_json("APA pour ma mère à Stenay")
    assert first == again and engine.calls == 1
    assert json.loads(first) == engine.ask("APA pour ma mère à Stenay")  # what the engine says, exactly
    services.ask_json("APA pour ma mère à Stenay", limit=1)  # another limit is another answer
    services.ask_json("APA pour ma mère à Stenay", org="Meuse")  # resolved to the id "meuse"
    assert engine.calls == 4
    services.ask_json("APA pour ma mère à Stenay", org="meuse")
    assert engine.calls == 4


def test_no_cache_means_every_question_runs(loaded_store: Any) -> None:
    services, engine = counting_services(loaded_store, cache_bytes=0)
    for _ in range(3):
        services.ask_json("qui s'occupe du RSA ?")
    assert engine.calls == 3

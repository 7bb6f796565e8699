"""The state shared between requests: the answer cache is exact, bounded in bytes, and least-recently-used."""

from __future__ import annotations

import json
from typing import Any

from api.services import MAX_CACHED_BODY, Services, body_cache, remember
from lookup.engine import Engine


class CountingEngine(Engine):
    def __init__(self, store: Any) -> None:
        super().__init__(store=store)
        self.calls = 0

    def ask(self, *args: Any, **kwargs: Any) -> dict:
        self.calls += 1
        return super().ask(*args, **kwargs)


def test_body_cache_is_bounded_in_bytes_and_evicts_the_least_recent() -> None:
    cache = body_cache(300)
    for k in "abc":
        remember(cache, (k,), k.encode() * 100)
    assert cache.currsize == 300 and ("a",) in cache
    assert cache.get(("a",)) == b"a" * 100  # "a" is now the most recent: "b" goes first
    remember(cache, ("d",), b"d" * 100)
    assert ("b",) not in cache and {("a",), ("c",), ("d",)} == set(cache)
    remember(cache, ("big",), b"x" * 301)  # larger than the whole cache: not kept, nothing evicted
    remember(cache, ("empty",), b"")
    assert set(cache) == {("a",), ("c",), ("d",)}
    large = body_cache(4 * MAX_CACHED_BODY)
    remember(large, ("huge",), b"x" * (MAX_CACHED_BODY + 1))
    assert ("huge",) not in large


def test_answers_repeat_from_the_cache_byte_for_byte(loaded_store: Any) -> None:
    engine = CountingEngine(loaded_store)
    services = Services(loaded_store, engine)
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
    engine = CountingEngine(loaded_store)
    services = Services(loaded_store, engine, cache_bytes=0)
    for _ in range(3):
        services.ask_json("qui s'occupe du RSA ?")
    assert engine.calls == 3


def test_an_answer_from_the_previous_index_is_not_kept(loaded_store: Any) -> None:
    """Just after a load the engine may still hold the previous index (it checks the version on its own
    clock): that answer is served but not cached under the new version, or it would stay stale."""
    import dataclasses

    engine = CountingEngine(loaded_store)
    engine._check_every = 3600.0  # the engine will not notice the "new" version by itself
    stale = dataclasses.replace(engine.index(), version="the-previous-load")
    engine._index = stale
    services = Services(loaded_store, engine)
    for _ in range(2):
        services.ask_json("qui s'occupe du RSA ?")
        services.keep_answer_for_query(b"q=RSA", b"{}")
    assert engine.calls == 2 and services.answer_for_query(b"q=RSA") is None

"""One data version per request: `qfq load` alternates two data sets while clients query `qfq serve`.

Data set B is a copy of data/ where a service and its three sectors are renamed and one other unit is
removed. Every response is classified A, B or mixed from the names it shows. Counted: mixed responses,
false 404s (a unit of both data sets not found), stale answers (a response begun after /readyz reported
a load, holding the data set before it) and late ones (begun 2 s after a load ended, not yet showing it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from api.app import create_app
from api.services import Services
from api.testing import free_port
from graph.errors import VersionGone
from graph.version import Versions
from loaders.dataset import read_dataset
from loaders.load import load_dataset
from tests.conftest import DATA, qfq_env

QFQ = str(Path(sys.executable).with_name("qfq"))
SUFFIX = " (variante B)"
RENAMED = ["Service achats et services", "Secteur services", "Secteur achats", "Secteur protocole - évènements"]
REMOVED = "secteur-magasin-parc"  # a unit of A only: 200 in A, 404 in B
UNIT = "meuse:service-achats-services"
LOADS = 3  # B, A (a rollback), B after the first A
STEADY = 2.0  # seconds between two loads
GRACE = 2.0  # a load is seen by every process within this many seconds



@pytest.mark.falkordb_only("Neo4j replaces its graph in place: there is no older graph to pin")
def test_a_request_reading_a_replaced_graph_is_told_so_not_answered_empty(loaded_store: Any, dataset: Any) -> None:
    """A read pinned to the graph a load has just replaced and removed raises VersionGone: an empty answer
    would be a false 404. The next request sees the new version, with its own caches and engine."""
    versions = Versions(loaded_store)
    before = versions.current()
    services = Services(before)
    assert services.org("meuse")["id"] == "meuse" and services.engine.index()
    load_dataset(loaded_store, dataset)  # the same data, as a new graph
    with pytest.raises(VersionGone):
        before.read("api_units_by_ids", {"ids": [UNIT]})
    assert before.gone
    after = versions.current()
    assert after.key != before.key and after.version == before.version
    assert Services(after).engine is not services.engine
    assert after.read("api_units_by_ids", {"ids": [UNIT]})[0]["unit"]["name"] == RENAMED[0]
    gone = weakref.ref(before)
    del before, services
    assert gone() is None  # freed with its last reader, its index and caches with it (no reference cycle)


def test_a_request_is_run_again_on_the_new_version_with_its_body(loaded_store: Any) -> None:
    """What api/app.py does with VersionGone: the whole request again (its body replayed), never a 500."""
    calls: list[bytes] = []

    async def flaky(request: Request) -> Response:
        calls.append(await request.body())
        if len(calls) == 1:
            raise VersionGone("qfq@0")
        return PlainTextResponse(f"{len(calls)} {calls[-1].decode()}")

    app = create_app(loaded_store)
    app.router.routes.insert(0, Route("/flaky", flaky, methods=["POST"]))
    with TestClient(app) as c:
        res = c.post("/flaky", content=b"le corps")
    assert res.status_code == 200 and res.text == "2 le corps" and calls == [b"le corps"] * 2


class ReplacedOnce:
    """The real store, where a load replaces the graph the first time `query` is read: that read raises
    VersionGone and the pointer moves on (to the same data, under a new key)."""

    def __init__(self, store: Any, query: str) -> None:
        self._store, self.query, self.moved = store, query, False

    def active_key(self) -> str:
        return self._store.active_key() + ("'" if self.moved else "")

    def pinned(self, key: str) -> Any:
        real, outer = self._store.pinned(self._store.active_key()), self

        class View:
            def read(self, name: str, params: Any = None) -> Any:
                if name == outer.query and not outer.moved:
                    outer.moved = True
                    raise VersionGone(key)
                return real.read(name, params)

        return View()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@pytest.mark.parametrize("kind", ["graphql", "unit"])
def test_graphql_and_pages_answer_whole_from_the_new_graph(loaded_store: Any, kind: str) -> None:
    store = ReplacedOnce(loaded_store, "api_unit_children")
    with TestClient(create_app(store)) as c:
        if kind == "graphql":
            res = c.post("/graphql", json={"query": '{ unit(id: "' + UNIT + '") { name children { name } } }'})
            body = res.json()
            assert "errors" not in body and body["data"]["unit"]["children"]
        else:
            res = c.get(f"/unit/{UNIT}.json")
            assert res.json()["children"]
    assert res.status_code == 200 and store.moved


@dataclass
class Seen:
    kind: str
    start: float
    end: float
    status: int
    version: str | None  # "A", "B", "mixed", or None (no names: an error, or a unit of A only found)


@dataclass
class Log:
    seen: list[Seen] = field(default_factory=list)
    loads: list[tuple[str, float, float]] = field(default_factory=list)  # (data set, start, end)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, s: Seen) -> None:
        with self.lock:
            self.seen.append(s)


def variant(src: Path, dst: Path) -> Path:
    """A copy of data/ with the RENAMED units renamed and REMOVED removed (it has no children)."""
    shutil.copytree(src, dst)
    meuse = dst / "organisations" / "meuse.yaml"
    text = meuse.read_text(encoding="utf-8")
    for name in RENAMED:
        text, n = re.subn(rf"(?m)^(    name: ){re.escape(name)}$", rf"\g<1>{name}{SUFFIX}", text)
        assert n == 1, name
    block = re.compile(rf"(?ms)^  - id: {re.escape(REMOVED)}\n.*?(?=^  - id: |^  # |\Z)")
    text, n = block.subn("", text)
    assert n == 1 and f"parent: {REMOVED}" not in text
    meuse.write_text(text, encoding="utf-8")
    return dst


def classify(body: str) -> str | None:
    """Which data set a body comes from, by the renamed names it holds (JSON strings)."""
    a = any(f'"{n}"' in body for n in RENAMED)
    b = any(f'"{n}{SUFFIX}"' in body for n in RENAMED)
    return "mixed" if a and b else "A" if a else "B" if b else None


def client(url: str, log: Log, stop: threading.Event, n: int) -> None:
    gql = '{ unit(id: "' + UNIT + '") { name children { name } } }'
    with httpx.Client(base_url=url, timeout=30) as http:
        i = n
        while not stop.is_set():
            i += 1
            kind = ("graphql", "unit", "ask", "removed")[i % 4]
            start = time.monotonic()
            try:
                status, version = ask(http, kind, gql)
            except httpx.HTTPError:
                status, version = 0, None
            log.add(Seen(kind, start, time.monotonic(), status, version))


def ask(http: httpx.Client, kind: str, gql: str) -> tuple[int, str | None]:
    """One request of `kind`: its status (404 for a GraphQL unit not found) and data set."""
    if kind == "graphql":
        res = http.post("/graphql", json={"query": gql})
        found = res.status_code == 200 and (res.json().get("data") or {}).get("unit") is not None
        return (200 if found else 404 if res.status_code == 200 else res.status_code), classify(res.text)
    if kind == "unit":
        res = http.get(f"/unit/{UNIT}.json")
    elif kind == "ask":
        res = http.get("/api/ask", params={"q": "qui gère les achats de fournitures ?", "org": "meuse"})
    else:  # present in A only: 200 means A, 404 means B
        res = http.get(f"/unit/meuse:{REMOVED}.json")
        return res.status_code, {200: "A", 404: "B"}.get(res.status_code)
    return res.status_code, classify(res.text)


def readiness(url: str, log: Log, stop: threading.Event, versions: dict[str, str]) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        while not stop.is_set():
            start = time.monotonic()
            res = http.get("/readyz")
            end = time.monotonic()
            v = res.json().get("data_version") if res.status_code == 200 else None
            log.add(Seen("readyz", start, end, res.status_code, versions.get(v or "")))
            time.sleep(0.05)


def load(data: Path, env: dict[str, str]) -> str:
    out = subprocess.run([QFQ, "load", "--data", str(data), "--quiet"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return read_dataset(data).version


@pytest.mark.slow
@pytest.mark.falkordb_only("a `qfq serve` owning its own embedded store")
@pytest.mark.timeout(120, method="thread")
def test_alternating_loads_never_mix_versions(tmp_path: Path) -> None:
    sets = {"A": DATA, "B": variant(DATA, tmp_path / "data-b")}
    env = qfq_env(QFQ_DATA_DIR=str(tmp_path / "graph"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = open(tmp_path / "serve.log", "wb")  # one line per request: a pipe nobody reads would fill
    server = subprocess.Popen([QFQ, "serve", "--port", str(port), "--workers", "2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=server_log)
    log, stop = Log(), threading.Event()
    threads: list[threading.Thread] = []
    began = time.monotonic()
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "qfq serve n'a pas démarré"
            try:
                httpx.get(url + "/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        versions = {load(sets["A"], env): "A"}
        log.loads.append(("A", began, time.monotonic()))
        threads = [threading.Thread(target=client, args=(url, log, stop, n)) for n in range(4)]
        threads.append(threading.Thread(target=readiness, args=(url, log, stop, versions)))
        for t in threads:
            t.start()
        time.sleep(STEADY)
        for i in range(LOADS):
            name = "B" if i % 2 == 0 else "A"
            start = time.monotonic()
            versions[load(sets[name], env)] = name
            log.loads.append((name, start, time.monotonic()))
            time.sleep(STEADY)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
    counts = judge(log)
    retried = (tmp_path / "serve.log").read_text(encoding="utf-8").count("requête relancée")
    print(f"\n{len(log.seen)} réponses en {time.monotonic() - began:.1f} s, chargements "
          f"{', '.join(f'{end - start:.1f}' for _, start, end in log.loads)} s, {retried} relancées : {counts}")
    assert counts["requests"] > 200 and counts["errors"] == 0
    assert counts["mixed"] == counts["false_404"] == counts["stale"] == counts["late"] == 0, counts


def judge(log: Log) -> dict[str, int]:
    """Count the faults of the recorded responses against the loads and what /readyz reported."""
    loads = log.loads
    # The load each /readyz response reported: the latest begun before it ended with that data set.
    reported: list[tuple[float, int]] = []
    for s in log.seen:
        if s.kind == "readyz" and s.version is not None:
            i = max(j for j, (name, start, _) in enumerate(loads) if name == s.version and start <= s.end)
            reported.append((s.end, i))
    reported.sort()
    counts = {"requests": 0, "unclassified": 0, "errors": 0, "mixed": 0, "false_404": 0, "stale": 0, "late": 0}
    for s in log.seen:
        if s.kind == "readyz":
            continue
        counts["requests"] += 1
        if s.kind != "removed" and s.status == 404:
            counts["false_404"] += 1
            continue
        if s.status not in (200, 404):
            counts["errors"] += 1
            continue
        if s.version == "mixed":
            counts["mixed"] += 1
            continue
        if s.version is None:
            counts["unclassified"] += 1
            continue
        # The next load had not begun when this response ended: it must hold what /readyz already reported,
        # and, 2 s after a load ended, that load.
        nxt = [j for j, (_, start, _) in enumerate(loads) if start < s.end]
        last = max(nxt)
        seen_before = max((i for t, i in reported if t < s.start), default=-1)
        if seen_before == last and s.version != loads[last][0]:
            counts["stale"] += 1
        elif s.start > loads[last][2] + GRACE and s.version != loads[last][0]:
            counts["late"] += 1
    return counts

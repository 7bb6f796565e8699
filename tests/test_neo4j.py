"""The product on a real Neo4j 5 answers byte for byte as on the embedded FalkorDB.

Runs with --backend=neo4j (`make test` does): the session's store is the Neo4j that
tools/neo4j/server.py started, loaded with data/; a twin embedded FalkorDB is loaded with the same
data here. Where the engines differ (types, ordering, nulls, transactions), the answers must not.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

import queries
from api.app import create_app
from api.testing import free_port
from graph import GraphConfig, StoreError, open_store
from graph.fingerprint import fingerprint
from loaders.load import load_dataset
from lookup.engine import Engine
from lookup.evaluate import read_questions
from tests.conftest import DATA, REPO, qfq_env
from tests.questions import DEV, question_file

pytestmark = pytest.mark.neo4j_only
QFQ = [sys.executable, "-m", "qfq"]
WRITE_PREFIXES = ("load_", "clear_")
EXAMPLE = re.compile(r"^//\s*example:\s*(\{.*\})\s*$", re.M)


@pytest.fixture(scope="module")
def falkor(tmp_path_factory: pytest.TempPathFactory, dataset: Any) -> Iterator[Any]:
    """The embedded default, loaded with the same data/ as the session's Neo4j."""
    store = open_store(GraphConfig(backend="embedded", data_dir=tmp_path_factory.mktemp("falkor-twin")))
    load_dataset(store, dataset)
    yield store
    store.close()
    store.server.stop()


@pytest.fixture(scope="module")
def engines(loaded_store: Any, falkor: Any) -> dict[str, Engine]:
    assert loaded_store.backend == "neo4j"
    return {"neo4j": Engine.from_store(loaded_store), "falkordb": Engine.from_store(falkor)}


def dev_questions() -> list[dict[str, Any]]:
    return read_questions(question_file(DEV))


def as_cli_json(res: dict[str, Any]) -> str:
    """What `qfq ask --json` prints (qfq/cmd_lookup.py)."""
    return json.dumps(res, ensure_ascii=False, indent=2)


def test_the_two_graphs_are_the_same(loaded_store: Any, falkor: Any) -> None:
    assert fingerprint(loaded_store) == fingerprint(falkor)


def _read_queries() -> list[str]:
    return [n for n in queries.names() if not n.startswith(WRITE_PREFIXES)]


# Lists a query collects in no set order, that its reader takes as a set (lookup/index.py: frozenset).
READ_AS_SETS = {("lookup_territories", "parents")}


def _comparable(name: str, row: dict[str, Any]) -> str:
    """A row as sorted-key JSON; the load's timestamp (the two loads ran at different times) and the
    columns read as sets are neutralised."""
    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: "<loaded_at>" if k == "loaded_at" else clean(v) for k, v in value.items()}
        return value

    row = {k: sorted(v, key=str) if (name, k) in READ_AS_SETS and isinstance(v, list) else v
           for k, v in clean(row).items()}
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("name", _read_queries())
def test_every_named_read_query_gives_the_same_rows(loaded_store: Any, falkor: Any, name: str) -> None:
    """Every read query of queries/ with its `// example:` parameters: the same rows, in the same order when
    the query orders them (a node's properties come back in no set order: keys are compared sorted)."""
    m = EXAMPLE.search((queries.QUERY_DIR / f"{name}.cypher").read_text(encoding="utf-8"))
    params = json.loads(m.group(1)) if m else {}
    got, want = loaded_store.read(name, params), falkor.read(name, params)
    assert want, f"{name} finds nothing for its example on FalkorDB: give it an example that finds something"
    assert got, f"{name} finds nothing on Neo4j but {len(want)} rows on FalkorDB"
    rows = [[_comparable(name, r) for r in found] for found in (got, want)]
    if "ORDER BY" in queries.load(name):
        assert rows[0] == rows[1]
    else:
        assert sorted(rows[0]) == sorted(rows[1])


def test_dev_questions_answer_byte_for_byte_alike(engines: dict[str, Engine], loaded_store: Any,
                                                   falkor: Any) -> None:
    """`qfq ask --json` and /api/ask over every dev question: the same bytes on both engines."""
    questions = dev_questions()
    differ = []
    with TestClient(create_app(loaded_store)) as on_neo4j, TestClient(create_app(falkor)) as on_falkor:
        for q in questions:
            args = {"org": q.get("org"), "commune": q.get("commune")}
            a, b = (as_cli_json(engines[k].ask(q["q"], **args)) for k in ("neo4j", "falkordb"))
            params = {"q": q["q"], **{k: v for k, v in args.items() if v}}
            ra, rb = on_neo4j.get("/api/ask", params=params), on_falkor.get("/api/ask", params=params)
            if a != b or ra.content != rb.content or ra.status_code != rb.status_code:
                differ.append(q["id"])
    assert not differ, f"answers differ between Neo4j and FalkorDB for {differ}"
    assert len(questions) >= 50


def test_qfq_ask_json_processes_print_the_same_bytes(falkor: Any) -> None:
    """The CLI itself, as a user runs it, against each engine (a sample: a process costs ~2 s)."""
    twin = {"QFQ_DATA_DIR": str(falkor.server.data_dir)}
    for q in dev_questions()[:: max(1, len(dev_questions()) // 3)][:3]:
        argv = [*QFQ, "ask", "--json", q["q"], *(["--org", q["org"]] if q.get("org") else [])]
        on_neo4j = subprocess.run(argv, cwd=REPO, env=qfq_env(), capture_output=True, timeout=120)
        env = {k: v for k, v in qfq_env().items() if not k.startswith("QFQ_GRAPH_")} | twin
        on_falkor = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, timeout=120)
        assert on_neo4j.returncode == on_falkor.returncode == 0, on_neo4j.stderr + on_falkor.stderr
        assert on_neo4j.stdout == on_falkor.stdout and json.loads(on_neo4j.stdout)["question"] == q["q"]


CHART_FIELDS = "id name kind note aliases evidence { source quote } headRole { id title evidence { quote } }"
# a unit's lists, asked per unit: with them in every node, an 8-level chart is over the cost budget
UNIT_LISTS = ("missions { id text position evidence { source quote } } competences { code label } "
              "partners { id name } territories { id code name kind population departement } "
              "sites { id name kind managedBy }")


def chart_query(org: str, depth: int) -> str:
    inner = f"depth unit {{ {CHART_FIELDS} }}"
    for _ in range(depth - 1):
        inner = f"depth unit {{ {CHART_FIELDS} }} children {{ {inner} }}"
    return f'{{ organisation(id: "{org}") {{ id name orgChart(depth: {depth}) {{ {inner} }} }} }}'


def test_every_organisation_chart_is_byte_for_byte_alike(loaded_store: Any, falkor: Any) -> None:
    orgs = [r["organisation"]["id"] for r in falkor.read("api_organisations")]
    assert len(orgs) >= 4
    with TestClient(create_app(loaded_store, cache=False)) as on_neo4j, \
            TestClient(create_app(falkor, cache=False)) as on_falkor:
        for org in orgs:
            body = {"query": chart_query(org, 8)}
            a, b = on_neo4j.post("/graphql", json=body), on_falkor.post("/graphql", json=body)
            assert a.status_code == b.status_code == 200
            assert "errors" not in a.json(), a.json()["errors"]
            assert a.content == b.content, org
            chart = a.json()["data"]["organisation"]["orgChart"]
            assert chart, org
            ids = sorted(set(re.findall(r'"unit":\{"id":"([^"]+)"', a.text)))
            for i in range(0, len(ids), 25):  # every unit's lists, 25 units (aliases) per request
                q = "{ " + " ".join(f'u{j}: unit(id: "{uid}") {{ id {UNIT_LISTS} }}'
                                    for j, uid in enumerate(ids[i:i + 25])) + " }"
                a, b = on_neo4j.post("/graphql", json={"query": q}), on_falkor.post("/graphql", json={"query": q})
                assert a.status_code == b.status_code == 200 and "errors" not in a.json(), a.text[:300]
                assert a.content == b.content, (org, i)


def test_uniqueness_constraints_are_real(loaded_store: Any) -> None:
    """Neo4j enforces `REQUIRE … IS UNIQUE`: a second Unit with a loaded id is refused, nothing changes."""
    names = {r["name"] for r in loaded_store.run_text("SHOW CONSTRAINTS YIELD name, type "
                                                      "WHERE type = 'UNIQUENESS' RETURN name")}
    assert {"unit_id", "organisation_id", "territory_id", "competence_code"} <= names
    before = fingerprint(loaded_store)
    with pytest.raises(StoreError, match="Neo4j"):
        loaded_store.run_text("CREATE (:Unit {id: 'meuse:dgs'})", write=True)
    assert fingerprint(loaded_store) == before


def test_a_statement_refused_mid_load_rolls_the_whole_load_back(loaded_store: Any) -> None:
    before = fingerprint(loaded_store)
    with pytest.raises(StoreError, match="Neo4j"):
        with loaded_store.replace() as writer:
            writer.write("clear_graph")
            writer.write_text("CREATE (:Unit {id: 'twice'})")
            writer.write_text("CREATE (:Unit {id: 'twice'})")  # the uniqueness constraint refuses it
    assert fingerprint(loaded_store) == before


def test_the_server_listens_on_loopback_only(neo4j_server: Any) -> None:
    env_file = neo4j_server.home / "env"
    assert env_file.stat().st_mode & 0o777 == 0o600
    text = env_file.read_text()
    assert re.fullmatch(r"QFQ_GRAPH_URL=bolt://127\.0\.0\.1:\d+\nQFQ_GRAPH_USER=neo4j\nQFQ_GRAPH_PASSWORD=\S{16,}\n"
                        r"NEO4J_BROWSER_URL=http://127\.0\.0\.1:\d+/browser/\n", text), text
    ports = [int(p) for p in re.findall(r":(\d+)", text)]
    out = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True).stdout
    for port in ports:
        local = [line.split()[3] for line in out.splitlines() if line.split()[3].endswith(f":{port}")]
        assert local and all(a.startswith(("127.0.0.1:", "[::ffff:127.0.0.1]:")) for a in local), (port, local)
    for host in _other_addresses():
        with socket.socket() as s:
            s.settimeout(1)
            assert s.connect_ex((host, ports[0])) != 0, f"Bolt answers on {host}"
    assert httpx.get(neo4j_server.browser_url, timeout=10).status_code == 200  # the Browser is served


def _other_addresses() -> list[str]:
    out = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return [a for a in out if ":" not in a and not a.startswith("127.")]


def _serve(port: int) -> subprocess.Popen[str]:
    return subprocess.Popen([*QFQ, "serve", "--port", str(port)], cwd=REPO, env=qfq_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_ready(url: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            if httpx.get(url + "/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} not ready")


@pytest.mark.slow
def test_two_servers_on_one_neo4j_see_a_load_within_two_seconds(loaded_store: Any, dataset: Any,
                                                                 tmp_path: Path) -> None:
    """Two `qfq serve` (two ports, as two machines would be) on the same Neo4j; `qfq load` of changed
    data: both report it on /readyz within 2 s of the load's end, answer with it from then on (never the
    data before), and answer the same bytes."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    meuse = data / "organisations" / "meuse.yaml"
    meuse.write_text(meuse.read_text(encoding="utf-8").replace(
        "name: Service accompagnement RSA", "name: Service accompagnement RSA et insertion", 1), encoding="utf-8")
    ask = {"q": "qui s'occupe du RSA ?", "org": "meuse"}
    servers = [(_serve(p), f"http://127.0.0.1:{p}") for p in (free_port(), free_port())]
    try:
        for proc, url in servers:
            _wait_ready(url, proc)
        first = [httpx.get(url + "/api/ask", params=ask, timeout=30) for _, url in servers]
        assert first[0].content == first[1].content
        assert first[0].json()["answers"][0]["unit"]["name"] == "Service accompagnement RSA"
        before = httpx.get(servers[0][1] + "/readyz", timeout=30).json()["data_version"]
        load = subprocess.run([*QFQ, "load", "--data", str(data), "--quiet"], cwd=REPO, env=qfq_env(),
                              capture_output=True, text=True, timeout=300)
        assert load.returncode == 0, load.stderr
        loaded_at = time.monotonic()
        seen: dict[str, float] = {}
        answers: dict[str, str] = {}

        def watch(url: str) -> None:
            """When this server's /readyz reports the new data, and its first answer after that."""
            while time.monotonic() - loaded_at < 10:
                if httpx.get(url + "/readyz", timeout=30).json()["data_version"] != before:
                    seen[url] = time.monotonic() - loaded_at
                    res = httpx.get(url + "/api/ask", params=ask, timeout=30)
                    answers[url] = res.json()["answers"][0]["unit"]["name"]
                    return
                time.sleep(0.05)

        watchers = [threading.Thread(target=watch, args=(url,)) for _, url in servers]
        for t in watchers:
            t.start()
        for t in watchers:
            t.join()
        print(f"load visible after (s): {seen}")
        assert len(seen) == 2 and max(seen.values()) <= 2.0, seen
        assert set(answers.values()) == {"Service accompagnement RSA et insertion"}, answers  # never the old data
        after = [httpx.get(url + "/api/ask", params=ask, timeout=30) for _, url in servers]
        assert after[0].content == after[1].content
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(30)
        load_dataset(loaded_store, dataset)  # the session's graph as the other tests expect it

"""A GraphQL client's session against the app (in process, Starlette's TestClient), and `qfq serve` as a
process answering real HTTP clients (slow)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from api.testing import free_port
from tests.conftest import qfq_env

QFQ = str(Path(sys.executable).with_name("qfq"))


class GraphQLClient:
    """Minimal GraphQL-over-HTTP client (POST, application/graphql-response+json)."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def raw(self, query: str, **variables: Any) -> httpx.Response:
        return self.http.post("/graphql", json={"query": query, "variables": variables},
                              headers={"accept": "application/graphql-response+json"})

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        res = self.raw(query, **variables)
        assert res.status_code == 200, res.text
        assert res.headers["content-type"].startswith("application/graphql-response+json")
        body = res.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture(scope="module")
def gql(client: TestClient) -> GraphQLClient:
    return GraphQLClient(client)


def test_who_handles(gql: GraphQLClient) -> None:
    d = gql("""query($q: String!) { whoHandles(question: $q, organisation: "Meuse", first: 3) {
        outOfScope answers { score unit { id name } chain { name } evidence { source quote } } } }""",
            q="Qui s'occupe du RSA ?")
    answers = d["whoHandles"]["answers"]
    assert not d["whoHandles"]["outOfScope"] and 1 <= len(answers) <= 3
    assert answers[0]["unit"]["id"] == "meuse:service-accompagnement-rsa"
    assert answers[0]["evidence"]["quote"] and answers[0]["chain"]
    assert [a["score"] for a in answers] == sorted((a["score"] for a in answers), reverse=True)


def test_out_of_scope_question(gql: GraphQLClient) -> None:
    d = gql('{ whoHandles(question: "renouveler mon permis de conduire") { outOfScope hint answers { score } } }')
    assert d["whoHandles"]["outOfScope"] and d["whoHandles"]["hint"] and not d["whoHandles"]["answers"]


@pytest.mark.parametrize("org", [None, "meuse"])
def test_walk_every_page_of_units(gql: GraphQLClient, org: str | None) -> None:
    query = """query($org: String, $after: String) { units(organisation: $org, first: 17, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id } } } }"""
    seen: list[str] = []
    after = None
    total = None
    for _ in range(100):
        page = gql(query, org=org, after=after)["units"]
        total = page["totalCount"] if total is None else total
        assert page["totalCount"] == total
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        seen += [e["node"]["id"] for e in page["edges"]]
        if page["edges"]:
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == total and total > 17
    assert seen == sorted(seen)


def test_walk_communes(gql: GraphQLClient) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = gql("""query($after: String) { communes(organisation: "92", first: 100, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }""", after=after)["communes"]
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] and all(c.startswith("92") for c in seen)


def test_org_chart(gql: GraphQLClient) -> None:
    chart = gql("""{ organisation(id: "Département de la Haute-Loire") { id orgChart(depth: 4) {
        unit { name kind headRole { title } } children { unit { name competences { code } }
        children { unit { name missions { text } } children { unit { name } } } } } } }""")["organisation"]
    assert chart["id"] == "haute-loire"
    names = []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for n in nodes:
            names.append(n["unit"]["name"])
            walk(n.get("children") or [])

    walk(chart["orgChart"])
    assert len(names) == len(set(names)) >= 10


def test_error_cases(gql: GraphQLClient) -> None:
    res = gql.raw('{ unit(id: "meuse:nope") { name } }')
    assert res.status_code == 200
    assert res.json()["data"] == {"unit": None} and "Unité inconnue" in res.json()["errors"][0]["message"]
    res = gql.raw("{ unit(id: ")  # parse error: a request error, no data
    assert res.status_code == 400 and "data" not in res.json()
    res = gql.raw("query($id: ID!) { unit(id: $id) { name } }")  # missing variable: coercion failure
    assert res.status_code == 400 and "data" not in res.json()
    res = gql.raw("{ unit { name } }")  # validation: missing argument
    assert res.status_code == 400 and "id" in res.json()["errors"][0]["message"]
    res = gql.http.get("/graphql", params={"query": "mutation { __typename }"})
    assert res.status_code == 405 and res.headers["allow"] == "POST"
    res = gql.http.post("/graphql", content="{ __typename }", headers={"content-type": "text/plain"})
    assert res.status_code == 415
    res = gql.http.post("/graphql", json={"query": "{ __typename }"}, headers={"accept": "text/csv"})
    assert res.status_code == 406


def test_graphiql_for_browsers(client: TestClient) -> None:
    res = client.get("/graphql", headers={"accept": "text/html,application/xhtml+xml"})
    assert res.status_code == 200 and "graphiql" in res.text.lower()


def _wait_ready(url: str, proc: subprocess.Popen[str], timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            return httpx.get(url + "/readyz", timeout=2)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("qfq serve n'a pas répondu à temps")


@pytest.mark.slow  # runs `qfq serve` processes
@pytest.mark.parametrize("workers", [1, 2])
def test_qfq_serve_process(loaded_store: Any, workers: int) -> None:
    port = free_port()
    proc = subprocess.Popen([QFQ, "serve", "--port", str(port), "--workers", str(workers)],
                            env=qfq_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        ready = _wait_ready(url, proc)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        for _ in range(24):  # a new connection each time: with 2 workers the kernel spreads them
            query = '{ whoHandles(question: "collèges") { answers { unit { id } } } }'
            res = httpx.post(url + "/graphql", json={"query": query})
            assert res.status_code == 200 and res.json()["data"]["whoHandles"]["answers"]
        assert httpx.get(url + "/api/ask", params={"q": "RSA", "org": "meuse"}).json()["organisation"] == "meuse"
        for n in (1, 2):  # the port is taken: a second server says so instead of sharing it
            second = subprocess.run([QFQ, "serve", "--port", str(port), "--workers", str(n)], env=qfq_env(),
                                    capture_output=True, text=True, timeout=60)
            assert second.returncode != 0 and f"Impossible d'écouter sur 127.0.0.1:{port}" in second.stderr
            assert "Traceback" not in second.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    log = proc.stderr.read() if proc.stderr else ""
    pids = set(re.findall(r"\[(\d+)\] INFO qfq\.api\.access: POST /graphql 200", log))
    assert len(pids) == workers, log[-2000:]  # every worker took a share of the connections
    assert loaded_store.ping()  # the session's graph server survived the serving process

"""Abusive requests are refused clearly (never a stack trace) and the app keeps answering.

In process (Starlette's TestClient); tests/test_abuse.py sends the same kinds of requests to a real uvicorn
and checks that other clients are served meanwhile."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from api.limits import MAX_ALIASES, MAX_BODY, MAX_DEPTH, MAX_PAGE, MAX_QUESTION

GQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture(scope="module")
def http(client: TestClient) -> httpx.Client:
    return client  # the session's app, in process (tests/conftest.py)


def post(http: httpx.Client, query: str, accept: str = "application/json", **variables: Any) -> httpx.Response:
    return http.post("/graphql", json={"query": query, "variables": variables or None}, headers={"accept": accept})


def still_alive(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    res = post(http, '{ unit(id: "meuse:cabinet") { name } }')
    assert res.json()["data"]["unit"]["name"] == "Cabinet du Président"


def deep_query(levels: int) -> str:
    return '{ unit(id: "meuse:cabinet") { ' + "parent { " * (levels - 1) + "id" + " }" * (levels - 1) + " } }"


def test_depth_limit(http: httpx.Client) -> None:
    assert "errors" not in post(http, deep_query(MAX_DEPTH - 1)).json()
    for accept, status in (("application/json", 200), (GQL_RESPONSE, 400)):
        res = post(http, deep_query(20), accept)
        body = res.json()
        assert res.status_code == status and "data" not in body
        assert f"maximum operation depth of {MAX_DEPTH}" in body["errors"][0]["message"]
    still_alive(http)


def test_thousand_aliases(http: httpx.Client) -> None:
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }"
    res = post(http, query, GQL_RESPONSE)
    assert res.status_code == 400
    assert "tokens" in res.json()["errors"][0]["message"]
    still_alive(http)


def test_alias_limit_counts_fragment_spreads(http: httpx.Client) -> None:
    ok = "{ " + " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES)) + " }"
    assert "errors" not in post(http, ok).json()
    frag = "fragment F on Query { " + " ".join(f"f{i}: __typename" for i in range(20)) + " }"
    res = post(http, "{ ...F x: organisations { id } ...F } " + frag, GQL_RESPONSE)
    assert res.status_code == 400
    assert f"Allowed: {MAX_ALIASES}" in res.json()["errors"][0]["message"]


def test_megabyte_body_is_refused(http: httpx.Client) -> None:
    big = '{"query": "{ __typename }", "pad": "' + "x" * 1_000_000 + '"}'
    res = http.post("/graphql", content=big, headers={"content-type": "application/json"})
    assert res.status_code == 413
    assert f"{MAX_BODY // 1024} Ko" in res.json()["errors"][0]["message"]
    res = http.post("/graphql", content=iter([big.encode()[i:i + 65536] for i in range(0, len(big), 65536)]),
                    headers={"content-type": "application/json"})  # chunked, no Content-Length
    assert res.status_code == 413
    still_alive(http)


def test_page_size_cap(http: httpx.Client) -> None:
    body = post(http, "query($n: Int) { units(first: $n) { totalCount } }", n=MAX_PAGE + 1).json()
    assert body["data"] is None and f"entre 1 et {MAX_PAGE}" in body["errors"][0]["message"]
    body = post(http, "query($n: Int) { units(first: $n) { edges { cursor } } }", n=MAX_PAGE).json()
    assert len(body["data"]["units"]["edges"]) == MAX_PAGE


def test_question_length_cap(http: httpx.Client) -> None:
    q = "rsa " * (MAX_QUESTION // 4 + 1)
    body = post(http, "query($q: String!) { whoHandles(question: $q) { outOfScope } }", q=q).json()
    assert body["data"] is None and "trop long" in body["errors"][0]["message"]
    res = http.get("/api/ask", params={"q": q})
    assert res.status_code == 400 and "trop longue" in res.json()["error"]
    still_alive(http)


def test_bad_cursor_and_no_trace(http: httpx.Client) -> None:
    body = post(http, '{ units(after: "not-a-cursor") { totalCount } }').json()
    assert "Curseur" in body["errors"][0]["message"]
    body = post(http, '{ units(after: 12) { totalCount } }').json()  # wrong literal type: validation error
    assert body["errors"] and "Traceback" not in str(body)

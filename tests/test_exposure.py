"""What the service exposes: read-only API, caps on every input, closed CORS, safe headers, no traces.

In process (Starlette's TestClient): these are the app's own answers; what uvicorn itself refuses
(oversized URLs and headers, slow clients) is tests/test_abuse.py's, on a real server."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient


def post_graphql(client: TestClient, body: Any) -> httpx.Response:
    return client.post("/graphql", json=body, headers={"accept": "application/graphql-response+json"})


def test_the_api_is_read_only(client):
    r = post_graphql(client, {"query": "{ __schema { mutationType { name } subscriptionType { name } } }"})
    assert r.json()["data"]["__schema"] == {"mutationType": None, "subscriptionType": None}
    r = post_graphql(client, {"query": 'mutation { deleteUnit(id: "meuse:cabinet") }'})
    assert r.status_code == 400 and r.json()["errors"]
    assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize("method, path, kwargs, status, says", [
    ("POST", "/graphql", {"content": b"{" + b" " * (1024 * 1024) + b"}",
                          "headers": {"content-type": "application/json"}}, 413, "trop volumineuse"),
    ("GET", "/api/ask", {"params": {"q": "x" * 501}}, 400, "trop longue"),
    ("POST", "/graphql", {"json": {"query": '{ units(first: 10000) { totalCount } }'}}, 200, "« first »"),
    ("POST", "/graphql", {"json": {"query": "{" * 300}}, 400, "Syntax Error"),
    ("GET", "/unit/%00", {}, 400, "Caractère nul"),
    ("GET", "/api/ask", {"params": {"q": "aide \x00 sociale"}}, 400, "Caractère nul"),
], ids=["1MB-body", "long-question", "oversized-page", "300-braces", "nul-in-path", "nul-in-question"])
def test_caps_and_clear_refusals_without_traceback(client, method, path, kwargs, status, says):
    if path == "/graphql":
        kwargs = {**kwargs, "headers": {**kwargs.get("headers", {}), "accept": "application/graphql-response+json"}}
    r = client.request(method, path, **kwargs)
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert says in r.text, r.text[:300]
    assert "Traceback" not in r.text and 'File "' not in r.text
    if path == "/graphql" and "first" in str(kwargs):
        assert r.json()["data"] is None and r.json()["errors"], "an oversized page must be refused with an error"


def test_cors_is_closed_by_default(client):
    r = client.get("/api/ask", params={"q": "RSA"}, headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_web_page_security_headers(client):
    r = client.get("/", params={"q": "RSA"})
    csp = r.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp and "default-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in r.text and " style=" not in r.text

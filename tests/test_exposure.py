"""What the service exposes: read-only API, caps on every input, closed CORS, safe headers, no traces."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.testing import LiveServer


@pytest.fixture(scope="module")
def server(loaded_store: Any) -> Iterator[LiveServer]:
    with LiveServer(create_app(loaded_store)) as srv:
        yield srv


def post_graphql(srv: LiveServer, body: Any, **kw: Any) -> httpx.Response:
    return httpx.post(f"{srv.url}/graphql", json=body, headers={"accept": "application/graphql-response+json"},
                      timeout=30, **kw)


def test_the_api_is_read_only(server):
    r = post_graphql(server, {"query": "{ __schema { mutationType { name } subscriptionType { name } } }"})
    assert r.json()["data"]["__schema"] == {"mutationType": None, "subscriptionType": None}
    r = post_graphql(server, {"query": 'mutation { deleteUnit(id: "meuse:cabinet") }'})
    assert r.status_code == 400 and r.json()["errors"]
    assert httpx.get(f"{server.url}/readyz", timeout=10).status_code == 200


@pytest.mark.parametrize("method, path, kwargs, status", [
    ("POST", "/graphql", {"content": b"{" + b" " * (1024 * 1024) + b"}",
                          "headers": {"content-type": "application/json"}}, 413),
    ("GET", "/api/ask", {"params": {"q": "x" * 501}}, 400),
    ("POST", "/graphql", {"json": {"query": '{ units(first: 10000) { totalCount } }'}}, 200),
    ("POST", "/graphql", {"json": {"query": "{" * 300}}, 400),
    ("GET", "/unit/%00", {}, 404),
    ("GET", "/api/ask", {"params": {"q": "aide \x00 sociale"}}, 200),
])
def test_caps_and_clear_refusals_without_traceback(server, method, path, kwargs, status):
    if path == "/graphql":
        kwargs = {**kwargs, "headers": {**kwargs.get("headers", {}), "accept": "application/graphql-response+json"}}
    r = httpx.request(method, f"{server.url}{path}", timeout=30, **kwargs)
    assert r.status_code in (status, 400), (r.status_code, r.text[:300])
    assert "Traceback" not in r.text and 'File "' not in r.text
    if path == "/graphql" and "first" in str(kwargs):
        assert r.json().get("errors"), "an oversized page must be refused with an error"


def test_cors_is_closed_by_default(server):
    r = httpx.get(f"{server.url}/api/ask", params={"q": "RSA"}, headers={"origin": "https://evil.example"}, timeout=10)
    assert "access-control-allow-origin" not in r.headers


def test_web_page_security_headers(server):
    r = httpx.get(f"{server.url}/", params={"q": "RSA"}, timeout=10)
    csp = r.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp and "default-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in r.text and " style=" not in r.text

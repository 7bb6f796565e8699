"""REST endpoints (/api/ask, /api/ping, /healthz, /readyz), request log and CORS, on the real graph."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app, cors_origins
from api.services import Services
from graph.errors import UNAVAILABLE
from tests.conftest import qfq_env

QFQ = str(Path(sys.executable).with_name("qfq"))


@pytest.mark.slow  # runs `qfq ask` as a subprocess
def test_ask_is_the_json_of_qfq_ask(client: TestClient, graph_dir: Path) -> None:
    question = "qui s'occupe de l'aide sociale à l'enfance ?"
    res = client.get("/api/ask", params={"q": question, "org": "meuse", "limit": 3})
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("application/json")
    cli = subprocess.run([QFQ, "ask", question, "--org", "meuse", "--limit", "3", "--json"],
                         capture_output=True, text=True, env=qfq_env(), timeout=120)
    assert cli.returncode == 0, cli.stderr
    assert res.json() == json.loads(cli.stdout)


def test_ask_accepts_forgiving_organisation_and_commune(client: TestClient) -> None:
    a = client.get("/api/ask", params={"q": "collèges", "org": "Département de la Meuse"}).json()
    b = client.get("/api/ask", params={"q": "collèges", "org": "55"}).json()
    assert a == b and a["organisation"] == "meuse"
    c = client.get("/api/ask", params={"q": "routes", "commune": "55029"})
    assert c.status_code == 200 and c.json()["organisation"] == "meuse"


@pytest.mark.parametrize("params, status, words", [
    ({}, 400, "manquant"),
    ({"q": "  "}, 400, "manquant"),
    ({"q": "x" * 501}, 400, "trop longue"),
    ({"q": "rsa", "limit": "abc"}, 400, "limit"),
    ({"q": "rsa", "limit": "0"}, 400, "limit"),
    ({"q": "rsa", "org": "Atlantide"}, 404, "Organisation inconnue"),
    ({"q": "rsa", "commune": "Zzyzx"}, 400, "Commune inconnue"),
])
def test_ask_errors_are_json(client: TestClient, params: dict[str, str], status: int, words: str) -> None:
    res = client.get("/api/ask", params=params)
    assert res.status_code == status
    assert words in res.json()["error"]


def test_ping_and_health(client: TestClient) -> None:
    assert client.get("/api/ping").json() == {"ok": True}
    assert client.get("/healthz").json() == {"status": "ok"}


def test_ready_reports_data_version(client: TestClient, loaded_store: Any) -> None:
    res = client.get("/readyz")
    assert res.status_code == 200
    assert res.json()["data_version"] == loaded_store.read("meta")[0]["version"]


def test_not_ready_on_an_empty_graph(tmp_path: Path) -> None:
    from graph import open_store
    from graph.config import GraphConfig

    store = open_store(GraphConfig(backend="embedded", data_dir=tmp_path / "empty"))
    try:
        with TestClient(create_app(store)) as c:
            res = c.get("/readyz")
            assert res.status_code == 503 and "qfq load" in res.json()["reason"]
            assert c.get("/healthz").status_code == 200
    finally:
        store.close()
        store.server.stop()  # type: ignore[attr-defined]


def test_unknown_api_path_is_json_404(client: TestClient) -> None:
    res = client.get("/api/nope")
    assert res.status_code == 404 and res.json()["error"]
    assert client.post("/api/ping").status_code == 405


def test_one_log_line_per_request(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="qfq.api.access"):
        client.get("/api/ping")
        client.get("/api/ask")
    lines = [r.getMessage() for r in caplog.records if r.name == "qfq.api.access"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /api/ping 200 ") and lines[0].endswith(" ms")
    assert lines[1].startswith("GET /api/ask 400 ")


def test_cors_closed_by_default(client: TestClient) -> None:
    res = client.get("/api/ping", headers={"origin": "https://example.org"})
    assert "access-control-allow-origin" not in res.headers


def test_cors_from_environment(loaded_store: Any) -> None:
    origins = cors_origins({"QFQ_CORS_ORIGINS": "https://example.org, https://qfq.example/"})
    assert origins == ["https://example.org", "https://qfq.example"]
    with TestClient(create_app(loaded_store, cors=origins)) as c:
        res = c.get("/api/ping", headers={"origin": "https://example.org"})
        assert res.headers["access-control-allow-origin"] == "https://example.org"
        pre = c.options("/graphql", headers={"origin": "https://qfq.example", "access-control-request-method": "POST",
                                            "access-control-request-headers": "content-type"})
        assert pre.status_code == 200
        res = c.get("/api/ping", headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in res.headers


@pytest.mark.timeout(60, method="thread")  # a deadlock would otherwise hang the run
def test_a_repeated_query_string_is_served_without_parsing_or_asking(loaded_store: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with TestClient(create_app(loaded_store)) as c:
        asked: list[str] = []
        real = Services.ask_json
        monkeypatch.setattr(Services, "ask_json", lambda self, q, **kw: asked.append(q) or real(self, q, **kw))
        url = "/api/ask?q=qui+s%27occupe+du+RSA+%3F&org=meuse&limit=2"
        first, again = c.get(url), c.get(url)
        assert first.status_code == again.status_code == 200 and first.content == again.content
        assert asked == ["qui s'occupe du RSA ?"]  # the second came from the query-string cache
        c.get("/api/ask?limit=2&org=meuse&q=qui+s%27occupe+du+RSA+%3F")  # same question, other spelling
        assert len(asked) == 2
        for _ in range(2):  # refusals are not kept: each one is checked again
            assert c.get("/api/ask?q=RSA&limit=0").status_code == 400
        assert c.get("/api/ask?q=RSA&limit=3").status_code == 200
        assert len(asked) == 3


def test_ask_is_503_when_the_graph_goes_away(tmp_path: Path) -> None:
    """A real FalkorDB, reached as an external one (no restart), stopped while the app serves."""
    from graph import open_store
    from graph.config import GraphConfig, from_env

    embedded = open_store(GraphConfig(backend="embedded", data_dir=tmp_path / "gone"))
    info = embedded.server.info  # type: ignore[attr-defined]
    external = open_store(from_env({"QFQ_GRAPH_URL": f"falkordb://:{info.password}@127.0.0.1:{info.port}"}))
    try:
        with TestClient(create_app(external)) as c:  # the version is read on every request
            embedded.close()
            embedded.server.stop()  # type: ignore[attr-defined]
            for _ in range(2):  # nothing was kept from the failure
                res = c.get("/api/ask", params={"q": "qui s'occupe du RSA ?"})
                assert res.status_code == 503 and res.json()["code"] == "UNAVAILABLE"
            # One translation of Unavailable for every surface: the same words, as each one speaks.
            for path in ("/unit/meuse:cabinet.json", "/communes.json?q=Ste", "/organisations.json"):
                res = c.get(path)
                assert res.status_code == 503 and res.json() == {"error": UNAVAILABLE, "code": "UNAVAILABLE"}, path
            page = c.get("/unit/meuse:cabinet", headers={"accept": "text/html"})
            assert page.status_code == 503 and UNAVAILABLE in page.text and "Traceback" not in page.text
            gql = c.post("/graphql", json={"query": '{ unit(id: "meuse:cabinet") { name } }'})
            assert gql.status_code == 503 and gql.json()["errors"][0] == {"message": UNAVAILABLE,
                                                                          "extensions": {"code": "UNAVAILABLE"}}
    finally:
        external.close()

"""Hostile requests, as one person with curl would send them, against a real uvicorn server on the
embedded graph: each is refused with a 4xx and a French message within a second, while /healthz keeps
answering within 100 ms, and nothing reaches the log as a traceback (issue 14, items 1–6).

The long runs (the cache attack for 60 s) are in bench/abuse.py."""

from __future__ import annotations

import json
import logging
import socket
import string
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from exports import ExportCache

from api.app import create_app
from api.limits import MAX_HEADERS, MAX_JSON_DEPTH, MAX_URL
from api.protocol import LimitedHttpTools
from api.services import Services
from api.testing import LiveServer

pytestmark = pytest.mark.slow  # raw sockets and timings against a real uvicorn (the fast loop keeps test_api_limits)

SERVER_SECONDS = 1.0  # each refusal, measured by the client (an upper bound of the server's time)
HEALTH_SECONDS = 0.1  # each /healthz answer while a refusal is computed


class LogRecorder(logging.Handler):
    """Every record the server logs (uvicorn, qfq, starlette…), to check that none carries a trace."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def problems(self) -> list[str]:
        out = []
        for r in self.records:
            text = r.getMessage() + (self.format(r) if r.exc_info else "")
            if r.exc_info or "Traceback" in text or r.levelno >= logging.ERROR:
                out.append(f"{r.levelname} {r.name}: {text[:200]} … {text[-400:]}")
        return out


@pytest.fixture(scope="module")
def log() -> Iterator[LogRecorder]:
    recorder = LogRecorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    yield recorder
    root.removeHandler(recorder)


@pytest.fixture(scope="module")
def server(loaded_store: Any, log: LogRecorder) -> Iterator[LiveServer]:
    with LiveServer(create_app(loaded_store)) as srv:
        yield srv


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


class HealthProbe:
    """/healthz in a loop on its own connection, recording each answer's time."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.times: list[float] = []
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=5) as client:
            while not self.stop.is_set():
                start = time.perf_counter()
                try:
                    ok = client.get("/healthz").status_code == 200
                except httpx.HTTPError as exc:
                    ok = False
                    self.failures.append(repr(exc))
                self.times.append(time.perf_counter() - start)
                if not ok:
                    self.failures.append("status")
                self.stop.wait(0.01)

    def __enter__(self) -> HealthProbe:
        self.thread.start()
        self._wait_for(1)  # connected and answered once before the hostile request
        return self

    def __exit__(self, *exc: Any) -> None:
        self._wait_for(len(self.times) + 1)  # and once more after it
        self.stop.set()
        self.thread.join(timeout=10)

    def _wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 5
        while len(self.times) < count and time.monotonic() < deadline:
            time.sleep(0.002)


def refused(server: LiveServer, send: Callable[[], httpx.Response], status: int | tuple[int, ...] = 400,
            words: tuple[str, ...] = ()) -> str:
    """Send one hostile request with /healthz probed meanwhile; check the answer and both timings.
    The machine is shared: a request over its time is sent once more (a blocked server is slow
    every time, a busy machine now and then), and it must be on time then."""
    for attempt in (1, 2):
        with HealthProbe(server.url) as probe:
            start = time.perf_counter()
            res = send()
            elapsed = time.perf_counter() - start
        expected = (status,) if isinstance(status, int) else status
        assert res.status_code in expected, res.text[:500]
        body = res.json()
        message = body.get("error") or body["errors"][0]["message"]
        assert "Traceback" not in res.text and message
        for word in words:
            assert word in message, message
        assert not probe.failures and probe.times, probe.failures
        on_time = elapsed <= SERVER_SECONDS and max(probe.times) <= HEALTH_SECONDS
        if on_time or attempt == 2:
            break
    assert elapsed <= SERVER_SECONDS, f"{elapsed:.2f} s"
    assert max(probe.times) <= HEALTH_SECONDS, f"/healthz: {max(probe.times) * 1000:.0f} ms at worst"
    return str(message)


def post(http: httpx.Client, payload: Any) -> Callable[[], httpx.Response]:
    return lambda: http.post("/graphql", content=json.dumps(payload), headers={"content-type": "application/json"})


def get(http: httpx.Client, **params: str) -> Callable[[], httpx.Response]:
    return lambda: http.get("/graphql", params=params, headers={"accept": "application/json"})


def doubling(n: int, name: str = "L", fanout: int = 2, inline: bool = False) -> str:
    """Fragments each spreading the previous one `fanout` times (inside an inline fragment if asked)."""
    frags = [f"fragment {name}0 on Query {{ __typename }}"]
    for i in range(1, n + 1):
        spreads = " ".join([f"...{name}{i - 1}"] * fanout)
        body = f"... on Query {{ {spreads} }}" if inline else spreads
        frags.append(f"fragment {name}{i} on Query {{ {body} }}")
    return f"{{ ...{name}{n} }} " + " ".join(frags)


def nested(levels: int, open_: str, close: str, leaf: str = "1") -> str:
    return open_ * levels + leaf + close * levels


# ---------------------------------------------------------------------------------------- 1. fragments
@pytest.mark.parametrize("query", [
    doubling(24),
    doubling(40, name="Frag"),
    doubling(15, name="T", fanout=3),
    doubling(12, name="Q", fanout=4),
    doubling(20, name="I", inline=True),
], ids=["2-way-24", "2-way-40-other-names", "3-way", "4-way", "inline-fragments"])
def test_fragment_explosion_is_refused_before_validation(server: LiveServer, http: httpx.Client,
                                                         query: str) -> None:
    assert len(query) < 2500
    refused(server, post(http, {"query": query}), words=("fragments développés",))
    refused(server, get(http, query=query), words=("fragments développés",))


def test_fragment_cycles_are_refused(server: LiveServer, http: httpx.Client) -> None:
    for query in ("{ ...A } fragment A on Query { ...B } fragment B on Query { ...C } fragment C on Query { ...A }",
                  "{ ...Self } fragment Self on Query { __typename ...Self }"):
        refused(server, post(http, {"query": query}), words=("boucle",))


@pytest.mark.parametrize("query", [
    "{" + " __typename" * 1990 + " }",
    "{" + " organisations { id }" * 490 + " }",
    "{ ...F ...F ...F } fragment F on Query { " + "organisations { id } " * 5 + "}",
], ids=["leaf-1990", "subselection-490", "via-fragments"])
def test_one_field_repeated_hundreds_of_times_is_refused(server: LiveServer, http: httpx.Client,
                                                         query: str) -> None:
    refused(server, post(http, {"query": query}), words=("au même niveau",))


def test_overlong_document_is_refused_before_parsing(server: LiveServer, http: httpx.Client) -> None:
    query = "{ __typename } #" + "x" * 60_000  # a comment is no token, but costs its reading
    refused(server, post(http, {"query": query}), words=("trop long",))


# ---------------------------------------------------------------------------------------- 2. cost
@pytest.mark.parametrize("query", [
    "{competences{handledBy{competences{handledBy{competences{handledBy{id}}}}}}}",
    "{competences{handledBy{competences{handledBy{competences{handledBy{competences{handledBy{id}}}}}}}}}",
    "{partners{units{partners{units{partners{units{id}}}}}}}",
    "{organisations{units{competences{handledBy{competences{id}}}}}}",
    "{units(first: 100){edges{node{children{ancestors{children{ancestors{id}}}}}}}}",
    "query($n: Int) { units(first: $n) { edges { node { competences { handledBy { partners { id } } } } } } }",
    "{ ...A } fragment A on Query { competences { ...B } } fragment B on Competence { handledBy { ...C } } "
    "fragment C on Unit { competences { handledBy { competences { id } } } }",
    "{ a: competences { ... on Competence { handledBy { competences { handledBy { competences { id } } } } } } }",
    "{__schema{types{fields{type{fields{type{fields{type{fields{name}}}}}}}}}}",
], ids=["item2-depth7", "depth9", "partners", "organisations", "alternating-hierarchy", "variable-first",
        "through-fragments", "inline-fragment", "introspection"])
def test_costly_nesting_of_lists_is_refused_before_execution(server: LiveServer, http: httpx.Client,
                                                             query: str) -> None:
    variables = {"n": 100} if "$n" in query else None
    refused(server, post(http, {"query": query, "variables": variables}), words=("trop coûteuse",))
    refused(server, get(http, query=query, **({"variables": json.dumps(variables)} if variables else {})),
            words=("trop coûteuse",))


def test_cost_follows_first_and_allows_ordinary_queries(http: httpx.Client) -> None:
    ok = http.post("/graphql", json={"query": "{ competences { code handledBy { id name } } }"})
    assert ok.status_code == 200 and "errors" not in ok.json()
    heavy = "query($n: Int) { units(first: $n) { edges { node { competences { handledBy { id name kind } } } } } }"
    assert http.post("/graphql", json={"query": heavy, "variables": {"n": 5}}).json()["data"]["units"]
    assert http.post("/graphql", json={"query": heavy, "variables": {"n": 100}}).status_code == 400
    introspection = http.post("/graphql", json={"query": "{ __schema { types { name fields { name args { name "
                                                          "type { name ofType { name } } } } } } }"})
    assert introspection.status_code == 200 and introspection.json()["data"]["__schema"]["types"]


# ---------------------------------------------------------------------------------------- 3. caches
def test_extensions_are_not_cached_and_large_ones_refused(server: LiveServer, http: httpx.Client) -> None:
    padding = "".join(string.ascii_letters[i % 52] for i in range(60_000))
    refused(server, post(http, {"query": "{__typename}", "extensions": {"p": padding}}), words=("extensions",))
    refused(server, get(http, query="{__typename}", extensions=json.dumps({"p": padding[:6000]})),
            words=("extensions",))
    small = http.post("/graphql", json={"query": "{__typename}", "extensions": {"p": "x"}})
    assert small.json() == {"data": {"__typename": "Query"}}


def test_unknown_ask_parameters_do_not_grow_the_cache(server: LiveServer, http: httpx.Client) -> None:
    before = http.get("/api/ask", params={"q": "rsa"}).json()
    for i in range(30):
        res = http.get("/api/ask", params={"q": "rsa", "zz": f"{i}" + "x" * 4000})
        assert res.json() == before
    by_query = Services(_state(server).versions.current()).cache("by_query")  # this data version's
    assert by_query is not None and len(by_query) <= 2  # "q=rsa" itself, never the padded query strings


def _state(server: LiveServer) -> Any:
    app = server.server.config.loaded_app
    while not hasattr(app, "state"):  # uvicorn's wrappers, then Starlette
        app = app.app
    return app.state


# ---------------------------------------------------------------------------------------- 4. HTTP limits
def _raw(server: LiveServer, request: bytes, read_for: float = 5.0) -> tuple[int, dict[str, Any], float]:
    """Send raw bytes, read the answer until the server closes: (status, JSON body, seconds)."""
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", server.port), timeout=read_for) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    elapsed = time.perf_counter() - start
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body), elapsed


@pytest.mark.parametrize("request_bytes,status", [
    (b"GET /api/ask?q=" + b"a" * (MAX_URL + 10) + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /unit/" + b"u" * (2 * MAX_URL) + b".json HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"h" * (MAX_HEADERS + 10) + b"\r\n\r\n", 431),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 90) for i in range(400))
     + b"\r\n", 431),
    (b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nCookie: " + b"c" * 200_000
     + b"\r\nContent-Length: 2\r\n\r\n{}", 431),
], ids=["url-query", "url-path", "one-header", "many-headers", "200KB-cookie-with-body"])
def test_oversized_url_and_headers_are_refused(server: LiveServer, log: LogRecorder, request_bytes: bytes,
                                              status: int) -> None:
    for _attempt in (1, 2):  # once more if late: see refused()
        with HealthProbe(server.url) as probe:
            got, body, elapsed = _raw(server, request_bytes)
        assert got == status and ("Ko au plus" in body["error"]), body
        if max(probe.times) <= HEALTH_SECONDS:
            break
    assert elapsed <= SERVER_SECONDS + LimitedHttpTools.linger  # the refused connection lingers, then closes
    assert max(probe.times) <= HEALTH_SECONDS
    assert not [r for r in log.records if "Invalid HTTP request" in r.getMessage()]  # refused, not invalid


class _QuickTimeout(LimitedHttpTools):
    read_timeout = 0.5
    linger = 0.1


@pytest.fixture(scope="module")
def quick_server(loaded_store: Any, log: LogRecorder) -> Iterator[LiveServer]:
    with LiveServer(create_app(loaded_store), http=_QuickTimeout) as srv:
        yield srv


@pytest.mark.parametrize("parts", [
    [b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"X-a: b\r\n"],  # headers that never end
    [b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
     b'{"query":'],  # a body that never ends
    [b""],  # a connection that never sends anything
], ids=["slow-headers", "slow-body", "silent"])
def test_slow_requests_are_cut(quick_server: LiveServer, parts: list[bytes]) -> None:
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", quick_server.port), timeout=5) as sock:
        for part in parts:
            sock.sendall(part)
            time.sleep(0.1)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert time.perf_counter() - start < 2.0  # closed by the server, long before the client's 5 s
    if parts != [b""]:
        assert data.startswith(b"HTTP/1.1 408") and b"trop lentement" in data, data
    assert httpx.get(quick_server.url + "/healthz").status_code == 200


# ---------------------------------------------------------------------------------------- 5. JSON depth
DEEP = 5000


@pytest.mark.parametrize("payload", [
    nested(DEEP, "[", "]"),
    nested(DEEP, '{"a":', "}"),
    nested(DEEP // 2, '[{"a":', "}]"),
    '{"query":"{__typename}","variables":' + nested(DEEP, '{"v":', "}") + "}",
    '{"query":"{__typename}","variables":{"v":' + nested(DEEP, "[", "]") + "}}",
    '{"query":"{__typename}","extensions":' + nested(DEEP, '{"e":', "}") + "}",
    '{"query":"{__typename}","variables":{"v":' + nested(MAX_JSON_DEPTH + 5, "[", "]") + "}}",
], ids=["array", "object", "mixed", "variables-object", "variables-array", "extensions", "just-over-the-limit"])
def test_deep_json_body_is_refused(server: LiveServer, http: httpx.Client, payload: str) -> None:
    refused(server, lambda: http.post("/graphql", content=payload, headers={"content-type": "application/json"}),
            words=("imbriqué",))


@pytest.mark.parametrize("name,value", [
    ("variables", nested(400, '{"v":', "}")),
    ("variables", nested(1200, "[", "]")),
    ("extensions", nested(300, '{"e":[', "]}")),
    ("extensions", nested(1200, "[", "]")),
], ids=["variables-object", "variables-array", "extensions-mixed", "extensions-array"])
def test_deep_json_in_get_parameters_is_refused(server: LiveServer, http: httpx.Client, name: str,
                                                value: str) -> None:
    """As deep as fits in the 8 KB of a URL (deeper is refused as too long: 414)."""
    refused(server, get(http, query="{__typename}", **{name: value}), words=("imbriqué", name))


def test_json_within_the_limit_still_works(http: httpx.Client) -> None:
    variables = {"v": json.loads(nested(MAX_JSON_DEPTH - 2, "[", "]")), "q": "rsa"}
    res = http.post("/graphql", json={"query": "query($q: String!) { search(text: $q) { label } }",
                                      "variables": variables})
    assert res.status_code == 200 and res.json()["data"]["search"]


# ---------------------------------------------------------------------------------------- 6. NUL, exports
@pytest.mark.parametrize("path", [
    "/unit/%00.json", "/unit/%00", "/unit/meuse:cabinet%00.json", "/organisation/%00.json",
    "/communes.json?q=a%00", "/communes.json?org=%00&q=a", "/api/ask?q=rsa%00", "/api/ask?q=rsa&commune=%00",
    "/?q=rsa%00", "/export/csv?org=%00", "/graphql?query=%7B__typename%7D%00", "/%00",
])
def test_nul_in_path_or_parameters_is_a_400(server: LiveServer, http: httpx.Client, path: str) -> None:
    refused(server, lambda: http.get(path, headers={"accept": "application/json"}), 400, words=("nul",))


@pytest.mark.parametrize("path", [
    "/unit/%ED%A0%80.json", "/communes.json?q=%ED%A0%80", "/api/ask?q=%ED%A0%80", "/unit/%FF%FE.json",
])
def test_undecodable_bytes_are_not_a_server_error(http: httpx.Client, path: str) -> None:
    res = http.get(path)
    assert res.status_code in (200, 400, 404), res.text


def test_nul_inside_graphql_variables_is_bad_input(server: LiveServer, http: httpx.Client) -> None:
    res = http.post("/graphql", json={"query": "query($id: ID!) { unit(id: $id) { name } }",
                                      "variables": {"id": "a\u0000b"}}, headers={"accept": "application/json"})
    assert res.status_code in (200, 400) and res.json()["errors"][0]["extensions"]["code"] in ("BAD_INPUT", "NOT_FOUND")


def test_exports_unknown_organisation_fast_and_known_cached(server: LiveServer, http: httpx.Client) -> None:
    message = refused(server, lambda: http.get("/export/jsonld", params={"org": "nulle-part"}), 404)
    assert "Organisation inconnue" in message and "meuse" in message
    first = http.get("/export/cypher", params={"org": "meuse"})
    start = time.perf_counter()
    again = http.get("/export/cypher", params={"org": "meuse"})
    assert first.status_code == again.status_code == 200 and first.content == again.content
    assert time.perf_counter() - start < SERVER_SECONDS
    assert len(_state(server).versions.current().memo("exports", ExportCache).lru) >= 1


# ---------------------------------------------------------------------------------------- logs
def test_zz_no_traceback_or_error_was_logged(log: LogRecorder) -> None:
    """Runs last in this module: everything above was refused without a trace in the log."""
    assert log.records is not None
    assert log.problems() == [], "\n".join(log.problems())

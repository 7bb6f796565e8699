"""A wrong or unreachable QFQ_GRAPH_URL: one clear line (no password), non-zero exit, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from graph.config import from_env
from tests.conftest import REPO, qfq_env


@pytest.mark.slow  # runs `qfq stats` subprocesses
@pytest.mark.parametrize("url, cause", [
    ("falkordb://:s3cret@127.0.0.1:1", "injoignable"),
    ("bolt://neo4j:s3cret@127.0.0.1:1", "injoignable"),
    ("neo4j+s://u:s3cret@127.0.0.1:1", "injoignable"),
    ("redis://:s3cret@127.0.0.1:6379", "schéma"),
    ("falkordb://:s3cret@127.0.0.1:notaport", "illisible"),
])
def test_bad_url_gives_one_clear_line(url, cause):
    res = subprocess.run([sys.executable, "-m", "qfq", "stats"], cwd=REPO, env=qfq_env(QFQ_GRAPH_URL=url),
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    text = " ".join(lines)
    assert cause in text and "QFQ_GRAPH_URL" in text
    assert "s3cret" not in res.stderr + res.stdout
    assert "Traceback" not in res.stderr


def test_urls_select_backends():
    assert from_env({}).backend == "embedded"
    cfg = from_env({"QFQ_GRAPH_URL": "falkordb://:pw@db.example:6380/mygraph"})
    assert (cfg.backend, cfg.host, cfg.port, cfg.password, cfg.graph) == ("falkordb", "db.example", 6380, "pw", "mygraph")
    cfg = from_env({"QFQ_GRAPH_URL": "neo4j+s://abc.databases.neo4j.io", "QFQ_GRAPH_USER": "neo4j",
                    "QFQ_GRAPH_PASSWORD": "pw", "QFQ_GRAPH_DATABASE": "neo4j"})
    assert (cfg.backend, cfg.user, cfg.database, cfg.driver_url) == ("neo4j", "neo4j", "neo4j",
                                                                       "neo4j+s://abc.databases.neo4j.io")
    assert "pw" not in from_env({"QFQ_GRAPH_URL": "bolt://u:pw@h:7687"}).safe_url

"""Neo4j's own Cypher front end finds no error and no warning in queries/ and tests/cypher/ (and fails on a bad
query)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO

LINT = REPO / "tools" / "cypher-lint"
pytestmark = [
    pytest.mark.slow,  # Neo4j's Cypher linter (node subprocess)
    pytest.mark.skipif(shutil.which("node") is None, reason="node absent: make test installs it"),
]


@pytest.fixture(scope="module")
def linter() -> list[str]:
    if not (LINT / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=LINT, check=True, timeout=300)
    return ["node", str(LINT / "lint.mjs")]


def test_queries_are_lint_clean(linter):
    res = subprocess.run([*linter, str(REPO / "queries"), str(REPO / "schema" / "neo4j.cypher"),
                          str(REPO / "tests" / "cypher")],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert " 0 errors, 0 warnings" in res.stdout


def test_linter_fails_on_errors_and_warnings(linter, tmp_path):
    (tmp_path / "syntax.cypher").write_text("MATCH (n RETURN n\n")
    (tmp_path / "deprecated.cypher").write_text("MATCH (n) RETURN id(n) AS i\n")
    res = subprocess.run([*linter, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 1
    assert "1 errors, 1 warnings" in res.stdout

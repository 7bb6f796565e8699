"""Open exports (`qfq export` and GET /export/{format}): JSON-LD expands offline with pyld and keeps
every unit; the CSV files hold exactly the counts of `qfq stats --json`; the Cypher script rebuilds
the same graph (replayed here into a scratch FalkorDB graph) and passes tools/cypher-lint."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import qfq_env

REPO = Path(__file__).resolve().parent.parent
QFQ = [sys.executable, "-m", "qfq"]
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"


def run_qfq(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*QFQ, *args], cwd=REPO, env=qfq_env(), capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def stats(loaded_store) -> dict:
    """What `qfq stats --json` prints, read in process."""
    from qfq.cli import _stats

    return _stats(loaded_store)


def _no_remote(url, options=None):  # pyld document loader: any remote fetch is a failure
    raise AssertionError(f"le JSON-LD ne doit rien charger à distance (demandé : {url})")


def _expand(doc: dict) -> list[dict]:
    from pyld import jsonld

    return jsonld.expand(doc, {"documentLoader": _no_remote})


def _types(nodes: list[dict]) -> Counter:
    return Counter(t for n in nodes for t in n.get("@type", []))


# ---------------------------------------------------------------------------------------- JSON-LD
@pytest.mark.slow  # runs `qfq export` as a subprocess
def test_jsonld_expands_offline_and_keeps_every_unit(tmp_path: Path, stats: dict, loaded_store) -> None:
    out = tmp_path / "graph.jsonld"
    r = run_qfq("export", "--format", "jsonld", "--output", str(out))
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert isinstance(doc["@context"], dict)  # inline context, no URL
    expanded = _expand(doc)
    types = _types(expanded)
    labels = stats["labels"]
    assert types[ORG + "OrganizationalUnit"] == labels["Unit"]
    assert types[SCHEMA + "GovernmentOrganization"] == labels["Organisation"]
    assert types[ORG + "Post"] == labels["Role"]
    assert types[SCHEMA + "GovernmentService"] == labels["Competence"]
    assert types[ORG + "Organization"] == labels["Organisation"] + labels["Partner"]
    units = [n for n in expanded if ORG + "OrganizationalUnit" in n.get("@type", [])]
    for u in units:
        assert u[ORG + "unitOf"] and u[ORG + "subOrganizationOf"]
    posts = [n for n in expanded if ORG + "Post" in n.get("@type", [])]
    unit_ids = {u["@id"] for u in units}
    assert all(p[ORG + "headOf"][0]["@id"] in unit_ids for p in posts)
    served = [u for u in units if SCHEMA + "areaServed" in u]
    operating = loaded_store.run_text("MATCH (u:Unit)-[:OPERATES_IN]->(:Territory) RETURN count(DISTINCT u) AS n")
    assert len(served) == operating[0]["n"]
    missions = sum(len(u[ORG + "purpose"][0]["@list"]) for u in units if ORG + "purpose" in u)
    assert missions == labels["Mission"]
    stenay = next(u for u in units if u["@id"].endswith("/unit/meuse:sst-stenay"))
    assert stenay[SCHEMA + "areaServed"][0]["@id"].endswith("/territory/55502")


def test_jsonld_over_http_for_one_organisation(client, loaded_store) -> None:
    r = client.get("/export/jsonld", params={"org": "meuse"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert "attachment" in r.headers["content-disposition"]
    expanded = _expand(r.json())
    n = loaded_store.run_text("MATCH (u:Unit)-[:BELONGS_TO]->(:Organisation {id: 'meuse'}) RETURN count(u) AS n")
    assert _types(expanded)[ORG + "OrganizationalUnit"] == n[0]["n"]
    ids = {x["@id"] for x in expanded}
    assert "http://testserver/unit/meuse:sst-stenay" in ids  # IRIs are the site's own pages
    assert not any("/unit/cacem:" in i for i in ids)
    assert client.get("/export/jsonld", params={"org": "atlantide"}).status_code == 404
    assert client.get("/export/xml").status_code == 404


# ---------------------------------------------------------------------------------------- CSV
def _csv_counts(files: dict[str, str]) -> tuple[dict[str, int], dict[str, int]]:
    labels, rels = {}, {}
    for name, text in files.items():
        rows = list(csv.reader(io.StringIO(text)))
        kind, _, what = name.removesuffix(".csv").partition("_")
        (labels if kind == "node" else rels)[what] = len(rows) - 1
    return labels, rels


@pytest.mark.slow  # runs `qfq export` as a subprocess
def test_csv_counts_equal_qfq_stats(tmp_path: Path, stats: dict) -> None:
    folder = tmp_path / "csv"
    r = run_qfq("export", "--format", "csv", "--output", str(folder))
    assert r.returncode == 0, r.stderr
    files = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.csv")}
    labels, rels = _csv_counts(files)
    assert labels == stats["labels"]
    assert rels == stats["relationships"]
    head = next(csv.reader(io.StringIO(files["node_Unit.csv"])))
    assert head[0] == "id" and "name" in head
    assert next(csv.reader(io.StringIO(files["rel_REPORTS_TO.csv"])))[:4] == ["from_label", "from_id", "to_label",
                                                                            "to_id"]


def test_csv_zip_over_http(client, stats: dict) -> None:
    r = client.get("/export/csv")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        files = {n: z.read(n).decode("utf-8") for n in z.namelist()}
    labels, rels = _csv_counts(files)
    assert labels == stats["labels"] and rels == stats["relationships"]
    small = client.get("/export/csv", params={"org": "cacem"})
    with zipfile.ZipFile(io.BytesIO(small.content)) as z:
        org_rows = list(csv.DictReader(io.StringIO(z.read("node_Organisation.csv").decode())))
    assert [r["id"] for r in org_rows] == ["cacem"]


# ---------------------------------------------------------------------------------------- Cypher
def _statements(script: str) -> list[str]:
    """Split on the ';' ending each statement (no ';' + newline occurs inside the literals)."""
    body = "\n".join(ln for ln in script.splitlines() if not ln.startswith("//"))
    return [s.strip() for s in body.split(";\n") if s.strip().rstrip(";")]


@pytest.fixture(scope="module")
def cypher_script(tmp_path_factory, loaded_store) -> Path:
    out = tmp_path_factory.mktemp("cypher") / "export.cypher"
    r = run_qfq("export", "--format", "cypher", "--output", str(out))
    assert r.returncode == 0, r.stderr
    return out


@pytest.mark.slow  # runs `qfq export` as a subprocess
def test_cypher_script_shape(cypher_script: Path, stats: dict) -> None:
    text = cypher_script.read_text(encoding="utf-8")
    stmts = _statements(text)
    assert text.rstrip().endswith(";")
    assert stmts[0].startswith("CREATE CONSTRAINT") and "IF NOT EXISTS" in stmts[0]
    for s in stmts:
        assert s.startswith(("CREATE CONSTRAINT", "CREATE INDEX", "UNWIND [")), s[:80]
        assert "$" not in s.split("] AS row")[-1], "aucun paramètre : le script se rejoue tel quel"
    schema = [s for s in stmts if s.startswith("CREATE ")]
    assert all("IF NOT EXISTS" in s for s in schema)


@pytest.mark.slow  # runs `qfq export` as a subprocess
def test_cypher_script_rebuilds_the_same_graph(cypher_script: Path, stats: dict) -> None:
    """Replay the data statements (the constraints are Neo4j syntax) into a scratch FalkorDB graph."""
    from graph import GraphConfig, open_store

    scratch = open_store(GraphConfig(backend="embedded", graph="qfq_export_replay",
                                     data_dir=Path(os.environ["QFQ_DATA_DIR"])))
    try:
        with scratch.replace() as w:
            for s in _statements(cypher_script.read_text(encoding="utf-8")):
                if s.startswith("UNWIND"):
                    w.write_text(s)
        labels = {r["label"]: r["count"] for r in scratch.read("stats_labels")}
        rels = {r["type"]: r["count"] for r in scratch.read("stats_relationships")}
        assert labels == stats["labels"]
        assert rels == stats["relationships"]
        row = scratch.run_text("MATCH (u:Unit {id: 'meuse:sst-stenay'})-[:OPERATES_IN]->(t:Territory) "
                               "RETURN u.name AS name, u.aliases AS aliases, t.name AS commune")
        assert row == [{"name": "Service Social Territorial Stenay",
                        "aliases": ["Service social territorial Stenay", "SST Stenay"], "commune": "Stenay"}]
    finally:
        scratch.run_text("MATCH (n) DETACH DELETE n", write=True)
        scratch.close()


def test_cypher_literals_escape_quotes_and_newlines() -> None:
    from exports import cypher_literal

    assert cypher_literal("l'État\n\\") == "'l\\'État\\n\\\\'"
    assert cypher_literal(["a", 1, None, True]) == "['a', 1, null, true]"
    assert cypher_literal({"a b": 1}) == "{`a b`: 1}"


@pytest.mark.slow  # Neo4j's Cypher linter over the whole export (minutes)
@pytest.mark.falkordb_only("lints the exporter's Cypher text (minutes of linting), whatever engine it was read from")
def test_cypher_export_is_lint_clean(cypher_script: Path, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node absent : le lint Cypher (tools/cypher-lint) ne peut pas tourner")
    lint_dir = REPO / "tools" / "cypher-lint"
    if not (lint_dir / "lint.mjs").is_file():
        pytest.skip("tools/cypher-lint/lint.mjs absent de ce checkout (construit par une autre tâche)")
    if not (lint_dir / "node_modules").is_dir():
        npm = shutil.which("npm")
        assert npm, "npm absent : lancez « npm ci » dans tools/cypher-lint"
        r = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=lint_dir, capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, f"npm ci dans tools/cypher-lint : {r.stderr[-2000:]}"
    # One file per statement: the linter sees exactly what cypher-shell runs.
    files = []
    for i, s in enumerate(_statements(cypher_script.read_text(encoding="utf-8"))):
        f = tmp_path / f"stmt_{i:04d}.cypher"
        f.write_text(s + "\n", encoding="utf-8")
        files.append(str(f))
    r = subprocess.run([node, str(lint_dir / "lint.mjs"), *files], cwd=REPO, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, f"lint Cypher :\n{r.stdout[-3000:]}\n{r.stderr[-2000:]}"

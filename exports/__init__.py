"""Open exports of the graph: JSON-LD (W3C ORG + schema.org), CSV (one file per label and relationship
type) and a Cypher script that recreates the graph in an empty Neo4j.

The whole graph is read with two named queries (`export_nodes`, `export_relationships`); `org` keeps
the part of the graph describing one organisation: the organisation, its units and everything they
point to (roles, missions, competences, partners, territories, sites), the documents describing it
and the relationships among those nodes. Used by `qfq export` and by `GET /export/{format}`; no HTTP here
(a package of its own, above graph/ and schema/, below api/ and qfq/).
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import quote

from cachetools import LRUCache

from graph.errors import NotFound

FORMATS = ("jsonld", "csv", "cypher")
MEDIA_TYPES = {"jsonld": "application/ld+json", "csv": "application/zip", "cypher": "text/plain; charset=utf-8"}
FILE_NAMES = {"jsonld": "quifaitquoi.jsonld", "csv": "quifaitquoi-csv.zip", "cypher": "quifaitquoi.cypher"}
DEFAULT_BASE = "http://localhost:8000/"
CYPHER_BATCH = 200
EXPORT_CACHE_BYTES = 64 * 1024 * 1024  # rendered exports kept by the web service (all formats, per worker)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Graph:
    """Nodes as {label, props} and relationships as {type, from_label, from_id, to_label, to_id, props}."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    rels: list[dict[str, Any]] = field(default_factory=list)

    def label_counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for n in self.nodes:
            out[n["label"]] += 1
        return dict(sorted(out.items()))

    def type_counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for r in self.rels:
            out[r["type"]] += 1
        return dict(sorted(out.items()))


# ---------------------------------------------------------------------------------------- reading
def read_graph(store: Any, org: str | None = None) -> Graph:
    """The whole graph, or the part describing organisation `org` (NotFound if unknown)."""
    nodes = [{"label": r["label"], "props": dict(r["props"] or {})} for r in store.read("export_nodes")]
    rels = [{**r, "props": dict(r["props"] or {})} for r in store.read("export_relationships")]
    g = Graph(nodes, rels)
    return g if not org else _subgraph(g, org)


def _subgraph(g: Graph, org: str) -> Graph:
    key = ("Organisation", org)
    if not any((n["label"], n["props"].get("id")) == key for n in g.nodes):
        known = sorted(n["props"]["id"] for n in g.nodes if n["label"] == "Organisation")
        raise NotFound(f"Organisation inconnue : {org!r}. Connues : {', '.join(known)}.")
    keep = {key}
    units = {(r["from_label"], r["from_id"]) for r in g.rels
             if r["type"] == "BELONGS_TO" and (r["to_label"], r["to_id"]) == key}
    keep |= units
    for r in g.rels:  # one step out of the organisation and its units
        if (r["from_label"], r["from_id"]) in keep and r["type"] != "PART_OF":
            keep.add((r["to_label"], r["to_id"]))
    sites = {k for k in keep if k[0] == "Site"}
    for r in g.rels:  # where the sites are
        if (r["from_label"], r["from_id"]) in sites:
            keep.add((r["to_label"], r["to_id"]))
    nodes = [n for n in g.nodes if (n["label"], n["props"].get("id")) in keep]
    rels = [r for r in g.rels if (r["from_label"], r["from_id"]) in keep and (r["to_label"], r["to_id"]) in keep]
    return Graph(nodes, rels)


# ---------------------------------------------------------------------------------------- JSON-LD
CONTEXT: dict[str, Any] = {
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "id": "@id",
    "type": "@type",
    "name": {"@id": "skos:prefLabel", "@language": "fr"},
    "altName": {"@id": "skos:altLabel", "@language": "fr", "@container": "@set"},
    "identifier": "dcterms:identifier",
    "classification": {"@id": "org:classification", "@type": "xsd:string"},
    "unitOf": {"@id": "org:unitOf", "@type": "@id"},
    "subOrganizationOf": {"@id": "org:subOrganizationOf", "@type": "@id"},
    "purpose": {"@id": "org:purpose", "@language": "fr", "@container": "@list"},
    "postIn": {"@id": "org:postIn", "@type": "@id"},
    "headOf": {"@id": "org:headOf", "@type": "@id"},
    "hasSite": {"@id": "org:hasSite", "@type": "@id", "@container": "@set"},
    "linkedTo": {"@id": "org:linkedTo", "@type": "@id", "@container": "@set"},
    "areaServed": {"@id": "schema:areaServed", "@type": "@id", "@container": "@set"},
    "provider": {"@id": "schema:provider", "@type": "@id", "@container": "@set"},
    "serviceType": {"@id": "schema:serviceType", "@language": "fr"},
    "legislation": {"@id": "schema:legislationApplies", "@language": "fr"},
    "containedInPlace": {"@id": "schema:containedInPlace", "@type": "@id", "@container": "@set"},
    "source": {"@id": "dcterms:source", "@type": "@id", "@container": "@set"},
    "title": {"@id": "dcterms:title", "@language": "fr"},
    "quote": {"@id": "qfq:quote", "@language": "fr"},
    "note": "skos:note",
    "population": {"@id": "schema:population", "@type": "xsd:integer"},
    "description": {"@id": "schema:description", "@language": "fr"},
    "keywords": {"@id": "schema:keywords", "@language": "fr", "@container": "@set"},
    "version": "schema:version",
    "dateModified": "schema:dateModified",
}

_PATH = {"Organisation": "organisation", "Unit": "unit", "Role": "role", "Mission": "mission",
         "Competence": "competence", "Territory": "territory", "Partner": "partner", "Site": "site",
         "Source": "source", "Meta": "meta"}


def _iri(base: str, label: str, ident: Any) -> str:
    return f"{base}{_PATH.get(label, label.lower())}/{quote(str(ident), safe=':')}"


def to_jsonld(g: Graph, base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The graph as one JSON-LD document with an inline @context (no remote context to fetch)."""
    base = base if base.endswith("/") else base + "/"
    iri = lambda label, ident: _iri(base, label, ident)  # noqa: E731
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for n in g.nodes:
        p, label = n["props"], n["label"]
        node: dict[str, Any] = {"id": iri(label, p.get("id")), "identifier": str(p.get("id"))}
        if label == "Organisation":
            node.update(type=["org:Organization", "schema:GovernmentOrganization"], name=p.get("name"),
                        altName=p.get("aliases") or [], classification=p.get("kind"))
        elif label == "Unit":
            node.update(type="org:OrganizationalUnit", name=p.get("name"), altName=p.get("aliases") or [],
                        classification=p.get("kind"), unitOf=iri("Organisation", p.get("org")),
                        quote=p.get("quote"), note=p.get("note"))
        elif label == "Role":
            node.update(type="org:Post", name=p.get("title"), quote=p.get("quote"))
        elif label == "Competence":
            node.update(type=["schema:GovernmentService", "skos:Concept"], name=p.get("label"),
                        altName=p.get("acronyms") or [], keywords=p.get("keywords") or [],
                        serviceType=p.get("level"), legislation=p.get("legal_basis"), description=p.get("hint"))
        elif label == "Territory":
            node.update(type="schema:AdministrativeArea", name=p.get("name"), classification=p.get("kind"),
                        population=p.get("population"))
        elif label == "Partner":
            node.update(type="org:Organization", name=p.get("name"), altName=p.get("aliases") or [],
                        classification=p.get("kind"), description=p.get("description"), quote=p.get("quote"))
        elif label == "Site":
            node.update(type="org:Site", name=p.get("name"), classification=p.get("kind"))
        elif label == "Source":
            node.update(type="foaf:Document", title=p.get("title"))
        elif label == "Meta":
            node.update(type="schema:Dataset", version=p.get("version"), dateModified=p.get("loaded_at"))
        else:
            node.update(type=f"qfq:{label}")
        if label in ("Unit", "Role", "Partner", "Site") and p.get("source"):
            node.setdefault("source", []).append(iri("Source", p["source"]))
        out[(label, str(p.get("id")))] = node
    missions: dict[str, list[tuple[int, str]]] = defaultdict(list)
    texts = {str(n["props"].get("id")): n["props"] for n in g.nodes if n["label"] == "Mission"}
    for r in g.rels:
        a = out.get((r["from_label"], str(r["from_id"])))
        b_iri = iri(r["to_label"], r["to_id"])
        if a is None:
            continue
        t = r["type"]
        if t == "REPORTS_TO":
            a["subOrganizationOf"] = b_iri
        elif t == "HEADED_BY":
            post = out.get(("Role", str(r["to_id"])))
            if post is not None:
                post["postIn"] = a["id"]
                post["headOf"] = a["id"]
        elif t == "HAS_MISSION":
            m = texts.get(str(r["to_id"]), {})
            missions[a["id"]].append((int(m.get("position") or 0), m.get("text") or ""))
        elif t == "HANDLES":
            comp = out.get(("Competence", str(r["to_id"])))
            if comp is not None:
                comp.setdefault("provider", []).append(a["id"])
        elif t == "OPERATES_IN":
            a.setdefault("areaServed", []).append(b_iri)
        elif t == "PARTNERS_WITH" or t == "INVOLVES":
            a.setdefault("linkedTo", []).append(b_iri)
        elif t == "RUNS":
            a.setdefault("hasSite", []).append(b_iri)
        elif t in ("PART_OF", "LOCATED_IN"):
            a.setdefault("containedInPlace", []).append(b_iri)
        elif t == "DESCRIBED_IN":
            a.setdefault("source", []).append(b_iri)
        # BELONGS_TO is org:unitOf, already set from the unit's `org` property.
    for node in out.values():
        if node["id"] in missions:
            node["purpose"] = [text for _, text in sorted(missions[node["id"]])]
    # Missions are the units' org:purpose lists; they are not separate resources.
    graph = [{k: v for k, v in node.items() if v not in (None, [])}
             for (label, _), node in out.items() if label != "Mission"]
    return {"@context": {**CONTEXT, "qfq": f"{base}vocab#", "@base": base}, "@graph": graph}


# ---------------------------------------------------------------------------------------- CSV
def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


def to_csv_files(g: Graph) -> dict[str, str]:
    """{file name: CSV text}: `node_<Label>.csv` per label, `rel_<TYPE>.csv` per relationship type.

    Lists are written as JSON arrays; relationship files start with the label and id of both ends.
    """
    files: dict[str, str] = {}
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in g.nodes:
        by_label[n["label"]].append(n["props"])
    for label, rows in sorted(by_label.items()):
        keys = sorted({k for r in rows for k in r} - {"id"})
        files[f"node_{label}.csv"] = _csv(["id", *keys], ([_cell(r.get(k)) for k in ["id", *keys]] for r in rows))
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in g.rels:
        by_type[r["type"]].append(r)
    for rtype, rows in sorted(by_type.items()):
        keys = sorted({k for r in rows for k in r["props"]})
        head = ["from_label", "from_id", "to_label", "to_id", *keys]
        files[f"rel_{rtype}.csv"] = _csv(head, ([r["from_label"], r["from_id"], r["to_label"], r["to_id"],
                                                 *[_cell(r["props"].get(k)) for k in keys]] for r in rows))
    return files


def _csv(head: list[str], rows: Any) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    w.writerows(rows)
    return buf.getvalue()


def to_csv_zip(g: Graph) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in to_csv_files(g).items():
            z.writestr(name, text)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------- Cypher
def cypher_literal(v: Any) -> str:
    """A Cypher literal for a property value (strings single-quoted and escaped)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(cypher_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)}: {cypher_literal(x)}" for k, x in v.items()) + "}"
    s = str(v)
    s = (s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
         .replace("\t", "\\t"))
    return f"'{s}'"


def _key(k: str) -> str:
    return k if _NAME.match(k) else "`" + k.replace("`", "``") + "`"


def _map(props: dict[str, Any]) -> str:
    return cypher_literal({k: v for k, v in props.items() if v is not None and v != []})


def _schema_statements() -> list[str]:
    schema = resources.files("schema").joinpath("neo4j.cypher").read_text(encoding="utf-8")  # installed or not
    text = "\n".join(ln for ln in schema.splitlines()
                     if not ln.lstrip().startswith("//"))
    return [s.strip() for s in text.split(";") if s.strip()]


def to_cypher(g: Graph, batch: int = CYPHER_BATCH) -> str:
    """A script for `cypher-shell < export.cypher` on an empty Neo4j 5: the schema's constraints, then
    parameter-free `UNWIND [literal maps] AS row CREATE …` batches, one statement per ';'."""
    lines = ["// Qui fait quoi ? — export Cypher du graphe (cypher-shell < export.cypher, base vide).",
             "// Contraintes et index d'abord, puis les nœuds, puis les relations."]
    lines += [s + ";" for s in _schema_statements()]
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in g.nodes:
        by_label[n["label"]].append(n["props"])
    for label, rows in sorted(by_label.items()):
        for i in range(0, len(rows), batch):
            items = ",\n  ".join(_map(p) for p in rows[i:i + batch])
            lines.append(f"UNWIND [\n  {items}\n] AS row\nCREATE (n:{_key(label)})\nSET n = row;")
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in g.rels:
        groups[(r["type"], r["from_label"], r["to_label"])].append(r)
    for (rtype, fl, tl), rows in sorted(groups.items()):
        for i in range(0, len(rows), batch):
            items = ",\n  ".join(cypher_literal({"a": r["from_id"], "b": r["to_id"],
                                                 "props": {k: v for k, v in r["props"].items() if v is not None}})
                                 for r in rows[i:i + batch])
            lines.append(f"UNWIND [\n  {items}\n] AS row\nMATCH (a:{_key(fl)} {{id: row.a}})\n"
                         f"MATCH (b:{_key(tl)} {{id: row.b}})\nCREATE (a)-[r:{_key(rtype)}]->(b)\nSET r = row.props;")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------- entry
def render(store: Any, fmt: str, org: str | None = None, base: str = DEFAULT_BASE) -> bytes:
    """The export as bytes (CSV: a zip archive of the CSV files)."""
    if fmt not in FORMATS:
        raise NotFound(f"Format inconnu : {fmt!r} (formats : {', '.join(FORMATS)}).")
    g = read_graph(store, org)
    if fmt == "jsonld":
        return json.dumps(to_jsonld(g, base), ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "csv":
        return to_csv_zip(g)
    return to_cypher(g).encode("utf-8")


class ExportCache:
    """Exports already rendered, per data version: an export reads and encodes the whole graph
    (~0.6 s), the graph only changes with `qfq load` (a new version, so new keys). Least recently used
    first out, bounded by the bytes of the exports; thread-safe (the web routes run on threads)."""

    def __init__(self, max_bytes: int = EXPORT_CACHE_BYTES) -> None:
        self.lru: LRUCache[tuple[str | None, str, str | None, str], bytes] = LRUCache(maxsize=max_bytes,
                                                                                        getsizeof=len)
        self.lock = threading.Lock()

    def render(self, store: Any, version: str | None, fmt: str, org: str | None, base: str) -> bytes:
        key = (version, fmt, org, base)
        with self.lock:
            body = self.lru.get(key)
        if body is None:
            body = render(store, fmt, org=org, base=base)
            if version is not None and len(body) <= self.lru.maxsize // 4:
                with self.lock:
                    self.lru[key] = body
        return body

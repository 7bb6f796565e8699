"""The read model: what the web pages and their JSON twins read, through the services GraphQL reads with.

Each function takes the request's `Services` (its data version, pinned: all the reads of one page go to
one graph, with that version's organisations and memoised answers) and returns plain dicts: a page
renders them, its `.json` twin serialises them as they are. The search
asks the same `Services.ask` as GraphQL's whoHandles and /api/ask; organisations resolve through the
same per-version `Services.organisations`; units, charts and sources are read with the `api_*` queries
GraphQL's loaders batch. Errors are the product's (graph.errors), answered by the app's handlers.
"""

from __future__ import annotations

from typing import Any

from lookup.errors import UnknownCommune

from api.present import passage_id
from api.services import Services


def organisations(services: Services) -> list[dict[str, Any]]:
    """The organisations for the search form and the lists: {id, name, kind, aliases, territory_id, territory}."""
    return services.store.read("web_organisations")


def sources(services: Services) -> list[dict[str, Any]]:
    """The source documents: {id, title, file}."""
    return services.store.read("web_sources")


def source_titles(services: Services) -> dict[str, str]:
    return {r["id"]: r["title"] for r in sources(services)}


def loaded_at(services: Services) -> str | None:
    """When the data was loaded (ISO timestamp), None for an empty graph: read once with the version."""
    return services.data.loaded_at


def _communes(services: Services, prefix: str, org: str, limit: int) -> list[dict[str, Any]]:
    return services.store.read("web_communes", {"prefix": prefix, "org": org, "limit": limit})


def communes(services: Services, prefix: str, org: str, limit: int = 30) -> list[dict[str, Any]]:
    """Communes whose name starts with `prefix` (in `org`'s territory when given), for suggestions."""
    return [{"id": r["id"], "name": r["name"], "departement": r["departement"], "organisations": r["orgs"]}
            for r in _communes(services, prefix, org, limit)]


def answer(services: Services, question: str, org: str, commune: str, limit: int) -> dict[str, Any]:
    """The answer `Services.ask` gives (as /api/ask and GraphQL's whoHandles), plus what the page needs
    when the commune was not recognised as typed: the communes whose name starts so (works without JS),
    or the commune it names."""
    try:
        result = services.ask(question, org=org or None, commune=commune or None, limit=limit)
    except UnknownCommune:
        candidates = _communes(services, commune, org, 12) if commune else []
        if not candidates:
            raise
        return {"question": question, "answers": [], "place_candidates": [
            {"code": r["id"], "name": r["name"], "departement": r["departement"]} for r in candidates]}
    if commune and not result.get("place") and not result.get("place_candidates"):
        result = {**result, "place": place(services, commune, org)}
    return result


def web_link(url: Any) -> str | None:
    """A link the page may show: http(s) only."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def competence_links(services: Services) -> dict[str, str]:
    """Competence code → online procedure link, for the competences that have one."""
    return {r["competence"]["code"]: r["competence"]["link"] for r in services.store.read("api_competences")
            if web_link(r["competence"].get("link"))}


def place(services: Services, commune: str, org: str) -> dict[str, Any] | None:
    """The commune the person gave, as {code, name, departement}: by INSEE code, else by its exact name when
    only one commune bears it (None otherwise: the page then repeats what was typed). Used until the answer
    itself says which place it used."""
    rows = [r["territory"] for r in services.store.read("api_territories_by_ids", {"ids": [commune]})]
    rows = [t for t in rows if t.get("kind") == "commune"]
    if not rows:
        rows = [{"id": r["id"], "name": r["name"], "departement": r["departement"]}
                for r in _communes(services, commune, org, 30)
                if r["name"].casefold() == commune.casefold()]
    if len(rows) != 1:
        return None
    t = rows[0]
    return {"code": t.get("code") or t["id"], "name": t["name"], "departement": t.get("departement")}


def unit(services: Services, uid: str) -> dict[str, Any] | None:
    """Everything the unit page shows (also its JSON twin), or None for an unknown unit. Read with the
    batched `api_*` queries the GraphQL loaders use (here for one unit), so both say the same."""
    store, organisations = services.store, services.organisations()
    one = {"ids": [uid]}
    rows = store.read("api_units_by_ids", one)
    if not rows:
        return None
    u = rows[0]["unit"]
    org = next((o for o in organisations if o["id"] == u["org"]), {"id": u["org"], "name": u["org"]})
    children = [r["unit"] for r in store.read("api_unit_children", one)]
    heads = {r["id"]: r["role"].get("title") for r in store.read("api_unit_heads", {"ids": [uid, *(c["id"] for c in children)]})}

    def brief(n: dict[str, Any]) -> dict[str, Any]:
        return {"id": n["id"], "name": n["name"], "kind": n.get("kind")}

    def by_name(items: list[dict[str, Any]], key: str = "name") -> list[dict[str, Any]]:
        return sorted(items, key=lambda x: (x[key] is None, x[key] or ""))

    data: dict[str, Any] = {
        "id": u["id"], "name": u["name"], "kind": u.get("kind"), "aliases": u.get("aliases") or [],
        "head": heads.get(uid), "note": u.get("note"),
        "organisation": {"id": org["id"], "name": org["name"]},
        "evidence": {"source": u.get("source"), "quote": u.get("quote")},
        "chain": [brief(r["unit"]) for r in reversed(store.read("api_unit_ancestors", one))],  # top first
        "missions": [{"text": m["text"], "position": m.get("position"), "source": m.get("source")}
                     for m in (r["mission"] for r in store.read("api_unit_missions", one))],
        "competences": by_name([{"code": r["competence"]["code"], "label": r["competence"].get("label"),
                                 "level": r["competence"].get("level"), "link": web_link(r["competence"].get("link")),
                                 "source": r["source"], "quote": r["quote"]}
                                for r in store.read("api_unit_competences", one)], "label"),
        "territories": by_name([{**brief(r["territory"]), "source": r["source"], "quote": r["quote"]}
                                for r in store.read("api_unit_territories", one)]),
        "sites": by_name([{**brief(r["site"]), "managed_by": r["site"].get("managed_by"),
                           "commune_id": r["commune_id"], "commune": r["commune"], "source": r["source"],
                           "quote": r["quote"]} for r in store.read("api_unit_sites", one)]),
        "children": by_name([{**brief(c), "head": heads.get(c["id"])} for c in children]),
        "partners": by_name([{**brief(r["partner"]), "source": r["source"], "quote": r["quote"]}
                             for r in store.read("api_unit_partners", one)]),
    }
    data["graph"] = neighbourhood(data)
    return data


# The graph's relationships as a person reads them (the labels drawn on the edges).
REL = {"REPORTS_TO": "rattaché à", "HEADED_BY": "dirigé par", "HANDLES": "traite", "PARTNERS_WITH": "partenaire",
       "OPERATES_IN": "intervient sur", "RUNS": "gère"}


def neighbourhood(d: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements: the unit, its chain up to the organisation, children, competences,
    partners, territories, sites and head post."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []

    def node(nid: str, label: str, kind: str, href: str | None = None, focus: bool = False, up: int = 0) -> str:
        # `up`: how many levels above the unit (its chain and organisation), 0 for its own neighbours.
        nodes.setdefault(nid, {"data": {"id": nid, "label": label, "kind": kind, "href": href,
                                        "focus": focus, "up": up}})
        return nid

    def edge(a: str, b: str, rel: str) -> None:
        edges.append({"data": {"id": f"e{len(edges)}", "source": a, "target": b, "label": rel}})

    me = node(f"u:{d['id']}", d["name"], "unit", f"/unit/{d['id']}", focus=True)
    below = me
    for up, c in enumerate(reversed(d["chain"]), start=1):  # parent first
        n = node(f"u:{c['id']}", c["name"], "unit", f"/unit/{c['id']}", up=up)
        edge(below, n, REL["REPORTS_TO"])
        below = n
    org = node(f"o:{d['organisation']['id']}", d["organisation"]["name"], "organisation",
               f"/organisation/{d['organisation']['id']}", up=len(d["chain"]) + 1)
    edge(below, org, REL["REPORTS_TO"])
    for c in d["children"]:
        edge(node(f"u:{c['id']}", c["name"], "unit", f"/unit/{c['id']}"), me, REL["REPORTS_TO"])
    if d["head"]:
        edge(me, node(f"r:{d['id']}", d["head"], "role"), REL["HEADED_BY"])
    for c in d["competences"]:
        edge(me, node(f"c:{c['code']}", c["label"], "competence"), REL["HANDLES"])
    for p in d["partners"]:
        edge(me, node(f"p:{p['id']}", p["name"], "partner"), REL["PARTNERS_WITH"])
    for t in d["territories"]:
        edge(me, node(f"t:{t['id']}", t["name"], "territory"), REL["OPERATES_IN"])
    for s in d["sites"]:
        edge(me, node(f"s:{s['id']}", s["name"], "site"), REL["RUNS"])
    return {"nodes": list(nodes.values()), "edges": edges}



def organisation(services: Services, oid: str) -> dict[str, Any] | None:
    """The organisation page (and its JSON twin): the organisation as GraphQL resolves it (the services'
    per-version list), its units read with the queries the GraphQL API uses."""
    store, organisations = services.store, services.organisations()
    org = next((o for o in organisations if o["id"] == oid), None)
    if org is None:
        return None
    units = [r["unit"] for r in store.read("api_org_units", {"org": oid})]
    heads = {r["id"]: r["role"].get("title") for r in store.read("api_unit_heads", {"ids": [u["id"] for u in units]})}
    terr = store.read("api_territories_by_ids", {"ids": [org["territory"]]}) if org.get("territory") else []
    sources = [r["source"] for r in store.read("api_org_sources", {"ids": [oid]})]
    children: dict[str | None, list[dict[str, Any]]] = {}
    for u in units:
        children.setdefault(u.get("parent"), []).append(u)

    def tree(parent: str | None, seen: frozenset[str]) -> list[dict[str, Any]]:
        return [{"id": u["id"], "name": u["name"], "kind": u.get("kind"), "head": heads.get(u["id"]),
                 "children": tree(u["id"], seen | {u["id"]}) if u["id"] not in seen else []}
                for u in children.get(parent, [])]

    return {"id": org["id"], "name": org["name"], "kind": org.get("kind"), "aliases": org.get("aliases") or [],
            "territory": {"id": org["territory"], "name": terr[0]["territory"]["name"]} if terr else None,
            "sources": [{"id": src["id"], "title": src.get("title")} for src in sources], "unit_count": len(units),
            "chart": tree(None, frozenset())}


def source(services: Services, sid: str) -> dict[str, Any] | None:
    """A source document and every passage quoted from it (each with its anchor and the units it
    establishes), or None for an unknown document."""
    store = services.store
    doc = next((r for r in sources(services) if r["id"] == sid), None)
    if doc is None:
        return None
    passages: dict[str, dict[str, Any]] = {}
    for r in store.read("web_source_passages", {"id": sid}):
        quote = " ".join((r["quote"] or "").split())
        if not quote:
            continue
        p = passages.setdefault(quote, {"id": passage_id(quote), "quote": quote, "units": []})
        if all(u["id"] != r["unit"] for u in p["units"]):
            p["units"].append({"id": r["unit"], "name": r["name"]})
    orgs = organisations(services)
    described = [r["id"] for r in store.read("api_org_sources", {"ids": [o["id"] for o in orgs]})
                 if r["source"]["id"] == sid]
    return {"id": doc["id"], "title": doc["title"], "file": doc["file"],
            "organisations": [{"id": o["id"], "name": o["name"]} for o in orgs if o["id"] in described],
            "passages": sorted(passages.values(), key=lambda p: (p["units"][0]["name"], p["quote"]))}

"""The web pages: « Qui s'occupe de … ? » search, unit and organisation pages, exports.

Every page is rendered on the server (Jinja2) and works without JavaScript; static/app.js enhances
the search (live answers from /api/ask) and static/graph.js draws a unit's neighbourhood with the
vendored Cytoscape.js. Every page has a JSON twin (`/unit/{id}.json`, `/organisation/{id}.json`,
`/communes.json`; the search's twin is /api/ask). HTML responses carry a strict CSP: no inline script
or style anywhere, every asset is served from /static.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.errors import BadParameter, StoreError
from graphql import GraphQLError
from lookup.engine import LookupError_

from api import exports
from api.present import passage_id, present
from api.jsonbody import dump

log = logging.getLogger("qfq.web")
HERE = Path(__file__).resolve().parent
MAX_QUESTION = 500
MAX_TEXT = 200
ANSWERS = 8

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
       "connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

UNIT_KINDS = {"executive": "Exécutif", "cabinet": "Cabinet", "dgs": "Direction générale", "pole": "Pôle",
              "direction": "Direction", "mission": "Mission", "service": "Service", "secteur": "Secteur",
              "support_function": "Fonction support", "team": "Équipe", "body": "Instance"}
TERRITORY_KINDS = {"region": "Région", "departement": "Département", "commune": "Commune", "canton": "Canton",
                   "epci": "Intercommunalité", "secteur": "Secteur"}
ORG_KINDS = {"departement": "Département", "epci": "Intercommunalité", "commune": "Commune", "region": "Région"}

_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)
_env.globals.update(unit_kinds=UNIT_KINDS, territory_kinds=TERRITORY_KINDS, org_kinds=ORG_KINDS, passage=passage_id)


# ---------------------------------------------------------------------------------------- helpers
def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**SECURITY_HEADERS, **(extra or {})}


def render(template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    html = _env.get_template(template).render(**ctx)
    return HTMLResponse(html, status_code=status, headers=_headers())


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def french_date(iso: str | None) -> str | None:
    """« 6 décembre 2026 » from an ISO timestamp (None when absent or unreadable)."""
    try:
        y, m, d = (int(x) for x in (iso or "")[:10].split("-"))
        return f"{d} {MONTHS[m - 1]} {y}"
    except (ValueError, IndexError):
        return None


def _updated(request: Request) -> str | None:
    """The last data load, for the footer; None (and no error) when the graph cannot say."""
    try:
        meta = _store(request).read("meta")
    except StoreError:
        return None
    return french_date(meta[0].get("loaded_at")) if meta else None


def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """A full page: `render` with the footer's last data update."""
    return render(template, status=status, updated=_updated(request), **ctx)


def json_page(payload: Any, status: int = 200) -> Response:
    body = dump(payload)
    return Response(body, status_code=status, media_type="application/json; charset=utf-8",
                    headers={"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


def _store(request: Request) -> Any:
    store = getattr(request.app.state, "store", None)
    if store is None:
        from graph import open_store

        store = request.app.state.store = open_store()
    return store


def _ask(request: Request, q: str, org: str | None, commune: str | None) -> dict[str, Any]:
    """The same answer as /api/ask (memoised services when the app has them, else the engine)."""
    services = getattr(request.app.state, "services", None)
    if services is not None:
        return services.ask(q, org=org, commune=commune, limit=ANSWERS)
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        from lookup.engine import Engine

        engine = request.app.state.engine = Engine.from_store(_store(request))
    return engine.ask(q, org=org, commune=commune, limit=ANSWERS)


def _org_rows(request: Request, store: Any) -> list[dict[str, Any]]:
    """The organisations as the API knows them ({id, name, kind, aliases, territory}): from the app's
    per-version memo when it has one, else read."""
    services = getattr(request.app.state, "services", None)
    if services is not None:
        return services.organisations()
    return [{**r["organisation"], "territory": r["territory"]} for r in store.read("api_organisations")]


def _organisations(store: Any) -> list[dict[str, Any]]:
    return store.read("web_organisations")


def _sources(store: Any) -> dict[str, str]:
    return {r["id"]: r["title"] for r in store.read("web_sources")}


def not_found(message: str, status: int = 404) -> HTMLResponse:
    return render("error.html", status=status, title="Page introuvable", message=message, code=status)


def unavailable(exc: Exception) -> HTMLResponse:
    if isinstance(exc, BadParameter):  # refused before reaching the graph: no such page
        return not_found("Identifiant invalide : il contient un caractère que le graphe ne peut pas stocker.")
    log.error("graphe indisponible pour une page web : %s", exc)
    return render("error.html", status=503, title="Service momentanément indisponible",
                  message="Le graphe est momentanément indisponible. Réessayez dans un instant.")


def _split_json(raw: str) -> tuple[str, bool]:
    return (raw[:-5], True) if raw.endswith(".json") else (raw, False)


# ---------------------------------------------------------------------------------------- search
def _web_link(url: Any) -> str | None:
    """A link the page may show: http(s) only."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def _links(store: Any) -> dict[str, str]:
    """Competence code → online procedure link, for the competences that have one."""
    return {r["competence"]["code"]: r["competence"]["link"] for r in store.read("api_competences")
            if _web_link(r["competence"].get("link"))}


def _place(store: Any, commune: str, org: str) -> dict[str, Any] | None:
    """The commune the person gave, as {code, name, departement}: by INSEE code, else by its exact name when
    only one commune bears it (None otherwise: the page then repeats what was typed). Used until the answer
    itself says which place it used."""
    rows = [r["territory"] for r in store.read("api_territories_by_ids", {"ids": [commune]})]
    rows = [t for t in rows if t.get("kind") == "commune"]
    if not rows:
        rows = [{"id": r["id"], "name": r["name"], "departement": r["departement"]}
                for r in store.read("web_communes", {"prefix": commune, "org": org, "limit": 30})
                if r["name"].casefold() == commune.casefold()]
    if len(rows) != 1:
        return None
    t = rows[0]
    return {"code": t.get("code") or t["id"], "name": t["name"], "departement": t.get("departement")}


def _search(request: Request) -> tuple[dict[str, Any], int] | Response:
    """The search's context (question, place, organisation, the answer as a ResultView or a problem) and
    its status, or the 503 page when the graph is down. Shared by the page and its /resultats fragment."""
    qp = request.query_params
    q = (qp.get("q") or "").strip()
    org = (qp.get("org") or "").strip()
    commune = (qp.get("commune") or "").strip()
    try:
        store = _store(request)
        orgs = _organisations(store)
    except StoreError as exc:
        return unavailable(exc)
    view, problem, status = None, None, 200
    if q:
        if len(q) > MAX_QUESTION:
            problem, status = f"Question trop longue : {len(q)} caractères (maximum {MAX_QUESTION}).", 400
        elif len(org) > MAX_TEXT or len(commune) > MAX_TEXT:
            problem, status = "Organisation ou commune trop longue.", 400
        else:
            try:
                try:
                    result = _ask(request, q, org or None, commune or None)
                except LookupError_:
                    # A commune not recognised as typed: offer those whose name starts so (works without JS).
                    candidates = store.read("web_communes", {"prefix": commune, "org": org, "limit": 12}) \
                        if commune else []
                    if not candidates:
                        raise
                    result = {"question": q, "answers": [], "place_candidates": [
                        {"code": r["id"], "name": r["name"], "departement": r["departement"]} for r in candidates]}
                if commune and not result.get("place") and not result.get("place_candidates"):
                    result = {**result, "place": _place(store, commune, org)}
                view = present(result, titles=_sources(store), organisations=orgs, links=_links(store),
                               commune=commune)
            except StoreError as exc:
                return unavailable(exc)
            except (LookupError_, GraphQLError) as exc:  # unknown organisation / commune, in French
                problem, status = getattr(exc, "message", None) or str(exc), 400
    return {"q": q, "org": org, "commune": commune, "orgs": orgs, "view": view, "problem": problem}, status


def home(request: Request) -> Response:
    """GET /?q=…&commune=…&org=… — the search form (place first), with the answer when a question is given."""
    found = _search(request)
    if isinstance(found, Response):
        return found
    ctx, status = found
    title = f"{ctx['q']} — Qui s'occupe de … ?" if ctx["q"] else "Qui s'occupe de … ?"
    return page(request, "home.html", status=status, title=title, **ctx)


def results_fragment(request: Request) -> Response:
    """GET /resultats?q=… — the answers alone (HTML fragment), for the live search: the same markup as the
    page, rendered once on the server. The JSON twin is /api/ask."""
    found = _search(request)
    if isinstance(found, Response):
        return found
    ctx, status = found
    html = _env.get_template("_results.html").render(**ctx)
    return HTMLResponse(html, status_code=status, headers=_headers())


def communes(request: Request) -> Response:
    """GET /communes.json?q=Ste&org=meuse — commune suggestions (name prefix), at most 30."""
    q = (request.query_params.get("q") or "").strip()[:MAX_TEXT]
    org = (request.query_params.get("org") or "").strip()[:MAX_TEXT]
    if not q:
        return json_page({"communes": []})
    try:
        rows = _store(request).read("web_communes", {"prefix": q, "org": org, "limit": 30})
    except BadParameter as exc:  # a character the graph cannot carry: the client's input
        return json_page({"error": str(exc), "code": "BAD_INPUT"}, 400)
    except StoreError as exc:
        log.error("graphe indisponible pour /communes.json : %s", exc)
        return json_page({"error": "Le graphe est momentanément indisponible."}, 503)
    return json_page({"communes": [{"id": r["id"], "name": r["name"], "departement": r["departement"],
                                    "organisations": r["orgs"]} for r in rows]})


# ---------------------------------------------------------------------------------------- unit
def unit_data(store: Any, uid: str, organisations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Everything the unit page shows (also its JSON twin), or None for an unknown unit. Read with the
    batched `api_*` queries the GraphQL loaders use (here for one unit), so both say the same."""
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
                                 "level": r["competence"].get("level"), "link": _web_link(r["competence"].get("link")),
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


def _entity_page(request: Request, read: Callable[[Any, str], dict[str, Any] | None],
                 html: Callable[[Any, dict[str, Any]], Response], unknown_json: str, unknown_html: str) -> Response:
    """A page and its JSON twin (`….json`): a French 404 for an unknown id, 503 when the graph is down."""
    key, as_json = _split_json(request.path_params["id"])
    try:
        store = _store(request)
        data = read(store, key) if len(key) <= MAX_TEXT else None
        page = html(store, data) if data is not None and not as_json else None
    except BadParameter as exc:  # refused before reaching the graph: no such page
        return json_page({"error": str(exc), "code": "BAD_INPUT"}, 400) if as_json else unavailable(exc)
    except StoreError as exc:
        return json_page({"error": "Le graphe est momentanément indisponible."}, 503) if as_json else unavailable(exc)
    if data is None:
        if as_json:
            return json_page({"error": f"{unknown_json} : {key}", "code": "NOT_FOUND"}, 404)
        return not_found(unknown_html.format(key))
    return json_page(data) if page is None else page


def unit_page(request: Request) -> Response:
    """GET /unit/{id} (HTML) and /unit/{id}.json (its JSON twin)."""
    return _entity_page(
        request, lambda store, uid: unit_data(store, uid, _org_rows(request, store)),
        lambda store, u: page(request, "unit.html", title=f"{u['name']} — {u['organisation']['name']}", u=u,
                                sources=_sources(store)),
        "Unité inconnue", "Aucune unité ne porte l'identifiant « {} ».")


# ---------------------------------------------------------------------------------------- organisation
def org_data(store: Any, oid: str, organisations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The organisation page (and its JSON twin), read with the queries the GraphQL API uses."""
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


def organisation_page(request: Request) -> Response:
    """GET /organisation/{id} (foldable org chart) and /organisation/{id}.json."""
    return _entity_page(
        request, lambda store, oid: org_data(store, oid, _org_rows(request, store)),
        lambda store, o: page(request, "organisation.html", title=f"Organigramme — {o['name']}", o=o),
        "Organisation inconnue", "Aucune organisation ne porte l'identifiant « {} ».")


def organisations_page(request: Request) -> Response:
    """GET /organisations.json — the organisations (twin of the home page's list)."""
    try:
        return json_page({"organisations": _organisations(_store(request))})
    except StoreError:
        return json_page({"error": "Le graphe est momentanément indisponible."}, 503)


# ---------------------------------------------------------------------------------------- exports
def export(request: Request) -> Response:
    """GET /export/{format}?org=… — jsonld, csv (zip) or cypher, as a download. Rendered once per data
    version (format, organisation and base address); an unknown organisation is refused before any
    reading of the graph."""
    fmt = request.path_params["format"]
    org = (request.query_params.get("org") or "").strip() or None
    if fmt not in exports.FORMATS:
        return json_page({"error": f"Format inconnu : {fmt} (formats : {', '.join(exports.FORMATS)}).",
                          "code": "NOT_FOUND"}, 404)
    services = getattr(request.app.state, "services", None)
    try:
        store = _store(request)
        if org is not None:
            known = sorted(o["id"] for o in _org_rows(request, store))
            if org not in known:
                return json_page({"error": f"Organisation inconnue : {org[:MAX_TEXT]!r}. "
                                           f"Connues : {', '.join(known)}.", "code": "NOT_FOUND"}, 404)
        cache = getattr(request.app.state, "exports", None)
        if cache is None:
            cache = request.app.state.exports = exports.ExportCache()
        version = services.version() if services is not None else None
        body = cache.render(store, version, fmt, org, str(request.base_url))
    except exports.ExportError as exc:
        return json_page({"error": str(exc), "code": "NOT_FOUND"}, 404)
    except BadParameter as exc:
        return json_page({"error": str(exc), "code": "BAD_INPUT"}, 400)
    except StoreError:
        return json_page({"error": "Le graphe est momentanément indisponible."}, 503)
    name = exports.FILE_NAMES[fmt] if not org else exports.FILE_NAMES[fmt].replace("quifaitquoi", f"quifaitquoi-{org}")
    return Response(body, media_type=exports.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


def about_exports(request: Request) -> Response:
    """GET /export — the list of exports (HTML)."""
    try:
        orgs = _organisations(_store(request))
    except StoreError as exc:
        return unavailable(exc)
    return page(request, "exports.html", title="Données ouvertes", orgs=orgs)


# ---------------------------------------------------------------------------------------- sources
def source_data(store: Any, sid: str) -> dict[str, Any] | None:
    """A source document and every passage quoted from it (each with its anchor and the units it
    establishes), or None for an unknown document."""
    doc = next((r for r in store.read("web_sources") if r["id"] == sid), None)
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
    orgs = store.read("web_organisations")
    described = [r["id"] for r in store.read("api_org_sources", {"ids": [o["id"] for o in orgs]})
                 if r["source"]["id"] == sid]
    return {"id": doc["id"], "title": doc["title"], "file": doc["file"],
            "organisations": [{"id": o["id"], "name": o["name"]} for o in orgs if o["id"] in described],
            "passages": sorted(passages.values(), key=lambda p: (p["units"][0]["name"], p["quote"]))}


def source_page(request: Request) -> Response:
    """GET /source/{id} — the passages quoted from one document (anchors #p-… linked from the answers),
    and /source/{id}.json."""
    return _entity_page(
        request, source_data,
        lambda store, d: page(request, "source.html", title=f"Source — {d['title']}", d=d),
        "Document inconnu", "Aucun document source ne porte l'identifiant « {} ».")


def info_page(template: str, title: str) -> Callable[[Request], Response]:
    """A page of the footer (accessibility, legal notice, data and licences)."""
    def endpoint(request: Request) -> Response:
        try:
            store = _store(request)
            orgs = _organisations(store)
            sources = store.read("web_sources")
        except StoreError:
            orgs, sources = [], []
        return page(request, template, title=title, orgs=orgs, sources=sources)
    return endpoint


# ---------------------------------------------------------------------------------------- errors
ERROR_PAGES = {
    404: ("Page introuvable", "Cette adresse ne correspond à aucune page."),
    405: ("Méthode non prise en charge", "Cette adresse ne s'utilise pas ainsi : ouvrez-la simplement dans "
                                          "le navigateur."),
    500: ("Erreur interne", "Une erreur inattendue nous empêche d'afficher cette page. Elle a été "
                            "journalisée ; réessayez dans un instant."),
}


def error_page(status: int, detail: str | None = None) -> HTMLResponse:
    """The French page for an HTTP error (Starlette's exception handlers call it for browsers)."""
    english = {s.phrase for s in HTTPStatus}  # Starlette's default detail: never shown
    fallback = detail if detail and detail not in english else "La requête n'a pas abouti."
    title, message = ERROR_PAGES.get(status, ("Requête impossible", fallback))
    return render("error.html", status=status, title=title, message=message, code=status)


EXAMPLES_DIR = HERE / "graphql_examples"


def graphql_examples() -> list[dict[str, str]]:
    """The example queries GraphiQL opens with (api/graphql_examples/*.graphql, also quoted in the README)."""
    order = ["whoHandles", "units", "orgChart", "handledBy"]
    files = sorted(EXAMPLES_DIR.glob("*.graphql"),
                   key=lambda f: (order.index(f.stem) if f.stem in order else len(order), f.stem))
    return [{"name": f.stem, "query": f.read_text(encoding="utf-8")} for f in files]


def graphiql_page(request: Request) -> HTMLResponse:
    """GraphiQL, French title, vendored assets only, under the site's CSP; ?exemple=NAME opens that example."""
    examples = graphql_examples()
    current = request.query_params.get("exemple", "")
    if current not in {e["name"] for e in examples}:
        current = examples[0]["name"] if examples else ""
    return render("graphiql.html", examples=examples, current=current)


def favicon(request: Request) -> Response:
    """GET /favicon.ico — the site's icon (SVG), for browsers that ask for it at the root."""
    return Response((HERE / "static" / "favicon.svg").read_bytes(), media_type="image/svg+xml",
                    headers={**_headers(), "Cache-Control": "public, max-age=86400"})


# ---------------------------------------------------------------------------------------- static
class _StaticHeaders:
    """Adds nosniff and the CSP to the static files' responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                headers.append((b"cache-control", b"public, max-age=3600"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def web_routes() -> list[BaseRoute]:
    """The routes the app includes (see api/app.py)."""
    return [
        Route("/", home, methods=["GET"], name="home"),
        Route("/resultats", results_fragment, methods=["GET"], name="results"),
        Route("/source/{id:path}", source_page, methods=["GET"], name="source"),
        Route("/accessibilite", info_page("accessibilite.html", "Déclaration d'accessibilité"), methods=["GET"],
              name="accessibility"),
        Route("/mentions-legales", info_page("mentions.html", "Mentions légales"), methods=["GET"], name="legal"),
        Route("/donnees", info_page("donnees.html", "Sources des données et licences"), methods=["GET"],
              name="data"),
        Route("/favicon.ico", favicon, methods=["GET"], name="favicon"),
        Route("/communes.json", communes, methods=["GET"], name="communes"),
        Route("/organisations.json", organisations_page, methods=["GET"], name="organisations"),
        Route("/unit/{id:path}", unit_page, methods=["GET"], name="unit"),
        Route("/organisation/{id:path}", organisation_page, methods=["GET"], name="organisation"),
        Route("/export", about_exports, methods=["GET"], name="exports"),
        Route("/export/{format}", export, methods=["GET"], name="export"),
        Mount("/static", app=_StaticHeaders(StaticFiles(directory=HERE / "static")), name="static"),
    ]

"""The web pages: « Qui s'occupe de … ? » search, unit and organisation pages, exports.

Every page is rendered on the server (Jinja2) and works without JavaScript; static/app.js enhances
the search (live answers from /api/ask) and static/graph.js draws a unit's neighbourhood with the
vendored Cytoscape.js. Every page has a JSON twin (`/unit/{id}.json`, `/organisation/{id}.json`,
`/communes.json`; the search's twin is /api/ask). HTML responses carry a strict CSP: no inline script
or style anywhere, every asset is served from /static.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import exports
from graph.errors import BadInput, NotFound, Unavailable

from api import read
from api.errors import Problem
from api.jsonbody import dump
from api.limits import MAX_TEXT
from api.present import passage_id, present
from api.services import Services, services_of

log = logging.getLogger("qfq.web")
HERE = Path(__file__).resolve().parent
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
templates = Jinja2Templates(env=_env)  # Starlette's: the request is in every template's context


# ---------------------------------------------------------------------------------------- helpers
def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**SECURITY_HEADERS, **(extra or {})}


def render(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, ctx, status_code=status, headers=_headers())


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
        return french_date(read.loaded_at(_services(request)))
    except Unavailable:
        return None


def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """A full page: `render` with the footer's last data update."""
    return render(request, template, status=status, updated=_updated(request), **ctx)


def json_page(payload: Any, status: int = 200) -> Response:
    body = dump(payload)
    return Response(body, status_code=status, media_type="application/json; charset=utf-8",
                    headers={"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


def _services(request: Request) -> Services:
    """The request's services, pinned to one data version (api/services.py): every page reads through
    them, as GraphQL does, and all the reads of one page go to the same graph."""
    return services_of(request)


PROBLEM_TITLES = {400: "Requête impossible", 404: "Page introuvable", 503: "Service momentanément indisponible"}


def problem_page(request: Request, p: Problem) -> HTMLResponse:
    """The French page of a BadInput / NotFound / Unavailable raised by a page (see api/app.py's handlers)."""
    return render(request, "error.html", status=p.status, title=PROBLEM_TITLES.get(p.status, "Requête impossible"),
                  message=p.message, code=p.status)


def _split_json(raw: str) -> tuple[str, bool]:
    return (raw[:-5], True) if raw.endswith(".json") else (raw, False)


# ---------------------------------------------------------------------------------------- search
def _search(request: Request) -> tuple[dict[str, Any], int]:
    """The search's context (question, place, organisation, the answer as a ResultView or a problem) and
    its status (an unavailable graph is raised, for the app's handler). Shared by the page and its
    /resultats fragment: bad input is shown on the form itself, with status 400."""
    qp = request.query_params
    q = (qp.get("q") or "").strip()
    org = (qp.get("org") or "").strip()
    commune = (qp.get("commune") or "").strip()
    services = _services(request)
    orgs = read.organisations(services)
    view, problem, status = None, None, 200
    if q:
        if len(org) > MAX_TEXT or len(commune) > MAX_TEXT:
            problem, status = "Organisation ou commune trop longue.", 400
        else:
            try:
                result = read.answer(services, q, org, commune, ANSWERS)
                view = present(result, titles=read.source_titles(services), organisations=orgs,
                               links=read.competence_links(services), commune=commune)
            except (BadInput, NotFound) as exc:  # too long, unknown organisation or commune: said on the form
                problem, status = str(exc), 400
    return {"q": q, "org": org, "commune": commune, "orgs": orgs, "view": view, "problem": problem}, status


def home(request: Request) -> Response:
    """GET /?q=…&commune=…&org=… — the search form (place first), with the answer when a question is given."""
    ctx, status = _search(request)
    title = f"{ctx['q']} — Qui s'occupe de … ?" if ctx["q"] else "Qui s'occupe de … ?"
    return page(request, "home.html", status=status, title=title, **ctx)


def results_fragment(request: Request) -> Response:
    """GET /resultats?q=… — the answers alone (HTML fragment), for the live search: the same markup as the
    page, rendered once on the server. The JSON twin is /api/ask."""
    ctx, status = _search(request)
    return render(request, "_results.html", status=status, **ctx)


def communes(request: Request) -> Response:
    """GET /communes.json?q=Ste&org=meuse — commune suggestions (name prefix), at most 30."""
    q = (request.query_params.get("q") or "").strip()[:MAX_TEXT]
    org = (request.query_params.get("org") or "").strip()[:MAX_TEXT]
    if not q:
        return json_page({"communes": []})
    return json_page({"communes": read.communes(_services(request), q, org)})


# ---------------------------------------------------------------------------------------- unit
def _entity_page(request: Request, reader: Callable[[Services, str], dict[str, Any] | None],
                 html: Callable[[dict[str, Any]], Response], unknown_json: str, unknown_html: str) -> Response:
    """A page and its JSON twin (`….json`). An unknown id is NotFound, worded for each (the app's
    handlers answer it, and an unavailable graph, as JSON for `.json` and as a French page otherwise)."""
    key, as_json = _split_json(request.path_params["id"])
    data = reader(_services(request), key) if len(key) <= MAX_TEXT else None
    if data is None:
        raise NotFound(f"{unknown_json} : {key}" if as_json else unknown_html.format(key))
    return json_page(data) if as_json else html(data)


def unit_page(request: Request) -> Response:
    """GET /unit/{id} (HTML) and /unit/{id}.json (its JSON twin)."""
    return _entity_page(
        request, read.unit,
        lambda u: page(request, "unit.html", title=f"{u['name']} — {u['organisation']['name']}", u=u,
                       sources=read.source_titles(_services(request))),
        "Unité inconnue", "Aucune unité ne porte l'identifiant « {} ».")


# ---------------------------------------------------------------------------------------- organisation
def organisation_page(request: Request) -> Response:
    """GET /organisation/{id} (foldable org chart) and /organisation/{id}.json."""
    return _entity_page(
        request, read.organisation,
        lambda o: page(request, "organisation.html", title=f"Organigramme — {o['name']}", o=o),
        "Organisation inconnue", "Aucune organisation ne porte l'identifiant « {} ».")


def organisations_page(request: Request) -> Response:
    """GET /organisations.json — the organisations (twin of the home page's list)."""
    return json_page({"organisations": read.organisations(_services(request))})


# ---------------------------------------------------------------------------------------- exports
def export(request: Request) -> Response:
    """GET /export/{format}?org=… — jsonld, csv (zip) or cypher, as a download. Rendered once per data
    version (format, organisation and base address); an unknown organisation is refused before any
    reading of the graph."""
    fmt = request.path_params["format"]
    org = (request.query_params.get("org") or "").strip() or None
    if fmt not in exports.FORMATS:
        raise NotFound(f"Format inconnu : {fmt} (formats : {', '.join(exports.FORMATS)}).")
    services = _services(request)
    if org is not None:
        known = sorted(o["id"] for o in services.organisations())
        if org not in known:
            raise NotFound(f"Organisation inconnue : {org[:MAX_TEXT]!r}. Connues : {', '.join(known)}.")
    cache = services.data.memo("exports", exports.ExportCache)  # the exports of this data version
    body = cache.render(services.store, services.version(), fmt, org, str(request.base_url))
    name = exports.FILE_NAMES[fmt] if not org else exports.FILE_NAMES[fmt].replace("quifaitquoi", f"quifaitquoi-{org}")
    return Response(body, media_type=exports.MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


def about_exports(request: Request) -> Response:
    """GET /export — the list of exports (HTML)."""
    orgs = read.organisations(_services(request))
    return page(request, "exports.html", title="Données ouvertes", orgs=orgs)


# ---------------------------------------------------------------------------------------- sources
def source_page(request: Request) -> Response:
    """GET /source/{id} — the passages quoted from one document (anchors #p-… linked from the answers),
    and /source/{id}.json."""
    return _entity_page(
        request, read.source,
        lambda d: page(request, "source.html", title=f"Source — {d['title']}", d=d),
        "Document inconnu", "Aucun document source ne porte l'identifiant « {} ».")


def info_page(template: str, title: str) -> Callable[[Request], Response]:
    """A page of the footer (accessibility, legal notice, data and licences)."""
    def endpoint(request: Request) -> Response:
        try:
            services = _services(request)
            orgs, sources = read.organisations(services), read.sources(services)
        except Unavailable:  # these pages say who we are and stay readable while the graph is down
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


def error_page(request: Request, status: int, detail: str | None = None) -> HTMLResponse:
    """The French page for an HTTP error (Starlette's exception handlers call it for browsers)."""
    english = {s.phrase for s in HTTPStatus}  # Starlette's default detail: never shown
    fallback = detail if detail and detail not in english else "La requête n'a pas abouti."
    title, message = ERROR_PAGES.get(status, ("Requête impossible", fallback))
    return render(request, "error.html", status=status, title=title, message=message, code=status)


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
    return render(request, "graphiql.html", examples=examples, current=current)


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

"""The Starlette application: GraphQL at /graphql, REST under /api, probes, and the web page routes."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph import open_store
from graph.errors import QfqError, Unavailable, VersionGone
from graph.store import Store
from graph.version import Versions

from api.accesslog import AccessLogMiddleware
from api.errors import problem
from api.http_graphql import JSON, GraphQLView, negotiate, respond
from api.limits import MAX_BODY, BodyLimitMiddleware, CleanTargetMiddleware
from api.rest import error, rest_routes
from api.schema import build_schema
from api.services import CACHE_BYTES, REQUEST_KEY, Services
from api.web import error_page, problem_page, web_routes

log = logging.getLogger("qfq.api")


def cors_origins(env: dict[str, str] | None = None) -> list[str]:
    """Origins allowed by QFQ_CORS_ORIGINS (comma list); none by default."""
    raw = (env if env is not None else os.environ).get("QFQ_CORS_ORIGINS", "")
    return [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]


def create_app(store: Store | None = None, *, cors: list[str] | None = None, max_body: int = MAX_BODY,
               cache: bool = True) -> Starlette:
    """Build the app. Without `store`, the configured one (QFQ_GRAPH_URL / embedded) is opened at startup
    and closed at shutdown. Serving never loads data: that is `qfq load`. Each request reads one data
    version, the one current when it first reads (graph/version.py); answers (lookup results and
    error-free GraphQL responses) are memoised per data version unless `cache` is False."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = store is None
        st = store if store is not None else await run_in_threadpool(open_store)
        app.state.store, app.state.versions = st, Versions(st)
        app.state.cache_bytes = CACHE_BYTES if cache else 0
        try:
            services = Services(app.state.versions.current(), app.state.cache_bytes)
            services.engine.index()  # build the lookup index now rather than on the first question
            services.organisations()
            if services.version() is None:
                log.warning("le graphe est vide : lancez « qfq load » pour y charger les données")
        except (Unavailable, VersionGone) as exc:
            log.error("graphe indisponible au démarrage : %s", exc)
        gc.collect()
        gc.freeze()  # the long-lived objects built so far (schema, index) leave the collector's scans
        try:
            yield
        finally:
            await run_in_threadpool(graphql.workers.close)
            if own:
                st.close()
                server = getattr(st, "server", None)
                if server is not None:
                    server.stop()

    graphql = GraphQLView(build_schema(), cache_bytes=CACHE_BYTES if cache else 0)
    routes: list[BaseRoute] = [Route("/graphql", graphql, name="graphql",
                                        methods=["GET", "POST", "PUT", "PATCH", "DELETE"]), *rest_routes()]
    routes += web_routes()
    origins = cors_origins() if cors is None else cors
    middleware = [Middleware(AccessLogMiddleware)]
    if origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                                     allow_headers=["content-type", "accept"], max_age=600))
    middleware.append(Middleware(BodyLimitMiddleware, limit=max_body))
    middleware.append(Middleware(CleanTargetMiddleware))
    middleware.append(Middleware(OneVersion))
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={HTTPException: _http_error, QfqError: _product_error, Exception: _crash})


class OneVersion:
    """Runs a request again, from the start and on the new data version, when a load removed the graph it
    was reading (VersionGone): its answer then comes from one version, never a mix of two and never an
    empty graph taken for a missing entity. The request body (bounded by BodyLimitMiddleware) is replayed."""

    ATTEMPTS = 3  # a load takes seconds: the second attempt reads the new graph

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received: list[Message] = []
        started = False

        async def record(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        for _attempt in range(self.ATTEMPTS):
            scope.pop(REQUEST_KEY, None)  # pin the version again
            try:
                await self.app(scope, _replaying(list(received), receive, received), record)
                return
            except VersionGone:
                if started:
                    raise
                log.info("graphe remplacé pendant %s %s : requête relancée", scope["method"], scope["path"])
        # Replaced at every attempt: for the client, the graph is unavailable for now, said as any Unavailable.
        unavailable = Unavailable(f"graphe remplacé {self.ATTEMPTS} fois pendant {scope['method']} {scope['path']}")
        await (await _product_error(Request(scope, receive), unavailable))(scope, receive, send)


def _replaying(replay: list[Message], receive: Receive, received: list[Message]) -> Receive:
    """A `receive` that gives the messages a previous attempt already read, then reads (and records) the rest."""

    async def receive_again() -> Message:
        if replay:
            return replay.pop(0)
        message = await receive()
        received.append(message)
        return message

    return receive_again


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api", "/graphql", "/healthz", "/readyz", "/export/")) or path.endswith(".json") or \
        "application/json" in request.headers.get("accept", "")


async def _product_error(request: Request, exc: Exception) -> Response:
    """The one translation of BadInput / NotFound / Unavailable (graph.errors) raised by a route: GraphQL's
    error shape at /graphql, {error, code} for JSON, a French page for browsers."""
    assert isinstance(exc, QfqError)
    p = problem(exc, f"{request.method} {request.url.path}")
    if request.url.path == "/graphql":
        media = negotiate(request.headers.get("accept")) or JSON
        return respond(media, p.status, {"errors": [{"message": p.message, "extensions": {"code": p.code}}]})
    if _wants_json(request):
        return error(p.status, p.message, p.code)
    return problem_page(request, p)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _wants_json(request):
        messages = {404: "Adresse inconnue.", 405: "Méthode non prise en charge sur cette adresse."}
        resp = error(exc.status_code, messages.get(exc.status_code, exc.detail), "HTTP")
    else:
        resp = error_page(request, exc.status_code, exc.detail)  # French page, for browsers
    if exc.headers:
        resp.headers.update(exc.headers)
    return resp


async def _crash(request: Request, exc: Exception) -> Response:
    log.error("erreur inattendue sur %s %s", request.method, request.url.path, exc_info=exc)
    if not _wants_json(request):
        return error_page(request, 500)
    return error(500, "Erreur interne du service : elle a été journalisée.", "INTERNAL")

"""GraphQL over HTTP (graphql.github.io/graphql-over-http), served by hand around strawberry's executor.

Content negotiation on Accept: `application/graphql-response+json` (preferred on a tie) or
`application/json` (legacy; also for `*/*` and a missing Accept); anything else → 406.
POST bodies must be `application/json` in UTF-8 (else 415). GET runs queries only (mutations → 405).
With graphql-response+json, a request error (parse, validation, variable coercion: no `data`) is a 400;
with application/json it is a 200, as the spec asks of legacy servers. Malformed requests (bad JSON,
wrong parameter types, JSON nested too deep, a document over the budget of api/budget.py) are 400
either way. A browser GET without a query gets GraphiQL.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from graphql import GraphQLError, GraphQLFormattedError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from strawberry import Schema
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from graph.errors import BadParameter, StoreError

from api.context import Context
from api.jsonbody import TooDeep, dump, load
from api.limits import GRAPHQL_SECONDS, GRAPHQL_THREADS, MAX_EXTENSIONS, MAX_JSON_DEPTH, MAX_QUERY
from api.loaders import Loaders
from api.schema import TOO_COMPLEX
from api.services import CACHE_BYTES, BodyCache
from api.web import graphiql_page

log = logging.getLogger("qfq.api")
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
_SERVER_CODES = {"INTERNAL": 500, "UNAVAILABLE": 503}


class HttpError(Exception):
    """A request refused before execution: status, French message and extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None when nothing we serve is acceptable."""
    if not accept or not accept.strip():
        return JSON
    best: tuple[float, int, str] | None = None
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media == GRAPHQL_RESPONSE:
            cand = (q, 2, GRAPHQL_RESPONSE)
        elif media == JSON:
            cand = (q, 1, JSON)
        elif media in ("*/*", "application/*"):
            cand = (q, 0, JSON)
        else:
            continue
        if best is None or cand[:2] > best[:2]:
            best = cand
    return best[2] if best else None


def _json_or_none(name: str, raw: str | None) -> Any:
    if raw is None or raw == "":
        return None
    try:
        return load(raw, MAX_JSON_DEPTH)
    except TooDeep:
        raise HttpError(400, f"Le paramètre « {name} » est du JSON imbriqué sur plus de {MAX_JSON_DEPTH} niveaux : "
                             "aplatissez-le.") from None
    except ValueError:
        raise HttpError(400, f"Le paramètre « {name} » n'est pas du JSON valide.") from None


async def read_params(request: Request) -> dict[str, Any]:
    """query / operationName / variables / extensions from the query string (GET) or JSON body (POST)."""
    if request.method == "GET":
        qp = request.query_params
        return {"query": qp.get("query"), "operationName": qp.get("operationName"),
                "variables": _json_or_none("variables", qp.get("variables")),
                "extensions": _json_or_none("extensions", qp.get("extensions"))}
    ctype = request.headers.get("content-type")
    if not ctype:
        raise HttpError(415, "En-tête Content-Type manquant : envoyez du JSON (application/json).")
    media, *params = [p.strip() for p in ctype.split(";")]
    if media.lower() != JSON:
        raise HttpError(415, f"Type de contenu non pris en charge : {media}. Envoyez du JSON (application/json).")
    for p in params:
        key, _, value = p.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise HttpError(415, f"Encodage non pris en charge : {value}. Seul UTF-8 est accepté.")
    body = await request.body()
    if not body.strip():
        raise HttpError(400, "Corps de requête vide : envoyez {\"query\": \"…\"}.")
    try:
        data = load(body.decode("utf-8"), MAX_JSON_DEPTH)
    except TooDeep:
        raise HttpError(400, f"Corps de requête refusé : JSON imbriqué sur plus de {MAX_JSON_DEPTH} niveaux "
                             "(dans « variables », « extensions » ou ailleurs). Aplatissez-le.") from None
    except (UnicodeDecodeError, ValueError):
        raise HttpError(400, "Corps de requête illisible : JSON invalide ou non UTF-8.") from None
    if not isinstance(data, dict):
        raise HttpError(400, "Le corps doit être un objet JSON {\"query\": …} (les lots ne sont pas acceptés).")
    return data


def check_params(p: dict[str, Any]) -> tuple[str, str | None, dict[str, Any] | None, dict[str, Any] | None]:
    """Type-check the four request parameters (400 on any mistake)."""
    query, name, variables, extensions = p.get("query"), p.get("operationName"), p.get("variables"), p.get(
        "extensions")
    if query is None:
        raise HttpError(400, "Paramètre « query » manquant : le document GraphQL à exécuter.")
    if not isinstance(query, str):
        raise HttpError(400, "Le paramètre « query » doit être une chaîne.")
    if len(query) > MAX_QUERY:
        raise HttpError(400, f"Document GraphQL trop long : {len(query)} caractères (maximum {MAX_QUERY}). Retirez "
                             "commentaires et blancs superflus, ou découpez la requête.")
    if name is not None and not isinstance(name, str):
        raise HttpError(400, "Le paramètre « operationName » doit être une chaîne ou null.")
    if variables is not None and not isinstance(variables, dict):
        raise HttpError(400, "Le paramètre « variables » doit être un objet JSON ou null.")
    if extensions is not None and not isinstance(extensions, dict):
        raise HttpError(400, "Le paramètre « extensions » doit être un objet JSON ou null.")
    if extensions and len(json.dumps(extensions, ensure_ascii=False)) > MAX_EXTENSIONS:
        raise HttpError(400, f"Le paramètre « extensions » dépasse {MAX_EXTENSIONS} octets : ce service n'en "
                             "utilise aucune, retirez-les.")
    return query, name, variables, extensions


def respond(media: str, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    body = dump(payload)
    return Response(body, status_code=status, headers=headers, media_type=f"{media}; charset=utf-8")


def _errors(errors: list[GraphQLError]) -> list[GraphQLFormattedError]:
    return [e.formatted for e in errors]


class GraphQLHTTP:
    """The /graphql endpoint (a Starlette endpoint callable)."""

    def __init__(self, schema: Schema, graphiql: bool = True, cache_bytes: int = CACHE_BYTES) -> None:
        """Error-free responses are cached (`cache_bytes` in all, 0: none). The graph only changes through
        `qfq load`, which bumps the data version that is part of every key, so a cached response is exactly
        what executing would give."""
        self.schema = schema
        self.graphiql = graphiql  # the vendored, French GraphiQL page of api/web.py
        self.cache = BodyCache(cache_bytes) if cache_bytes > 0 else None
        self.workers = LoopThreads(GRAPHQL_THREADS)

    async def __call__(self, request: Request) -> Response:
        media = negotiate(request.headers.get("accept")) or JSON
        try:
            return await self._handle(request)
        except HttpError as exc:
            return respond(media, exc.status, {"errors": [{"message": exc.message}]}, exc.headers)
        except ClientDisconnect:  # gone (or cut off for sending too slowly) before its body was whole
            return Response(status_code=400)
        except BadParameter as exc:
            return respond(media, 400, {"errors": [{"message": str(exc), "extensions": {"code": "BAD_INPUT"}}]})
        except StoreError as exc:
            log.error("graphe indisponible : %s", exc)
            return respond(media, 503, {"errors": [{"message": "Le graphe est momentanément indisponible. "
                                                               "Réessayez dans un instant.",
                                                    "extensions": {"code": "UNAVAILABLE"}}]})

    async def _handle(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            raise HttpError(405, "Méthode non prise en charge : utilisez GET ou POST.", {"Allow": "GET, POST"})
        accept = request.headers.get("accept", "")
        if (request.method == "GET" and self.graphiql and "query" not in request.query_params
                and "text/html" in accept):
            return graphiql_page(request)
        media = negotiate(accept)
        if media is None:
            raise HttpError(406, f"Type de réponse non disponible ({accept}) : acceptez {GRAPHQL_RESPONSE} "
                                 f"ou {JSON}.")
        query, name, variables, extensions = check_params(await read_params(request))
        allowed = {OperationType.QUERY} if request.method == "GET" else {OperationType.QUERY, OperationType.MUTATION}
        services = request.app.state.services
        # The operation alone is the key (extensions change nothing here), as a digest: see BodyCache.
        key = (services.version(), media, request.method, query, name,
               json.dumps(variables, sort_keys=True) if variables else None)
        cached = self.cache.get(*key) if self.cache is not None else None
        if cached is not None:
            return Response(cached, media_type=f"{media}; charset=utf-8")

        async def execute() -> Any:
            context = Context(services=services, loaders=Loaders(services.store), request=request)
            return await self.schema.execute(query, variable_values=variables, context_value=context,
                                             operation_name=name, allowed_operation_types=allowed,
                                             operation_extensions=extensions)

        try:
            result = await self.workers.run(execute, GRAPHQL_SECONDS)
        except TimeoutError:
            raise HttpError(503, f"Requête interrompue : plus de {GRAPHQL_SECONDS:g} s de calcul. Demandez moins "
                                 "de champs ou de listes imbriquées, ou réessayez plus tard.",
                            {"Retry-After": "5"}) from None
        except InvalidOperationTypeError:
            raise HttpError(405, "Seules les requêtes (query) passent en GET : envoyez les autres opérations "
                                 "en POST.", {"Allow": "POST"}) from None
        except CannotGetOperationTypeError:
            raise HttpError(400, "Opération introuvable : indiquez « operationName » quand le document en "
                                 "contient plusieurs, et qu'il corresponde à l'une d'elles.") from None
        except MissingQueryError:
            raise HttpError(400, "Paramètre « query » vide.") from None
        errors = list(result.errors or [])
        payload: dict[str, Any] = {}
        status = 200
        if result.data is None and errors and all(e.path is None for e in errors):
            # request error: nothing was executed (parse, validation, variable coercion)
            codes = [(e.extensions or {}).get("code") for e in errors]
            server = [_SERVER_CODES[c] for c in codes if c in _SERVER_CODES]
            if server:
                status = max(server)
            elif media == GRAPHQL_RESPONSE or TOO_COMPLEX in codes:  # refused by the budget: 400 for all
                status = 400
        else:
            payload["data"] = result.data
        if errors:
            payload["errors"] = _errors(errors)
        if result.extensions:
            payload["extensions"] = result.extensions
        response = respond(media, status, payload)
        if status == 200 and not errors and self.cache is not None:
            self.cache.put(key, bytes(response.body))
        return response


class LoopThreads:
    """GraphQL requests run on a few worker threads, each with its own event loop, under a time budget.

    Parsing, the budget checks, validation and execution (resolvers read the store inline) then
    never hold the server's event loop: /healthz and cached answers keep being served while a
    request computes. The budget interrupts execution at its next await (a DataLoader batch); the
    checks of api/budget.py bound what runs between two. Threads start on first use and end with
    the app (`close`, from its lifespan)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.pool: ThreadPoolExecutor | None = None
        self.loops: list[asyncio.AbstractEventLoop] = []
        self.local = threading.local()
        self.lock = threading.Lock()

    async def run(self, make: Callable[[], Coroutine[Any, Any, Any]], seconds: float) -> Any:
        with self.lock:
            if self.pool is None:
                self.pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="graphql")
            future = self.pool.submit(self._run, make, seconds)
        return await asyncio.wrap_future(future)

    def _run(self, make: Callable[[], Coroutine[Any, Any, Any]], seconds: float) -> Any:
        loop = getattr(self.local, "loop", None)
        if loop is None:
            loop = self.local.loop = asyncio.new_event_loop()
            with self.lock:
                self.loops.append(loop)
        return loop.run_until_complete(asyncio.wait_for(make(), seconds))

    def close(self) -> None:
        """Finish the requests under way, then stop the threads and close their loops."""
        with self.lock:
            pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        with self.lock:
            loops, self.loops = self.loops, []
            self.local = threading.local()
        for loop in loops:
            loop.close()

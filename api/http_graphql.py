"""GraphQL over HTTP (graphql.github.io/graphql-over-http): strawberry's ASGI view, subclassed for what it
lacks.

strawberry.asgi.GraphQL parses, runs and answers; this subclass adds what the spec and issue 14 ask of
us: content negotiation on Accept (`application/graphql-response+json`, preferred on a tie, or
`application/json`, also for `*/*` and a missing Accept; anything else → 406), the status codes of a
request error (400 with graphql-response+json, 200 with application/json as the spec asks of legacy
servers; a document over the budget of api/budget.py is 400 either way), POST bodies in JSON and UTF-8
only (415), JSON nested too deep or parameters of the wrong type (400), GET for queries only (405),
French messages, execution on worker threads under a time budget, error-free responses cached per data
version, and the French GraphiQL page for a browser's GET without a query.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from cross_web import AsyncHTTPRequestAdapter
from graphql import GraphQLError, GraphQLFormattedError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graph.errors import VersionGone

from api.context import Context
from api.jsonbody import TooDeep, dump, load
from api.limits import GRAPHQL_SECONDS, GRAPHQL_THREADS, MAX_EXTENSIONS, MAX_JSON_DEPTH, MAX_QUERY
from api.loaders import Loaders
from api.schema import TOO_COMPLEX
from api.services import CACHE_BYTES, BodyCache, services_of
from api.web import graphiql_page
from api.workers import LoopThreads

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


class _Cached(Exception):
    """The body already served for this operation and data version: execution is skipped."""

    def __init__(self, body: bytes) -> None:
        super().__init__("cached")
        self.body = body


class Exchange(Response):
    """strawberry's per-request sub-response, carrying what the view decides on the way: the negotiated
    media type, the cache key and the status of the answer."""

    media: str = JSON
    key: tuple[Any, ...] | None = None
    cache: BodyCache | None = None  # the response cache of the request's data version
    cacheable: bool = False


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


async def read_params(request: AsyncHTTPRequestAdapter) -> dict[str, Any]:
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
    body = await request.get_body()
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


class GraphQLView(GraphQL[Context, None]):
    """The /graphql endpoint (an ASGI app mounted by api/app.py)."""

    def __init__(self, schema: Schema, cache_bytes: int = CACHE_BYTES) -> None:
        """Error-free responses are cached (`cache_bytes` per data version, 0: none), in the request's data
        version (graph/version.py): a cached response is exactly what executing on that graph would give."""
        super().__init__(schema, graphql_ide="graphiql", subscription_protocols=())
        self.cache_bytes = cache_bytes
        self.workers = LoopThreads(GRAPHQL_THREADS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        media = negotiate(request.headers.get("accept")) or JSON
        try:
            response = await self.run(request)
        except HttpError as exc:
            response = respond(media, exc.status, {"errors": [{"message": exc.message}]}, exc.headers)
        except _Cached as hit:
            response = Response(hit.body, media_type=f"{media}; charset=utf-8")
        except ClientDisconnect:  # gone (or cut off for sending too slowly) before its body was whole
            response = Response(status_code=400)
        await response(scope, receive, send)

    # -- what the request is ----------------------------------------------------------------------
    async def get_context(self, request: Any, response: Any) -> Context:
        services = services_of(request)  # this request's data version: every resolver reads that graph
        return Context(services=services, loaders=Loaders(services.store), request=request)

    async def get_sub_response(self, request: Any) -> Exchange:
        exchange = Exchange()
        exchange.status_code = None  # type: ignore[assignment]
        del exchange.headers["content-length"]
        exchange.media = negotiate(request.headers.get("accept")) or JSON
        request.state.exchange = exchange
        return exchange

    def is_request_allowed(self, request: Any) -> bool:
        if request.method not in ("GET", "POST"):
            raise HttpError(405, "Méthode non prise en charge : utilisez GET ou POST.", {"Allow": "GET, POST"})
        return True

    def should_render_graphql_ide(self, request: Any) -> bool:
        return (request.method == "GET" and "query" not in request.query_params
                and "text/html" in request.headers.get("accept", ""))

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page(request)  # vendored, French, under the site's CSP

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        accept = request.headers.get("accept", "")
        if negotiate(accept) is None:
            raise HttpError(406, f"Type de réponse non disponible ({accept}) : acceptez {GRAPHQL_RESPONSE} "
                                 f"ou {JSON}.")
        query, name, variables, extensions = check_params(await read_params(request))
        return GraphQLRequestData(query=query, variables=variables, operation_name=name, extensions=extensions,
                                  protocol="http")

    # -- running it -------------------------------------------------------------------------------
    async def execute_operation(self, request: Any, request_adapter: AsyncHTTPRequestAdapter,  # type: ignore[override]
                                request_data: Any, context: Context, root_value: Any,
                                sub_response: Exchange) -> ExecutionResult:
        method = request_adapter.method
        allowed = {OperationType.QUERY} if method == "GET" else {OperationType.QUERY, OperationType.MUTATION}
        # The operation alone is the key (extensions change nothing here), as a digest: see BodyCache.
        variables = request_data.variables
        data = context.services.data
        sub_response.cache = data.memo("cache:graphql", lambda: BodyCache(self.cache_bytes)) \
            if self.cache_bytes > 0 else None  # this data version's responses
        sub_response.key = (sub_response.media, method, request_data.query, request_data.operation_name,
                            json.dumps(variables, sort_keys=True) if variables else None)
        cached = sub_response.cache.get(*sub_response.key) if sub_response.cache is not None else None
        if cached is not None:
            raise _Cached(cached)

        async def execute() -> Any:
            return await self.schema.execute(request_data.query, variable_values=variables, context_value=context,
                                             operation_name=request_data.operation_name,
                                             allowed_operation_types=allowed,
                                             operation_extensions=request_data.extensions)

        try:
            result: ExecutionResult = await self.workers.run(execute, GRAPHQL_SECONDS)
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
        if data.gone:  # a load removed this version's graph while a resolver read it
            raise VersionGone(data.key)  # an internal signal: api/app.py runs the request again on the new one
        return result

    # -- answering --------------------------------------------------------------------------------
    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        """The payload, and on the exchange its status: a request error (nothing executed: parse,
        validation, variable coercion) has no `data` and is a 400 with graphql-response+json."""
        exchange: Exchange = request.state.exchange
        errors = list(result.errors or [])
        payload: dict[str, Any] = {}
        status = 200
        if result.data is None and errors and all(e.path is None for e in errors):
            codes = [(e.extensions or {}).get("code") for e in errors]
            server = [_SERVER_CODES[c] for c in codes if c in _SERVER_CODES]
            if server:
                status = max(server)
            elif exchange.media == GRAPHQL_RESPONSE or TOO_COMPLEX in codes:  # refused by the budget: 400 for all
                status = 400
        else:
            payload["data"] = result.data
        if errors:
            payload["errors"] = _errors(errors)
        if result.extensions:
            payload["extensions"] = result.extensions
        exchange.status_code = status
        exchange.cacheable = status == 200 and not errors
        return payload  # type: ignore[return-value]

    def create_response(self, response_data: Any, sub_response: Exchange) -> Response:  # type: ignore[override]
        response = respond(sub_response.media, sub_response.status_code or 200, response_data)
        if sub_response.cacheable and sub_response.key is not None and sub_response.cache is not None:
            sub_response.cache.put(sub_response.key, bytes(response.body))
        return response

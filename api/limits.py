"""Request limits of the HTTP service, and the middlewares that cap request bodies and refuse NUL in a URL."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lookup.engine import MAX_LIMIT
from lookup.engine import MAX_QUESTION as MAX_QUESTION  # re-exported: every interface reads its limits here

MAX_BODY = 64 * 1024  # bytes of request body
MAX_DEPTH = 12  # GraphQL selection depth
MAX_ALIASES = 30  # GraphQL aliases per document (fragment spreads counted)
MAX_TOKENS = 2000  # GraphQL tokens per document
MAX_QUERY = 32 * 1024  # characters of a GraphQL document (comments and blanks are not tokens, but cost to read)
MAX_PAGE = 100  # `first` of any list or connection
MAX_ANSWERS = MAX_LIMIT  # answers of one whoHandles / ask (the engine's own cap)
# MAX_QUESTION (characters of a whoHandles / ask question) is the engine's own, imported above: every
# interface reads its limits here, each defined once.
MAX_TEXT = 200  # characters of a search text or name filter
MAX_SELECTIONS = 2000  # GraphQL selections of a document once its fragments are expanded
MAX_SAME_NAME = 10  # times one response name may appear in one selection set
MAX_NESTING = 40  # selection levels once fragments are expanded (introspection included)
MAX_COST = 20_000  # estimated resolver calls of an operation (see api/budget.py)
MAX_INTROSPECTION_COST = 100_000  # the same below __schema / __type (the usual introspection query: 52 000)
LIST_FANOUT = 10  # items a list field is assumed to return when no `first` says
MAX_JSON_DEPTH = 32  # nesting of a JSON body, `variables` or `extensions`
MAX_EXTENSIONS = 2048  # bytes of a request's `extensions` (none is used: they are not part of any cache key)
GRAPHQL_SECONDS = 10.0  # time budget of one GraphQL execution
GRAPHQL_THREADS = 4  # worker threads running GraphQL requests (off the event loop)
MAX_URL = 8 * 1024  # bytes of a request target (path and query string) → 414
MAX_HEADERS = 16 * 1024  # bytes of a request's headers in all → 431
READ_TIMEOUT = 10.0  # seconds to receive a whole request (headers and body) → 408
TIMEOUT_KEEP_ALIVE = 5  # seconds an idle keep-alive connection is kept
LIMIT_CONCURRENCY = 1000  # connections or requests at once per worker (uvicorn answers 503 beyond)


class BodyLimitMiddleware:
    """Refuse request bodies over `limit` bytes with 413 and a JSON error, before the app reads them.

    A declared Content-Length over the limit is refused at once; a chunked body is read up to the
    limit and then refused, so the app never holds more than `limit` bytes.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                await _refuse(send, 400, "En-tête Content-Length invalide.")
                return
            if too_big:
                await _refuse(send, 413, self._message())
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await _refuse(send, 413, self._message())
                return
            chunks.append(body)
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _message(self) -> str:
        return f"Requête trop volumineuse : {self.limit // 1024} Ko au plus."


class CleanTargetMiddleware:
    """Refuse (400, before any route) a path or query string holding a NUL character, raw or as %00.

    No page, parameter or identifier may contain one, and the graph store cannot carry it; refusing
    it here answers every route the same way instead of each failing on its own. (Bytes that are not
    UTF-8 — lone surrogates among them — are already decoded as U+FFFD by uvicorn and Starlette.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            await _refuse(send, 400, "Caractère nul (%00) interdit dans l'adresse ou ses paramètres : retirez-le.")
            return
        await self.app(scope, receive, send)


def _has_nul(scope: Scope) -> bool:
    query: bytes = scope.get("query_string", b"")
    return "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message, "errors": [{"message": message}]}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

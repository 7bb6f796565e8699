"""Request limits of the HTTP service, and the middleware that caps request bodies."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 64 * 1024  # bytes of request body
MAX_DEPTH = 12  # GraphQL selection depth
MAX_ALIASES = 30  # GraphQL aliases per document (fragment spreads counted)
MAX_TOKENS = 2000  # GraphQL tokens per document
MAX_PAGE = 100  # `first` of any list or connection
MAX_ANSWERS = 50  # answers of one whoHandles / ask (the engine's own cap)
MAX_QUESTION = 500  # characters of a whoHandles / ask question
MAX_TEXT = 200  # characters of a search text or name filter


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


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message, "errors": [{"message": message}]}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

"""One log line per request: method, path, status and duration in milliseconds."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("qfq.api.access")


class AccessLogMiddleware:
    """Pure ASGI middleware (no body buffering), logging at INFO on the `qfq.api.access` logger."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if log.isEnabledFor(logging.INFO):
                log.info("%s %s %d %.1f ms", scope["method"], scope["path"], status,
                         (time.perf_counter() - start) * 1000)

"""uvicorn's httptools protocol with the limits it lacks: request-target length, header size and the
time to receive a request.

httptools (llhttp) accepts a header or URL of any size and waits for the rest of a request forever;
uvicorn only has `h11_max_incomplete_event_size`, which applies to h11. These limits must hold while
the request is being read — an ASGI middleware only sees it once it is whole, in memory. Refusals are
a French JSON answer with `Connection: close`: 414 (URL over MAX_URL bytes), 431 (headers over
MAX_HEADERS bytes in all) and 408 (a request not received within READ_TIMEOUT seconds, whether its
headers or its body are late: slowloris). `qfq serve` and api/testing.py select it by name:
`http="api.protocol:LimitedHttpTools"`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from api.limits import LIMIT_CONCURRENCY, MAX_HEADERS, MAX_URL, READ_TIMEOUT, TIMEOUT_KEEP_ALIVE

NAME = "api.protocol:LimitedHttpTools"

MESSAGES = {
    414: f"Adresse trop longue : {MAX_URL // 1024} Ko au plus (chemin et paramètres). Envoyez les longues "
         "données dans le corps d'une requête POST.",
    431: f"En-têtes trop volumineux : {MAX_HEADERS // 1024} Ko au plus en tout. Retirez les en-têtes ou "
         "cookies superflus.",
    408: "Requête reçue trop lentement : elle doit arriver en entier en {seconds:g} s.",
}


def server_limits() -> dict[str, Any]:
    """uvicorn settings that bound what one client can hold: this protocol, idle keep-alive connections
    closed after TIMEOUT_KEEP_ALIVE seconds, and at most LIMIT_CONCURRENCY connections or requests at
    once per worker (503 beyond). Used by `qfq serve` and the test server."""
    return dict(http=NAME, timeout_keep_alive=TIMEOUT_KEEP_ALIVE, limit_concurrency=LIMIT_CONCURRENCY)


class _Refused(Exception):
    """Raised from a parser callback to stop parsing a request that is being refused."""


class LimitedHttpTools(HttpToolsProtocol):
    """HttpToolsProtocol refusing oversized request targets and headers and too slow requests."""

    read_timeout = READ_TIMEOUT
    linger = 1.0  # seconds a refused connection stays half-open, discarding what the client still sends

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.logger = _Logger(self, self.logger)  # type: ignore[assignment]
        self.refusal: int | None = None  # status of the refusal being sent
        self.head_pending = False  # between the first byte of a request and the end of its headers
        self.head_bytes = 0  # bytes received while the headers are incomplete
        self.header_bytes = 0  # bytes of the headers parsed so far
        self.read_timer: asyncio.TimerHandle | None = None

    # -- connection ---------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a connection that never sends a byte is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.refusal is not None:
            return
        super().data_received(data)
        if self.head_pending and self.refusal is None:
            self.head_bytes += len(data)
            if self.head_bytes > MAX_HEADERS + MAX_URL:  # headers still incomplete: stop buffering them
                self.refuse(431)

    # -- parser callbacks -----------------------------------------------------------------------
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_pending, self.head_bytes, self.header_bytes = True, 0, 0
        self._arm()

    def on_url(self, url: bytes) -> None:
        if len(self.url) + len(url) > MAX_URL:
            self.refusal_pending(414)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.header_bytes += len(name) + len(value) + 4
        if self.header_bytes > MAX_HEADERS:
            self.refusal_pending(431)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.head_pending = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    # -- refusals -------------------------------------------------------------------------------
    def refusal_pending(self, status: int) -> None:
        """From a parser callback: uvicorn's data_received catches the parser error and calls
        send_400_response, which sends this refusal instead."""
        self.refusal = status
        raise _Refused(status)

    def send_400_response(self, msg: str) -> None:
        if self.refusal is None:
            super().send_400_response(msg)
        else:
            self._write(self.refusal)

    def refuse(self, status: int) -> None:
        self.refusal = status
        self._write(status)

    def _write(self, status: int) -> None:
        self._disarm()
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete or not self.cycle.response_started:
            message = MESSAGES[status].format(seconds=self.read_timeout)
            body = json.dumps({"error": message, "code": "BAD_REQUEST"}, ensure_ascii=False).encode()
            self.transport.write(b"".join([
                STATUS_LINE[status], b"content-type: application/json; charset=utf-8\r\n",
                b"content-length: ", str(len(body)).encode(), b"\r\n", b"connection: close\r\n\r\n", body]))
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the app, if reading the body, sees a disconnect
            self.cycle.message_event.set()
        # Closing at once, with the client's bytes unread, would reset the connection and lose the
        # answer on its way: end our side, discard what still comes for a moment, then close.
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(self.linger, self.transport.close)
        else:
            self.transport.close()

    # -- read timer ----------------------------------------------------------------------------
    def _arm(self) -> None:
        self._disarm()
        self.read_timer = self.loop.call_later(self.read_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self.read_timer is not None:
            self.read_timer.cancel()
            self.read_timer = None

    def _too_slow(self) -> None:
        self.read_timer = None
        if self.cycle is not None and not self.cycle.response_complete and not self.cycle.more_body:
            return  # the request is whole and being answered: not ours to time
        if self.cycle is None or self.cycle.response_complete:
            if not self.head_pending:  # idle between requests: uvicorn's keep-alive timeout decides
                if self.cycle is None:  # ... except on a connection that never sent anything
                    self.transport.close()
                return
        self.refuse(408)


class _Logger:
    """uvicorn's logger for one connection, without its « Invalid HTTP request received. » warning
    when the parser was stopped by one of our refusals (answered, and not invalid)."""

    def __init__(self, protocol: LimitedHttpTools, logger: Any) -> None:
        self.protocol = protocol
        self.logger = logger

    def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
        if self.protocol.refusal is None:
            self.logger.warning(msg, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.logger, name)

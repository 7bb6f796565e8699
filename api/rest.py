"""REST routes: /api/ask (the JSON of `qfq ask --json`), /api/ping, /healthz and /readyz."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graph.errors import BadInput, Unavailable

from api.jsonbody import dump
from api.limits import MAX_ANSWERS, MAX_TEXT
from api.services import services_of

log = logging.getLogger("qfq.api")


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = dump(payload)
    return Response(body, status_code=status, headers=headers, media_type="application/json; charset=utf-8")


def error(status: int, message: str, code: str = "BAD_INPUT") -> Response:
    return json_response({"error": message, "code": code}, status)


async def ask(request: Request) -> Response:
    """GET /api/ask?q=…&org=…&commune=…&limit=… → ranked units. Bad input (400), an unknown organisation
    (404) and an unavailable graph (503) are raised, and answered by the app's exception handlers."""
    services = services_of(request)  # this request's data version
    raw = request.scope.get("query_string", b"")
    body = services.answer_for_query(raw)
    if body is not None:
        return Response(body, media_type="application/json; charset=utf-8")
    qp = request.query_params
    q = qp.get("q")
    if q is None or not q.strip():
        raise BadInput("Paramètre « q » manquant : la question, ex. /api/ask?q=qui+s'occupe+du+RSA")
    commune = qp.get("commune") or None
    org = qp.get("org") or None
    if (commune and len(commune) > MAX_TEXT) or (org and len(org) > MAX_TEXT):
        raise BadInput(f"Paramètre « org » ou « commune » trop long (maximum {MAX_TEXT} caractères).")
    try:
        limit = int(qp.get("limit") or 5)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_ANSWERS:
        raise BadInput(f"« limit » doit être un entier entre 1 et {MAX_ANSWERS}.")
    body = services.ask_json(q, org=org, commune=commune, limit=limit)  # the engine checks the question's length
    services.keep_answer_for_query(raw, set(qp.keys()), body)
    return Response(body, media_type="application/json; charset=utf-8")


async def ping(request: Request) -> Response:
    """The cheapest JSON answer: the reference of the load test."""
    return json_response({"ok": True})


async def healthz(request: Request) -> Response:
    """The process is up (says nothing of the graph)."""
    return json_response({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the store answers and holds loaded data; reports the data version the next requests read
    (503 otherwise)."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        return json_response({"status": "unavailable", "reason": "graphe non ouvert"}, 503)
    try:
        if not store.ping():
            return json_response({"status": "unavailable", "reason": "graphe injoignable"}, 503)
        data = services_of(request).data  # the version this request (and the next ones) read
    except Unavailable as exc:  # a probe's answer, not an error: the reason is part of its JSON
        log.warning("readyz : %s", exc)
        return json_response({"status": "unavailable", "reason": "graphe injoignable"}, 503)
    if not data.version:
        return json_response({"status": "empty", "reason": "aucune donnée chargée : lancez « qfq load »"}, 503)
    return json_response({"status": "ready", "data_version": data.version, "loaded_at": data.loaded_at,
                          "backend": store.backend})


def rest_routes() -> list[Route]:
    return [
        Route("/api/ask", ask, methods=["GET"]),
        Route("/api/ping", ping, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]

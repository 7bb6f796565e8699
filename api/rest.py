"""REST routes: /api/ask (the JSON of `qfq ask --json`), /api/ping, /healthz and /readyz."""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graph.errors import BadParameter, StoreError
from lookup.engine import LookupError_

from api.jsonbody import dump
from api.limits import MAX_ANSWERS, MAX_QUESTION, MAX_TEXT
from api.services import services_of

log = logging.getLogger("qfq.api")


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = dump(payload)
    return Response(body, status_code=status, headers=headers, media_type="application/json; charset=utf-8")


def error(status: int, message: str, code: str = "BAD_INPUT") -> Response:
    return json_response({"error": message, "code": code}, status)


async def ask(request: Request) -> Response:
    """GET /api/ask?q=…&org=…&commune=…&limit=… → ranked units (400 on bad input, 503 if the graph is down)."""
    raw = request.scope.get("query_string", b"")
    try:
        services = services_of(request)  # this request's data version
        body = services.answer_for_query(raw)
    except StoreError as exc:
        return _unavailable(exc)
    if body is not None:
        return Response(body, media_type="application/json; charset=utf-8")
    qp = request.query_params
    q = qp.get("q")
    if q is None or not q.strip():
        return error(400, "Paramètre « q » manquant : la question, ex. /api/ask?q=qui+s'occupe+du+RSA")
    if len(q) > MAX_QUESTION:
        return error(400, f"Question trop longue : {len(q)} caractères (maximum {MAX_QUESTION}).")
    commune = qp.get("commune") or None
    org = qp.get("org") or None
    if (commune and len(commune) > MAX_TEXT) or (org and len(org) > MAX_TEXT):
        return error(400, f"Paramètre « org » ou « commune » trop long (maximum {MAX_TEXT} caractères).")
    try:
        limit = int(qp.get("limit") or 5)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_ANSWERS:
        return error(400, f"« limit » doit être un entier entre 1 et {MAX_ANSWERS}.")
    try:
        body = services.ask_json(q, org=org, commune=commune, limit=limit)
        services.keep_answer_for_query(raw, set(qp.keys()), body)
    except GraphQLError as exc:  # unknown organisation
        return error(404 if (exc.extensions or {}).get("code") == "NOT_FOUND" else 400, exc.message,
                     (exc.extensions or {}).get("code", "BAD_INPUT"))
    except LookupError_ as exc:
        return error(400, str(exc))
    except BadParameter as exc:
        return error(400, str(exc), "BAD_INPUT")
    except StoreError as exc:
        return _unavailable(exc)
    return Response(body, media_type="application/json; charset=utf-8")


def _unavailable(exc: StoreError) -> Response:
    log.error("graphe indisponible pour /api/ask : %s", exc)
    return error(503, "Le graphe est momentanément indisponible. Réessayez dans un instant.", "UNAVAILABLE")


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
        data = services_of(request).data
    except StoreError as exc:
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

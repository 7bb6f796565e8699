"""The product's error vocabulary as the API reports it: a stable code and HTTP status per kind.

The engine, the store and the services raise `BadInput`, `NotFound` or `Unavailable` (graph.errors);
Starlette's exception handlers (api/app.py) and the GraphQL error formatting (api/schema.py) both read
`problem()` to word them, so every surface says the same thing with the same code."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from graph.errors import UNAVAILABLE, BadInput, NotFound, QfqError, Unavailable

log = logging.getLogger("qfq.api")


@dataclass(frozen=True)
class Problem:
    """What a client is told: its code (GraphQL extension and REST `code`), HTTP status and French message."""

    code: str
    status: int
    message: str


def problem(exc: QfqError, where: str = "") -> Problem:
    """The client's view of `exc`. An unavailable graph is logged here (with `where`) and never detailed."""
    if isinstance(exc, BadInput):  # first: a parameter the store refuses is a StoreError too
        return Problem("BAD_INPUT", 400, str(exc))
    if isinstance(exc, NotFound):
        return Problem("NOT_FOUND", 404, str(exc))
    if isinstance(exc, Unavailable):
        log.error("graphe indisponible%s : %s", f" pour {where}" if where else "", exc)
        return Problem("UNAVAILABLE", 503, UNAVAILABLE)
    return Problem("BAD_INPUT", 400, str(exc))


def check_page_size(first: int, maximum: int) -> int:
    """`first` must be between 1 and `maximum`."""
    if first < 1 or first > maximum:
        raise BadInput(f"« first » doit être compris entre 1 et {maximum} (reçu : {first}).")
    return first


def check_text(name: str, value: str | None, maximum: int) -> str | None:
    """A free-text argument no longer than `maximum` characters."""
    if value is not None and len(value) > maximum:
        raise BadInput(f"« {name} » trop long : {len(value)} caractères (maximum {maximum}).")
    return value

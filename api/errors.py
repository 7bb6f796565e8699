"""Errors the API reports to its clients, worded in French; anything else is masked."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError


class ApiError(GraphQLError):
    """A client-facing GraphQL error with a stable `code` extension (BAD_INPUT, NOT_FOUND, UNAVAILABLE)."""

    def __init__(self, message: str, code: str = "BAD_INPUT", **extra: Any) -> None:
        super().__init__(message, extensions={"code": code, **extra})


def bad_input(message: str) -> ApiError:
    return ApiError(message, "BAD_INPUT")


def not_found(message: str) -> ApiError:
    return ApiError(message, "NOT_FOUND")


def check_page_size(first: int, maximum: int) -> int:
    """`first` must be between 1 and `maximum`."""
    if first < 1 or first > maximum:
        raise bad_input(f"« first » doit être compris entre 1 et {maximum} (reçu : {first}).")
    return first


def check_text(name: str, value: str | None, maximum: int) -> str | None:
    """A free-text argument no longer than `maximum` characters."""
    if value is not None and len(value) > maximum:
        raise bad_input(f"« {name} » trop long : {len(value)} caractères (maximum {maximum}).")
    return value

"""Relay-style connections over id-ordered lists: opaque cursors, keyset slicing, total counts."""

from __future__ import annotations

import base64
import binascii
from bisect import bisect_right
from typing import Any

from graph.errors import BadInput


def encode_cursor(kind: str, key: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> str:
    """The key inside a cursor made by `encode_cursor(kind, …)`; BAD_INPUT otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    prefix = f"{kind}:"
    if not raw.startswith(prefix):
        raise BadInput(f"Curseur « after » invalide : {cursor!r}. Reprenez l'endCursor d'une page précédente.")
    return raw[len(prefix):]


def slice_after(rows: list[dict[str, Any]], kind: str, first: int, after: str | None
                ) -> tuple[list[dict[str, Any]], bool, bool]:
    """(page, has_next, has_previous) of `rows` sorted by "id", after the cursor's id."""
    start = 0
    if after:
        key = decode_cursor(kind, after)
        start = bisect_right([r["id"] for r in rows], key)
    page = rows[start:start + first]
    return page, start + first < len(rows), start > 0

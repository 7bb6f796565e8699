"""Relay-style connections over id-ordered lists: opaque cursors, keyset slicing, total counts.

Why not strawberry.relay: its Connection and Edge are typed for `relay.Node`, whose `id` is a GlobalID
(base64 of "Type:id"); adopting it would change every `id` of the public schema and the argument of
`node(id)` (clients keep application ids such as "meuse:cabinet" in URLs and exports). Its
ListConnection also cuts pages by offset: a cursor taken before a `qfq load` would then skip or repeat
items, while ours is the last id seen (keyset) and stays valid across loads. The shape (edges, node,
cursor, pageInfo, totalCount) is Relay's all the same (see api/gql_types.py)."""

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

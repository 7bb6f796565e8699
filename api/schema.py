"""The strawberry schema: Query root, limits (depth, tokens, aliases, budget), caches and error masking."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import strawberry
from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError
from strawberry.extensions import (
    AddValidationRules, MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter, SchemaExtension,
)
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from graph.errors import QfqError, VersionGone

from api.gql_query import Query
from api.gql_types import Competence, Mission, Organisation, Partner, Role, Site, Source, Territory, Unit
from api.budget import TooExpensive, check_cost, check_shape
from api.errors import problem
from api.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS

log = logging.getLogger("qfq.api")
INTERNAL = "Erreur interne du service : elle a été journalisée. Réessayez plus tard."
TOO_COMPLEX = "TOO_COMPLEX"  # code of a document refused by the budget (api/budget.py): HTTP 400
DOCUMENT_CACHE_BYTES = 32 * 1024 * 1024  # parsed and checked documents, per worker
DOCUMENT_BYTES_PER_CHAR = 160  # a parsed document weighs up to ~130 bytes per character of its text
ENTRY_BYTES = 1024  # an entry besides its document: key, errors, LRU bookkeeping


def _should_mask(error: GraphQLError) -> bool:
    """GraphQL's own errors pass through; the product's (graph.errors) and anything unexpected are
    rewritten by `_Masker` (never a trace)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class QfqSchema(strawberry.Schema):
    """Logs unexpected resolver errors (with traceback, server side only); client errors are not logged."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            original = error.original_error
            # VersionGone: not an error, the request runs again on the new graph (api/http_graphql.py, api/app.py)
            if original is not None and not isinstance(original, (GraphQLError, QfqError, VersionGone)):
                log.error("erreur inattendue sur %s", error.path, exc_info=original)


class _Masker(MaskErrors):
    """The one translation of the product's errors for GraphQL: message and `code` from api.errors.problem;
    anything else becomes INTERNAL."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, QfqError):
            p = problem(original, f"GraphQL {error.path}")
            message, code = p.message, p.code
        else:
            message, code = INTERNAL, "INTERNAL"
        return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                            path=error.path, original_error=None, extensions={"code": code})


@dataclass
class _Prepared:
    """A parsed document and, once checked, the refusal of its shape ("" when none) and its validation
    errors ([] when valid)."""

    document: DocumentNode
    size: int
    refusal: str | None = None
    errors: list[GraphQLError] | None = None


class DocumentCache(SchemaExtension):
    """Parsing, the shape checks of api/budget.py and validation, memoised by query text; the cost of
    the operation with its variables is checked on every request, between the two.

    Keyed by a digest of the text (never the text itself) and bounded by bytes: a parsed document
    holds its source and every token, about 150 bytes per character of a dense query. The budget runs
    before graphql-core's validation, whose rules expand fragments (exponential on a document of
    fragments spreading each other) and compare same-named fields pairwise. Shared by the requests of
    one schema, which run on worker threads: hence the lock."""

    def __init__(self, cache: LRUCache[bytes, _Prepared], lock: threading.Lock) -> None:
        self.cache = cache
        self.lock = lock
        self.key = b""

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        self.key = digest(ctx.query or "")
        with self.lock:
            entry = self.cache.get(self.key)
        if entry is not None:
            ctx.graphql_document = entry.document
        yield
        if entry is None and ctx.graphql_document is not None:
            size = DOCUMENT_BYTES_PER_CHAR * len(ctx.query or "") + ENTRY_BYTES
            if size <= self.cache.maxsize // 8:
                with self.lock:
                    self.cache[self.key] = _Prepared(ctx.graphql_document, size)

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        assert ctx.graphql_document is not None
        with self.lock:
            entry = self.cache.get(self.key)
        if entry is None:
            entry = _Prepared(ctx.graphql_document, 0)  # not kept: checked for this request only
        if entry.refusal is None:
            try:
                check_shape(ctx.graphql_document)
                entry.refusal = ""
            except TooExpensive as exc:
                entry.refusal = str(exc)
        errors: list[GraphQLError] | None = None
        if not entry.refusal:  # then what this operation with these variables would cost
            try:
                check_cost(ctx.graphql_document, ctx.schema._schema, ctx.operation_name, ctx.variables)
            except TooExpensive as exc:
                errors = [GraphQLError(str(exc), extensions={"code": TOO_COMPLEX})]
        else:
            errors = [GraphQLError(entry.refusal, extensions={"code": TOO_COMPLEX})]
        if errors is None:
            if entry.errors is None:
                entry.errors = validate_document(ctx.schema._schema, ctx.graphql_document, ctx.validation_rules)
            errors = entry.errors
        ctx.pre_execution_errors = errors
        yield


def digest(text: str) -> bytes:
    """A 16-byte key for a text of any length (lone surrogates from JSON escapes included)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def build_schema() -> strawberry.Schema:
    """The schema with its protections. Extensions are built per request; the depth and alias rules are
    made once and shared, so the document cache's validation results hold for every request."""
    documents: LRUCache[bytes, _Prepared] = LRUCache(maxsize=DOCUMENT_CACHE_BYTES, getsizeof=lambda e: e.size)
    lock = threading.Lock()
    rules = [*QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
             *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules]
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(rules),
        lambda: DocumentCache(documents, lock),
        lambda: _Masker(should_mask_error=_should_mask),
    ]
    return QfqSchema(query=Query, extensions=extensions,
                     types=[Organisation, Unit, Role, Mission, Competence, Territory, Partner, Site, Source])

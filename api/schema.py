"""The strawberry schema: Query root, limits (depth, tokens, aliases), caches and error masking."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from cachetools import LRUCache
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules, MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, ParserCache, QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from graph.errors import BadParameter, StoreError

from api.gql_query import Query
from api.gql_types import Competence, Mission, Organisation, Partner, Role, Site, Source, Territory, Unit
from api.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS

log = logging.getLogger("qfq.api")
INTERNAL = "Erreur interne du service : elle a été journalisée. Réessayez plus tard."
UNAVAILABLE = "Le graphe est momentanément indisponible. Réessayez dans un instant."


def _should_mask(error: GraphQLError) -> bool:
    """Client errors pass through; anything unexpected becomes a generic message (never a trace)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class QfqSchema(strawberry.Schema):
    """Logs unexpected resolver errors (with traceback, server side only); client errors are not logged."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            original = error.original_error
            if isinstance(original, BadParameter):
                continue  # the client's input, refused with its own message
            if isinstance(original, StoreError):
                log.error("graphe indisponible pendant %s : %s", error.path, original)
            elif original is not None and not isinstance(original, GraphQLError):
                log.error("erreur inattendue sur %s", error.path, exc_info=original)


class _Masker(MaskErrors):
    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if isinstance(error.original_error, BadParameter):
            return GraphQLError(str(error.original_error), nodes=error.nodes, source=error.source,
                                positions=error.positions, path=error.path, extensions={"code": "BAD_INPUT"})
        message = UNAVAILABLE if isinstance(error.original_error, StoreError) else INTERNAL
        return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                            path=error.path, original_error=None,
                            extensions={"code": "UNAVAILABLE" if message == UNAVAILABLE else "INTERNAL"})


class TextValidationCache(SchemaExtension):
    """Validation results memoised by query text. Strawberry's ValidationCache keys on the parsed
    document, whose hash walks the whole syntax tree on every request (0.1 ms for a whoHandles query);
    the text determines the document (same parser, same options, same schema and rules) and hashes in
    microseconds. Bounded LRU, shared by the requests of one schema."""

    def __init__(self, cache: LRUCache[tuple[Any, ...], list[GraphQLError]]) -> None:
        self.cache = cache

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        key = (ctx.query, tuple(ctx.validation_rules))
        errors = self.cache.get(key)
        if errors is None:
            assert ctx.graphql_document is not None
            errors = validate_document(ctx.schema._schema, ctx.graphql_document, ctx.validation_rules)
            self.cache[key] = errors
        ctx.pre_execution_errors = errors
        yield


def build_schema() -> strawberry.Schema:
    """The schema with its protections. Extensions are built per request; the depth and alias rules are
    made once and shared, so the validation cache recognises a document it has already checked."""
    validated: LRUCache[tuple[Any, ...], list[GraphQLError]] = LRUCache(maxsize=512)
    rules = [*QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
             *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules]
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=512),
        lambda: AddValidationRules(rules),
        lambda: TextValidationCache(validated),
        lambda: _Masker(should_mask_error=_should_mask),
    ]
    return QfqSchema(query=Query, extensions=extensions,
                     types=[Organisation, Unit, Role, Mission, Competence, Territory, Partner, Site, Source])

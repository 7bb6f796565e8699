"""What a GraphQL document may cost, checked on its syntax tree before validation and execution.

graphql-core's validation expands fragment spreads (the depth and alias limiters once per spread,
OverlappingFieldsCanBeMerged pairwise per response name), so a 1 KB document of fragments that each
spread the previous one twice costs 2^n, and 500 copies of one field cost 500². Execution costs what
the nested lists fan out to. Three checks, each linear in the size of the document once expanded:

1. the fragment graph: a cycle is refused, and the selection count of every definition once its
   fragments are expanded (a memoised walk over the fragment graph: a fragment spreading another
   twice counts it twice) must stay within MAX_SELECTIONS;
2. one response name may appear at most MAX_SAME_NAME times in one selection set (fragments and
   inline fragments merged into it, as the merge rule sees them);
3. the estimated cost of the operation about to run — every field counts once per parent object, a
   list multiplies what it selects by its `first` argument (literal, variable or default; else the
   `first` of the connection above it, else LIST_FANOUT; the same list field again right below itself,
   children of children, walks down a hierarchy and does not multiply) — must stay within MAX_COST
   (introspection, resolved from memory, within MAX_INTROSPECTION_COST).

Checks 1 and 2 run before validation (cached with the parsed document), check 3 once per request,
with its variables, still before validation.

Each refusal is a French sentence saying what was too large and how to fix the request.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode, FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLField, GraphQLInterfaceType,
    GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, InlineFragmentNode, IntValueNode,
    OperationDefinitionNode, SelectionSetNode, VariableNode, get_named_type,
)
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef

from api.limits import (
    LIST_FANOUT, MAX_COST, MAX_INTROSPECTION_COST, MAX_NESTING, MAX_PAGE, MAX_SAME_NAME, MAX_SELECTIONS,
)


class TooExpensive(Exception):
    """The document is refused before validation; the message is for the client (French)."""


def check_shape(document: DocumentNode) -> int:
    """Checks 1 and 2, on the syntax tree alone (before validation, cacheable with the document):
    the expanded selection count, or TooExpensive with the reason."""
    fragments, definitions = _definitions(document)
    sizes = _fragment_sizes(fragments)
    total = 0
    for d in definitions:
        local, spreads = _local(d.selection_set)
        total += local + sum(sizes.get(name, 0) for name in spreads)
        if total > MAX_SELECTIONS:
            raise TooExpensive(
                f"Requête trop complexe : plus de {MAX_SELECTIONS} sélections une fois les fragments développés "
                "(un fragment réutilisé compte à chaque réutilisation). Réutilisez moins de fragments ou "
                "découpez la requête.")
    walker = _Walker(None, fragments, {})
    for d in definitions:
        walker.names(d.selection_set)
    return total


def check_cost(document: DocumentNode, schema: GraphQLSchema, operation_name: str | None,
               variables: dict[str, Any] | None) -> int:
    """Check 3, for the operation about to run with these variables (after validation: the document
    is known to fit the schema): its estimated cost, or TooExpensive."""
    fragments, definitions = _definitions(document)
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)
                  and (operation_name is None or (d.name is not None and d.name.value == operation_name))]
    if len(operations) != 1:
        return 0  # no operation or an ambiguous one: strawberry refuses it
    walker = _Walker(schema, fragments, variables or {})
    op = operations[0]
    return walker.cost(op.selection_set, schema.get_root_type(op.operation), 1, None, 0)


def _definitions(document: DocumentNode) -> tuple[dict[str, FragmentDefinitionNode],
                                                 list[OperationDefinitionNode | FragmentDefinitionNode]]:
    fragments: dict[str, FragmentDefinitionNode] = {}
    definitions: list[OperationDefinitionNode | FragmentDefinitionNode] = []
    for d in document.definitions:
        if isinstance(d, FragmentDefinitionNode):
            fragments.setdefault(d.name.value, d)
            definitions.append(d)
        elif isinstance(d, OperationDefinitionNode):
            definitions.append(d)
    return fragments, definitions


def _local(selection_set: SelectionSetNode | None) -> tuple[int, list[str]]:
    """(selections written in this set and below, names of the fragments it spreads, repeated)."""
    count = 0
    spreads: list[str] = []
    stack = [selection_set] if selection_set is not None else []
    while stack:
        node = stack.pop()
        for sel in node.selections:
            count += 1
            if isinstance(sel, FragmentSpreadNode):
                spreads.append(sel.name.value)
            elif isinstance(sel, (FieldNode, InlineFragmentNode)) and sel.selection_set is not None:
                stack.append(sel.selection_set)
    return count, spreads


def _fragment_sizes(fragments: dict[str, FragmentDefinitionNode]) -> dict[str, int]:
    """Expanded selection count of each fragment: memoised depth-first walk of the fragment graph
    (iterative: a chain of hundreds of fragments is no deeper for Python). A cycle is refused.
    Counts are capped just above MAX_SELECTIONS, so 2^n stays a small number."""
    local = {name: _local(f.selection_set) for name, f in fragments.items()}
    sizes: dict[str, int] = {}
    on_path: set[str] = set()
    for start in fragments:
        if start in sizes:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        on_path.add(start)
        while stack:
            name, i = stack[-1]
            spreads = local[name][1]
            if i < len(spreads):
                stack[-1] = (name, i + 1)
                child = spreads[i]
                if child in on_path:
                    raise TooExpensive(f"Fragments en boucle : « {child} » finit par se réutiliser lui-même. "
                                       "Supprimez ce cycle.")
                if child in fragments and child not in sizes:
                    stack.append((child, 0))
                    on_path.add(child)
                continue
            stack.pop()
            on_path.discard(name)
            sizes[name] = min(local[name][0] + sum(sizes.get(s, 0) for s in spreads), MAX_SELECTIONS + 1)
    return sizes


class _Walker:
    """Walks selection sets with fragments expanded (bounded by the selection check above)."""

    def __init__(self, schema: GraphQLSchema | None, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.meta = 0  # introspection cost so far

    def _merged(self, selection_set: SelectionSetNode) -> list[FieldNode]:
        """The fields of a selection set with its inline fragments and spreads merged in."""
        fields: list[FieldNode] = []
        stack = [selection_set]
        while stack:
            for sel in stack.pop().selections:
                if isinstance(sel, FieldNode):
                    fields.append(sel)
                elif isinstance(sel, InlineFragmentNode):
                    stack.append(sel.selection_set)
                elif isinstance(sel, FragmentSpreadNode) and sel.name.value in self.fragments:
                    stack.append(self.fragments[sel.name.value].selection_set)
        counts: dict[str, int] = {}
        for f in fields:
            name = (f.alias or f.name).value
            counts[name] = counts.get(name, 0) + 1
            if counts[name] > MAX_SAME_NAME:
                raise TooExpensive(f"Le champ « {name} » est demandé plus de {MAX_SAME_NAME} fois au même niveau : "
                                   "demandez-le une seule fois (ou avec des alias différents).")
        return fields

    def names(self, selection_set: SelectionSetNode, depth: int = 0) -> None:
        """Only the same-name check, for fragment definitions."""
        self._deep(depth)
        for f in self._merged(selection_set):
            if f.selection_set is not None:
                self.names(f.selection_set, depth + 1)

    def cost(self, selection_set: SelectionSetNode, parent: object, mult: int, first: int | None,
             depth: int, meta: bool = False, outer: tuple[str, str] | None = None) -> int:
        """Estimated resolver calls below `selection_set` with `mult` parent objects. Introspection
        (below __schema / __type, resolved from memory) is counted apart in `self.meta`. `outer` is
        the list field (type, field) whose items these selections are: the same list again right
        inside it (children of children) walks down a hierarchy whose levels share out the same
        nodes, so it does not multiply."""
        self._deep(depth)
        total = 0
        for f in self._merged(selection_set):
            if meta:
                self.meta += mult
                _check(self.meta, MAX_INTROSPECTION_COST, "d'introspection ")
            else:
                total += mult
                _check(total, MAX_COST, "")
            if f.selection_set is None:
                continue
            name = f.name.value
            field = self._field(parent, name)
            if field is None:  # unknown field: validation will say so; nothing runs
                self.names(f.selection_set, depth + 1)
                continue
            field_type = field.type
            arg = self._first(f, field)
            inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
            here = (getattr(parent, "name", ""), name)
            if isinstance(inner, GraphQLList):
                fanout = 1 if here == outer else arg or first or LIST_FANOUT
                child_mult, child_first, child_outer = mult * fanout, None, here
            else:
                child_mult, child_first, child_outer = mult, arg, None
            total += self.cost(f.selection_set, get_named_type(field_type), child_mult, child_first, depth + 1,
                               meta or name in ("__schema", "__type"), child_outer)
            _check(total, MAX_COST, "")
        return total

    @staticmethod
    def _field(parent: object, name: str) -> GraphQLField | None:
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            return parent.fields.get(name)
        return None

    def _first(self, node: FieldNode, field: GraphQLField) -> int | None:
        """The `first` argument of a field: its literal or variable value, else its default, within
        1..MAX_PAGE; None when the field has no `first`."""
        value: Any = None
        for arg in node.arguments or ():
            if arg.name.value == "first":
                if isinstance(arg.value, IntValueNode):
                    value = arg.value.value
                elif isinstance(arg.value, VariableNode):
                    value = self.variables.get(arg.value.name.value)
                break
        if value is None:
            definition = field.args.get("first")
            if definition is None:
                return None
            value = definition.default_value
        try:
            return min(max(int(value), 1), MAX_PAGE)
        except (TypeError, ValueError):
            return MAX_PAGE

    @staticmethod
    def _deep(depth: int) -> None:
        if depth > MAX_NESTING:
            raise TooExpensive(f"Requête trop imbriquée : plus de {MAX_NESTING} niveaux une fois les fragments "
                               "développés.")


def _check(total: int, budget: int, kind: str) -> None:
    if total > budget:
        raise TooExpensive(
            f"Requête {kind}trop coûteuse : coût estimé supérieur à {budget} (chaque champ compte une fois par "
            f"objet parent ; une liste multiplie ce qu'elle contient par « first », ou par {LIST_FANOUT}). "
            "Imbriquez moins de listes ou demandez moins de champs, quitte à faire plusieurs requêtes.")

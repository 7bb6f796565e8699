"""The GraphQL Query root: lookup, search, and entry points into the graph."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import ID

from graph.errors import BadInput, NotFound
from lookup.engine import EMPTY_QUESTION
from lookup.text import fold

from api.context import Info
from api.errors import check_page_size, check_text
from api.gql_types import (
    Competence, Connection, Edge, Mission, Node, Organisation, PageInfo, Partner, Role, SearchHit, Site, Source,
    Territory, Unit, UnitKind, WhoHandlesResult,
)
from api.limits import MAX_ANSWERS, MAX_PAGE, MAX_QUESTION, MAX_TEXT
from api.pagination import encode_cursor, slice_after

Row = dict[str, Any]


def _contains(name: str | None, text: str | None) -> bool:
    return not text or fold(text).strip() in fold(name or "")


def _connection(rows: list[Row], kind: str, first: int, after: str | None, make: Any) -> Connection[Any]:
    page, has_next, has_prev = slice_after(rows, kind, first, after)
    edges = [Edge(node=make(r), cursor=encode_cursor(kind, r["id"])) for r in page]
    return Connection(edges=edges, total_count=len(rows), page_info=PageInfo(
        has_next_page=has_next, has_previous_page=has_prev,
        start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


async def _by_key(loader: Any, key: str, make: Any, missing: str) -> Any:
    """One node by its key through the request's DataLoader; an unknown key is a NOT_FOUND error."""
    row = await loader.load(key)
    if row is None:
        raise NotFound(missing)
    return make(row)


@strawberry.type(description="Entry points: ask who handles a matter, search by name, or start from any node.")
class Query:
    @strawberry.field(description="Qui s'occupe de … ? Ranked units with the passage that justifies each "
                                  "(same engine and answers as `qfq ask`).")
    def who_handles(self, info: Info,
                    question: Annotated[str, strawberry.argument(
                        description="The matter, in the person's words (« assistante sociale à Stenay »).")],
                    organisation: Annotated[str | None, strawberry.argument(
                        description="Only this organisation's units (id, name or INSEE code).")] = None,
                    commune: Annotated[str | None, strawberry.argument(
                        description="The person's commune (official name or INSEE code).")] = None,
                    first: Annotated[int | None, strawberry.argument(
                        description=f"How many answers, 1 to {MAX_ANSWERS}.")] = 5) -> WhoHandlesResult:
        check_text("question", question, MAX_QUESTION)
        check_text("commune", commune, MAX_TEXT)
        first = check_page_size(5 if first is None else first, MAX_ANSWERS)
        if not question.strip():
            raise BadInput(EMPTY_QUESTION)
        res = info.context.services.ask(question, org=organisation, commune=commune, limit=first)
        return WhoHandlesResult.of(res)

    @strawberry.field(description="Units, organisations, competences and partners whose name matches `text`.")
    def search(self, info: Info,
               text: Annotated[str, strawberry.argument(description="Name or part of a name.")],
               first: Annotated[int | None, strawberry.argument(
                   description=f"How many hits, 1 to {MAX_PAGE}.")] = 10) -> list[SearchHit]:
        check_text("text", text, MAX_TEXT)
        first = check_page_size(10 if first is None else first, MAX_PAGE)
        hits = info.context.services.search(text, first)
        return [SearchHit(score=s, kind=kind, label=label, node=_node(kind, row)) for s, kind, label, row in hits]

    @strawberry.field(description="An organisation by id, name or INSEE code (« meuse », « Meuse », « 55 »).")
    def organisation(self, info: Info, id: Annotated[str, strawberry.argument(
            description="Organisation id, name or INSEE code.")]) -> Organisation | None:
        return Organisation.of(info.context.services.org(id))

    @strawberry.field(description="Every organisation in the graph.")
    def organisations(self, info: Info) -> list[Organisation]:
        return [Organisation.of(o) for o in info.context.services.organisations()]

    @strawberry.field(description="A unit by id (« meuse:service-acces-aux-droits »).")
    async def unit(self, info: Info, id: Annotated[ID, strawberry.argument(description="Unit id.")]) -> Unit | None:
        return await _by_key(info.context.loaders.unit, str(id), Unit.of,
                             f"Unité inconnue : {id!r}. Les identifiants sont de la forme « meuse:cabinet ».")

    @strawberry.field(description="Units, filtered, as a connection in id order.")
    async def units(self, info: Info,
                    organisation: Annotated[str | None, strawberry.argument(
                        description="Only this organisation's units (id, name or INSEE code).")] = None,
                    kind: Annotated[UnitKind | None, strawberry.argument(
                        description="Only units of this kind.")] = None,
                    name_contains: Annotated[str | None, strawberry.argument(
                        description="Only units whose name contains this text (accents and case ignored).")] = None,
                    first: Annotated[int | None, strawberry.argument(
                        description=f"Page size, 1 to {MAX_PAGE}.")] = 20,
                    after: Annotated[str | None, strawberry.argument(
                        description="Cursor after which the page starts (`pageInfo.endCursor`).")] = None,
                    ) -> Connection[Unit]:
        first = check_page_size(20 if first is None else first, MAX_PAGE)
        check_text("nameContains", name_contains, MAX_TEXT)
        org = info.context.services.org(organisation)["id"] if organisation else None
        rows = await info.context.loaders.read("api_units", {"org": org, "kind": kind.value if kind else None})
        units = sorted((r["unit"] for r in rows if _contains(r["unit"].get("name"), name_contains)),
                       key=lambda u: u["id"])
        conn = _connection(units, "unit", first, after, Unit.of)
        info.context.loaders.hint(e.node.data for e in conn.edges)  # type: ignore[misc]
        return conn

    @strawberry.field(description="A reference competence by code (« rsa », « colleges »…).")
    async def competence(self, info: Info, code: Annotated[str, strawberry.argument(
            description="Competence code.")]) -> Competence | None:
        return await _by_key(info.context.loaders.competence, code, Competence.of, f"Compétence inconnue : {code!r}.")

    @strawberry.field(description="Every reference competence, by code.")
    async def competences(self, info: Info) -> list[Competence]:
        return [Competence.of(r["competence"]) for r in await info.context.loaders.read("api_competences")]

    @strawberry.field(description="A partner by id (« caf », « france-travail »…).")
    async def partner(self, info: Info, id: Annotated[ID, strawberry.argument(
            description="Partner id.")]) -> Partner | None:
        return await _by_key(info.context.loaders.partner, str(id), Partner.of, f"Partenaire inconnu : {id!r}.")

    @strawberry.field(description="Every partner, by id.")
    async def partners(self, info: Info) -> list[Partner]:
        return [Partner.of(r["partner"]) for r in await info.context.loaders.read("api_partners")]

    @strawberry.field(description="A territory by code: INSEE commune or département code, EPCI SIREN, "
                                  "« region-44 », « canton-5501 ».")
    async def territory(self, info: Info, code: Annotated[str, strawberry.argument(
            description="INSEE or SIREN code, « region-NN » or « canton-NNNN ».")]) -> Territory | None:
        return await _by_key(info.context.loaders.territory, code.strip(), Territory.of,
                             f"Territoire inconnu : {code!r} (code INSEE attendu, ex. « 55029 »).")

    @strawberry.field(description="Communes (of one organisation's territory), as a connection in INSEE code order.")
    async def communes(self, info: Info,
                       organisation: Annotated[str | None, strawberry.argument(
                           description="Only communes of this organisation's territory.")] = None,
                       name_contains: Annotated[str | None, strawberry.argument(
                           description="Only communes whose name contains this text.")] = None,
                       first: Annotated[int | None, strawberry.argument(
                           description=f"Page size, 1 to {MAX_PAGE}.")] = 20,
                       after: Annotated[str | None, strawberry.argument(
                           description="Cursor after which the page starts (`pageInfo.endCursor`).")] = None,
                       ) -> Connection[Territory]:
        first = check_page_size(20 if first is None else first, MAX_PAGE)
        check_text("nameContains", name_contains, MAX_TEXT)
        org = info.context.services.org(organisation)["id"] if organisation else None
        rows = await info.context.loaders.read("api_communes", {"org": org})
        communes = sorted((r["territory"] for r in rows if _contains(r["territory"].get("name"), name_contains)),
                          key=lambda t: t["id"])
        return _connection(communes, "commune", first, after, Territory.of)

    @strawberry.field(description="Any node by its application id.")
    async def node(self, info: Info, id: Annotated[ID, strawberry.argument(
            description="Any application id.")]) -> Node | None:
        key = str(id)
        loaders = info.context.loaders
        labels = [r["label"] for r in await loaders.read("api_node_labels", {"id": key})]
        if not labels:
            if await loaders.competence.load(key):
                labels = ["Competence"]
            else:
                raise NotFound(f"Aucun objet d'identifiant {key!r}.")
        label = labels[0]
        if label == "Organisation":
            return Organisation.of(info.context.services.org(key))
        if label == "Unit":
            return Unit.of(await loaders.unit.load(key))
        if label == "Competence":
            return Competence.of(await loaders.competence.load(key))
        if label == "Partner":
            return Partner.of(await loaders.partner.load(key))
        if label == "Territory":
            return Territory.of(await loaders.territory.load(key))
        if label == "Source":
            return Source.of(await loaders.source.load(key))
        if label == "Site":
            r = await loaders.site.load(key)
            return Site.of(r["site"], r["unit"], r["territory"])
        if label == "Role":
            r = await loaders.role.load(key)
            return Role.of(r["role"], r["unit"])
        if label == "Mission":
            r = await loaders.mission.load(key)
            return Mission.of(r["mission"], r["unit"])
        raise NotFound(f"Objet {key!r} d'un type non exposé ({label}).")


def _node(kind: str, row: Row) -> Node:
    return {"Organisation": Organisation.of, "Unit": Unit.of, "Competence": Competence.of,
            "Partner": Partner.of}[kind](row)

"""GraphQL object types (code-first). Each wraps the plain dict the store returns.

Objects built from a lookup answer carry only some fields ("partial"); the others are fetched
through the unit / competence / partner loaders when a query asks for them.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry import ID, Private

from graph.errors import BadInput, NotFound

from api.context import Info
from api.gql_routing import CompetentBody, Place, routing_fields

Row = dict[str, Any]
T = TypeVar("T")
MAX_CHART_DEPTH = 10
E = TypeVar("E", bound=Enum)


@strawberry.enum(description="What sort of unit a unit is, in the organisation chart.")
class UnitKind(Enum):
    EXECUTIVE = strawberry.enum_value("executive", description="The elected executive (Président, Maire).")
    CABINET = strawberry.enum_value("cabinet", description="The executive's cabinet.")
    DGS = strawberry.enum_value("dgs", description="The general directorate (Direction générale des services).")
    POLE = strawberry.enum_value("pole", description="A pôle grouping directions (often under a DGA).")
    DIRECTION = strawberry.enum_value("direction", description="A direction.")
    MISSION = strawberry.enum_value("mission", description="A mission (cross-cutting unit).")
    SERVICE = strawberry.enum_value("service", description="A service.")
    SECTEUR = strawberry.enum_value("secteur", description="A secteur within a service.")
    SUPPORT_FUNCTION = strawberry.enum_value("support_function", description="A support function (secretariat, "
                                                                              "cell, assistant…).")
    TEAM = strawberry.enum_value("team", description="A team (museum, site team…).")
    BODY = strawberry.enum_value("body", description="An assembly or committee.")
    OTHER = strawberry.enum_value("other", description="A kind not listed here.")


@strawberry.enum(description="A level of government that may hold a competence.")
class CompetenceLevel(Enum):
    COMMUNE = strawberry.enum_value("commune", description="The commune (mairie).")
    EPCI = strawberry.enum_value("epci", description="The intercommunalité (EPCI).")
    DEPARTEMENT = strawberry.enum_value("departement", description="The département (or its special-status "
                                                                    "equivalent).")
    REGION = strawberry.enum_value("region", description="The région.")
    ETAT = strawberry.enum_value("etat", description="A State body (préfecture, ANTS, France Travail…).")
    OTHER = strawberry.enum_value("other", description="Another body.")


@strawberry.enum(description="What sort of territory a territory is.")
class TerritoryKind(Enum):
    REGION = strawberry.enum_value("region", description="A région.")
    DEPARTEMENT = strawberry.enum_value("departement", description="A département.")
    EPCI = strawberry.enum_value("epci", description="An intercommunalité (EPCI, by SIREN).")
    CANTON = strawberry.enum_value("canton", description="A canton.")
    COMMUNE = strawberry.enum_value("commune", description="A commune (INSEE code).")
    SECTEUR = strawberry.enum_value("secteur", description="A sector an organisation defines for itself.")
    OTHER = strawberry.enum_value("other", description="A kind not listed here.")


def as_enum(enum: type[E], value: Any) -> E | None:
    """The member for a stored value; OTHER for a value the enum does not list (new data never breaks a
    response), None for none."""
    if value is None or value == "":
        return None
    try:
        return enum(value)
    except ValueError:
        return enum("other")


@strawberry.interface(description="Any object with an application id (unit « meuse:cabinet », territory « 55 »…).")
class Node:
    id: ID = strawberry.field(description="The application id (unit « meuse:cabinet », territory « 55 »…).")


@strawberry.type(description="A quoted passage of a source document.")
class Evidence:
    source: str | None = strawberry.field(description="Id of the source document.")
    quote: str | None = strawberry.field(description="The passage, verbatim.")

    @strawberry.field(description="The source document.")
    async def document(self, info: Info) -> Source | None:
        if not self.source:
            return None
        row = await info.context.loaders.source.load(self.source)
        return Source.of(row) if row else None


def evidence(source: str | None, quote: str | None) -> Evidence | None:
    return Evidence(source=source, quote=quote) if (source or quote) else None


@strawberry.type(description="A document the data was curated from.")
class Source(Node):
    id: ID = strawberry.field(description="Source document id (« 003 »).")
    title: str = strawberry.field(description="The document's title.")
    file: str = strawberry.field(description="File name of the document's text under data/sources/.")

    @classmethod
    def of(cls, r: Row) -> Source:
        return cls(id=ID(r["id"]), title=r.get("title") or r["id"], file=r.get("file") or "")


@strawberry.type(description="A collectivité: département, EPCI, commune or région.")
class Organisation(Node):
    id: ID = strawberry.field(description="Organisation id (« meuse »).")
    name: str = strawberry.field(description="Official name.")
    kind: str = strawberry.field(description="Level of government: département, EPCI, commune or région.")
    aliases: list[str] = strawberry.field(description="Other names people use for it.")
    territory_id: Private[str | None]

    @classmethod
    def of(cls, r: Row) -> Organisation:
        return cls(id=ID(r["id"]), name=r["name"], kind=r.get("kind") or "", aliases=r.get("aliases") or [],
                   territory_id=r.get("territory"))

    @strawberry.field(description="The territory it operates in.")
    async def territory(self, info: Info) -> Territory | None:
        if not self.territory_id:
            return None
        row = await info.context.loaders.territory.load(self.territory_id)
        return Territory.of(row) if row else None

    @strawberry.field(description="Documents describing its organisation.")
    async def sources(self, info: Info) -> list[Source]:
        return [Source.of(r) for r in await info.context.loaders.org_sources.load(str(self.id))]

    @strawberry.field(description="All its units (optionally of one kind), by name.")
    async def units(self, info: Info, kind: Annotated[UnitKind | None, strawberry.argument(
            description="Only units of this kind.")] = None) -> list[Unit]:
        rows = [r for r in await _org_units(info, str(self.id)) if kind is None or r.get("kind") == kind.value]
        info.context.loaders.hint(rows)
        return [Unit.of(r) for r in rows]

    @strawberry.field(description="Units at the top of the organisation chart.")
    async def top_units(self, info: Info) -> list[Unit]:
        rows = [r for r in await _org_units(info, str(self.id)) if not r.get("parent")]
        info.context.loaders.hint(rows)
        return [Unit.of(r) for r in rows]

    @strawberry.field(description="The organisation chart from the top units, `depth` levels deep (1 = top only).")
    async def org_chart(self, info: Info, depth: Annotated[int, strawberry.argument(
            description=f"How many levels to return, 1 to {MAX_CHART_DEPTH} (1 = top units only).")] = 3
                        ) -> list[OrgChartNode]:
        if depth < 1 or depth > MAX_CHART_DEPTH:
            raise BadInput(f"« depth » doit être compris entre 1 et {MAX_CHART_DEPTH} (reçu : {depth}).")
        rows = await _org_units(info, str(self.id))
        kids: dict[str | None, list[Row]] = {}
        for r in rows:
            kids.setdefault(r.get("parent"), []).append(r)
        shown: list[Row] = []

        def build(parent: str | None, level: int) -> list[OrgChartNode]:
            out = []
            for r in kids.get(parent, []):
                shown.append(r)
                below = build(r["id"], level + 1) if level < depth else []
                out.append(OrgChartNode(unit=Unit.of(r), depth=level, children=below))
            return out

        chart = build(None, 1)
        info.context.loaders.hint(shown)
        return chart


async def _org_units(info: Info, org: str) -> list[Row]:
    """Every unit of `org` (one query, memoised for the request)."""
    memo = info.context.extra.setdefault("org_units", {})
    if org not in memo:
        rows = await info.context.loaders.read("api_org_units", {"org": org})
        memo[org] = [r["unit"] for r in rows]
    return memo[org]


@strawberry.type(description="One unit of an organisation chart and the units below it.")
class OrgChartNode:
    unit: Unit = strawberry.field(description="The unit at this place of the chart.")
    depth: int = strawberry.field(description="Its level in the chart (1 = top).")
    children: list[OrgChartNode] = strawberry.field(
        description="The units directly below it (empty past the depth asked for).")


@strawberry.type(description="A service, direction, pôle… of an organisation.")
class Unit(Node):
    id: ID = strawberry.field(description="Unit id: organisation id, colon, slug (« meuse:cabinet »).")
    name: str = strawberry.field(description="The unit's name as the documents give it.")
    kind: UnitKind | None = strawberry.field(description="What sort of unit it is (pôle, direction, service…).")
    org_id: Private[str]
    data: Private[Row | None]
    org_name: Private[str | None] = None

    @classmethod
    def of(cls, r: Row) -> Unit:
        return cls(id=ID(r["id"]), name=r["name"], kind=as_enum(UnitKind, r.get("kind")), org_id=r.get("org") or "",
                   data=r)

    @classmethod
    def partial(cls, r: Row) -> Unit:
        """From a lookup answer: {id, name, kind, organisation: {id, name}}."""
        org = r.get("organisation") or {}
        return cls(id=ID(r["id"]), name=r["name"], kind=as_enum(UnitKind, r.get("kind")), org_id=org.get("id") or "",
                   data=None, org_name=org.get("name"))

    async def _row(self, info: Info) -> Row:
        if self.data is None:
            self.data = await info.context.loaders.unit.load(str(self.id)) or {}
        return self.data

    @strawberry.field(description="Other names the documents use.")
    async def aliases(self, info: Info) -> list[str]:
        return (await self._row(info)).get("aliases") or []

    @strawberry.field(description="Curator's note, if any.")
    async def note(self, info: Info) -> str | None:
        return (await self._row(info)).get("note")

    @strawberry.field(description="The passage that establishes this unit.")
    async def evidence(self, info: Info) -> Evidence | None:
        r = await self._row(info)
        return evidence(r.get("source"), r.get("quote"))

    @strawberry.field(description="The organisation it belongs to.")
    def organisation(self, info: Info) -> Organisation:
        for o in info.context.services.organisations():
            if o["id"] == self.org_id:
                return Organisation.of(o)
        raise NotFound(f"Organisation inconnue : {self.org_id!r}.")

    @strawberry.field(description="The unit it reports to (null at the top).")
    async def parent(self, info: Info) -> Unit | None:
        parent = (await self._row(info)).get("parent")
        if not parent:
            return None
        row = await info.context.loaders.unit.load(parent)
        return Unit.of(row) if row else None

    @strawberry.field(description="Units reporting directly to it, by name.")
    async def children(self, info: Info) -> list[Unit]:
        rows = await info.context.loaders.children.load(str(self.id))
        info.context.loaders.hint(rows)
        return [Unit.of(r) for r in rows]

    @strawberry.field(description="Every unit above it, nearest first, up to the top.")
    async def ancestors(self, info: Info) -> list[Unit]:
        return [Unit.of(r) for r in await info.context.loaders.ancestors.load(str(self.id))]

    @strawberry.field(description="The post heading the unit.")
    async def head_role(self, info: Info) -> Role | None:
        row = await info.context.loaders.head.load(str(self.id))
        return Role.of(row, str(self.id)) if row else None

    @strawberry.field(description="Missions, in the document's order.")
    async def missions(self, info: Info) -> list[Mission]:
        return [Mission.of(r, str(self.id)) for r in await info.context.loaders.missions.load(str(self.id))]

    @strawberry.field(description="Reference competences it handles.")
    async def competences(self, info: Info) -> list[Competence]:
        return [Competence.of(r["competence"]) for r in await info.context.loaders.competences.load(str(self.id))]

    @strawberry.field(description="Competences it handles, each with the passage that says so.")
    async def handles(self, info: Info) -> list[Handling]:
        rows = await info.context.loaders.competences.load(str(self.id))
        return [Handling(competence=Competence.of(r["competence"]), evidence=evidence(r["source"], r["quote"]))
                for r in rows]

    @strawberry.field(description="Partner bodies it works with.")
    async def partners(self, info: Info) -> list[Partner]:
        return [Partner.of(r["partner"]) for r in await info.context.loaders.partners.load(str(self.id))]

    @strawberry.field(description="Territories it covers, when the documents say so.")
    async def territories(self, info: Info) -> list[Territory]:
        return [Territory.of(r["territory"]) for r in await info.context.loaders.territories.load(str(self.id))]

    @strawberry.field(description="Sites it runs.")
    async def sites(self, info: Info) -> list[Site]:
        return [Site.of(r) for r in await info.context.loaders.sites.load(str(self.id))]

    @strawberry.field(description="The chain of units linking this unit to unit `id` of the same organisation "
                                  "(both ends included, through their nearest common superior).")
    async def path_to(self, info: Info, id: Annotated[ID, strawberry.argument(
            description="Id of the other unit (same organisation).")]) -> list[Unit] | None:
        loaders = info.context.loaders
        me, other = await loaders.unit.load_many([str(self.id), str(id)])
        if other is None:
            raise NotFound(f"Unité inconnue : {id!r}.")
        if me is None or me.get("org") != other.get("org"):
            raise BadInput(f"Les unités {self.id} et {id} n'appartiennent pas à la même organisation.")
        up, down = await loaders.ancestors.load_many([str(self.id), str(id)])
        mine = [me, *up]
        theirs = [other, *down]
        their_ids = [r["id"] for r in theirs]
        for i, r in enumerate(mine):
            if r["id"] in their_ids:
                j = their_ids.index(r["id"])
                return [Unit.of(x) for x in mine[: i + 1] + list(reversed(theirs[:j]))]
        return None


@strawberry.type(description="A competence a unit handles, with the passage that says so.")
class Handling:
    competence: Competence = strawberry.field(description="The competence handled.")
    evidence: Evidence | None = strawberry.field(description="The passage saying the unit handles it.")



async def unit_by_id(info: Info, unit_id: str | None) -> Unit | None:
    """The unit a role or mission belongs to, through the batched unit loader."""
    row = await info.context.loaders.unit.load(unit_id) if unit_id else None
    return Unit.of(row) if row else None

@strawberry.type(description="The post heading a unit.")
class Role(Node):
    id: ID = strawberry.field(description="Role id (« meuse:cabinet#head »).")
    title: str = strawberry.field(description="The post's title (« Directeur de Cabinet »).")
    unit_id: Private[str | None]
    source: Private[str | None]
    quote: Private[str | None]

    @classmethod
    def of(cls, r: Row, unit: str | None = None) -> Role:
        return cls(id=ID(r["id"]), title=r.get("title") or "", unit_id=unit or str(r["id"]).split("#")[0],
                   source=r.get("source"), quote=r.get("quote"))

    @strawberry.field(description="The unit it belongs to.")
    async def unit(self, info: Info) -> Unit | None:
        return await unit_by_id(info, self.unit_id)

    @strawberry.field(description="The passage that establishes it.")
    def evidence(self) -> Evidence | None:
        return evidence(self.source, self.quote)


@strawberry.type(description="A mission of a unit, verbatim from the document.")
class Mission(Node):
    id: ID = strawberry.field(description="Mission id (unit id, « #m », position).")
    text: str = strawberry.field(description="The mission, verbatim from the document.")
    position: int = strawberry.field(description="Its rank in the document's list (1 = first).")
    unit_id: Private[str | None]
    source: Private[str | None]

    @classmethod
    def of(cls, r: Row, unit: str | None = None) -> Mission:
        return cls(id=ID(r["id"]), text=r.get("text") or "", position=int(r.get("position") or 0),
                   unit_id=unit or str(r["id"]).split("#")[0], source=r.get("source"))

    @strawberry.field(description="The unit it belongs to.")
    async def unit(self, info: Info) -> Unit | None:
        return await unit_by_id(info, self.unit_id)

    @strawberry.field(description="The passage that establishes it.")
    def evidence(self) -> Evidence | None:
        return evidence(self.source, self.text)


@strawberry.type(description="A reference competence (a public-policy topic) and which level of government holds it.")
class Competence(Node):
    id: ID = strawberry.field(description="Same as `code`.")
    code: str = strawberry.field(description="Competence code (« rsa », « colleges »…).")
    label: str = strawberry.field(description="Its name in French.")
    data: Private[Row | None]

    @classmethod
    def of(cls, r: Row) -> Competence:
        return cls(id=ID(r["code"]), code=r["code"], label=r.get("label") or r["code"], data=r)

    @classmethod
    def partial(cls, r: Row) -> Competence:
        return cls(id=ID(r["code"]), code=r["code"], label=r.get("label") or r["code"], data=None)

    async def _row(self, info: Info) -> Row:
        if self.data is None:
            self.data = await info.context.loaders.competence.load(self.code) or {}
        return self.data

    @strawberry.field(description="Acronyms people use for it (« RSA »).")
    async def acronyms(self, info: Info) -> list[str]:
        return (await self._row(info)).get("acronyms") or []

    @strawberry.field(description="Words and phrases people use for it.")
    async def keywords(self, info: Info) -> list[str]:
        return (await self._row(info)).get("keywords") or []

    @strawberry.field(description="The level of government holding it.")
    async def level(self, info: Info) -> CompetenceLevel | None:
        return as_enum(CompetenceLevel, (await self._row(info)).get("level"))

    @strawberry.field(description="Other levels that also act on this topic.")
    async def also_levels(self, info: Info) -> list[CompetenceLevel]:
        levels = (as_enum(CompetenceLevel, v) for v in (await self._row(info)).get("also_levels") or [])
        return [level for level in levels if level is not None]

    @strawberry.field(description="The law that assigns it, when known.")
    async def legal_basis(self, info: Info) -> str | None:
        return (await self._row(info)).get("legal_basis")

    @strawberry.field(description="The body competent for it, in words.")
    async def competent_body(self, info: Info) -> str | None:
        return (await self._row(info)).get("competent_body")

    @strawberry.field(description="Where to turn when this is not the collectivité's business.")
    async def hint(self, info: Info) -> str | None:
        return (await self._row(info)).get("hint")

    @strawberry.field(description="Partner bodies involved in this competence.")
    async def partners(self, info: Info) -> list[Partner]:
        return [Partner.of(r) for r in await info.context.loaders.competence_partners.load(self.code)]

    @strawberry.field(description="Units handling it, across organisations (or in one).")
    async def handled_by(self, info: Info, organisation: Annotated[str | None, strawberry.argument(
            description="Only this organisation's units (id, name or INSEE code).")] = None) -> list[Unit]:
        org = info.context.services.org(organisation)["id"] if organisation else None
        rows = await info.context.loaders.competence_units.load(self.code)
        units = [r["unit"] for r in rows if org is None or r["unit"].get("org") == org]
        info.context.loaders.hint(units)
        return [Unit.of(u) for u in units]


@strawberry.type(description="A body the collectivité works with (CAF, France Travail, ARS…).")
class Partner(Node):
    id: ID = strawberry.field(description="Partner id (« caf »).")
    name: str = strawberry.field(description="Its name.")
    data: Private[Row | None]

    @classmethod
    def of(cls, r: Row) -> Partner:
        return cls(id=ID(r["id"]), name=r.get("name") or r["id"], data=r)

    @classmethod
    def partial(cls, r: Row) -> Partner:
        return cls(id=ID(r["id"]), name=r.get("name") or r["id"], data=None)

    async def _row(self, info: Info) -> Row:
        if self.data is None:
            self.data = await info.context.loaders.partner.load(str(self.id)) or {}
        return self.data

    @strawberry.field(description="Other names the documents use.")
    async def aliases(self, info: Info) -> list[str]:
        return (await self._row(info)).get("aliases") or []

    @strawberry.field(description="What sort of body it is.")
    async def kind(self, info: Info) -> str | None:
        return (await self._row(info)).get("kind")

    @strawberry.field(description="What it does, in a sentence.")
    async def description(self, info: Info) -> str | None:
        return (await self._row(info)).get("description")

    @strawberry.field(description="The passage that establishes it.")
    async def evidence(self, info: Info) -> Evidence | None:
        r = await self._row(info)
        return evidence(r.get("source"), r.get("quote"))

    @strawberry.field(description="Units working with it.")
    async def units(self, info: Info) -> list[Unit]:
        return [Unit.of(r) for r in await info.context.loaders.partner_units.load(str(self.id))]

    @strawberry.field(description="Competences it is involved in.")
    async def competences(self, info: Info) -> list[Competence]:
        return [Competence.of(r) for r in await info.context.loaders.partner_competences.load(str(self.id))]


@strawberry.type(description="A région, département, EPCI, canton or commune (INSEE / SIREN codes).")
class Territory(Node):
    id: ID = strawberry.field(description="Territory id: INSEE code, EPCI SIREN, « region-44 » or « canton-5501 ».")
    code: str = strawberry.field(description="The official code (INSEE or SIREN).")
    name: str = strawberry.field(description="Official name.")
    kind: TerritoryKind | None = strawberry.field(description="What sort of territory it is.")
    population: int | None = strawberry.field(description="Population (indicative; vintage of the source package).")
    departement: str | None = strawberry.field(description="INSEE code of its département (communes, EPCI, cantons).")

    @classmethod
    def of(cls, r: Row) -> Territory:
        return cls(id=ID(r["id"]), code=r.get("code") or r["id"], name=r.get("name") or r["id"],
                   kind=as_enum(TerritoryKind, r.get("kind")), population=r.get("population"),
                   departement=r.get("departement"))

    @strawberry.field(description="Territories it belongs to (canton, EPCI, département, région).")
    async def part_of(self, info: Info) -> list[Territory]:
        return [Territory.of(r) for r in await info.context.loaders.territory_parents.load(str(self.id))]

    @strawberry.field(description="Units whose documents say they cover this territory.")
    async def units(self, info: Info) -> list[Unit]:
        return [Unit.of(r) for r in await info.context.loaders.territory_units.load(str(self.id))]


@strawberry.type(description="A place a unit runs (agency, centre, college…).")
class Site(Node):
    id: ID = strawberry.field(description="Site id.")
    name: str = strawberry.field(description="The site's name.")
    kind: str = strawberry.field(description="What sort of site (agency, centre, college…).")
    managed_by: str | None = strawberry.field(description="Who manages it, when the documents say so.")
    unit_id: Private[str | None]
    territory_id: Private[str | None]
    source: Private[str | None]
    quote: Private[str | None]

    @classmethod
    def of(cls, r: Row, unit: str | None = None, territory: str | None = None) -> Site:
        return cls(id=ID(r["id"]), name=r.get("name") or r["id"], kind=r.get("kind") or "",
                   managed_by=r.get("managed_by"), unit_id=unit, territory_id=territory,
                   source=r.get("source"), quote=r.get("quote"))

    @strawberry.field(description="The unit it belongs to.")
    async def unit(self, info: Info) -> Unit | None:
        uid = self.unit_id
        if uid is None:
            row = await info.context.loaders.site.load(str(self.id))
            uid = row and row.get("unit")
        unit = await info.context.loaders.unit.load(uid) if uid else None
        return Unit.of(unit) if unit else None

    @strawberry.field(description="The commune it is in.")
    async def commune(self, info: Info) -> Territory | None:
        tid = self.territory_id
        if tid is None:
            row = await info.context.loaders.site.load(str(self.id))
            tid = row and row.get("territory")
        t = await info.context.loaders.territory.load(tid) if tid else None
        return Territory.of(t) if t else None

    @strawberry.field(description="The passage that establishes it.")
    def evidence(self) -> Evidence | None:
        return evidence(self.source, self.quote)


# ---------------------------------------------------------------------------- connections
@strawberry.type(description="Where a page of a connection stands (Relay cursor pagination).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the page's first item.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the page's last item: pass it as `after` for the next page.")


@strawberry.type(description="One item of a connection and its cursor.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="Opaque position of the item, for `after`.")


@strawberry.type(description="A page of items with cursors (Relay connection): pass `pageInfo.endCursor` as "
                              "`after` to get the next page.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, each with its cursor.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(description="How many items match in all pages.")


# ---------------------------------------------------------------------------- lookup
@strawberry.type(description="One ranked answer to « qui s'occupe de … ? ».")
class Answer:
    score: float = strawberry.field(description="Relevance (higher is better; comparable within one answer only).")
    unit: Unit = strawberry.field(description="The unit that handles the matter.")
    chain: list[Unit] = strawberry.field(description="Units above the answer, nearest first.")
    competence: Competence | None = strawberry.field(description="The reference competence matched, if any.")
    matched: str | None = strawberry.field(description="The text of the unit that matched the question best.")
    evidence: Evidence | None = strawberry.field(description="The passage that justifies the answer.")
    head: str | None = strawberry.field(description="Title of the post heading the unit.")
    partners: list[Partner] = strawberry.field(description="Partner bodies the unit works with.")

    @classmethod
    def of(cls, a: Row) -> Answer:
        org = a["unit"].get("organisation") or {}
        chain = [Unit.partial({**c, "organisation": org}) for c in a.get("chain") or []]
        ev = a.get("evidence")
        comp = a.get("competence")
        return cls(score=float(a["score"]), unit=Unit.partial(a["unit"]), chain=chain,
                   competence=Competence.partial(comp) if comp else None, matched=a.get("matched"),
                   evidence=evidence(ev.get("source"), ev.get("quote")) if ev else None, head=a.get("head"),
                   partners=[Partner.partial(p) for p in a.get("partners") or []])


@strawberry.type(description="The answer to « qui s'occupe de … ? » — the same as `qfq ask`.")
class WhoHandlesResult:
    question: str = strawberry.field(description="The question as asked.")
    organisation_id: Private[str | None]
    out_of_scope: bool = strawberry.field(description="True when the topic is another level of government's.")
    hint: str | None = strawberry.field(description="Where to turn instead, when out of scope.")
    confidence: str | None = strawberry.field(
        description='"high"; "low" when the evidence is weak (the answers are the best candidates); null when out of scope.')
    answers: list[Answer] = strawberry.field(description="Ranked answers, best first (empty when out of scope or when the competent body is not one we hold).")
    place: Place | None = strawberry.field(description="The place understood (commune or département), or null.")
    place_candidates: list[Place] = strawberry.field(
        description="Communes sharing the name given, when it is ambiguous (ask the person which).")
    competent: CompetentBody | None = strawberry.field(description="The body competent there for the topic.")
    message: str | None = strawberry.field(description="What to tell the person, in French, when the answer is "
                                                       "not (only) our units: who is competent and how to reach them.")
    place_rule: str | None = strawberry.field(description="When the first answer was chosen by place: the rule that "
                                                          "chose its territorial unit.")

    @strawberry.field(description="The organisation answered for (given, or found in the question).")
    def organisation(self, info: Info) -> Organisation | None:
        for o in info.context.services.organisations():
            if o["id"] == self.organisation_id:
                return Organisation.of(o)
        return None

    @classmethod
    def of(cls, res: Row) -> WhoHandlesResult:
        return cls(question=res["question"], organisation_id=res.get("organisation"),
                   out_of_scope=bool(res.get("out_of_scope")), hint=res.get("hint"),
                   confidence=res.get("confidence"),
                   answers=[Answer.of(a) for a in res.get("answers") or []], **routing_fields(res))


@strawberry.type(description="A search hit: any node whose name matches the text.")
class SearchHit:
    score: float = strawberry.field(description="Similarity of the name to the text (0–100).")
    kind: str = strawberry.field(description="Type of the node found (Unit, Organisation, Competence, Partner).")
    label: str = strawberry.field(description="The name that matched.")
    node: Node = strawberry.field(description="The node found.")

"""The lookup index's records: what the engine knows of units, competences and organisations.

Built by `lookup.index.build_index` from graph rows; read by every step of the pipeline. Places
(communes, organisation names, territories) have their own records in `lookup.place_index`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from lookup.place_index import PlaceIndex

T = TypeVar("T")


@dataclass(frozen=True)
class Mission:
    text: str
    source: str | None
    stems: frozenset[str]


@dataclass(frozen=True)
class Handle:
    """A unit HANDLES a competence (index into Index.competences), as a document says."""

    competence: int
    source: str | None
    quote: str | None


@dataclass(frozen=True)
class Partner:
    id: str
    name: str


@dataclass(frozen=True)
class Site:
    name: str
    territory: str | None
    source: str | None
    quote: str | None
    stems: frozenset[str]


@dataclass
class Unit:
    idx: int
    id: str
    org: str
    name: str
    kind: str
    source: str | None
    quote: str | None
    aliases: list[str]
    head: str | None
    parent: str | None
    section: str = ""  # the document's text about the unit (see loaders.sections)
    depth: int = 0
    ancestors: tuple[int, ...] = ()  # parent, grand-parent… up to the top
    missions: list[Mission] = field(default_factory=list)
    mission_stems: frozenset[str] = frozenset()  # every mission's stems together
    handles: list[Handle] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    cover: set[str] = field(default_factory=set)  # territory ids it operates in or has a site in
    stated: set[str] = field(default_factory=set)  # territory ids its document says it operates in
    name_stems: list[tuple[str, ...]] = field(default_factory=list)  # name and each alias


@dataclass
class Competence:
    idx: int
    code: str
    label: str
    acronyms: list[str]
    levels: frozenset[str]  # levels of government that hold it (département, commune, state…)
    hint: str | None  # whom to ask instead, when this organisation's level does not hold it
    level: str = "other"  # the level normally competent: commune, epci, departement, region, etat, other
    body: str | None = None  # who is competent, in words (the State body or organisme)
    link: str | None = None  # its official site
    exceptions: tuple[dict, ...] = ()  # places where another level is competent (first match wins)
    internal: bool = False  # every body's own function (recruitment, payroll…): the body named, or asked, is competent


@dataclass(frozen=True)
class Situation:
    """A life situation or a trade's jargon (data/situations.yaml) and the competences it concerns."""

    idx: int
    code: str
    label: str
    competences: tuple[int, ...]


@dataclass
class Organisation:
    id: str
    name: str
    kind: str
    territory: str
    units: list[int] = field(default_factory=list)  # consecutive: the index numbers units org by org


@dataclass(frozen=True)
class Posting:
    """One item (unit or competence index) holding a stem, with its BM25F weight there."""

    item: int
    weight: float


@dataclass(frozen=True)
class Phrase:
    """A multi-word keyword or label of a competence (or situation), as stems; `rank` is its place in
    the reference; `item` the competence's (or situation's) index."""

    rank: int
    stems: tuple[str, ...]
    item: int


@dataclass
class Index:
    version: str | None
    units: list[Unit]
    by_id: dict[str, int]
    orgs: dict[str, Organisation]
    competences: list[Competence]
    postings: dict[str, list[Posting]]  # stem → units, in unit order
    unit_idf: dict[str, float]
    comp_postings: dict[str, list[Posting]]  # stem → competences
    comp_idf: dict[str, float]
    comp_phrases: dict[str, list[Phrase]]  # first stem → phrases starting with it
    situations: list[Situation]
    sit_postings: dict[str, list[Posting]]  # stem → situations
    sit_idf: dict[str, float]
    sit_phrases: dict[str, list[Phrase]]  # first stem → multi-word words of situations
    handlers: dict[int, list[int]]  # competence → units handling it, in unit order (twice if handled twice)
    vocab: dict[str, str]  # every folded word the index knows → its stem, for typo matching
    places: PlaceIndex

    @property
    def size(self) -> int:
        return len(self.units)

    @cached_property
    def vocab_words(self) -> list[str]:
        return sorted(self.vocab)

    @cached_property
    def org_kinds(self) -> frozenset[str]:
        """Kinds of organisation present (département, EPCI…): which levels of government are covered."""
        return frozenset(o.kind for o in self.orgs.values())

    def handled_in(self, competence: int, org: str | None) -> bool:
        """Whether some unit (of `org`, if given) HANDLES the competence."""
        return bool(self.of_org(self.handlers.get(competence, []), org, lambda u: u))

    def of_org(self, items: list[T], org: str | None, unit: Callable[[T], int]) -> list[T]:
        """The part of a list sorted by unit that belongs to `org` (all of it when org is None): units
        are numbered organisation by organisation, so it is one slice, found by bisection."""
        if org is None:
            return items
        ids = self.orgs[org].units
        if not ids:
            return []
        return items[bisect_left(items, ids[0], key=unit) : bisect_right(items, ids[-1], key=unit)]

"""The data files' shape (pydantic): what a curator may write in data/, checked before any load.

Cross-file rules (parents exist, no cycles, known codes and communes, verbatim quotes) live in
loaders/validate.py; this module only knows the shape of one file.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

UNIT_KINDS = ("executive", "cabinet", "dgs", "pole", "direction", "mission", "service", "secteur",
              "support_function", "team", "body")
TERRITORY_KINDS = ("region", "departement", "commune", "canton", "epci", "secteur")
LEVELS = ("departement", "epci", "commune", "region", "etat", "other")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE = re.compile(r"^[a-z0-9_]+$")

UnitKind = Literal["executive", "cabinet", "dgs", "pole", "direction", "mission", "service", "secteur",
                   "support_function", "team", "body"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _text(v: str) -> str:
    if "\x00" in v:
        raise ValueError("caractère NUL interdit")
    return v


class SourceDoc(Strict):
    id: str
    file: str
    title: str


class Quoted(Strict):
    quote: str | None = None
    source: str | None = None


class MissionItem(Strict):
    text: str
    source: str | None = None


class CompetenceRef(Quoted):
    code: str


class PartnerRef(Quoted):
    id: str


class TerritoryRef(Quoted):
    commune: str | None = None
    code: str | None = None
    canton: str | None = None


class SiteItem(Quoted):
    id: str = Field(pattern=SLUG.pattern)
    name: str
    kind: str
    commune: str | None = None
    managed_by: str | None = None


class Partner(Strict):
    id: str = Field(pattern=SLUG.pattern)
    name: str
    aliases: list[str] = []
    kind: str | None = None
    description: str | None = None
    source: str | None = None
    quote: str | None = None


class Unit(Strict):
    id: str = Field(pattern=SLUG.pattern)
    name: str = Field(min_length=2, max_length=300)
    kind: UnitKind
    parent: str | None = None
    aliases: list[str] = []
    head: str | None = None
    source: str
    quote: str = Field(min_length=3)
    missions: list[str | MissionItem] = []
    competences: list[CompetenceRef] = []
    partners: list[PartnerRef] = []
    territories: list[TerritoryRef] = []
    sites: list[SiteItem] = []
    note: str | None = None

    @field_validator("name", "quote")
    @classmethod
    def _no_nul(cls, v: str) -> str:
        return _text(v)


class Organisation(Strict):
    id: str = Field(pattern=SLUG.pattern)
    name: str
    kind: Literal["departement", "epci", "commune", "region"]
    territory: str
    aliases: list[str] = []
    sources: list[SourceDoc] = Field(min_length=1)
    units: list[Unit] = Field(min_length=1)
    partners: list[Partner] = []


Level = Literal["departement", "epci", "commune", "region", "etat", "other"]


class Place(Strict):
    """Where an exception applies: any listed département, région, or commune whose EPCI is of a listed kind."""
    departements: list[str] = []
    regions: list[str] = []
    epci_kinds: list[Literal["CC", "CA", "CU", "ME"]] = []


class CompetenceException(Strict):
    """A known exception to a competence's level at some places (recentralised RSA, school transport inside
    an urban mobility authority's area…): who is competent there instead, and the law that says so."""
    where: Place
    level: Level
    competent_body: str | None = None
    link: str | None = None
    legal_basis: str
    note: str | None = None


class Competence(Strict):
    code: str = Field(pattern=CODE.pattern)
    label: str
    acronyms: list[str] = []
    keywords: list[str] = []
    phrases: list[str] = []
    legal_basis: str | None = None
    partners: list[str] = []
    level: Literal["departement", "epci", "commune", "region", "etat", "other"]
    also_levels: list[Literal["departement", "epci", "commune", "region", "etat", "other"]] = []
    internal: bool = False  # a function every body has for itself (recruitment, payroll…): the body named is competent
    competent_body: str | None = None
    hint: str | None = None
    link: str | None = None  # where to go for an État body or organisme (official site)
    exceptions: list[CompetenceException] = []  # first matching one wins


class CompetenceFile(Strict):
    competences: list[Competence] = Field(min_length=1)


class Situation(Strict):
    """A life situation (« moment de vie ») or a trade's jargon, in the words people use, linked to the
    competences that answer it (see data/situations.yaml)."""

    code: str = Field(pattern=SLUG.pattern)
    label: str
    audience: Literal["citizen", "agent"]
    words: list[str] = []
    phrases: list[str] = []
    competences: list[str] = Field(min_length=1)
    source: str
    basis: str | None = None


class SituationFile(Strict):
    situations: list[Situation] = Field(min_length=1)


class PartnerFile(Strict):
    partners: list[Partner] = Field(min_length=1)

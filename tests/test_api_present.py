"""The answer page's records (api/present.py) and their rendering, including the fields the national answer
contract adds (`place`, `place_candidates`, `competent` with its contact): rendered when present, and the
page says so when a contact is unknown. Built from answers shaped like /api/ask's, no graph needed."""

from __future__ import annotations

from typing import Any

from api.present import ALTERNATIVES, Contact, passage_id, present
from api.web import _env

ORGS = [{"id": "meuse", "name": "Département de la Meuse", "territory_id": "55"}]
TITLES = {"003": "Organisation générale des services"}


def answer(uid: str, name: str, matched: str | None = None, comp: tuple[str, str] | None = None) -> dict[str, Any]:
    return {"score": 1.0, "unit": {"id": uid, "name": name, "kind": "service",
                                   "organisation": {"id": "meuse", "name": "Département de la Meuse"}},
            "chain": [{"id": "meuse:dir", "name": "Direction X", "kind": "direction"},
                      {"id": "meuse:pole", "name": "Pôle Y", "kind": "pole"},
                      {"id": "meuse:dgs", "name": "DGS", "kind": "dgs"}],
            "competence": {"code": comp[0], "label": comp[1]} if comp else None, "matched": matched,
            "evidence": {"source": "003", "quote": "Le service   instruit les demandes."}, "head": None, "partners": []}


def render(view) -> str:
    return _env.get_template("_results.html").render(view=view, problem=None)


def test_best_first_alternatives_and_more() -> None:
    rsa = ("rsa", "Revenu de solidarité active")
    res = {"question": "rsa", "answers": [answer(f"meuse:s{i}", f"Service {i}", comp=rsa) for i in range(8)]}
    v = present(res, titles=TITLES, organisations=ORGS, links={"rsa": "https://www.service-public.fr/rsa"})
    assert v.best.unit_id == "meuse:s0" and len(v.alternatives) == ALTERNATIVES and len(v.more) == 8 - 1 - ALTERNATIVES
    assert v.best.why == "Il est chargé de : revenu de solidarité active."
    assert [c["name"] for c in v.best.chain] == ["Pôle Y", "Direction X"]  # the two nearest levels, top first
    assert v.best.source.href == "/source/003#" + passage_id("Le service instruit les demandes.")
    html = render(v)
    assert html.index("Service 0") < html.index("Service 1") < html.index("Voir plus")
    assert 'href="https://www.service-public.fr/rsa"' in html and "Faire la démarche en ligne" in html
    assert "Coordonnées non disponibles" in html and "Département de la Meuse" in html


def test_a_matched_mission_is_the_why() -> None:
    v = present({"question": "q", "answers": [answer("meuse:a", "A", matched="assurer l'accueil du public ;")]},
                titles=TITLES, organisations=ORGS, links={})
    assert v.best.why == "Une de ses missions : « assurer l'accueil du public »."


def test_place_and_the_competent_body_contact_on_the_answer() -> None:
    contact = {"address": "Place Pierre-François Gossin, 55000 Bar-le-Duc", "phone": "03 29 45 77 12",
               "email": None, "website": "www.meuse.fr", "hours": None}
    res = {"question": "rsa", "answers": [answer("meuse:a", "A")],
           "place": {"code": "55502", "name": "Stenay", "departement": "55"},
           "competent": {"name": "Département de la Meuse", "kind": "departement", "code": "55", "covered": True,
                         "contact": contact}}
    v = present(res, titles=TITLES, organisations=ORGS, links={})
    assert v.best.contact == Contact(address=contact["address"], phone="03 29 45 77 12", website="www.meuse.fr")
    html = render(v)
    assert "Réponse pour" in html and "Stenay" in html and "(55)" in html
    assert 'href="tel:0329457712"' in html and 'href="https://www.meuse.fr"' in html
    assert "Coordonnées non disponibles" not in html


def test_a_body_not_covered_is_shown_first_with_its_contact_or_says_it_has_none() -> None:
    res = {"question": "permis de construire", "answers": [], "out_of_scope": True,
           "hint": "Le permis de construire se demande à la mairie.",
           "competent": {"name": "Mairie de Stenay", "kind": "commune", "code": "55502", "covered": False,
                         "contact": {"address": "Place Poincaré, 55700 Stenay", "phone": "03 29 80 30 31",
                                     "email": "mairie@stenay.fr", "website": None, "hours": "lundi-vendredi 9h-12h"}}}
    html = render(present(res, titles=TITLES, organisations=ORGS, links={}))
    assert html.index("Mairie de Stenay") < html.index("Comment le joindre") < html.index("03 29 80 30 31")
    assert 'href="mailto:mairie@stenay.fr"' in html and "lundi-vendredi 9h-12h" in html
    res["competent"]["contact"] = None
    html = render(present(res, titles=TITLES, organisations=ORGS, links={}))
    assert "Coordonnées non disponibles pour Mairie de Stenay" in html


def test_communes_to_choose_from() -> None:
    res = {"question": "rsa", "answers": [], "place_candidates": [
        {"code": "55502", "name": "Stenay", "departement": "55"},
        {"code": "08433", "name": "Stonne", "departement": "08"}]}
    html = render(present(res, titles=TITLES, organisations=ORGS, links={}, commune="St"))
    assert "Plusieurs communes correspondent" in html and "Aucun service trouvé" not in html
    assert 'href="/?q=rsa&amp;commune=55502#resultats"' in html and "Stonne (08)" in html


def test_weak_matches_are_only_behind_voir_plus() -> None:
    scores = [28.0, 12.0, 5.4, 5.3, 13.0]
    res = {"question": "q", "answers": [{**answer(f"meuse:s{i}", f"S{i}"), "score": s} for i, s in enumerate(scores)]}
    v = present(res, titles=TITLES, organisations=ORGS, links={})
    assert v.best.unit_id == "meuse:s0"
    assert [a.unit_id for a in v.alternatives] == ["meuse:s1", "meuse:s4"]  # ≥ 40 % of the best score, in order
    assert [a.unit_id for a in v.more] == ["meuse:s2", "meuse:s3"]

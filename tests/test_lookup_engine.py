"""The lookup engine on the loaded seed graph: contract, places, scope, robustness."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lookup.evaluate import read_questions
from lookup.engine import MAX_QUESTION, Engine, QuestionTooLong, UnknownCommune, UnknownOrganisation
from lookup.place_index import commune_param
from lookup.places import place_factor
from lookup.question import fuzzy_terms, topic_terms
from lookup.text import same_name
from lookup.weights import PLACE_EXACT, PLACE_NEAR


@pytest.fixture(scope="module")
def engine(loaded_store) -> Engine:
    return Engine.from_store(loaded_store)


def _check_contract(res: dict) -> None:
    assert set(res) == {"question", "organisation", "out_of_scope", "hint", "confidence", "answers", "place",
                        "place_candidates", "competent", "message", "place_rule"}
    assert res["confidence"] == (None if res["out_of_scope"] else res["confidence"]) in {None, "high", "low"}
    assert isinstance(res["out_of_scope"], bool)
    assert res["place"] is None or set(res["place"]) == {"code", "name", "departement", "kind"}
    assert res["competent"] is None or set(res["competent"]) == {"name", "kind", "code", "covered", "contact"}
    assert res["hint"] is None or isinstance(res["hint"], str)
    for a in res["answers"]:
        assert set(a) >= {"score", "unit", "chain", "competence", "matched", "evidence", "head", "partners"}
        assert set(a) <= {"score", "unit", "chain", "competence", "matched", "evidence", "head", "partners", "place_rule"}
        assert isinstance(a["score"], float)
        assert set(a["unit"]) == {"id", "name", "kind", "organisation"}
        assert set(a["unit"]["organisation"]) == {"id", "name"}
        assert all(set(c) == {"id", "name", "kind"} for c in a["chain"])
        assert a["competence"] is None or set(a["competence"]) == {"code", "label"}
        assert isinstance(a["matched"], str)
        assert a["evidence"] is None or set(a["evidence"]) == {"source", "quote"}
        assert all(set(p) == {"id", "name"} for p in a["partners"])


def test_contract_and_chain(engine: Engine) -> None:
    res = engine.ask("qui s'occupe de l'allocation personnalisée d'autonomie ?", org="meuse")
    _check_contract(res)
    assert res["organisation"] == "meuse" and not res["out_of_scope"]
    top = res["answers"][0]
    assert top["unit"]["organisation"]["id"] == "meuse"
    assert top["chain"] and top["chain"][-1]["kind"] == "executive"  # up to the top
    assert top["evidence"]["quote"]


def test_commune_selects_organisation_and_unit(engine: Engine) -> None:
    res = engine.ask("assistante sociale à Stenay")
    assert res["organisation"] == "meuse"
    assert same_name(res["answers"][0]["unit"]["name"], "Service Social Territorial Stenay")
    by_code = engine.ask("assistante sociale", commune="55502")  # Stenay's INSEE code
    assert same_name(by_code["answers"][0]["unit"]["name"], "Service Social Territorial Stenay")


def test_named_organisation(engine: Engine) -> None:
    assert engine.ask("qui gère les collèges dans les Hauts-de-Seine ?")["organisation"] == "hauts-de-seine"
    assert engine.ask("à la CACEM, qui s'occupe de la communication ?")["organisation"] == "cacem"


def test_out_of_scope_with_hint(engine: Engine) -> None:
    res = engine.ask("où refaire ma carte d'identité ?", org="meuse")
    assert res["out_of_scope"] and res["hint"] and not res["answers"]
    res = engine.ask("qui ramasse les ordures ménagères ?", org="haute-loire")
    assert res["out_of_scope"]


def test_weak_evidence_is_out_of_scope(engine: Engine) -> None:
    res = engine.ask("bonjour", org="meuse")
    assert res["out_of_scope"] and res["answers"] == []


def test_more_specific_unit_first(engine: Engine) -> None:
    res = engine.ask("aide à la mobilité pour se rendre au travail", org="meuse", limit=10)
    names = [a["unit"]["name"] for a in res["answers"]]
    assert names.index("Mission mobilité") < names.index("Direction emploi, mobilité, habitat, logement")


def test_typo_tolerance(engine: Engine) -> None:
    res = engine.ask("archive departementale salle de lectur", org="meuse")
    top = res["answers"][0]
    assert any("archives" in n["name"].lower() for n in [top["unit"], *top["chain"]])


def test_input_errors(engine: Engine) -> None:
    with pytest.raises(QuestionTooLong) as exc:
        engine.ask("a" * (MAX_QUESTION + 1))
    assert isinstance(exc.value, ValueError) and "trop longue" in str(exc.value)
    with pytest.raises(UnknownOrganisation):
        engine.ask("routes", org="atlantide")
    with pytest.raises(UnknownCommune):
        engine.ask("routes", commune="Nulle-Part-sur-Rien")


def test_limit_is_respected(engine: Engine) -> None:
    assert len(engine.ask("routes départementales", org="meuse", limit=2)["answers"]) <= 2
    assert len(engine.ask("routes départementales", org="meuse", limit=10**9)["answers"]) <= 50


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=MAX_QUESTION))
def test_any_text_gives_a_valid_answer_quickly(engine: Engine, text: str) -> None:
    start = time.perf_counter()
    res = engine.ask(text)
    assert time.perf_counter() - start < 1.0
    _check_contract(res)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=MAX_QUESTION + 1, max_size=MAX_QUESTION + 200))
def test_too_long_text_is_refused_clearly(engine: Engine, text: str) -> None:
    with pytest.raises(QuestionTooLong):
        engine.ask(text)


def test_cli_ask_and_eval(loaded_store, tmp_path) -> None:
    import json
    import subprocess

    from tests.conftest import REPO, qfq_env

    qfq = str(REPO / ".venv" / "bin" / "qfq")
    r = subprocess.run([qfq, "ask", "assistante sociale à Stenay", "--json"], capture_output=True, text=True,
                       env=qfq_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["answers"][0]["unit"]["name"] == "Service Social Territorial Stenay"
    r = subprocess.run([qfq, "ask", "x" * 501], capture_output=True, text=True, env=qfq_env(), timeout=120)
    assert r.returncode == 2 and "trop longue" in r.stderr
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"id": "t1", "q": "paie des agents", "org": "meuse",
                             "expected": ["Secteur paie, budget et retraite", "Service carrière, paie et budget"], "also_ok": [], "style": "agent"}) + "\n")
    r = subprocess.run([qfq, "eval", str(f), "--json"], capture_output=True, text=True, env=qfq_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["metrics"]["overall"]["top1"] == 1.0


def test_index_rebuilt_when_data_version_changes(loaded_store) -> None:
    class Versioned:
        """The real store, with a data version the test controls."""

        version = "v1"

        def read(self, name: str, params: dict | None = None) -> list[dict]:
            if name == "meta":
                return [{"version": self.version, "loaded_at": ""}]
            return loaded_store.read(name, params)

    store = Versioned()
    engine = Engine(store=store, check_every=0)
    first = engine.index()
    assert engine.index() is first and first.version == "v1"
    store.version = "v2"
    assert engine.index() is not first and engine.index().version == "v2"


def test_a_commune_name_is_not_taken_for_a_typo(engine: Engine) -> None:
    """"Garches" is one letter from "marches" (public procurement): named as a place, it must not
    pull the procurement service into an answer about foster families."""
    idx = engine.index()
    assert ("garches",) in idx.places.commune_names
    assert fuzzy_terms(idx, "garches")  # as a stray word it would be corrected
    assert topic_terms(idx, ["garches"], drop=set(), exact={"garches"}) == {}
    res = engine.ask("recrutement d'assistants familiaux à Garches")
    assert res["answers"] and all("commande-publique" not in a["unit"]["id"] for a in res["answers"])


# ---- places
def test_place_factor_exact_near_and_whole_territory(engine: Engine) -> None:
    """A unit covering the commune named gets PLACE_EXACT, one covering its canton or EPCI PLACE_NEAR; one
    covering only its organisation's whole territory (the département) nothing."""
    places = engine.index().places
    stenay = commune_param(places, "Stenay")
    assert stenay == ["55502"]
    canton = sorted(t for t in places.communes["55502"].parents if not (t.isdigit() and len(t) <= 3))[0]
    assert place_factor(places, {"55502"}, "meuse", stenay) == 1 + PLACE_EXACT
    assert place_factor(places, {canton}, "meuse", stenay) == 1 + PLACE_NEAR
    assert place_factor(places, {places.org_territory["meuse"]}, "meuse", stenay) == 1.0
    assert place_factor(places, {"55502"}, "meuse", []) == 1.0


# ---- in-scope questions always get candidates; weak evidence says so
QUESTION_FILES = [Path("/work/shared/eval/questions_dev.jsonl"), Path(__file__).parent / "data" / "questions_extra.jsonl"]


@pytest.mark.parametrize("path", [p for p in QUESTION_FILES if p.is_file()], ids=lambda p: p.name)
def test_no_empty_answer_list_for_an_in_scope_question(engine: Engine, path: Path) -> None:
    for q in read_questions(path):
        res = engine.ask(q["q"], org=q.get("org"))
        if q["expected"]:
            assert not res["out_of_scope"] and res["answers"], q["id"]
            assert res["confidence"] in {"high", "low"}


def test_weak_evidence_of_this_level_gives_low_confidence_candidates(engine: Engine) -> None:
    """A question on travellers' sites at the agglomeration (its level's matter, but no unit says it handles it)."""
    question = "aire d'accueil des gens du voyage : qui s'en occupe à l'agglomération ?"
    res = engine.ask(question, org="cacem")
    assert not res["out_of_scope"] and res["confidence"] == "low" and res["answers"]
    res = engine.ask("qui ramasse les ordures ménagères ?", org="haute-loire")  # another level's matter
    assert res["out_of_scope"] and res["hint"] and res["confidence"] is None


def test_a_life_situation_reaches_the_units_of_its_competences(engine: Engine) -> None:
    res = engine.ask("on va me couper l'électricité, je n'arrive plus à payer", org="meuse")
    assert not res["out_of_scope"]
    assert {"fsl", "action_sociale", "logement"} & {a["competence"]["code"] for a in res["answers"] if a["competence"]}


def test_territorial_sectors_of_one_competence_are_answered_by_their_service_without_a_place(engine: Engine) -> None:
    """The PMI's three sectors handle the same competence; a stray word of one sector's text must not pick it
    when no place is given, and the place picks it when given."""
    question = "qui contrôle les micro-crèches ?"
    first = engine.ask(question, org="meuse")["answers"][0]["unit"]["name"]
    assert first == "Service départemental de promotion de la santé maternelle et infantile"
    first = engine.ask(question, org="meuse", commune="Verdun")["answers"][0]["unit"]["name"]
    assert first == "Secteur Nord (Verdun, Etain, Stenay)"


@pytest.mark.parametrize("question, first", [
    ("qui recrute les assistants familiaux ?", "Direction enfance famille"),
    ("contrat jeune majeur après l'ASE, qui le signe ?", "Service aide sociale à l’enfance spécialisée"),
    ("la mairie veut verser ses vieilles archives aux archives départementales",
     "Secteur collecte et traitement des archives publiques"),
    ("envoyer une candidature spontanée au Département", "Service emploi et compétences"),
    ("déclarer un sinistre au Département après un accident", "Secteur commande publique et appui juridique"),
    ("ma tante handicapée est maltraitée dans son foyer, qui alerter ?",
     "Mission transverse : Animation SPDA et Qualité du service rendu"),
    ("autorisation de créer un EHPAD", "Service Etablissements et services sociaux et médico sociaux"),
    ("un mail de phishing reçu sur ma messagerie professionnelle", "Sécurité informatique"),
])
def test_sibling_units_are_told_apart_by_the_part_of_a_competence_their_document_gives_them(
        engine: Engine, question: str, first: str) -> None:
    """Siblings handling one competence (ASE, archives, HR, legal, ESSMS, IT) are told apart by the
    sub-competence the document's sentence gives each of them (data/competences.yaml)."""
    assert engine.ask(question, org="meuse")["answers"][0]["unit"]["name"] == first

"""The lookup engine on the loaded seed graph: contract, places, scope, robustness."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lookup.candidates import ALPHA
from lookup.engine import (
    MAX_QUESTION, PLACE_EXACT, PLACE_NEAR, Engine, QuestionTooLong, UnknownCommune,
    UnknownOrganisation, _commune_param, _evidence, _place_boost, _specific_first,
)
from lookup.index import build_index, read_records
from lookup.text import same_name, stems


@pytest.fixture(scope="module")
def engine(loaded_store) -> Engine:
    return Engine.from_store(loaded_store)


def _check_contract(res: dict) -> None:
    assert set(res) == {"question", "organisation", "out_of_scope", "hint", "answers"}
    assert isinstance(res["out_of_scope"], bool)
    assert res["hint"] is None or isinstance(res["hint"], str)
    for a in res["answers"]:
        assert set(a) >= {"score", "unit", "chain", "competence", "matched", "evidence", "head", "partners"}
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
    assert ("garches",) in idx.commune_names
    assert engine._fuzzy_terms(idx, "garches")  # as a stray word it would be corrected
    assert engine._terms(idx, ["garches"], drop=set(), exact={"garches"}) == {}
    res = engine.ask("recrutement d'assistants familiaux à Garches")
    assert res["answers"] and all("commande-publique" not in a["unit"]["id"] for a in res["answers"])


# ---- the fast paths of the finer features give what a plain scan of every option or unit gives
SCAN_QUESTIONS = ["aide sociale à l'enfance placement familial", "routes départementales déneigement à Stenay",
                  "allocation personnalisée d'autonomie APA", "collèges restauration scolaire Verdun",
                  "ressources humaines paie", "archives", "service", "zzz"]


def _scan_evidence(idx, unit, ci, cscores, weighted):  # type: ignore[no-untyped-def]
    """Every option scored, the first best kept (the order: names, missions, sites, competence)."""
    def overlap(ss: frozenset[str]) -> float:
        return sum(v for t, v in weighted if t in ss)

    names = 1 + len(unit.aliases)
    options = [(3.0 * overlap(ss), name, unit.source, unit.quote) for name, ss in unit.labels[:names]]
    options += [(1.5 * overlap(m.stems), m.text, m.source, m.text) for m in unit.missions]
    options += [(1.5 * overlap(ss), sname, src or unit.source, quote or unit.quote)
                for (sname, ss), (_n, _t, src, quote) in zip(unit.labels[names:], unit.sites)]
    options += [(ALPHA * cscores.get(ci, 0.0), idx.competences[ci].label, src or unit.source, quote or unit.quote)
                for hci, src, quote in unit.handles if ci is not None and hci == ci]
    best = max(options, key=lambda o: o[0])
    return best[1], ({"source": best[2], "quote": best[3]} if best[3] else None)


@pytest.mark.parametrize("text", SCAN_QUESTIONS)
def test_evidence_looks_only_at_options_sharing_a_stem_yet_picks_the_same(engine: Engine, text: str) -> None:
    idx = engine.index()
    weighted = [(t, idx.unit_idf.get(t, 0.0)) for t in dict.fromkeys(stems(text))]
    cscores = {ci: 1.0 + ci % 3 for ci in range(len(idx.competences))}
    for unit in idx.units:
        for ci in {None, *(h[0] for h in unit.handles)}:
            assert _evidence(idx, unit, ci, cscores, weighted) == _scan_evidence(idx, unit, ci, cscores, weighted)


@pytest.mark.parametrize(("commune", "covered"), [("Stenay", True), ("Verdun", True), ("Commercy", True),
                                                  ("Le Puy-en-Velay", False), ("Fort-de-France", False)])
def test_place_boost_from_the_territories_lists_matches_a_scan_of_every_unit(loaded_store, commune: str,
                                                                             covered: bool) -> None:
    idx = build_index(read_records(loaded_store))  # a private copy: one unit is given a canton below
    place_ids = _commune_param(idx, commune)
    # a canton or EPCI around the commune (no seed unit covers one)
    canton = sorted(t for t in idx.communes[place_ids[0]].parents if not (t.isdigit() and len(t) <= 3))[0]
    near_unit = idx.units[idx.orgs["meuse"].span[0] + 3]
    near_unit.cover.add(canton)
    idx.covered_by.setdefault(canton, []).append(near_unit.idx)
    exact = set(place_ids)
    around = {t for c in place_ids for t in idx.communes[c].parents if not (t.isdigit() and len(t) <= 3)}
    scores = {u: 1.0 + u for u in range(idx.size)}
    expected = {}
    for u, s in scores.items():
        unit = idx.units[u]
        near = unit.cover & around
        boost = PLACE_EXACT if unit.cover & exact else (
            PLACE_NEAR if near and (len(near) > 1 or idx.orgs[unit.org].territory not in near) else 0.0)
        expected[u] = s * (1 + boost) if boost else s
    _place_boost(idx, scores, place_ids)
    assert scores == expected
    assert scores[near_unit.idx] == (1.0 + near_unit.idx) * (1 + PLACE_NEAR) or near_unit.cover & exact
    assert any(v != 1.0 + u and u != near_unit.idx for u, v in scores.items()) == covered


def test_specific_first_skips_units_with_no_descendant_listed_yet_orders_alike(engine: Engine) -> None:
    idx = engine.index()
    rnd = random.Random(5)
    for _ in range(300):
        org = rnd.choice(sorted(idx.orgs))
        pool = list(range(*idx.orgs[org].span))
        units = rnd.sample(pool, min(len(pool), rnd.randint(2, 20)))
        ranked = sorted(((u, rnd.choice([1.0, 2.0, 3.0, 3.05, 4.0])) for u in units), key=lambda kv: -kv[1])
        comp_of = {u: rnd.choice([0, 1]) for u in units}
        every = set(range(idx.size))  # no unit passed over: each one's descendants are looked for
        assert _specific_first(idx, ranked, comp_of) == _specific_first(idx, ranked, comp_of, above=every)

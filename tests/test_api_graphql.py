"""GraphQL schema against the real loaded graph (embedded FalkorDB), in process through Starlette."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from lookup.engine import Engine


class CountingStore:
    """The real store, counting the named queries it runs (to prove the DataLoaders batch)."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.reads: list[str] = []

    def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self.reads.append(name)
        return self._store.read(name, params)

    def pinned(self, key: str) -> CountingStore:
        """A request's view of one data version, counted in the same list."""
        view = CountingStore(self._store.pinned(key))
        view.reads = self.reads
        return view

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@pytest.fixture(scope="module")
def counting(loaded_store: Any) -> CountingStore:
    return CountingStore(loaded_store)


@pytest.fixture(scope="module")
def client(counting: CountingStore) -> Iterator[TestClient]:
    with TestClient(create_app(counting, cache=False)) as c:  # every query executes
        yield c


def gql(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    res = client.post("/graphql", json={"query": query, "variables": variables})
    assert res.status_code == 200, res.text
    return res.json()


def data(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = gql(client, query, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]


WHO = """query($q: String!, $org: String, $commune: String, $first: Int) {
  whoHandles(question: $q, organisation: $org, commune: $commune, first: $first) {
    question outOfScope hint confidence organisation { id }
    answers { score unit { id name kind organisation { id name } } chain { id name kind }
              competence { code label } matched evidence { source quote } head partners { id name } }
    place { code name departement kind } placeCandidates { code name departement kind } message placeRule
    competent { name kind code covered contact { address phone email website hours source vintage
                openingHours { fromDay toDay slots { opens closes } } } }
  }
}"""


def _kinds_as_stored(value: Any) -> Any:
    """GraphQL names a unit kind by its enum name (SERVICE); the engine by its stored value (service)."""
    if isinstance(value, list):
        return [_kinds_as_stored(v) for v in value]
    if isinstance(value, dict):
        return {k: (v.lower() if k == "kind" and isinstance(v, str) else _kinds_as_stored(v)) for k, v in value.items()}
    return value


def _as_contract(res: dict[str, Any]) -> dict[str, Any]:
    comp = res["competent"]
    if comp and comp["contact"]:
        c = comp["contact"]
        c["opening_hours"] = [{"from": h["fromDay"], "to": h["toDay"], "slots": h["slots"]} for h in c.pop("openingHours")]
    return {"question": res["question"], "organisation": res["organisation"] and res["organisation"]["id"],
            "out_of_scope": res["outOfScope"], "hint": res["hint"], "confidence": res["confidence"],
            "answers": _kinds_as_stored(res["answers"]), "place": res["place"],
            "place_candidates": res["placeCandidates"], "competent": comp, "message": res["message"],
            "place_rule": res["placeRule"]}


@pytest.mark.parametrize("question, org, commune", [
    ("qui s'occupe du RSA ?", "meuse", None),
    ("aide à domicile pour ma mère âgée", None, None),
    ("collège", "Hauts-de-Seine", None),
    ("déneigement des routes", None, "Bar-le-Duc"),
    ("permis de conduire", None, None),
])
def test_who_handles_is_the_engine_answer(client: TestClient, engine: Engine, question: str, org: str | None,
                                          commune: str | None) -> None:
    got = _as_contract(data(client, WHO, {"q": question, "org": org, "commune": commune, "first": 3})["whoHandles"])
    org_id = {"Hauts-de-Seine": "hauts-de-seine"}.get(org or "", org)
    want = engine.ask(question, org=org_id, commune=commune, limit=3)
    for a in want["answers"]:
        a.pop("place_rule", None)  # the result's placeRule says it once
    assert got == want


def test_who_handles_answers_reach_into_the_graph(client: TestClient) -> None:
    d = data(client, """{ whoHandles(question: "qui s'occupe du RSA ?", organisation: "55") {
        answers { unit { id missions { text } parent { id } } competence { level }
                  evidence { document { title } } } } }""")
    top = d["whoHandles"]["answers"][0]
    assert top["unit"]["id"] == "meuse:service-accompagnement-rsa"
    assert top["unit"]["missions"] and top["unit"]["parent"]["id"]
    assert top["competence"]["level"] == "DEPARTEMENT"
    assert top["evidence"]["document"]["title"]


@pytest.mark.parametrize("name", ["meuse", "Meuse", "55", "Département de la Meuse", "  MEUSE ", "CD55"])
def test_organisation_names_are_forgiving(client: TestClient, name: str) -> None:
    d = data(client, "query($o: String!) { organisation(id: $o) { id name territory { code } } }", {"o": name})
    assert d["organisation"]["id"] == "meuse"
    assert d["organisation"]["territory"]["code"] == "55"


def test_organisations_list(client: TestClient) -> None:
    ids = [o["id"] for o in data(client, "{ organisations { id name kind } }")["organisations"]]
    assert {"meuse", "haute-loire", "hauts-de-seine", "cacem"} <= set(ids)


def test_unit_fields(client: TestClient) -> None:
    d = data(client, """{ unit(id: "meuse:service-acces-aux-droits") {
        id name kind organisation { id } parent { id } children { id } ancestors { id kind }
        headRole { title } missions { position text } competences { code } partners { id }
        territories { code } sites { name } evidence { source quote } } }""")["unit"]
    assert d["organisation"]["id"] == "meuse"
    assert d["ancestors"][0]["id"] == d["parent"]["id"]
    assert d["ancestors"][-1]["kind"] == "EXECUTIVE"  # up to the top
    assert [m["position"] for m in d["missions"]] == sorted(m["position"] for m in d["missions"])
    assert d["evidence"]["quote"] and d["headRole"]["title"]


def test_path_between_two_units(client: TestClient) -> None:
    path = data(client, """{ unit(id: "meuse:service-accompagnement-rsa") {
        pathTo(id: "meuse:cabinet") { id } } }""")["unit"]["pathTo"]
    ids = [u["id"] for u in path]
    assert ids[0] == "meuse:service-accompagnement-rsa" and ids[-1] == "meuse:cabinet"
    assert "meuse:president" in ids  # the nearest common superior


def test_path_across_organisations_is_an_error(client: TestClient) -> None:
    body = gql(client, '{ unit(id: "meuse:cabinet") { pathTo(id: "cacem:service-communication") { id } } }')
    assert body["data"]["unit"]["pathTo"] is None
    assert "même organisation" in body["errors"][0]["message"]


def test_org_chart_nests_units(client: TestClient) -> None:
    chart = data(client, """{ organisation(id: "meuse") { orgChart(depth: 3) {
        depth unit { id } children { depth unit { id } children { depth unit { id } children { depth } } } } } }"""
                 )["organisation"]["orgChart"]
    assert [n["unit"]["id"] for n in chart] == ["meuse:president"]
    level2 = chart[0]["children"]
    assert {n["unit"]["id"] for n in level2} >= {"meuse:cabinet", "meuse:dgs"}
    assert all(n["depth"] == 2 for n in level2)
    assert all(not n3["children"] for n2 in level2 for n3 in n2["children"])  # cut at depth 3


def _chart_query(depth: int) -> str:
    fields = "unit { id name missions { text } competences { code label } }"
    inner = fields
    for _ in range(depth - 1):
        inner = f"{fields} children {{ {inner} }}"
    return f'{{ organisation(id: "meuse") {{ orgChart(depth: {depth}) {{ {inner} }} }} }}'


def _count_units(nodes: list[dict[str, Any]]) -> int:
    return sum(1 + _count_units(n.get("children") or []) for n in nodes)


def test_org_chart_queries_do_not_grow_with_depth(client: TestClient, counting: CountingStore) -> None:
    counts, sizes = {}, {}
    for depth in (2, 5):
        counting.reads.clear()
        chart = data(client, _chart_query(depth))["organisation"]["orgChart"]
        counts[depth], sizes[depth] = len(counting.reads), _count_units(chart)
    assert sizes[5] > 3 * sizes[2] and sizes[5] > 50
    assert counts[2] == counts[5], counting.reads
    assert counts[5] <= 4  # org units + missions + competences (+ nothing per unit)


def test_units_connection_filters(client: TestClient) -> None:
    d = data(client, """{ units(organisation: "Meuse", kind: DIRECTION, nameContains: "emploi", first: 5) {
        totalCount edges { node { id kind organisation { id } } } } }""")["units"]
    assert d["totalCount"] >= 1
    assert all(e["node"]["kind"] == "DIRECTION" and e["node"]["organisation"]["id"] == "meuse" for e in d["edges"])


def test_units_name_filter_ignores_accents_and_case(client: TestClient) -> None:
    a = data(client, '{ units(nameContains: "PÔLE", first: 100) { totalCount } }')["units"]["totalCount"]
    b = data(client, '{ units(nameContains: "pole", first: 100) { totalCount } }')["units"]["totalCount"]
    assert a == b > 0


def test_competence_handled_by_across_organisations(client: TestClient) -> None:
    d = data(client, """{ competence(code: "rsa") { label partners { id }
        all: handledBy { organisation { id } } meuse: handledBy(organisation: "Meuse") { organisation { id } } } }""")
    orgs = {u["organisation"]["id"] for u in d["competence"]["all"]}
    assert len(orgs) >= 2
    assert {u["organisation"]["id"] for u in d["competence"]["meuse"]} == {"meuse"}


def test_competences_partners_and_partner(client: TestClient) -> None:
    d = data(client, "{ competences { code } partners { id } partner(id: \"caf\") { name competences { code } } }")
    assert len(d["competences"]) > 50 and len(d["partners"]) > 10
    assert d["partner"]["name"] and d["partner"]["competences"]


def test_territory_and_communes(client: TestClient) -> None:
    d = data(client, """{ territory(code: "55") { name kind partOf { kind } }
        communes(organisation: "cacem", first: 10) { totalCount edges { node { code name kind } } } }""")
    assert d["territory"]["kind"] == "DEPARTEMENT" and d["territory"]["partOf"][0]["kind"] == "REGION"
    assert d["communes"]["totalCount"] == len(d["communes"]["edges"]) >= 1
    assert all(e["node"]["kind"] == "COMMUNE" for e in d["communes"]["edges"])


def test_node_resolves_every_kind(client: TestClient) -> None:
    d = data(client, """{
      o: node(id: "meuse") { __typename id } u: node(id: "meuse:cabinet") { __typename id }
      c: node(id: "rsa") { __typename } t: node(id: "55") { __typename } p: node(id: "caf") { __typename }
      r: node(id: "meuse:cabinet#head") { __typename ... on Role { title unit { id } } }
      m: node(id: "meuse:cabinet#m1") { __typename ... on Mission { unit { id } } }
      s: node(id: "003") { __typename } }""")
    assert [d[k]["__typename"] for k in "ouctprms"] == [
        "Organisation", "Unit", "Competence", "Territory", "Partner", "Role", "Mission", "Source"]
    assert d["r"]["unit"]["id"] == d["m"]["unit"]["id"] == "meuse:cabinet"


def test_search_finds_units_and_competences(client: TestClient) -> None:
    hits = data(client, '{ search(text: "RSA", first: 5) { score kind label node { id } } }')["search"]
    assert hits[0]["node"]["id"] == "rsa"
    hits = data(client, '{ search(text: "service accompagnement rsa") { kind node { id } } }')["search"]
    assert "meuse:service-accompagnement-rsa" in [h["node"]["id"] for h in hits]


@pytest.mark.parametrize("query, field, words", [
    ('{ unit(id: "meuse:nope") { id } }', "unit", "Unité inconnue"),
    ('{ competence(code: "nope") { code } }', "competence", "Compétence inconnue"),
    ('{ partner(id: "nope") { id } }', "partner", "Partenaire inconnu"),
    ('{ territory(code: "00000") { id } }', "territory", "Territoire inconnu"),
    ('{ organisation(id: "Paris") { id } }', "organisation", "Organisation inconnue"),
    ('{ node(id: "nope") { id } }', "node", "Aucun objet"),
])
def test_unknown_ids_give_null_and_an_error(client: TestClient, query: str, field: str, words: str) -> None:
    body = gql(client, query)
    assert body["data"] == {field: None}
    assert words in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "Traceback" not in str(body)


def test_who_handles_bad_input_is_a_clear_error(client: TestClient) -> None:
    body = gql(client, WHO, {"q": "RSA", "org": "Atlantide"})
    assert body["data"] is None and "Organisation inconnue" in body["errors"][0]["message"]
    body = gql(client, WHO, {"q": "RSA", "commune": "Zzyzx-sur-Mer"})
    assert "Commune inconnue" in body["errors"][0]["message"]
    body = gql(client, WHO, {"q": "   "})
    assert "vide" in body["errors"][0]["message"]


def test_response_cache_serves_repeats_without_store_queries(loaded_store: Any) -> None:
    store = CountingStore(loaded_store)
    query = '{ unit(id: "meuse:cabinet") { name missions { text } } }'
    with TestClient(create_app(store)) as c:
        first = c.post("/graphql", json={"query": query})
        store.reads.clear()
        again = c.post("/graphql", json={"query": query})
        assert again.content == first.content and not store.reads
        c.post("/graphql", json={"query": query.replace("cabinet", "dgs")})
        assert store.reads  # another document executes
        store.reads.clear()
        miss = c.post("/graphql", json={"query": '{ unit(id: "meuse:nope") { name } }'})
        c.post("/graphql", json={"query": '{ unit(id: "meuse:nope") { name } }'})
        assert miss.json()["errors"] and len(store.reads) == 2  # answers with errors are not kept


def test_lone_surrogate_is_bad_input_not_an_internal_error(client: TestClient) -> None:
    """A JSON "\\ud800" escape decodes to text that is not UTF-8: refused at the store boundary."""
    raw = '{"query": "query($id: ID!) { unit(id: $id) { id } }", "variables": {"id": "a\\ud800b"}}'
    res = client.post("/graphql", content=raw, headers={"content-type": "application/json"})
    body = res.json()
    assert body["data"] == {"unit": None}
    assert body["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    assert "demi-paire" in body["errors"][0]["message"]
    assert data(client, '{ unit(id: "meuse:cabinet") { id } }')["unit"]["id"] == "meuse:cabinet"


def test_an_empty_question_is_bad_input(client: TestClient) -> None:
    from lookup.engine import EMPTY_QUESTION

    body = gql(client, 'query { whoHandles(question: "   ") { outOfScope } }')
    assert body["errors"][0]["message"] == EMPTY_QUESTION
    assert body["errors"][0]["extensions"]["code"] == "BAD_INPUT"


def test_every_type_field_and_argument_is_described(client: TestClient) -> None:
    """Self-documenting schema: introspection finds a description on every type, field, argument and enum value."""
    from graphql import get_introspection_query

    schema = data(client, get_introspection_query(descriptions=True))["__schema"]
    builtin = {"String", "Int", "Float", "Boolean", "ID"}
    missing, seen = [], 0
    for t in schema["types"]:
        if t["name"].startswith("__") or t["name"] in builtin:
            continue
        seen += 1
        if not (t.get("description") or "").strip():
            missing.append(t["name"])
        for f in (t.get("fields") or []) + (t.get("inputFields") or []):
            seen += 1
            if not (f.get("description") or "").strip():
                missing.append(f"{t['name']}.{f['name']}")
            for a in f.get("args") or []:
                seen += 1
                if not (a.get("description") or "").strip():
                    missing.append(f"{t['name']}.{f['name']}({a['name']})")
        for e in t.get("enumValues") or []:
            seen += 1
            if not (e.get("description") or "").strip():
                missing.append(f"{t['name']}.{e['name']}")
    assert seen > 150 and not missing, missing


@pytest.mark.parametrize("query", [
    '{ units(kind: "nope") { totalCount } }',
    "{ units(kind: NOPE) { totalCount } }",
    '{ organisation(id: "meuse") { units(kind: "service") { id } } }',
])
def test_a_wrong_enum_value_is_a_validation_error(client: TestClient, query: str) -> None:
    r = client.post("/graphql", json={"query": query}, headers={"Accept": "application/graphql-response+json"})
    assert r.status_code == 400, r.text  # a request error: nothing executed
    body = r.json()
    assert "data" not in body and body["errors"][0]["message"]


def test_enums_list_the_kinds_and_levels(client: TestClient) -> None:
    d = data(client, """{ u: __type(name: "UnitKind") { enumValues { name } }
        c: __type(name: "CompetenceLevel") { enumValues { name } }
        t: __type(name: "TerritoryKind") { enumValues { name } }
        units(kind: SERVICE, first: 3) { edges { node { kind } } } }""")
    assert {"SERVICE", "DIRECTION", "POLE"} <= {v["name"] for v in d["u"]["enumValues"]}
    assert {"COMMUNE", "EPCI", "DEPARTEMENT", "REGION", "ETAT"} <= {v["name"] for v in d["c"]["enumValues"]}
    assert {"COMMUNE", "EPCI", "DEPARTEMENT", "REGION", "CANTON"} <= {v["name"] for v in d["t"]["enumValues"]}
    assert [e["node"]["kind"] for e in d["units"]["edges"]] == ["SERVICE"] * 3


def test_who_handles_carries_place_and_competent_body_when_the_answer_has_them(client: TestClient) -> None:
    from api.gql_types import WhoHandlesResult

    d = data(client, """{ whoHandles(question: "RSA", commune: "Stenay") {
        place { code name departement } placeCandidates { code } competent { name covered contact { phone } } } }""")
    assert set(d["whoHandles"]) == {"place", "placeCandidates", "competent"}  # null or empty until the answer says
    res = WhoHandlesResult.of({"question": "q", "answers": [], "place": {"code": "55502", "name": "Stenay",
                                                                     "departement": "55"},
                               "place_candidates": [{"code": "55502", "name": "Stenay"}, {"name": "sans code"}],
                               "competent": {"name": "Mairie de Stenay", "kind": "commune", "code": "55502",
                                             "covered": False, "contact": {"phone": "03 29 80 30 31"}}})
    assert res.place.name == "Stenay" and [p.code for p in res.place_candidates] == ["55502"]
    assert res.competent.name == "Mairie de Stenay" and not res.competent.covered
    assert res.competent.contact.phone == "03 29 80 30 31" and res.competent.contact.email is None

"""Loading data/: the document's headline, parents, all-or-nothing on bad data and on SIGKILL."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time

import pytest

from graph.fingerprint import fingerprint
from loaders.dataset import read_dataset
from loaders.files import DataError
from loaders.load import load_dataset
from tests.conftest import DATA, REPO, qfq_env

QFQ = [sys.executable, "-m", "qfq"]


def kinds(store, org: str) -> dict[str, int]:
    return {r["kind"]: r["count"] for r in store.read("stats_unit_kinds") if r["organisation"] == org}


def test_meuse_headline_counts(loaded_store):
    k = kinds(loaded_store, "meuse")
    assert (k.get("dgs"), k.get("pole"), k.get("direction"), k.get("service")) == (1, 3, 13, 51)
    missions_at_top = [r for r in loaded_store.run_text(
        "MATCH (m:Unit {kind: 'mission'})-[:REPORTS_TO]->(p:Unit) WHERE m.org = 'meuse' "
        "AND p.kind IN ['dgs', 'pole'] RETURN m.id AS id")]
    assert len(missions_at_top) == 2


@pytest.mark.parametrize("unit, chain", [
    ("meuse:service-acces-aux-droits", ["Direction autonomie", "Pôle Vie familiale et sociale",
                                        "Direction générale des services"]),
    ("meuse:secteur-crip", ["Service évaluations spécifiques en protection de l’enfance"]),
    ("meuse:service-ada-stenay", ["Direction routes et aménagement"]),
])
def test_parents_as_the_document_states(loaded_store, unit, chain):
    got = [r["name"] for r in loaded_store.read("unit_chain", {"id": unit})]
    assert got[: len(chain)] == chain


def test_every_unit_has_its_parent_and_provenance(loaded_store, dataset):
    for org in dataset.organisations:
        for u in org.units:
            rows = loaded_store.run_text(
                "MATCH (u:Unit {id: $id})-[e:REPORTS_TO]->(p) RETURN p.id AS parent, e.quote AS quote",
                {"id": f"{org.id}:{u.id}"})
            assert len(rows) == 1, u.id
            assert rows[0]["parent"] == (f"{org.id}:{u.parent}" if u.parent else org.id)
            assert rows[0]["quote"]


@pytest.mark.slow  # reloads the whole data set into the session's graph
def test_loading_twice_gives_the_same_graph(loaded_store, dataset):
    before = fingerprint(loaded_store)
    load_dataset(loaded_store, dataset)
    assert fingerprint(loaded_store) == before


BAD_EDITS = {
    "unknown parent": ("parent: direction-autonomie", "parent: direction-inexistante", "direction-inexistante"),
    "unknown competence": ("code: apa", "code: apa_inconnue", "apa_inconnue"),
    "yaml syntax": ("kind: direction\n", "kind: [direction\n", "YAML invalide"),
    "cycle": ("id: pole-vfs\n    name: Pôle Vie familiale et sociale\n    kind: pole\n    parent: dgs",
              "id: pole-vfs\n    name: Pôle Vie familiale et sociale\n    kind: pole\n    parent: direction-autonomie",
              "cycle"),
}


@pytest.mark.slow  # runs `qfq load` subprocesses
@pytest.mark.parametrize("case", sorted(BAD_EDITS))
def test_bad_data_file_is_refused_and_changes_nothing(loaded_store, tmp_path, case):
    old, new, expected = BAD_EDITS[case]
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    meuse = data / "organisations" / "meuse.yaml"
    text = meuse.read_text(encoding="utf-8")
    assert old in text
    meuse.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = fingerprint(loaded_store)
    res = subprocess.run([*QFQ, "load", "--data", str(data)], cwd=REPO, env=qfq_env(),
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert expected in res.stderr and "meuse.yaml" in res.stderr
    assert "Traceback" not in res.stderr
    assert fingerprint(loaded_store) == before


def test_error_messages_name_file_path_and_fix(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    meuse = data / "organisations" / "meuse.yaml"
    meuse.write_text(meuse.read_text(encoding="utf-8").replace("parent: direction-autonomie",
                                                               "parent: direction-inconnue", 1), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_dataset(data)
    msg = exc.value.problems[0]
    assert msg.startswith("data/organisations/meuse.yaml (ligne ") and " › units[" in msg
    assert ".parent" in msg and "Corrigez" in msg


def test_a_situation_naming_an_unknown_competence_is_refused(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "situations.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("competences: [routes]", "competences: [routes, routez]", 1),
                    encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_dataset(data)
    msg = exc.value.problems[0]
    assert msg.startswith("data/situations.yaml › situations[") and "compétence 'routez' inconnue" in msg
    assert "data/competences.yaml" in msg


def test_situations_reach_the_graph_and_their_competences(loaded_store, dataset):
    rows = loaded_store.read("lookup_situations")
    assert {r["code"] for r in rows} == {s.code for s in dataset.situations.situations}
    route = next(r for r in rows if r["code"] == "route")
    assert route["competences"] == ["routes"] and "déneigement" in route["words"]


def test_a_unit_section_is_the_document_text_about_it(loaded_store):
    units = {r["id"]: r for r in loaded_store.read("lookup_units")}
    section = units["meuse:service-archives-departementales"]["section"]
    assert "patrimoine archivistique" in section  # a sentence of its section that is no mission bullet


SLOW_LOAD = f"""
import time
from pathlib import Path
from graph import open_store
from loaders.dataset import read_dataset
from loaders.load import load_dataset
ds = read_dataset(Path({str(DATA)!r}))
store = open_store()
print("start", flush=True)
def slowly(step, n):
    print("batch", flush=True)
    time.sleep(0.3)
load_dataset(store, ds, progress=slowly, batch=200)
"""


def uncommitted_loads(store) -> list[str]:
    """What a load killed now would leave behind: FalkorDB's staged graph keys, Neo4j's open write
    transactions (other than the one asking)."""
    if store.backend == "neo4j":
        rows = store.run_text("SHOW TRANSACTIONS YIELD transactionId, currentQuery, status "
                              "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN transactionId AS id")
        return [r["id"] for r in rows]
    active = store.active_graph()
    return [k for k in map(str, store._conn.scan_iter(match="qfq@*")) if k != active]


@pytest.mark.slow  # kills a loading subprocess
def test_sigkill_halfway_through_a_load_keeps_the_previous_graph(loaded_store):
    before = fingerprint(loaded_store)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_LOAD], cwd=REPO, env=qfq_env(), stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "start"
    for _ in range(4):  # several batches written into the staged graph (FalkorDB) or the open transaction (Neo4j)
        assert proc.stdout.readline().strip() == "batch"
    assert uncommitted_loads(loaded_store), "the load should be writing a staged graph or an open transaction"
    assert fingerprint(loaded_store) == before  # readers meanwhile see the previous graph
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert fingerprint(loaded_store) == before
    deadline = time.monotonic() + 30
    while loaded_store.backend == "neo4j" and uncommitted_loads(loaded_store) and time.monotonic() < deadline:
        time.sleep(0.2)  # Neo4j rolls back the transaction of a closed connection
    assert fingerprint(loaded_store) == before
    load_dataset(loaded_store, read_dataset(DATA))  # the next load cleans the leftover
    assert fingerprint(loaded_store) == before
    assert not uncommitted_loads(loaded_store)
    if loaded_store.backend != "neo4j":
        assert list(loaded_store._conn.scan_iter(match="qfq@*")) == [loaded_store.active_graph()]


def test_territory_files_are_cross_checked(tmp_path):
    """A commune pointing to a collectivité no file defines is refused, with the file, the row and the fix."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    communes = data / "territories" / "communes.csv"
    text = communes.read_text(encoding="utf-8")
    assert ",55D," in text
    communes.write_text(text.replace(",55D,", ",99Z,", 1), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_dataset(data)
    msg = exc.value.problems[0]
    assert msg.startswith("data/territories/communes.csv (code=55") and "'99Z'" in msg and "tools/territories.py" in msg


def test_mairie_hours_in_french():
    from loaders.mairies import french_hours

    raw = '[["lundi","lundi",[["13:30","17:00"]]],["mardi","vendredi",[["08:45","12:00"],["14:00","17:30"]]]]'
    assert french_hours(raw) == "lundi 13 h 30 – 17 h ; du mardi au vendredi 8 h 45 – 12 h et 14 h – 17 h 30"
    assert french_hours("") == "" and french_hours("not json") == ""

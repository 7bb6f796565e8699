"""The extractor on the Meuse document, measured against the curated file (no database needed)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from loaders.extract_compare import compare
from loaders.extractor import extract, sentence_case, to_yaml
from schema.model import Organisation
from tests.conftest import DATA, REPO

DOC = DATA / "sources" / "003_bb00393c9d4e5632.txt"


def draft() -> dict:
    units = extract(DOC.read_text(encoding="utf-8"))
    return yaml.safe_load(to_yaml(units, "meuse", "Département de la Meuse", DOC.name))


def test_draft_is_a_valid_data_file():
    Organisation.model_validate(draft())


def test_recall_and_parent_precision_against_the_curated_file():
    c = compare(draft(), yaml.safe_load((DATA / "organisations" / "meuse.yaml").read_text(encoding="utf-8")))
    assert c.unit_recall >= 0.90, c.missing
    assert c.parent_precision >= 0.90, c.wrong_parents


def test_known_units_and_parents():
    d = draft()
    by_name = {u["name"].lower(): u for u in d["units"]}
    ids = {u["id"]: u for u in d["units"]}
    crip = next(u for n, u in by_name.items() if n.startswith("secteur crip"))
    assert "protection de l" in ids[crip["parent"]]["name"].lower()
    stenay = by_name["service ada stenay"]
    assert ids[stenay["parent"]]["name"].lower().startswith("direction routes")


def test_sentence_case_keeps_acronyms():
    assert sentence_case("SERVICE ACCOMPAGNEMENT RSA") == "Service accompagnement RSA"
    assert sentence_case("SERVICE CARRIÈRE, PAIE & BUDGET") == "Service carrière, paie et budget"


@pytest.mark.slow  # runs `qfq` subprocesses
def test_cli_compare_and_errors(tmp_path):
    res = subprocess.run([sys.executable, "-m", "qfq", "extract", str(DOC), "--org", "meuse", "--compare",
                          str(DATA / "organisations" / "meuse.yaml")], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0 and "rappel" in res.stdout
    missing = subprocess.run([sys.executable, "-m", "qfq", "extract", str(tmp_path / "absent.txt"), "--org", "x"],
                             cwd=REPO, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "introuvable" in missing.stderr and "Traceback" not in missing.stderr
    empty = tmp_path / "vide.txt"
    empty.write_text("rien ici\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "qfq", "extract", str(empty), "--org", "x"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and "aucune unité" in res.stderr

"""Hostile data files: each is refused fast, in bounded memory, with one line naming its true file and
line — never a RecursionError, an expanded anchor bomb or a 50 MB parse."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from loaders.dataset import read_dataset
from loaders.files import MAX_DEPTH, MAX_YAML_BYTES, DataError, read_yaml
from tests.conftest import DATA, REPO


@pytest.fixture
def data(tmp_path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    return root


def refused(root: Path, hostile: Path | None = None) -> str:
    """The dataset's problems. The whole check stays well within seconds on a busy machine; the hostile
    file alone is refused in under a second and 20 MB of allocations (the bomb once took 14 s, 807 MB)."""
    start = time.perf_counter()
    with pytest.raises(DataError) as caught:
        read_dataset(root)
    elapsed = time.perf_counter() - start
    assert elapsed < 10, f"refused in {elapsed:.2f} s"
    text = str(caught.value)
    assert "Traceback" not in text and len(text) < 2000
    if hostile is not None:
        tracemalloc.start()
        start = time.perf_counter()
        try:
            with pytest.raises(DataError):
                read_yaml(hostile, root)
        finally:
            elapsed = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
        assert elapsed < 1.0 and peak < 20, f"hostile file refused in {elapsed:.2f} s, {peak:.1f} MB allocated"
    return text


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", errors="surrogatepass")


def test_nesting_5000_levels_is_refused_with_file_and_line(data):
    edit(data / "partners.yaml", lambda t: t + "deep:\n  " + "- " * 5000 + "x\n")
    msg = refused(data, data / "partners.yaml")
    assert "data/partners.yaml ligne" in msg and f"plus de {MAX_DEPTH} niveaux" in msg, msg


def test_flow_nesting_5000_levels_is_refused(data):
    edit(data / "organisations" / "cacem.yaml", lambda t: t + "deep: " + "[" * 5000 + "]" * 5000 + "\n")
    msg = refused(data, data / "organisations" / "cacem.yaml")
    assert "data/organisations/cacem.yaml ligne" in msg and "imbrication trop profonde" in msg, msg


def test_anchor_bomb_is_refused_before_any_expansion(data):
    levels = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]  # 10⁹ items expanded
    edit(data / "partners.yaml", lambda t: t.replace("partners:\n", "bomb: [" + ", ".join(levels) + "]\npartners:\n", 1))
    msg = refused(data, data / "partners.yaml")
    assert "data/partners.yaml ligne " in msg and "alias YAML *a0 refusé" in msg, msg


@pytest.mark.parametrize("escape, shown", [("\\0", "NUL (U+0000)"), ("\\x01", "U+0001"), ("\\x9b", "U+009B")])
def test_control_character_escaped_in_a_string_names_file_and_line(data, escape, shown):
    edit(data / "organisations" / "cacem.yaml", lambda t: t.replace("name: Conseil de développement",
                                                                    f'name: "Conseil{escape}de développement"', 1))
    msg = refused(data, data / "organisations" / "cacem.yaml")
    assert "data/organisations/cacem.yaml ligne 12" in msg and shown in msg, msg


def test_raw_nul_names_file_line_and_column(data):
    edit(data / "competences.yaml", lambda t: t.replace("\n", "\nx: a\x00b\n", 1))
    msg = refused(data, data / "competences.yaml")
    assert "data/competences.yaml ligne 2, colonne 5" in msg and "NUL" in msg, msg


def test_lone_surrogate_escape_names_file_and_line(data):
    edit(data / "organisations" / "cacem.yaml", lambda t: t.replace("name: Conseil de développement",
                                                                    'name: "Conseil \\ud800"', 1))
    msg = refused(data)
    assert "data/organisations/cacem.yaml ligne 12" in msg and "caractère interdit" in msg, msg


def test_a_50_mb_file_is_refused_by_its_size_before_reading(data):
    with open(data / "organisations" / "meuse.yaml", "a", encoding="utf-8") as fh:
        line = "# " + "x" * 97 + "\n"
        fh.write(line * (50 * 1024 * 1024 // len(line)))
    msg = refused(data, data / "organisations" / "meuse.yaml")
    assert "data/organisations/meuse.yaml : fichier trop gros (50.2 Mo, limite 5.0 Mo" in msg, msg
    assert MAX_YAML_BYTES == 5 * 1024 * 1024


def test_partner_quote_of_an_organisation_file_is_reported_in_that_file(data):
    edit(data / "organisations" / "cacem.yaml", lambda t: t.replace("conseil de développement…)", "pas dans le document)", 1))
    msg = refused(data)
    assert "data/organisations/cacem.yaml (ligne 11) › partners[0](id=conseil-developpement-cacem).quote" in msg, msg
    assert "data/partners.yaml" not in msg


def test_schema_errors_carry_the_line_of_their_node(data):
    edit(data / "organisations" / "cacem.yaml", lambda t: t.replace("  - id: dgs\n", "  - id: dgs\n    colour: red\n", 1))
    msg = refused(data)
    assert "data/organisations/cacem.yaml (ligne 18) › units[0](id=dgs).colour : champ inconnu" in msg, msg


@pytest.mark.slow  # runs `qfq load` as a subprocess
def test_qfq_load_prints_the_problem_without_a_traceback(data):
    edit(data / "partners.yaml", lambda t: t + "deep: " + "[" * 3000 + "]" * 3000 + "\n")
    res = subprocess.run([sys.executable, "-m", "qfq", "load", "--data", str(data), "-q"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and "Traceback" not in res.stderr and "rien n'a été chargé" in res.stderr, res.stderr
    assert "data/partners.yaml ligne 271" in res.stderr

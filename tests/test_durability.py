"""Durability: SIGKILL the embedded FalkorDB while idle and in the middle of a load; after a restart
the graph's counts and checksum equal those of the last completed load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph import open_store
from graph.config import GraphConfig
from graph.fingerprint import fingerprint
from loaders.load import load_dataset
from tests.conftest import DATA, REPO
from tests.test_graph_embedded import wait_gone

pytestmark = pytest.mark.slow  # kills FalkorDB and replays its AOF (durability)

SLOW_LOAD = f"""
import time
from pathlib import Path
from graph import open_store
from loaders.dataset import read_dataset
from loaders.load import load_dataset
store = open_store()
print(store.server.info.pid, flush=True)
load_dataset(store, read_dataset(Path({str(DATA)!r})), progress=lambda step, n: time.sleep(0.2), batch=200)
print("done", flush=True)
"""


def store_in(path: Path):
    return open_store(GraphConfig(backend="embedded", data_dir=path))


def kill_server(store) -> None:
    pid = store.server.info.pid
    os.kill(pid, signal.SIGKILL)
    assert wait_gone(pid)
    store.server._proc.wait()


def test_sigkill_while_idle_keeps_the_last_load(tmp_path, dataset):
    store = store_in(tmp_path)
    load_dataset(store, dataset)
    expected = fingerprint(store)
    kill_server(store)
    again = store_in(tmp_path)
    try:
        assert fingerprint(again) == expected
    finally:
        again.server.stop()


def test_sigkill_during_a_load_keeps_the_last_completed_load(tmp_path, dataset):
    store = store_in(tmp_path)
    load_dataset(store, dataset)
    expected = fingerprint(store)
    store.server.stop()
    env = {**os.environ, "QFQ_DATA_DIR": str(tmp_path)}
    env.pop("QFQ_GRAPH_URL", None)
    loader = subprocess.Popen([sys.executable, "-c", SLOW_LOAD], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    pid = int(loader.stdout.readline())
    time.sleep(2.0)  # the load is writing its staged graph
    os.kill(pid, signal.SIGKILL)  # the store dies mid-load
    loader.wait(30)
    assert wait_gone(pid)
    again = store_in(tmp_path)
    try:
        assert fingerprint(again) == expected
        load_dataset(again, dataset)  # and the next load completes and cleans up
        assert fingerprint(again) == expected
    finally:
        again.server.stop()

"""The `qfq` command as users run it: serve stops its graph on SIGTERM, a broken graph rebuilds itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from graph.embedded import _free_port
from tests.conftest import DATA, REPO
from tests.test_graph_embedded import wait_gone

pytestmark = pytest.mark.slow  # runs `qfq` subprocesses

QFQ = [sys.executable, "-m", "qfq"]


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFQ_")}
    env["QFQ_DATA_DIR"] = str(data_dir)
    return env


def test_sigterm_to_the_server_stops_the_embedded_graph(tmp_path):
    env = env_for(tmp_path)
    subprocess.run([*QFQ, "load", "-q", "--data", str(DATA)], cwd=REPO, env=env, check=True, timeout=120,
                   capture_output=True)
    port = _free_port()
    server = subprocess.Popen([*QFQ, "serve", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    assert json.load(r)
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "qfq serve did not come up"
                time.sleep(0.2)
        graph_pid = json.loads((tmp_path / "server.json").read_text())["pid"]
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
        assert wait_gone(graph_pid), "FalkorDB still running after SIGTERM to qfq serve"
        assert not (tmp_path / "server.json").exists()
    finally:
        if server.poll() is None:
            server.kill()


def test_unreadable_graph_files_are_set_aside_and_rebuilt_from_data(tmp_path):
    env = env_for(tmp_path)
    subprocess.run([*QFQ, "load", "-q", "--data", str(DATA)], cwd=REPO, env=env, check=True, timeout=120,
                   capture_output=True)
    manifest = next((tmp_path / "appendonlydir").glob("*.manifest"))
    manifest.write_text("garbage\n")
    res = subprocess.run([*QFQ, "stats", "--json"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["labels"]["Unit"] > 100
    assert "mis de côté" in res.stderr and "reconstruit depuis data/" in res.stderr
    assert list(tmp_path.glob("broken-*"))


def test_qfq_without_a_command_shows_help():
    res = subprocess.run(QFQ, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert "load" in res.stdout + res.stderr and "Traceback" not in res.stderr

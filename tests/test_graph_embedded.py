"""The embedded FalkorDB's life cycle: reuse, clean stop, recovery after SIGKILL, broken files.

Each test runs its own server in its own directory, in child processes, as users would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.config import GraphConfig
from graph.embedded import EmbeddedServer
from tests import probe

pytestmark = pytest.mark.slow  # starts, kills and restarts FalkorDB processes

REPO = Path(__file__).resolve().parent.parent
HOLDER = """
import sys, time
from graph import open_store
from tests import probe
store = open_store()
probe.echo(store, "kept", sys.argv[1])
print(store.server.info.pid, flush=True)
time.sleep(600)
"""


def spawn_holder(data_dir: Path, value: str) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "QFQ_DATA_DIR": str(data_dir)}
    env.pop("QFQ_GRAPH_URL", None)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, value], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.strip(), "holder process did not start the store"
    return proc, int(line)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def wait_gone(pid: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def open_in(data_dir: Path):
    from graph import open_store

    return open_store(GraphConfig(backend="embedded", data_dir=data_dir))


def test_second_process_reuses_the_running_server(tmp_path):
    proc, pid = spawn_holder(tmp_path, "v1")
    try:
        store = open_in(tmp_path)
        assert store.server.info.pid == pid and not store.server.info.owner
        assert probe.read(store, "kept") == [{"value": "v1"}]
        store.close()
    finally:
        proc.terminate()
        proc.wait(10)


def test_sigterm_to_owner_stops_the_server(tmp_path):
    proc, pid = spawn_holder(tmp_path, "v1")
    proc.send_signal(signal.SIGTERM)
    proc.wait(10)
    assert wait_gone(pid), "FalkorDB still running after its owner got SIGTERM"


def test_sigkill_of_both_recovers_with_data(tmp_path):
    proc, pid = spawn_holder(tmp_path, "before the crash")
    os.kill(pid, signal.SIGKILL)
    proc.kill()
    proc.wait(10)
    assert wait_gone(pid)
    assert json.loads((tmp_path / "server.json").read_text())["pid"] == pid  # stale state left behind
    store = open_in(tmp_path)  # no "port in use", no stale lock
    try:
        assert store.server.info.pid != pid
        assert probe.read(store, "kept") == [{"value": "before the crash"}]
    finally:
        store.server.stop()


def test_sigkill_of_owner_takes_the_server_down(tmp_path):
    proc, pid = spawn_holder(tmp_path, "x")
    proc.kill()
    proc.wait(10)
    assert wait_gone(pid), "FalkorDB outlived its owner (PR_SET_PDEATHSIG)"
    store = open_in(tmp_path)
    try:
        assert probe.read(store, "kept") == [{"value": "x"}]
    finally:
        store.server.stop()


def test_unreadable_files_are_set_aside_and_reported(tmp_path, caplog):
    store = open_in(tmp_path)
    probe.echo(store, "kept", "x")
    store.server.stop()
    manifest = next((tmp_path / "appendonlydir").glob("*.manifest"))
    manifest.write_text("this is not a manifest\n")
    store = open_in(tmp_path)
    try:
        assert store.recovered, "the caller must be told to rebuild from data/"
        assert list(tmp_path.glob("broken-*/appendonlydir"))
        assert probe.read(store, "kept") == []
        assert "reconstruit depuis data/" in caplog.text
    finally:
        store.server.stop()


def test_server_listens_on_loopback_only_with_a_password(tmp_path):
    server = EmbeddedServer(tmp_path)
    info = server.ensure()
    try:
        conns = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout
        mine = [ln for ln in conns.splitlines() if f"pid={info.pid}," in ln]
        assert mine and all("127.0.0.1:" in ln for ln in mine), mine
        import redis

        with pytest.raises(redis.AuthenticationError):
            redis.Redis(host="127.0.0.1", port=info.port).ping()
        assert oct((tmp_path / "server.json").stat().st_mode)[-3:] == "600"
    finally:
        server.stop()


def test_a_killed_server_is_restarted_on_next_use(tmp_path):
    store = open_in(tmp_path)
    probe.echo(store, "kept", "durable")
    old = store.server.info.pid
    os.kill(old, signal.SIGKILL)
    assert wait_gone(old)
    try:
        assert probe.read(store, "kept") == [{"value": "durable"}]  # restarted, data replayed
        assert store.server.info.pid != old
    finally:
        store.server.stop()

"""The embedded store under real faults: a full disk (a small tmpfs) at start and during a load while
serving, a read-only data dir, and the owner of a FalkorDB killed with SIGKILL — also after a restart
made from a short-lived thread. Disk tests skip, saying why, where this machine refuses to mount."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from graph.embedded import _free_port
from tests.diskfault import (REPO, env_for, files_digest, fill, get, mount_tmpfs, qfq, redis_on, remount,
                             start_serve, umount, wait_no_redis)


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs: room for the seed data's graph (~0.8 MB of AOF per load) and little more."""
    mnt = tmp_path / "disk"
    why = mount_tmpfs(mnt, 4096)
    if why:
        pytest.skip(f"no tmpfs on this machine ({why}): the disk-full scenarios run where mounting is allowed")
    yield mnt
    for pid in redis_on(mnt / "graph"):  # a failed test must not leave a server on an unmounted dir
        os.kill(pid, signal.SIGKILL)
    umount(mnt)


def one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.slow
def test_disk_full_at_start_moves_nothing_and_the_graph_comes_back(small_disk):
    data = small_disk / "graph"
    loaded = qfq(data, "load", "-q")
    assert loaded.code == 0, loaded.err
    before = json.loads(qfq(data, "stats", "--json").out)
    files = files_digest(data)
    filler = fill(small_disk)

    for args in (("stats",), ("load", "-q")):
        res = qfq(data, *args)
        line = one_line(res.err)
        assert res.code == 2 and "disque plein" in line and str(data) in line and "Libérez" in line, line
    assert not list(data.glob("broken-*")), "a healthy AOF was set aside for a full disk"
    assert files_digest(data) == files
    assert not redis_on(data)

    filler.unlink()
    again = qfq(data, "stats", "--json")
    assert again.code == 0, again.err
    assert json.loads(again.out) == before  # the same graph, not an empty one


@pytest.mark.slow
def test_disk_full_during_a_load_keeps_serving_the_previous_graph(small_disk):
    data = small_disk / "graph"
    assert qfq(data, "load", "-q").code == 0
    port = _free_port()
    server = start_serve(data, port)
    try:
        ready = json.loads(get(port, "/readyz")[1])
        manifest = (data / "appendonlydir" / "appendonly.aof.manifest").read_text()
        filler = fill(small_disk, leave_kb=200)  # room for a few batches, not for a whole load

        res = qfq(data, "load", "-q")
        line = one_line(res.err)
        assert res.code == 2 and "disque plein" in line and "reste servi" in line, line
        assert res.seconds < 30

        assert json.loads(get(port, "/readyz")[1]) == ready  # the previous load, still served
        status, body = get(port, "/api/ask?q=aide+sociale+enfance")
        assert status == 200 and json.loads(body)
        assert len(redis_on(data)) == 1, redis_on(data)
        stats = qfq(data, "stats")  # another process finds the same server (PING answers MISCONF): reads work
        assert stats.code == 0 and "Traceback" not in stats.err, stats.err
        assert len(redis_on(data)) == 1, "a second FalkorDB was started on the same files"
        assert not list(data.glob("broken-*"))
        assert (data / "appendonlydir" / "appendonly.aof.manifest").read_text() == manifest

        filler.unlink()  # space back: the next load goes through, on the same server
        time.sleep(1.5)  # FalkorDB retries its AOF write once a second
        again = qfq(data, "load", "-q")
        assert again.code == 0, again.err
        assert json.loads(get(port, "/readyz")[1])["loaded_at"] >= ready["loaded_at"]
        assert len(redis_on(data)) == 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    assert not wait_no_redis(data), "a FalkorDB outlived qfq serve"


@pytest.mark.slow
def test_read_only_data_dir_is_one_line_and_changes_nothing(small_disk):
    data = small_disk / "graph"
    assert qfq(data, "load", "-q").code == 0
    files = files_digest(data)
    remount(small_disk, "ro")
    try:
        for args in (("stats",), ("load", "-q")):
            res = qfq(data, *args)
            line = one_line(res.err)
            assert res.code != 0 and "lecture seule" in line and str(data) in line, line
        assert files_digest(data) == files and not redis_on(data)
    finally:
        remount(small_disk, "rw")
    assert qfq(data, "stats").code == 0


RESTART_FROM_A_THREAD = """
import os, signal, threading, time
from graph import open_store
from tests import probe
store = open_store()
probe.echo(store, "kept", "v")
first = store.server.info.pid
os.kill(first, signal.SIGKILL)
store.server._proc.wait()
workers = [threading.Thread(target=lambda: probe.read(store, "kept")) for _ in range(4)]
for w in workers:  # four threads find the server gone at once: one restarts it, the others reuse it
    w.start()
for w in workers:
    w.join()
time.sleep(1.0)  # the threads that asked for the restart are gone
print(first, store.server.info.pid, int(store.server.info.owner), flush=True)
time.sleep(600)
"""


@pytest.mark.slow  # starts and kills processes
def test_a_server_restarted_from_a_thread_dies_with_its_owner(tmp_path):
    env = env_for(tmp_path)
    owner = subprocess.Popen([sys.executable, "-c", RESTART_FROM_A_THREAD], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, text=True)
    try:
        first, second, owned = map(int, owner.stdout.readline().split())
        assert second != first and owned == 1
        assert redis_on(tmp_path) == [second], "one server, outliving the threads, not its owner"
    finally:
        owner.kill()  # SIGKILL: no atexit, only the parent-death signal
        owner.wait(10)
    assert not wait_no_redis(tmp_path, 10), "FalkorDB outlived its owner killed with SIGKILL"


@pytest.mark.slow
def test_serve_sigterm_leaves_no_server_after_a_restart(tmp_path):
    assert qfq(tmp_path, "load", "-q").code == 0
    port = _free_port()
    server = start_serve(tmp_path, port)
    try:
        [first] = redis_on(tmp_path)
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 90  # a restart replays the AOF: seconds on a busy machine
        while True:
            try:
                if get(port, "/api/ask?q=transport+scolaire+" + str(time.monotonic()), 60)[0] == 200 and \
                        redis_on(tmp_path) not in ([], [first]):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not bring FalkorDB back"
            time.sleep(0.2)
        assert len(redis_on(tmp_path)) == 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    assert not wait_no_redis(tmp_path), "a FalkorDB restarted by the server outlived its SIGTERM"

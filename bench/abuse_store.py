"""The store and the data files under abuse, with figures (not a test; tests/test_store_faults.py and
tests/test_data_files_abuse.py hold the assertions).

    .venv/bin/python bench/abuse_store.py            # everything (root needed for the tmpfs parts)
    .venv/bin/python bench/abuse_store.py --files    # data-file attacks only

Disk-full scenarios run on a small tmpfs as data dir: FalkorDB cannot start on a full disk; a load
meets a full disk while `qfq serve` answers. Printed: the line the user reads, the time to refuse,
whether the previous graph is still served, how many FalkorDB processes live on the directory,
whether anything healthy was set aside, and whether the graph comes back once space is freed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.embedded import _free_port  # noqa: E402
from loaders.files import DataError, read_yaml  # noqa: E402
from tests.diskfault import (REPO, env_for, files_digest, fill, get, mount_tmpfs, qfq, redis_on,  # noqa: E402
                             remount, start_serve, umount, wait_no_redis)


def line_of(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    return f"{len(lines)} ligne(s){' + TRACEBACK' if 'Traceback' in err else ''} : {lines[-1] if lines else ''}"


def disk_full_at_start(mnt: Path) -> None:
    data = mnt / "graph"
    qfq(data, "load", "-q")
    before = json.loads(qfq(data, "stats", "--json").out)
    files = files_digest(data)
    filler = fill(mnt)
    print("\n== disque plein au démarrage (aucun serveur) ==")
    for args in (("stats",), ("load", "-q")):
        res = qfq(data, *args)
        print(f"  qfq {args[0]} : code {res.code}, refusé en {res.seconds:.2f} s ; {line_of(res.err)}")
    print(f"  fichiers mis de côté : {len(list(data.glob('broken-*')))} ; AOF inchangé : {files_digest(data) == files} ; "
          f"FalkorDB vivants : {len(redis_on(data))}")
    filler.unlink()
    again = qfq(data, "stats", "--json")
    print(f"  place libérée : code {again.code}, même graphe qu'avant : {again.code == 0 and json.loads(again.out) == before} "
          f"({again.seconds:.2f} s)")


def disk_full_during_load(mnt: Path) -> None:
    data = mnt / "graph"
    qfq(data, "load", "-q")
    port = _free_port()
    server = start_serve(data, port)
    try:
        ready = json.loads(get(port, "/readyz")[1])
        filler = fill(mnt, leave_kb=200)
        res = qfq(data, "load", "-q")
        print("\n== disque plein pendant un chargement, qfq serve en marche ==")
        print(f"  qfq load : code {res.code}, refusé en {res.seconds:.2f} s ; {line_of(res.err)}")
        now = json.loads(get(port, "/readyz")[1])
        ask = get(port, "/api/ask?q=aide+sociale+enfance")[0]
        print(f"  /readyz : {now.get('status')}, ancien graphe servi : {now == ready} ; /api/ask : {ask}")
        stats = qfq(data, "stats")
        print(f"  qfq stats pendant le disque plein : code {stats.code} ({stats.seconds:.2f} s)")
        print(f"  FalkorDB sur le dossier : {len(redis_on(data))} ; mis de côté : {len(list(data.glob('broken-*')))}")
        filler.unlink()
        time.sleep(1.5)
        again = qfq(data, "load", "-q")
        print(f"  place libérée : qfq load code {again.code} ({again.seconds:.2f} s), FalkorDB : {len(redis_on(data))}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    print(f"  après SIGTERM à qfq serve : {len(wait_no_redis(data))} FalkorDB restant(s)")


def read_only(mnt: Path) -> None:
    data = mnt / "graph"
    qfq(data, "load", "-q")
    files = files_digest(data)
    remount(mnt, "ro")
    print("\n== dossier du graphe en lecture seule ==")
    try:
        for args in (("stats",), ("load", "-q")):
            res = qfq(data, *args)
            print(f"  qfq {args[0]} : code {res.code} ({res.seconds:.2f} s) ; {line_of(res.err)}")
        print(f"  fichiers inchangés : {files_digest(data) == files}")
    finally:
        remount(mnt, "rw")


def owner_killed() -> None:
    script = ("import os,signal,threading,time\nfrom graph import open_store\nfrom tests import probe\ns=open_store()\n"
              "probe.echo(s, 'k', 'v')\nos.kill(s.server.info.pid,signal.SIGKILL)\n"
              "s.server._proc.wait()\nt=threading.Thread(target=lambda: probe.read(s, 'k'))\n"
              "t.start();t.join();print(s.server.info.pid,flush=True);time.sleep(600)\n")
    with tempfile.TemporaryDirectory() as tmp:
        owner = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env_for(Path(tmp)),
                                 stdout=subprocess.PIPE, text=True)
        pid = int(owner.stdout.readline())
        owner.kill()
        start = time.perf_counter()
        left = wait_no_redis(Path(tmp), 15)
        owner.wait()
        print("\n== propriétaire tué (SIGKILL) après un redémarrage fait par un thread ==")
        print(f"  FalkorDB {pid} : {'encore vivant' if left else f'arrêté en {time.perf_counter() - start:.2f} s'}")


def data_files() -> None:
    print("\n== fichiers de données hostiles (lecture d'un fichier : temps, allocations, message) ==")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        levels = ["&a0 [x, x, x, x, x, x, x, x, x, x]"] + [
            f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
        cases = {
            "imbrication 5 000 (bloc)": "deep:\n  " + "- " * 5000 + "x\n",
            "imbrication 5 000 (flux)": "deep: " + "[" * 5000 + "]" * 5000 + "\n",
            "bombe d'ancres (10⁹)": "bomb: [" + ", ".join(levels) + "]\n",
            "NUL échappé": 'name: "a\\0b"\n',
            "NUL brut": "name: a\0b\n",
            "surrogat isolé": 'name: "\\ud800"\n',
            "4,9 Mo de valeurs": "x: [" + ",".join(["1"] * 1_600_000) + "]\n",
            "50 Mo": "# " + "x" * 97 + "\n",
        }
        for name, text in cases.items():
            path = root / "f.yaml"
            path.write_text(text * (524_288 if name == "50 Mo" else 1), encoding="utf-8", errors="surrogatepass")
            start = time.perf_counter()
            msg = _refusal(path, root)
            seconds = time.perf_counter() - start
            tracemalloc.start()  # allocations measured on a second run: tracing slows the parser 3×
            _refusal(path, root)
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            print(f"  {name:<26} {seconds * 1000:8.1f} ms {peak:7.1f} Mo  {msg[:150]}")


def _refusal(path: Path, root: Path) -> str:
    try:
        read_yaml(path, root)
    except DataError as exc:
        return str(exc)
    return "ACCEPTÉ"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", action="store_true", help="seulement les fichiers de données")
    args = ap.parse_args()
    data_files()
    if args.files:
        return
    owner_killed()
    for scenario in (disk_full_at_start, disk_full_during_load, read_only):
        mnt = Path(tempfile.mkdtemp(prefix="qfq-abuse-"))
        why = mount_tmpfs(mnt, 4096)
        if why:
            print(f"\n{scenario.__name__} : non mesuré ({why})")
            continue
        try:
            scenario(mnt)
        finally:
            for pid in redis_on(mnt / "graph"):
                os.kill(pid, signal.SIGKILL)
            umount(mnt)
            shutil.rmtree(mnt, ignore_errors=True)


if __name__ == "__main__":
    main()

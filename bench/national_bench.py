"""National case: the whole territorial map (34 875 communes, their mairies) and the four organisations, loaded
through `qfq load` into a private embedded FalkorDB; then, in-process, the lookup index's build time and memory
and `ask` latency p50/p99 for questions naming a commune — beside the same figures at seed size (data/ with its
territory files cut down to the four seed départements, as before the national map). Prints figures; asserts
nothing (targets: load ≤ 60 s, ask p99 ≤ 10 ms, seed figures within 20 % of before).

    .venv/bin/python bench/national_bench.py [--questions 400] [--rounds 3] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.territory_subset import subset_copy  # noqa: E402

TOPICS = [
    "qui s'occupe de l'APA pour ma mère à {c}", "RSA à {c}", "PMI {c}", "inscription au collège à {c}",
    "une route départementale abîmée près de {c}", "ramassage des poubelles à {c}", "carte d'identité à {c}",
    "permis de construire à {c}", "lycée de mon fils à {c}", "transport scolaire {c}",
]


def qfq_load(data: Path, graph_dir: Path) -> float:
    """Wall time of `qfq load --data DATA` in a fresh process (start of the embedded server included)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFQ_")}
    env["QFQ_DATA_DIR"] = str(graph_dir)
    qfq = Path(sys.executable).parent / "qfq"
    t = time.perf_counter()
    subprocess.run([str(qfq), "load", "--quiet", "--data", str(data)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def questions(data: Path, n: int, rng: random.Random) -> list[str]:
    with (data / "territories" / "communes.csv").open(encoding="utf-8") as fh:
        names = [r["name"] for r in csv.DictReader(fh)]
    return [rng.choice(TOPICS).format(c=rng.choice(names)) for _ in range(n)]


def measure(label: str, data: Path, n: int, rounds: int, seed: int) -> dict[str, Any]:
    from graph import open_store
    from graph.config import GraphConfig
    from lookup.engine import Engine
    from lookup.index import build_index, read_records

    with tempfile.TemporaryDirectory() as tmp:
        load_s = qfq_load(data, Path(tmp))
        store = open_store(GraphConfig(backend="embedded", data_dir=Path(tmp)))
        try:
            engine = Engine.from_store(store)
            gc.collect()
            rss0 = rss_mb()
            t = time.perf_counter()
            records = read_records(store)
            read_s = time.perf_counter() - t
            t = time.perf_counter()
            engine.index()  # reads the graph and builds, as a serving process does
            build_s = time.perf_counter() - t
            gc.collect()
            rss1 = rss_mb()
            tracemalloc.start()  # the build's own peak allocation, on a second build (tracemalloc slows it)
            build_index(records, "bench")
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            del records
            qs = questions(data, n, random.Random(seed))
            for q in qs[:20]:  # warm caches as a serving process would be
                engine.ask(q)
            ms: list[float] = []
            for _ in range(rounds):
                for q in qs:
                    t = time.perf_counter()
                    engine.ask(q)
                    ms.append((time.perf_counter() - t) * 1000)
            ms.sort()
        finally:
            server = getattr(store, "server", None)
            store.close()
            if server is not None:
                server.stop()
    out = {"label": label, "load_s": load_s, "read_s": read_s, "build_s": build_s, "build_peak_mb": peak, "rss_delta_mb": rss1 - rss0,
           "p50": statistics.median(ms), "p95": ms[int(0.95 * len(ms))], "p99": ms[min(len(ms) - 1, int(0.99 * len(ms)))],
           "n": len(ms), "load": os.getloadavg()[0]}
    print(f"{label:<9} qfq load {out['load_s']:6.2f} s | index (graph read {out['read_s']:5.2f} s + build) "
          f"{out['build_s']:5.2f} s, peak alloc "
          f"{out['build_peak_mb']:6.1f} MiB, RSS +{out['rss_delta_mb']:6.1f} MiB | ask p50 {out['p50']:5.2f} ms, "
          f"p95 {out['p95']:5.2f} ms, p99 {out['p99']:5.2f} ms ({out['n']} questions naming a commune; machine load "
          f"average {out['load']:.1f})", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--questions", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seed = measure("seed-size", subset_copy(ROOT / "data", Path(tmp) / "data"), args.questions, args.rounds, args.seed)
    national = measure("national", ROOT / "data", args.questions, args.rounds, args.seed)
    print(f"national / seed-size: load ×{national['load_s'] / seed['load_s']:.1f}, index build "
          f"×{national['build_s'] / max(seed['build_s'], 1e-9):.1f}, ask p99 ×{national['p99'] / seed['p99']:.2f}")


if __name__ == "__main__":
    main()

"""Lookup benchmark: engine vs a BM25 baseline (bm25s + Snowball French) on the eval files, `ask` latency at
seed size and on a synthetic 100 k-unit index, index build time and memory. Prints figures; asserts nothing.

Run: .venv/bin/python bench/lookup_bench.py [--units 100000] [--files A.jsonl B.jsonl] [--via-graph]
The synthetic index is built in memory from generated graph records through `lookup.index.build_index`
(the same code path the graph rows feed). With --via-graph, a synthetic national data set of about as
many units (Meuse-shaped organisations, bench/load_bench.py) is also loaded by `qfq load`'s code into a
private embedded FalkorDB and the engine reads its index from that graph, as in production.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from lookup.engine import Engine  # noqa: E402
from lookup.evaluate import evaluate, read_questions  # noqa: E402
from lookup.index import QUERIES, build_index, read_records  # noqa: E402
from lookup.text import stems  # noqa: E402

DEFAULT_FILES = [ROOT.parent / "shared" / "eval" / "questions_dev.jsonl", ROOT / "tests" / "data" / "questions_extra.jsonl"]


# ---------------------------------------------------------------------- BM25 baseline
class BM25Baseline:
    """bm25s over one document per unit: name + missions + labels of the competences it handles."""

    def __init__(self, records: dict[str, list[dict[str, Any]]]) -> None:
        import bm25s

        labels = {c["code"]: c["label"] for c in records["lookup_competences"]}
        missions: dict[str, list[str]] = {}
        for m in records["lookup_missions"]:
            missions.setdefault(m["unit"], []).append(m["text"])
        comps: dict[str, list[str]] = {}
        for h in records["lookup_handles"]:
            comps.setdefault(h["unit"], []).append(labels.get(h["code"], ""))
        self.units = records["lookup_units"]
        corpus = [" ".join([u["name"], *missions.get(u["id"], []), *comps.get(u["id"], [])]) for u in self.units]
        self.retriever = bm25s.BM25()
        self.retriever.index([stems(t) or ["_"] for t in corpus], show_progress=False)

    def ask(self, question: str, org: str | None, limit: int = 5) -> dict[str, Any]:
        toks = [t for t in stems(question) if t in self.retriever.vocab_dict] or ["_"]
        docs, scores = self.retriever.retrieve([toks], k=len(self.units), show_progress=False)
        answers = []
        for d, s in zip(docs[0], scores[0]):
            u = self.units[int(d)]
            if (org is None or u["org"] == org) and s > 0:
                answers.append({"unit": {"name": u["name"]}, "score": float(s)})
            if len(answers) >= limit:
                break
        return {"out_of_scope": False, "answers": answers}


# ---------------------------------------------------------------------- synthetic graph
def synthetic_records(seed: dict[str, list[dict[str, Any]]], target: int, rng: random.Random
                      ) -> dict[str, list[dict[str, Any]]]:
    """Copies of the seed organisations (new ids, shuffled missions and handles) until `target` units."""
    out: dict[str, list[dict[str, Any]]] = {q: [] for q in QUERIES}
    out["lookup_competences"] = seed["lookup_competences"]
    out["lookup_territories"] = seed["lookup_territories"]
    per_copy = len(seed["lookup_units"])
    copies = max(1, -(-target // per_copy))
    unit_ids = [u["id"] for u in seed["lookup_units"]]
    for k in range(copies):
        def uid(i: str, k: int = k) -> str:
            return f"s{k}-{i}"
        perm = unit_ids[:]
        rng.shuffle(perm)
        swap = {a: (b if rng.random() < 0.3 else a) for a, b in zip(unit_ids, perm)}  # 30 % of units swap texts
        for o in seed["lookup_organisations"]:
            r = dict(o, id=f"s{k}-{o['id']}", name=f"{o['name']} {k}", aliases=[])
            out["lookup_organisations"].append(r)
        for u in seed["lookup_units"]:
            out["lookup_units"].append(dict(u, id=uid(u["id"]), org=f"s{k}-{u['org']}",
                                            parent=uid(u["parent"]) if u.get("parent") else None))
        for name in ("lookup_missions", "lookup_handles", "lookup_partners", "lookup_sites", "lookup_unit_territories"):
            for r in seed[name]:
                out[name].append(dict(r, unit=uid(swap[r["unit"]])))
    if len(out["lookup_units"]) > target:  # trim the last copy
        keep = {u["id"] for u in out["lookup_units"][:target]}
        out["lookup_units"] = out["lookup_units"][:target]
        for name in ("lookup_missions", "lookup_handles", "lookup_partners", "lookup_sites", "lookup_unit_territories"):
            out[name] = [r for r in out[name] if r["unit"] in keep]
    return out


# ---------------------------------------------------------------------- measures
def timed_build(records: dict[str, list[dict[str, Any]]], trace: bool = True) -> tuple[Any, float, float | None]:
    """Build time, and the build's peak Python allocation (tracemalloc; it slows the build, so optional)."""
    gc.collect()
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    idx = build_index(records, "bench")
    secs = time.perf_counter() - t
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return idx, secs, peak


def latencies(engine: Engine, questions: list[dict[str, Any]], org_of: Any, rounds: int) -> dict[str, float]:
    ms: list[float] = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            engine.ask(q["q"], org=org_of(q))
            ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    return {"n": len(ms), "p50": statistics.median(ms), "p99": ms[min(len(ms) - 1, int(0.99 * len(ms)))],
            "max": ms[-1]}


def rss_mb() -> float | None:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        return None


def fmt(v: float | None) -> str:
    return "  —  " if v is None else f"{100 * v:5.1f}%"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--files", nargs="*", type=Path, default=DEFAULT_FILES)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--via-graph", action="store_true", help="also load a synthetic graph into FalkorDB")
    args = ap.parse_args()

    from graph import open_store

    store = open_store()
    seed = {k: v for k, v in read_records(store).items()}
    engine = Engine.from_store(store)
    engine.index()
    baseline = BM25Baseline(seed)

    print("== Qualité (top-1 / top-3 / MRR@5 / hors champ) — moteur vs BM25 (bm25s, Snowball FR)")
    all_q: list[dict[str, Any]] = []
    for f in args.files:
        if not f.is_file():
            print(f"  {f}: absent")
            continue
        qs = read_questions(f)
        all_q += qs
        me, _ = evaluate(qs, lambda q: engine.ask(q["q"], org=q.get("org")))
        mb, _ = evaluate(qs, lambda q: baseline.ask(q["q"], q.get("org")))
        print(f"  {f.name} ({len(qs)} questions)")
        for label, m in (("moteur", me), ("BM25", mb)):
            o = m["overall"]
            print(f"    {label:<7} top-1 {fmt(o['top1'])}  top-3 {fmt(o['top3'])}  MRR@5 {o['mrr5']:.3f}  "
                  f"hors champ {fmt(o['oos_accuracy'])}")
        for style in me["by_style"]:
            a, b = me["by_style"][style], mb["by_style"][style]
            if a["in_scope"]:
                print(f"      {style:<13} moteur top-1 {fmt(a['top1'])} top-3 {fmt(a['top3'])} | "
                      f"BM25 top-1 {fmt(b['top1'])} top-3 {fmt(b['top3'])}")
            else:
                print(f"      {style:<13} moteur hors champ {fmt(a['oos_accuracy'])} | BM25 hors champ "
                      f"{fmt(b['oos_accuracy'])} (BM25 ne sait pas dire « hors champ »)")

    print("\n== Taille semence (graphe FalkorDB embarqué, index lu par les requêtes lookup_*)")
    t = time.perf_counter()
    records = read_records(store)
    read_s = time.perf_counter() - t
    idx, build_s, peak = timed_build(records)
    print(f"  unités {idx.size}  lecture du graphe {read_s * 1000:.1f} ms  construction {build_s * 1000:.1f} ms  "
          f"pic mémoire (tracemalloc) {peak:.1f} Mo")
    lat = latencies(engine, all_q, lambda q: q.get("org"), args.rounds)
    print(f"  ask (org donnée)   n={lat['n']}  p50 {lat['p50']:.2f} ms  p99 {lat['p99']:.2f} ms  max {lat['max']:.2f} ms")
    lat = latencies(engine, all_q, lambda q: None, args.rounds)
    print(f"  ask (org déduite)  n={lat['n']}  p50 {lat['p50']:.2f} ms  p99 {lat['p99']:.2f} ms  max {lat['max']:.2f} ms")

    print(f"\n== Synthétique {args.units} unités (index construit en mémoire par build_index, sans FalkorDB)")
    rng = random.Random(7)
    synth = synthetic_records(seed, args.units, rng)
    before = rss_mb()
    big, build_s, _ = timed_build(synth, trace=False)  # tracemalloc would triple the build time here
    after = rss_mb()
    print(f"  unités {big.size}  organisations {len(big.orgs)}  construction {build_s:.2f} s"
          + (f"  mémoire de l'index (RSS) +{after - before:.0f} Mo" if before and after else ""))
    synth_engine = Engine(index=big)
    orgs, known = sorted(big.orgs), frozenset(big.orgs)
    for q in all_q:  # each question asked of a random copy of its organisation
        q["_sorg"] = f"s{rng.randrange(len(orgs) // max(1, len(seed['lookup_organisations'])))}-{q.get('org')}"
    lat = latencies(synth_engine, all_q, lambda q: q["_sorg"] if q["_sorg"] in known else None, args.rounds)
    print(f"  ask (org donnée)   n={lat['n']}  p50 {lat['p50']:.2f} ms  p99 {lat['p99']:.2f} ms  max {lat['max']:.2f} ms")
    lat = latencies(synth_engine, all_q, lambda q: None, args.rounds)
    print(f"  ask (sans org, toutes organisations) n={lat['n']}  p50 {lat['p50']:.2f} ms  p99 {lat['p99']:.2f} ms")
    del synth, big, synth_engine
    if args.via_graph:
        via_graph(args.units, all_q, args.rounds)
    store.close()


def via_graph(target: int, questions: list[dict[str, Any]], rounds: int) -> None:
    """The same latencies with the index read from a loaded FalkorDB graph of about `target` units."""
    import tempfile

    from graph.config import GraphConfig
    from graph import open_store
    from load_bench import synthetic
    from loaders.dataset import read_dataset
    from loaders.load import load_dataset

    ds = read_dataset(ROOT / "data")
    per_org = len(next(o for o in ds.organisations if o.id == "meuse").units)
    depts = 100
    copies = max(1, round(target / (depts * per_org)))
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(GraphConfig(backend="embedded", data_dir=Path(tmp)))
        try:
            t = time.perf_counter()
            report = load_dataset(store, synthetic(ds, depts, copies))
            load_s = time.perf_counter() - t
            before = rss_mb()
            engine = Engine.from_store(store)
            t = time.perf_counter()
            idx = engine.index()
            build_s = time.perf_counter() - t
            after = rss_mb()
            print(f"\n== Graphe synthétique chargé dans FalkorDB ({depts} départements × {copies} organisations "
                  f"façon Meuse, qfq load {load_s:.1f} s)")
            print(f"  unités {idx.size}  lecture du graphe + construction de l'index {build_s:.2f} s"
                  + (f"  mémoire (RSS) +{after - before:.0f} Mo" if before and after else ""))
            orgs = sorted(idx.orgs)
            rng = random.Random(11)
            asked = [dict(q, _org=rng.choice(orgs)) for q in questions]
            lat = latencies(engine, asked, lambda q: q["_org"], rounds)
            print(f"  ask (org donnée)   n={lat['n']}  p50 {lat['p50']:.2f} ms  p99 {lat['p99']:.2f} ms  "
                  f"max {lat['max']:.2f} ms")
            lat = latencies(engine, asked, lambda q: None, rounds)
            print(f"  ask (sans org, toutes organisations) n={lat['n']}  p50 {lat['p50']:.2f} ms  "
                  f"p99 {lat['p99']:.2f} ms  max {lat['max']:.2f} ms")
            del report
        finally:
            store.server.stop()


if __name__ == "__main__":
    main()

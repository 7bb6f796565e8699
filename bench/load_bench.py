"""Load time of the seeds and of a synthetic national-size set, beside a raw UNWIND of the same rows.

    .venv/bin/python bench/load_bench.py [--departements 100] [--copies 2]

`qfq load`'s path (validation done beforehand, schema, staged graph, switch) against the same rows
sent straight to a scratch graph with the same UNWIND statements and batch size, in the same run,
on a private embedded FalkorDB. Prints figures; not a pass/fail test (target: load ≤ 2× raw).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.config import GraphConfig  # noqa: E402
from graph import open_store  # noqa: E402
from graph.store import chunks  # noqa: E402
from loaders.dataset import Dataset, Territories, read_dataset  # noqa: E402
from loaders.graph_rows import build_rows  # noqa: E402
from loaders.load import load_dataset  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def synthetic(ds: Dataset, departements: int, copies: int, communes_per_dept: int = 350) -> Dataset:
    """`departements` × `copies` organisations shaped like Meuse, and their communes."""
    meuse = next(o for o in ds.organisations if o.id == "meuse")
    names = sorted({k[1] for k in ds.commune_of if k[0] == "meuse"})
    depts, communes, orgs, commune_of = [], [], [], {}
    for d in range(departements):
        code = f"S{d:02d}"
        depts.append({"code": code, "name": f"Département synthétique {d}", "region_code": "99",
                      "region_name": "Région synthétique"})
        for c in range(communes_per_dept):
            communes.append({"code": f"{code}{c:03d}", "name": f"Commune {d}-{c}", "departement": code,
                             "population": str(100 + c), "epci_siren": "", "canton_code": ""})
        for k in range(copies):
            oid = f"synth-{d:03d}-{k}"
            orgs.append(meuse.model_copy(update={"id": oid, "territory": code}))
            for i, name in enumerate(names):
                commune_of[(oid, name)] = f"{code}{i % communes_per_dept:03d}"
    terr = Territories(departements=depts, epci=[], cantons=[], communes=communes)
    return Dataset(root=ds.root, version="synthetic", organisations=orgs, competences=ds.competences,
                   partners=ds.partners, territories=terr, documents=ds.documents, commune_of=commune_of)


def raw_unwind(store, ds: Dataset, batch: int = 5000) -> float:
    """The same rows, same statements, straight into a scratch graph: the floor for a load."""
    g = store._db.select_graph("raw_unwind_baseline")
    try:
        g.delete()
    except Exception:  # noqa: BLE001 - absent graph
        pass
    from schema.apply import apply

    apply("falkordb", lambda stmt: g.query(stmt))  # same indexes as a real load, not timed
    start = time.perf_counter()
    for name, rows in build_rows(ds, "now"):
        text = __import__("queries").load(name)
        for part in chunks(rows, batch):
            g.query(text, {"rows": list(part)})
    took = time.perf_counter() - start
    g.delete()
    return took


def run(label: str, store, ds: Dataset) -> None:
    units = sum(len(o.units) for o in ds.organisations)
    rows = sum(len(r) for _, r in build_rows(ds, "now"))
    raw = raw_unwind(store, ds)
    report = load_dataset(store, ds)
    print(f"{label:<22} units={units:>6} communes={len(ds.territories.communes):>6} rows={rows:>7}  "
          f"qfq load {report.seconds:6.2f} s   raw UNWIND {raw:6.2f} s   ratio {report.seconds / raw:4.2f}×")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--departements", type=int, default=100)
    ap.add_argument("--copies", type=int, default=2, help="Meuse-shaped organisations per département")
    args = ap.parse_args()
    ds = read_dataset(REPO / "data")
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(GraphConfig(backend="embedded", data_dir=Path(tmp)))
        t = time.perf_counter()
        ds2 = read_dataset(REPO / "data")
        print(f"validation of data/ (read + check, outside both timings): {time.perf_counter() - t:.2f} s")
        run("seeds", store, ds2)
        run("synthetic national", store, synthetic(ds, args.departements, args.copies))
        store.server.stop()


if __name__ == "__main__":
    main()

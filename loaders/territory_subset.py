"""A copy of data/ whose territory files keep only some départements: the seed-size map the national one
replaced, for tests and benchmarks that reload or rewrite data many times (their subject is not the map).

    python -m loaders.territory_subset DEST 43 55 92 972
"""

from __future__ import annotations

import csv
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

SEED_DEPARTEMENTS = ("43", "55", "92", "972")


def _cut(path: Path, keep: Callable[[dict[str, str]], bool]) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        rows = [r for r in reader if keep(r)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def subset_copy(data: Path, dest: Path, departements: tuple[str, ...] = SEED_DEPARTEMENTS) -> Path:
    """Copy `data` to `dest`, keeping in territories/ the communes (and their mairies, postal codes,
    cantons, EPCI) of `departements` only; régions, départements and collectivités stay whole."""
    shutil.copytree(data, dest)
    terr = dest / "territories"
    with (terr / "communes.csv").open(encoding="utf-8", newline="") as fh:
        keep = {r["code"] for r in csv.DictReader(fh) if r["departement"] in departements}
    _cut(terr / "communes.csv", lambda r: r["code"] in keep)
    _cut(terr / "mairies.csv", lambda r: r["commune"] in keep)
    _cut(terr / "arrondissements.csv", lambda r: r["commune"] in keep)
    places = keep | {r["code"] for r in csv.DictReader((terr / "arrondissements.csv").open(encoding="utf-8"))}
    _cut(terr / "postal_codes.csv", lambda r: r["commune"] in places)
    _cut(terr / "cantons.csv", lambda r: r["departement"] in departements)
    with (terr / "communes.csv").open(encoding="utf-8", newline="") as fh:
        epci = {r["epci_siren"] for r in csv.DictReader(fh)}
    _cut(terr / "epci.csv", lambda r: r["siren"] in epci)
    return dest


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    subset_copy(Path("data"), Path(sys.argv[1]), tuple(sys.argv[2:]) or SEED_DEPARTEMENTS)

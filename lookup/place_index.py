"""The place tables of the index: communes with their memberships, names, postal codes, the bodies that
govern territories, and the organisations we hold with the territory each governs.

Built once per index by `build_places(records, vocab)` from the graph rows `lookup_organisations`,
`lookup_territories` (seed territories; communes with their parents), `lookup_places` (every commune and
arrondissement with its memberships, postal codes and location) and `lookup_bodies` (départements, EPCI,
régions and the collectivités governing them). Memberships answer « who governs here »
(`PlaceIndex.owners`, `governs`); `commune_param` reads a `commune` parameter (`UnknownCommune` when it
names none).

Memory: one slotted record per commune, its parents as one sorted tuple, and the territory codes shared
by every commune that has them (`sys.intern`), so the national map costs what it holds, not 35 000 copies
of « region-44 ».
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lookup.errors import UnknownCommune
from lookup.text import common_words, words

ARTICLES = frozenset({"le", "la", "les", "l"})
SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Suffixes that let "Revigny" stand for "Revigny-sur-Ornain", "Thierville" for "Thierville-sur-Meuse".
_SHORT = re.compile(r"^(.{5,}?)-(?:sur|sous|en|les|lès|lez|aux|devant|le|la)-", re.IGNORECASE)
_FIRST = re.compile(r"^([^-\s]{4,})-")  # « Rueil » for Rueil-Malmaison: a second choice among the Rueil-…
TOWN = 30_000  # … only for a town that size (people shorten a town's double name, not a village's: Grenier-Montgon)


@dataclass(frozen=True, slots=True)
class Commune:
    id: str  # INSEE code
    name: str
    parents: tuple[str, ...]  # territories containing it, sorted: canton, EPCI, département, région…


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    """A commune's memberships: what decides which body is competent there."""

    code: str
    name: str
    departement: str | None
    epci: str | None
    canton: str | None
    region: str | None
    dep_body: str | None  # code of the collectivité holding département competences there (55D, 69M, 6AE…)
    lat: float | None
    lon: float | None
    population: int | None = None


@dataclass(frozen=True, slots=True)
class Body:
    """A département, région, EPCI or collectivité, as `lookup_bodies` returns it."""

    id: str
    code: str
    name: str
    kind: str
    body: str | None = None  # département / région: the collectivité governing it
    body_kind: str | None = None
    epci_kind: str | None = None
    region: str | None = None  # département: its région's code


@dataclass(frozen=True, slots=True)
class OrgName:
    words: tuple[str, ...]  # folded words of the organisation's name or an alias
    org: str


@dataclass
class PlaceIndex:
    communes: dict[str, Commune]
    commune_names: dict[tuple[str, ...], list[str]]  # folded word sequence → commune ids
    ambiguous_words: frozenset[str]  # one-word commune names that are also ordinary words
    org_names: dict[str, list[OrgName]]  # first word → names starting with it, longest first
    org_territory: dict[str, str]  # organisation → the territory it governs
    org_of_territory: dict[str, list[str]]  # territory → organisations governing it
    name_lengths: dict[str, int] = field(default_factory=dict)  # first word → longest name in words
    info: dict[str, PlaceInfo] = field(default_factory=dict)  # commune → memberships, location
    postal: dict[str, list[str]] = field(default_factory=dict)  # postal code → communes
    bodies: dict[str, Body] = field(default_factory=dict)  # territory id → body
    dep_names: dict[tuple[str, ...], str] = field(default_factory=dict)  # folded name → département code
    org_kinds: dict[str, str] = field(default_factory=dict)  # organisation → kind
    short_names: dict[tuple[str, ...], list[str]] = field(default_factory=dict)  # short forms that are second choices
    ordinary: Collection[str] = frozenset()  # words of the index's own texts: ordinary words, not names

    def owners(self, commune: str) -> list[str]:
        """Organisations governing the commune or a territory containing it."""
        c = self.communes.get(commune)
        if c is None:
            return []
        return [o for t in [commune, *c.parents] for o in self.org_of_territory.get(t, [])]

    def population(self, commune: str) -> int:
        return (i.population or 0) if (i := self.info.get(commune)) is not None else 0

    def governs(self, org: str, commune: str | None, departement: str | None) -> bool:
        """Whether `org` governs the commune, or part of the département, named."""
        if commune:
            return org in self.owners(commune)
        territory = self.org_territory.get(org)
        if not departement or territory is None:
            return False
        return territory == departement or any(
            territory in c.parents and departement in c.parents for c in self.communes.values())


def commune_param(places: PlaceIndex, commune: str) -> list[str]:
    """The communes a `commune` parameter names: an INSEE code or an official name."""
    c = commune.strip()
    if c in places.communes:
        return [c]
    if c in places.postal:
        return list(places.postal[c])
    ids = places.commune_names.get(tuple(saints(words(c))))
    if not ids:
        raise UnknownCommune(f"Commune inconnue : {commune!r} (nom officiel ou code INSEE attendu).")
    return list(ids)


def saints(ws: list[str]) -> list[str]:
    """« St-Malo », « Ste Maxime » as written in the names: « saint », « sainte »."""
    return [SAINTS.get(w, w) for w in ws]


def _code(value: Any) -> str | None:
    """A territory code shared by every record that names it."""
    return sys.intern(str(value)) if value not in (None, "") else None


def _parents(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(sorted({sys.intern(str(p)) for p in values if p}))


def build_places(records: Mapping[str, list[dict[str, Any]]], vocab: Iterable[str]) -> PlaceIndex:
    """Commune, département and organisation name tables from the graph rows."""
    orgs = records.get("lookup_organisations", [])
    rows = records.get("lookup_places", [])
    communes, info = _communes(records.get("lookup_territories", []), rows)
    resolve = {str(r["id"]): str(r.get("commune") or r["id"]) for r in rows}  # arrondissement → its commune
    names, short_names = _names(communes, rows, resolve)
    known = vocab if isinstance(vocab, (dict, set, frozenset)) else frozenset(vocab)
    ambiguous = frozenset(k[0] for k in names if len(k) == 1 and (k[0] in known or len(k[0]) <= 3))
    postal: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        for code in r.get("postal_codes") or []:
            if (cid := resolve[str(r["id"])]) not in postal[code]:
                postal[code].append(cid)
    bodies = {str(r["id"]): Body(str(r["id"]), str(r.get("code") or r["id"]), r.get("name") or "", r.get("kind") or "",
                                 r.get("body"), r.get("body_kind"), r.get("epci_kind"), r.get("region"))
              for r in records.get("lookup_bodies", [])}
    dep_names = {key: b.code for b in bodies.values() if b.kind == "departement" and (key := tuple(words(b.name)))}
    org_names: dict[str, list[OrgName]] = defaultdict(list)
    org_of_territory: dict[str, list[str]] = defaultdict(list)
    for r in orgs:
        org_of_territory[str(r["territory"])].append(r["id"])
        for n in [r["name"], *(r.get("aliases") or [])]:
            if ws := tuple(words(n)):
                org_names[ws[0]].append(OrgName(ws, r["id"]))
    for lst in org_names.values():
        lst.sort(key=lambda n: -len(n.words))
    common_words()  # read the everyday-word list now, with the index, not during the first question
    lengths: dict[str, int] = {}
    for key in [*names, *dep_names, *short_names]:
        lengths[key[0]] = max(lengths.get(key[0], 0), len(key))
    return PlaceIndex(communes, names, ambiguous, dict(org_names), {r["id"]: str(r["territory"]) for r in orgs},
                      dict(org_of_territory), lengths, info, dict(postal), bodies, dep_names,
                      {r["id"]: r.get("kind") or "" for r in orgs}, short_names=short_names, ordinary=known)


def _communes(territories: list[dict[str, Any]], rows: list[dict[str, Any]]
              ) -> tuple[dict[str, Commune], dict[str, PlaceInfo]]:
    """Communes with their parents (seed territories, then the national map's rows) and their memberships."""
    communes = {str(r["id"]): Commune(str(r["id"]), r.get("name") or "", _parents(r.get("parents") or []))
                for r in territories if r.get("kind") == "commune"}
    info: dict[str, PlaceInfo] = {}
    for r in rows:
        if r.get("kind") != "commune":
            continue
        cid = str(r["id"])
        dep, epci, canton, region, dep_body = (_code(r.get(k)) for k in ("departement", "epci", "canton", "region",
                                                                          "dep_body"))
        communes[cid] = Commune(cid, r.get("name") or "", _parents(
            [dep, epci, canton and f"canton-{canton}", dep_body and f"body-{dep_body}", region and f"region-{region}"]))
        info[cid] = PlaceInfo(cid, r.get("name") or "", dep, epci, canton, region, dep_body, r.get("lat"),
                              r.get("lon"), r.get("population"))
    return communes, info


def _names(communes: dict[str, Commune], rows: list[dict[str, Any]], resolve: dict[str, str]
           ) -> tuple[dict[tuple[str, ...], list[str]], dict[tuple[str, ...], list[str]]]:
    """Folded name → communes (official names, arrondissements, names without their article, unambiguous
    short forms); and the short forms that are a second choice: also a commune's full name, or shared."""
    names: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for c in communes.values():
        if key := tuple(words(c.name)):
            names[key].append(c.id)
    for r in rows:
        if r.get("kind") == "arrondissement" and (key := tuple(words(r.get("name") or ""))):
            names[key].append(resolve[str(r["id"])])
    extra: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for c in communes.values():
        key = tuple(words(c.name))
        if len(key) > 1 and key[0] in ARTICLES:  # « au Puy-en-Velay », « du Tampon »
            extra[key[1:]].append(c.id)
    shorts: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key, ids in extra.items():  # « Lamentin » is Lamentin (971) and, as a second choice, Le Lamentin (972)
        (shorts[key].extend if key in names else names.setdefault(key, []).extend)(ids)
    towns = {str(r["id"]) for r in rows if (r.get("population") or 0) >= TOWN}
    for c in communes.values():
        rxs = (_SHORT, _FIRST) if c.id in towns else (_SHORT,)
        for key in {tuple(words(m.group(1))) for rx in rxs if (m := rx.match(c.name))}:
            if key and key[0] not in SAINTS.values():
                shorts[key].append(c.id)
    short_names: dict[tuple[str, ...], list[str]] = {}
    for key, ids in shorts.items():  # a short form borne by one commune alone, and no commune's full name, is a
        if len(ids) == 1 and key not in names:  # name; otherwise a second choice (Revigny 39 / Revigny-sur-Ornain
            names[key] = ids  # 55; Ligny-en-Barrois / Ligny-le-Châtel), settled by the organisation or département
        else:
            short_names[key] = ids
    return dict(names), short_names

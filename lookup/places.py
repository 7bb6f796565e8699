"""Places in a question: which organisation is meant and which communes are named, and how much a
unit's coverage of those communes counts.

The interface the rest of the lookup uses (and that national routing may extend):
- `build_places(records, vocab)` → `PlaceIndex`, from the graph rows `lookup_organisations`,
  `lookup_territories` (communes with their parents: canton, EPCI, département…), `lookup_places`
  (every commune and arrondissement with its memberships, postal codes and location) and `lookup_bodies`
  (départements, EPCI, régions and the collectivités governing them);
- `read_places(places, words, text, org, commune)` → `PlaceReading`: the organisation (given, named,
  or owning the commune), the communes, and which words of the question were place or organisation
  names (they are not the topic);
- `place_factor(places, cover, org, communes)`: the multiplier of a unit covering those territories;
- `UnknownCommune` for a `commune` parameter that names no known commune.

National recognition: names with or without accents and hyphens, « St »/« Ste », without their article
(« au Puy-en-Velay »), arrondissements (resolving to their commune), postal codes and INSEE codes, a
département by name (« dans le Finistère ») or number in brackets (« (29) »). A name shared by several
communes is a list of candidates to choose from unless a département or the organisation settles it. A
one-word name (« Aide », « Rue », « Eu », « Cher »…) counts only when it reads as a place: capitalised,
or after « à, au, en, dans… ». Cost per question: names are looked up by their first word, over the
question's own word spans (at most MAX_NAME_WORDS long), never by scanning the 35 000 communes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lookup.errors import UnknownCommune
from lookup.text import STOP_WORDS, fold, words
from lookup.weights import PLACE_EXACT, PLACE_NEAR

MAX_NAME_WORDS = 6  # longest commune name looked for, in words
DOMINANT = 10  # population ratio above which a shared name means the larger commune
ARTICLES = frozenset({"le", "la", "les", "l"})
SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
PLACE_PREPOSITIONS = frozenset({"a", "au", "aux", "en", "dans", "sur", "pres", "vers", "habite", "habitant",
                                "commune", "ville", "village", "mairie"})
# Suffixes that let "Revigny" stand for "Revigny-sur-Ornain", "Thierville" for "Thierville-sur-Meuse".
_SHORT = re.compile(r"^(.{5,}?)-(?:sur|sous|en|les|lès|lez|aux|devant|le|la)-", re.IGNORECASE)


@dataclass(frozen=True)
class Commune:
    id: str  # INSEE code
    name: str
    parents: frozenset[str]  # territories containing it: canton, EPCI, département, région…


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
    short_names: dict[tuple[str, ...], list[str]] = field(default_factory=dict)  # short form also a full name
    ordinary: frozenset[str] = frozenset()  # words of the index's own texts: ordinary words, not names

    def owners(self, commune: str) -> list[str]:
        """Organisations governing the commune or a territory containing it."""
        c = self.communes.get(commune)
        if c is None:
            return []
        return [o for t in [commune, *sorted(c.parents)] for o in self.org_of_territory.get(t, [])]

    def governs(self, org: str, commune: str | None, departement: str | None) -> bool:
        """Whether `org` governs the commune, or part of the département, named."""
        if commune:
            return org in self.owners(commune)
        territory = self.org_territory.get(org)
        if not departement or territory is None:
            return False
        return territory == departement or any(
            territory in c.parents and departement in c.parents for c in self.communes.values())


@dataclass
class PlaceReading:
    """What the question (or its parameters) says about places."""

    org: str | None  # the organisation asked (parameter), named, or owning the commune
    communes: list[str]  # INSEE codes, in order of mention
    named: set[int]  # positions of the words naming an organisation or a commune
    place_words: set[str]  # words of commune names: kept in the topic query at a lower weight
    candidates: list[str] = field(default_factory=list)  # one name, several communes: ask which
    departement: str | None = None  # a département named (by name or « (29) »)
    outside: list[str] = field(default_factory=list)  # communes named outside the organisation asked


def build_places(records: Mapping[str, list[dict[str, Any]]], vocab: Iterable[str]) -> PlaceIndex:
    """Commune, département and organisation name tables from the graph rows."""
    orgs = records.get("lookup_organisations", [])
    communes = {str(r["id"]): Commune(str(r["id"]), r.get("name") or "", frozenset(map(str, r.get("parents") or [])))
                for r in records.get("lookup_territories", []) if r.get("kind") == "commune"}
    rows = records.get("lookup_places", [])
    for r in rows:  # communes with their memberships (the national map's rows)
        if r.get("kind") == "commune":
            parents = [r.get("departement"), r.get("epci"), r.get("canton") and f"canton-{r['canton']}",
                       r.get("dep_body") and f"body-{r['dep_body']}", r.get("region") and f"region-{r['region']}"]
            communes[str(r["id"])] = Commune(str(r["id"]), r.get("name") or "", frozenset(str(p) for p in parents if p))
    info = {str(r["id"]): PlaceInfo(str(r["id"]), r.get("name") or "", r.get("departement"), r.get("epci"),
                                    r.get("canton"), r.get("region"), r.get("dep_body"), r.get("lat"), r.get("lon"),
                                    r.get("population"))
            for r in rows if r.get("kind") == "commune"}
    resolve = {str(r["id"]): str(r.get("commune") or r["id"]) for r in rows}  # arrondissement → its commune
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
    for key, ids in extra.items():
        names.setdefault(key, ids)
    shorts: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for c in communes.values():
        if (m := _SHORT.match(c.name)) and (key := tuple(words(m.group(1)))):
            shorts[key].append(c.id)
    short_names: dict[tuple[str, ...], list[str]] = {}
    for key, ids in shorts.items():  # unambiguous short forms only; beside a commune of that very name they are
        if len(ids) == 1 and key not in names:  # a second choice (Revigny 39 / Revigny-sur-Ornain 55)
            names[key] = ids
        elif len(ids) == 1:
            short_names[key] = ids
    known = set(vocab)
    ambiguous = frozenset(k[0] for k in names if len(k) == 1 and (k[0] in known or len(k[0]) <= 3))
    postal: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        for code in r.get("postal_codes") or []:
            if (cid := resolve[str(r["id"])]) not in postal[code]:
                postal[code].append(cid)
    bodies = {str(r["id"]): Body(str(r["id"]), str(r.get("code") or r["id"]), r.get("name") or "", r.get("kind") or "",
                                 r.get("body"), r.get("body_kind"), r.get("epci_kind"),
                                 r.get("region"))
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
    lengths: dict[str, int] = {}
    for key in [*names, *dep_names]:
        lengths[key[0]] = max(lengths.get(key[0], 0), len(key))
    return PlaceIndex(communes, dict(names), ambiguous, dict(org_names), {r["id"]: str(r["territory"]) for r in orgs},
                      dict(org_of_territory), lengths, info, dict(postal), bodies, dep_names,
                      {r["id"]: r.get("kind") or "" for r in orgs}, short_names=short_names, ordinary=frozenset(known))


def read_places(places: PlaceIndex, ws: list[str], text: str, org: str | None, commune: str | None) -> PlaceReading:
    """The organisation and communes of a question. `org` (already checked) wins over a named one; a
    `commune` parameter replaces the communes named in the text; communes outside the organisation
    are dropped."""
    named: set[int] = set()
    named_orgs = _find_orgs(places, ws, named)
    org = org or (named_orgs[0] if named_orgs else None)
    departement = _bracketed_departement(places, text)
    groups: list[tuple[list[str], list[str]]]
    if commune:
        groups = [(commune_param(places, commune), [])]
    else:
        groups, dep = _find_communes(places, ws, text, named)
        departement = departement or dep
    communes, candidates = _settle(places, groups, org, departement)
    if org is None:
        org = next((owners[0] for c in communes if (owners := places.owners(c))), None)
    outside: list[str] = []
    if org is not None:
        outside = [c for c in communes if org not in places.owners(c)]
        communes = [c for c in communes if c not in outside]
    place_words = {w for i, w in enumerate(ws) if i in named and (w,) in places.commune_names}
    return PlaceReading(org, communes, named, place_words, candidates, departement, outside)


def _settle(places: PlaceIndex, groups: list[tuple[list[str], list[str]]], org: str | None, departement: str | None
            ) -> tuple[list[str], list[str]]:
    """Each name (group of communes bearing it) narrowed by the département named, then by the organisation;
    a name still shared by several communes is left as candidates (the person is asked which)."""
    communes: list[str] = []
    candidates: list[str] = []
    for exact, second in groups:
        ids = [*exact, *second]
        if len(ids) > 1 and departement:
            ids = [c for c in ids if (i := places.info.get(c)) is not None and i.departement == departement] or ids
        if len(ids) > 1 and org:
            ids = [c for c in ids if org in places.owners(c)] or ids
        if len(ids) > 1 and second and set(exact) <= set(ids):  # a short form is a second choice
            ids = [c for c in ids if c in exact]
        if len(ids) > 1 and places.info:
            ids = _dominant(places, ids)
        if len(ids) > 1 and places.info:  # only the national map can tell; at seed size keep them all
            candidates += [c for c in ids if c not in candidates]
        else:
            communes += [c for c in ids if c not in communes]
    return communes, ([] if communes else candidates)


def place_factor(places: PlaceIndex, cover: set[str], org: str, communes: list[str]) -> float:
    """1 + PLACE_EXACT for a unit covering a commune named, 1 + PLACE_NEAR for one covering its canton
    or EPCI (other than its organisation's whole territory), else 1. A département (code of at most
    3 digits) is not "near"."""
    if not communes or not cover:
        return 1.0
    if not cover.isdisjoint(communes):
        return 1 + PLACE_EXACT
    around = {t for cid in communes if (c := places.communes.get(cid)) is not None
              for t in c.parents if not (t.isdigit() and len(t) <= 3)}
    near = cover & around
    if near and (len(near) > 1 or places.org_territory.get(org) not in near):
        return 1 + PLACE_NEAR
    return 1.0


def commune_param(places: PlaceIndex, commune: str) -> list[str]:
    """The communes a `commune` parameter names: an INSEE code or an official name."""
    c = commune.strip()
    if c in places.communes:
        return [c]
    if c in places.postal:
        return list(places.postal[c])
    ids = places.commune_names.get(tuple(_saints(words(c))))
    if not ids:
        raise UnknownCommune(f"Commune inconnue : {commune!r} (nom officiel ou code INSEE attendu).")
    return list(ids)


def _find_orgs(places: PlaceIndex, ws: list[str], named: set[int]) -> list[str]:
    """Organisations named in the question (name or alias as a word sequence), in order of mention."""
    found: list[tuple[int, str]] = []
    for i, w in enumerate(ws):
        for name in places.org_names.get(w, ()):
            span = range(i, i + len(name.words))
            if tuple(ws[i : span.stop]) == name.words and named.isdisjoint(span):
                named.update(span)
                found.append((i, name.org))
                break
    return list(dict.fromkeys(o for _, o in sorted(found)))


def _find_communes(places: PlaceIndex, ws: list[str], text: str, named: set[int]
                   ) -> tuple[list[tuple[list[str], list[str]]], str | None]:
    """Communes named in the question (one list per name: a name may be shared), longest names first, then
    5-digit postal or INSEE codes; and a département named. A one-word name (or one made only of common
    words) counts only when it reads as a place: capitalised, or after « à, au, en, dans… »."""
    capitalised = {fold(r) for r in re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text)) if r[:1].isupper()}
    ws = _saints(ws)
    found: list[tuple[int, tuple[list[str], list[str]]]] = []
    departement: str | None = None
    spans = sorted((-n, i) for i, w in enumerate(ws) for n in range(1, min(places.name_lengths.get(w, 0),
                                                                         MAX_NAME_WORDS, len(ws) - i) + 1))
    for neg, i in spans:
        span = range(i, i - neg)
        key = tuple(ws[i : span.stop])
        ids = places.commune_names.get(key)
        dep = places.dep_names.get(key)
        if (not ids and not dep) or not named.isdisjoint(span):
            continue
        if not _reads_as_place(places, key, ws, i, capitalised):
            continue
        named.update(span)
        if ids:  # a name after « à, au, dans… » comes before one merely capitalised (« Musée Raymond Poincaré »)
            found.append((i if _after_preposition(ws, i) else i + len(ws),
                          (list(ids), list(places.short_names.get(key, [])))))
        elif departement is None:
            departement = dep
    for i, w in enumerate(ws):
        if len(w) == 5 and w.isdigit() and i not in named:
            ids = places.postal.get(w) or ([w] if w in places.communes else [])
            if ids:
                named.add(i)
                found.append((i, (list(ids), [])))
    return [group for _, group in sorted(found, key=lambda f: f[0])], departement


def _dominant(places: PlaceIndex, ids: list[str]) -> list[str]:
    """A commune DOMINANT times more populous than every other bearing its name is the one meant (Verdun in
    the Meuse, not the Ariège village); otherwise all remain candidates (Saint-Denis 93 / 974)."""
    pops = sorted(((places.info[c].population or 0) if c in places.info else 0, c) for c in ids)
    if pops[-1][0] >= DOMINANT * max(pops[-2][0], 1):
        return [pops[-1][1]]
    return ids


def _saints(ws: list[str]) -> list[str]:
    """« St-Malo », « Ste Maxime » as written in the names: « saint », « sainte »."""
    return [SAINTS.get(w, w) for w in ws]


def _reads_as_place(places: PlaceIndex, key: tuple[str, ...], ws: list[str], i: int, capitalised: set[str]) -> bool:
    """Whether a commune or département name found in the question is used as a place. A distinctive
    name of several words always is; a one-word name, or one made only of ordinary words (stop words,
    words the index knows, short words), only when capitalised or after a place preposition."""
    content = [w for w in key if w not in ARTICLES]
    if not content or all(w in STOP_WORDS for w in content):
        return False
    if not places.info:  # seed-size index (no national map): a one-word name that is not an ordinary word
        return not (len(key) == 1 and ((key[0] in places.ambiguous_words and key[0] not in capitalised)
                                       or len(key[0]) <= 2))
    ordinary = all(w in STOP_WORDS or w in places.ordinary or len(w) <= 3 for w in content)
    if len(key) > 1 and not ordinary:
        return True
    if ordinary:  # « en ligne », « au collégien », « Marché de… »: a capital inside the sentence only
        return content[0] in capitalised and content[0] != (ws[0] if ws else None) and len(content[0]) > 1
    if content[0] in capitalised and len(content[0]) > 1:
        return True
    return _after_preposition(ws, i) and len(content[0]) > 2


def _after_preposition(ws: list[str], i: int) -> bool:
    """The words before position i, articles skipped, end with a place preposition (« à », « dans le »)."""
    j = i - 1
    while j >= 0 and ws[j] in ARTICLES:
        j -= 1
    return j >= 0 and ws[j] in PLACE_PREPOSITIONS


def _bracketed_departement(places: PlaceIndex, text: str) -> str | None:
    """« (29) », « (2A) », « (974) »: a département number written as such."""
    for m in re.finditer(r"\((\d{2,3}|2[ABab])\)", text):
        code = m.group(1).upper()
        if any(b.kind == "departement" and b.code == code for b in places.bodies.values()):
            return code
    return None

"""Places in a question: which organisation is meant and which communes are named, and how much a
unit's coverage of those communes counts.

The interface the rest of the lookup uses (and that national routing may extend):
- `build_places(records, vocab)` → `PlaceIndex`, from the graph rows `lookup_organisations`,
  `lookup_territories` (communes with their parents: canton, EPCI, département…);
- `read_places(places, words, text, org, commune)` → `PlaceReading`: the organisation (given, named,
  or owning the commune), the communes, and which words of the question were place or organisation
  names (they are not the topic);
- `place_factor(places, cover, org, communes)`: the multiplier of a unit covering those territories;
- `UnknownCommune` for a `commune` parameter that names no known commune.
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
# Suffixes that let "Revigny" stand for "Revigny-sur-Ornain", "Thierville" for "Thierville-sur-Meuse".
_SHORT = re.compile(r"^(.{5,}?)-(?:sur|sous|en|les|lès|lez|aux|devant|le|la)-", re.IGNORECASE)


@dataclass(frozen=True)
class Commune:
    id: str  # INSEE code
    name: str
    parents: frozenset[str]  # territories containing it: canton, EPCI, département, région…


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

    def owners(self, commune: str) -> list[str]:
        """Organisations governing the commune or a territory containing it."""
        c = self.communes.get(commune)
        if c is None:
            return []
        return [o for t in [commune, *sorted(c.parents)] for o in self.org_of_territory.get(t, [])]


@dataclass
class PlaceReading:
    """What the question (or its parameters) says about places."""

    org: str | None  # the organisation asked (parameter), named, or owning the commune
    communes: list[str]  # INSEE codes, in order of mention
    named: set[int]  # positions of the words naming an organisation or a commune
    place_words: set[str]  # words of commune names: kept in the topic query at a lower weight


def build_places(records: Mapping[str, list[dict[str, Any]]], vocab: Iterable[str]) -> PlaceIndex:
    """Commune and organisation name tables from the graph rows."""
    orgs = records.get("lookup_organisations", [])
    communes = {str(r["id"]): Commune(str(r["id"]), r.get("name") or "", frozenset(map(str, r.get("parents") or [])))
                for r in records.get("lookup_territories", []) if r.get("kind") == "commune"}
    names: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for c in communes.values():
        if key := tuple(words(c.name)):
            names[key].append(c.id)
    shorts: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for c in communes.values():
        if (m := _SHORT.match(c.name)) and (key := tuple(words(m.group(1)))) and key not in names:
            shorts[key].append(c.id)
    names.update({key: ids for key, ids in shorts.items() if len(ids) == 1})  # unambiguous short forms only
    known = set(vocab)
    ambiguous = frozenset(k[0] for k in names if len(k) == 1 and (k[0] in known or len(k[0]) <= 3))
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
    for key in names:
        lengths[key[0]] = max(lengths.get(key[0], 0), len(key))
    return PlaceIndex(communes, dict(names), ambiguous, dict(org_names), {r["id"]: str(r["territory"]) for r in orgs},
                      dict(org_of_territory), lengths)


def read_places(places: PlaceIndex, ws: list[str], text: str, org: str | None, commune: str | None) -> PlaceReading:
    """The organisation and communes of a question. `org` (already checked) wins over a named one; a
    `commune` parameter replaces the communes named in the text; communes outside the organisation
    are dropped."""
    named: set[int] = set()
    named_orgs = _find_orgs(places, ws, named)
    org = org or (named_orgs[0] if named_orgs else None)
    communes = commune_param(places, commune) if commune else _find_communes(places, ws, text, named)
    if org is None:
        org = next((owners[0] for c in communes if (owners := places.owners(c))), None)
    if org is not None:
        communes = [c for c in communes if org in places.owners(c)]
    place_words = {w for i, w in enumerate(ws) if i in named and (w,) in places.commune_names}
    return PlaceReading(org, communes, named, place_words)


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
    ids = places.commune_names.get(tuple(words(c)))
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


def _find_communes(places: PlaceIndex, ws: list[str], text: str, named: set[int]) -> list[str]:
    """Communes named in the question, longest names first, then 5-digit INSEE codes. A one-word name
    that is also an ordinary word counts only when written with a capital."""
    capitalised = {fold(r) for r in re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text)) if r[:1].isupper()}
    found: list[tuple[int, str]] = []
    spans = sorted((-n, i) for i, w in enumerate(ws) for n in range(1, min(places.name_lengths.get(w, 0),
                                                                         MAX_NAME_WORDS, len(ws) - i) + 1))
    for neg, i in spans:
        span = range(i, i - neg)
        key = tuple(ws[i : span.stop])
        ids = places.commune_names.get(key)
        if not ids or not named.isdisjoint(span):
            continue
        if len(key) == 1 and ((key[0] in places.ambiguous_words and key[0] not in capitalised)
                              or key[0] in STOP_WORDS or len(key[0]) <= 2):
            continue
        named.update(span)
        found += [(i, c) for c in ids]
    for i, w in enumerate(ws):
        if len(w) == 5 and w.isdigit() and w in places.communes and i not in named:
            named.add(i)
            found.append((i, w))
    return list(dict.fromkeys(c for _, c in sorted(found)))

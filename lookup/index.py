"""The lookup index, built from what the graph holds (named `lookup_*` queries), never from data/ files.

Reading the graph keeps the answers in step with whatever was loaded; the index is rebuilt when the
graph's data version (query `meta`) changes. `build_index` takes plain records, so a benchmark can
feed it generated units through the very same code path.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from lookup.text import stems, words

QUERIES = ("lookup_organisations", "lookup_units", "lookup_missions", "lookup_competences", "lookup_handles",
           "lookup_partners", "lookup_sites", "lookup_unit_territories", "lookup_territories")
Records = Mapping[str, list[dict[str, Any]]]

# Unit fields and their weights (BM25F): the name says most, a partner's name least.
FIELDS = {"name": 3.0, "mission": 1.0, "site": 1.5, "partner": 1.0, "territory": 0.4, "head": 0.3}
FIELD_B = {"name": 0.3, "mission": 0.6, "site": 0.4, "partner": 0.4, "territory": 0.3, "head": 0.2}
# Competence fields: acronyms and label are precise, citizens' phrases are loose paraphrases.
COMP_FIELDS = {"label": 2.0, "acronym": 3.0, "keyword": 1.5, "phrase": 0.6}
COMP_B = {"label": 0.3, "acronym": 0.2, "keyword": 0.5, "phrase": 0.7}
K1 = 1.2
# Suffixes that let "Revigny" stand for "Revigny-sur-Ornain", "Thierville" for "Thierville-sur-Meuse".
_SHORT = re.compile(r"^(.{5,}?)-(?:sur|sous|en|les|lès|lez|aux|devant|le|la)-", re.IGNORECASE)


@dataclass
class Mission:
    text: str
    source: str | None
    stems: frozenset[str]


@dataclass
class Unit:
    idx: int
    id: str
    org: str
    name: str
    kind: str
    source: str | None
    quote: str | None
    aliases: list[str]
    head: str | None
    parent: str | None
    depth: int = 0
    missions: list[Mission] = field(default_factory=list)
    handles: list[tuple[int, str | None, str | None]] = field(default_factory=list)  # comp idx, source, quote
    partners: list[tuple[str, str]] = field(default_factory=list)
    sites: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)  # name, terr, src, quote
    cover: set[str] = field(default_factory=set)  # territory ids it operates in or has a site in
    name_stems: list[tuple[str, ...]] = field(default_factory=list)  # name and each alias


@dataclass
class Competence:
    idx: int
    code: str
    label: str
    acronyms: list[str]
    levels: frozenset[str]
    hint: str | None


@dataclass
class Organisation:
    id: str
    name: str
    kind: str
    territory: str
    names: list[tuple[str, ...]]  # folded word sequences of name and aliases
    units: list[int] = field(default_factory=list)


@dataclass
class Commune:
    id: str
    name: str
    parents: frozenset[str]


class Postings(NamedTuple):
    """One stem's units, highest BM25F weight first (ties: unit order), with random access by unit."""

    units: list[int]
    weights: list[float]
    weight: dict[int, float]


@dataclass
class Index:
    version: str | None
    units: list[Unit]
    by_id: dict[str, int]
    orgs: dict[str, Organisation]
    competences: list[Competence]
    postings: dict[str, Postings]  # stem → its units over all organisations, best weight first
    unit_idf: dict[str, float]
    comp_postings: dict[str, list[tuple[int, float]]]
    comp_idf: dict[str, float]
    comp_phrases: list[tuple[tuple[str, ...], int]]  # multi-word keyword/label stems → competence
    handlers: dict[int, list[int]]  # competence idx → unit idxs
    org_handlers: dict[str, dict[int, list[int]]]  # organisation → competence idx → unit idxs
    profiles: list[tuple[int, ...]]  # distinct sorted multisets of handled competences (units share them)
    profile_units: list[list[int]]  # profile → units
    unit_profile: list[int]  # unit → its profile (-1: handles nothing)
    comp_profiles: dict[int, list[int]]  # competence idx → profiles containing it (once per occurrence)
    org_names: dict[str, list[tuple[tuple[str, ...], str]]]  # first word → (name words, org id), longest first
    vocab: dict[str, str]  # folded word → stem, for typo matching
    vocab_words: list[str]
    communes: dict[str, Commune]
    commune_names: dict[tuple[str, ...], list[str]]  # folded word sequence → commune ids
    ambiguous_words: frozenset[str]  # commune names that are also ordinary words
    org_of_territory: dict[str, list[str]]  # territory id → organisations operating there

    @property
    def size(self) -> int:
        return len(self.units)


def read_records(store: Any) -> Records:
    """Every `lookup_*` query's rows: the whole input of the index."""
    return {name: store.read(name) for name in QUERIES}


def build_index(records: Records, version: str | None = None) -> Index:
    """Turn graph rows into postings, phrase tables and place tables."""
    orgs = {r["id"]: Organisation(r["id"], r["name"], r["kind"], str(r["territory"]),
                                  [tuple(words(n)) for n in [r["name"], *(r.get("aliases") or [])] if words(n)])
            for r in records.get("lookup_organisations", [])}
    units: list[Unit] = []
    by_id: dict[str, int] = {}
    for r in records.get("lookup_units", []):
        if r.get("org") not in orgs:
            continue
        u = Unit(len(units), r["id"], r["org"], r["name"], r.get("kind") or "", r.get("source"), r.get("quote"),
                 list(r.get("aliases") or []), r.get("head"), r.get("parent"))
        by_id[u.id] = u.idx
        units.append(u)
        orgs[u.org].units.append(u.idx)
    for u in units:
        seen, p = set(), u.parent
        while p in by_id and p not in seen:
            seen.add(p)
            u.depth += 1
            p = units[by_id[p]].parent
        u.name_stems = [tuple(stems(n)) for n in [u.name, *u.aliases] if stems(n)]

    comps: list[Competence] = []
    comp_by_code: dict[str, int] = {}
    comp_fields: list[dict[str, list[str]]] = []
    comp_phrases: list[tuple[tuple[str, ...], int]] = []
    for r in records.get("lookup_competences", []):
        c = Competence(len(comps), r["code"], r.get("label") or r["code"], list(r.get("acronyms") or []),
                       frozenset([r.get("level") or "other", *(r.get("also_levels") or [])]), r.get("hint"))
        comp_by_code[c.code] = c.idx
        comps.append(c)
        f: dict[str, list[str]] = {"label": stems(c.label), "acronym": [], "keyword": [], "phrase": []}
        for a in c.acronyms:
            f["acronym"] += stems(a)
        for k in r.get("keywords") or []:
            s = stems(k)
            f["keyword"] += s
            if len(s) >= 2:
                comp_phrases.append((tuple(s), c.idx))
        for ph in r.get("phrases") or []:
            f["phrase"] += stems(ph)
        if len(f["label"]) >= 2:
            comp_phrases.append((tuple(f["label"]), c.idx))
        comp_fields.append(f)

    for r in records.get("lookup_missions", []):
        if r["unit"] in by_id:
            units[by_id[r["unit"]]].missions.append(Mission(r["text"], r.get("source"), frozenset(stems(r["text"]))))
    handlers: dict[int, list[int]] = defaultdict(list)
    for r in records.get("lookup_handles", []):
        if r["unit"] in by_id and r["code"] in comp_by_code:
            ci = comp_by_code[r["code"]]
            units[by_id[r["unit"]]].handles.append((ci, r.get("source"), r.get("quote")))
            handlers[ci].append(by_id[r["unit"]])
    partner_words: dict[int, list[str]] = defaultdict(list)
    for r in records.get("lookup_partners", []):
        if r["unit"] in by_id:
            i = by_id[r["unit"]]
            units[i].partners.append((r["id"], r["name"]))
            partner_words[i] += [r["name"], *(r.get("aliases") or [])]
    for r in records.get("lookup_sites", []):
        if r["unit"] in by_id:
            u = units[by_id[r["unit"]]]
            u.sites.append((r["name"], r.get("territory"), r.get("source"), r.get("quote")))
            if r.get("territory"):
                u.cover.add(str(r["territory"]))

    communes: dict[str, Commune] = {}
    terr_names: dict[str, str] = {}
    for r in records.get("lookup_territories", []):
        terr_names[str(r["id"])] = r.get("name") or ""
        if r.get("kind") == "commune":
            communes[str(r["id"])] = Commune(str(r["id"]), r.get("name") or "", frozenset(map(str, r.get("parents") or [])))
    territory_words: dict[int, list[str]] = defaultdict(list)
    for r in records.get("lookup_unit_territories", []):
        if r["unit"] in by_id:
            i = by_id[r["unit"]]
            units[i].cover.add(str(r["territory"]))
            territory_words[i].append(terr_names.get(str(r["territory"]), ""))

    # ---- unit postings (BM25F, one document per unit)
    docs: list[dict[str, list[str]]] = []
    for u in units:
        docs.append({
            "name": [s for n in u.name_stems for s in n],
            "mission": [s for m in u.missions for s in stems(m.text)],
            "site": [s for site in u.sites for s in stems(site[0])],
            "partner": [s for p in partner_words[u.idx] for s in stems(p)],
            "territory": [s for t in territory_words[u.idx] for s in stems(t)],
            "head": stems(u.head or ""),
        })
    unit_idf, weights = _bm25f(docs, FIELDS, FIELD_B)
    del docs
    postings = _impact_ordered(weights)
    del weights

    comp_idf, cweights = _bm25f(comp_fields, COMP_FIELDS, COMP_B)
    comp_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for ci, ws in enumerate(cweights):
        for t, w in ws.items():
            comp_postings[t].append((ci, w))

    # ---- typo vocabulary: every folded word the index knows, with its stem
    vocab: dict[str, str] = {}
    texts: list[str] = []
    for u in units:
        texts += [u.name, *u.aliases, *(m.text for m in u.missions), *(s[0] for s in u.sites)]
    for r in records.get("lookup_competences", []):
        texts += [r.get("label") or "", *(r.get("acronyms") or []), *(r.get("keywords") or []), *(r.get("phrases") or [])]
    for t in texts:
        for w in words(t):
            if len(w) >= 4 and not w.isdigit() and w not in vocab:
                vocab[w] = stems(w)[0] if stems(w) else w

    # ---- places
    org_of_territory: dict[str, list[str]] = defaultdict(list)
    for o in orgs.values():
        org_of_territory[o.territory].append(o.id)
    commune_names: dict[tuple[str, ...], list[str]] = defaultdict(list)
    full: set[tuple[str, ...]] = set()
    for c in communes.values():
        key = tuple(words(c.name))
        if key:
            commune_names[key].append(c.id)
            full.add(key)
    shorts: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for c in communes.values():
        m = _SHORT.match(c.name)
        if m:
            key = tuple(words(m.group(1)))
            if key and key not in full:
                shorts[key].append(c.id)
    for key, ids in shorts.items():
        if len(ids) == 1:
            commune_names[key] += ids
    ambiguous = frozenset(k[0] for k in commune_names if len(k) == 1 and (k[0] in vocab or len(k[0]) <= 3))

    org_handlers: dict[str, dict[int, list[int]]] = {o: {} for o in orgs}
    for ci, us in handlers.items():
        for u in us:
            org_handlers[units[u].org].setdefault(ci, []).append(u)
    org_names: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for o in orgs.values():
        for n in o.names:
            org_names[n[0]].append((n, o.id))
    for lst in org_names.values():
        lst.sort(key=lambda x: -len(x[0]))
    profiles, profile_units, unit_profile, comp_profiles = _profiles(units)
    return Index(version, units, by_id, orgs, comps, postings, unit_idf, dict(comp_postings), comp_idf,
                 comp_phrases, dict(handlers), org_handlers, profiles, profile_units, unit_profile, comp_profiles,
                 dict(org_names),
                 vocab, sorted(vocab), communes, dict(commune_names), ambiguous, dict(org_of_territory))


def _impact_ordered(weights: list[dict[str, float]]) -> dict[str, Postings]:
    """Postings of every stem over all units, highest weight first, for early stopping."""
    by_stem: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, ws in enumerate(weights):
        for t, w in ws.items():
            by_stem[t].append((i, w))
    out: dict[str, Postings] = {}
    for t, lst in by_stem.items():
        lst.sort(key=lambda x: -x[1])  # stable: ties keep unit order
        out[t] = Postings([i for i, _ in lst], [w for _, w in lst], dict(lst))
    return out


def _profiles(units: list[Unit]) -> tuple[list[tuple[int, ...]], list[list[int]], list[int], dict[int, list[int]]]:
    """Group units by the competences they handle: what a unit inherits depends only on that multiset."""
    ids: dict[tuple[int, ...], int] = {}
    members: list[list[int]] = []
    unit_profile = [-1] * len(units)
    for u in units:
        if not u.handles:
            continue
        key = tuple(sorted(ci for ci, _, _ in u.handles))
        if key not in ids:
            ids[key] = len(members)
            members.append([])
        unit_profile[u.idx] = ids[key]
        members[ids[key]].append(u.idx)
    comp_profiles: dict[int, list[int]] = defaultdict(list)
    for key, pid in ids.items():
        for ci in key:
            comp_profiles[ci].append(pid)
    return list(ids), members, unit_profile, dict(comp_profiles)


def _bm25f(docs: list[dict[str, list[str]]], fw: dict[str, float], fb: dict[str, float]
           ) -> tuple[dict[str, float], list[dict[str, float]]]:
    """Per-document term weights idf·tf'(k1+1)/(k1+tf') with field-weighted, length-normalised tf'."""
    n = max(len(docs), 1)
    avg = {f: (sum(len(d[f]) for d in docs) / n) or 1.0 for f in fw}
    df: Counter[str] = Counter()
    for d in docs:
        df.update({t for f in fw for t in d[f]})
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    out: list[dict[str, float]] = []
    for d in docs:
        tf: dict[str, float] = defaultdict(float)
        for f, w in fw.items():
            if not d[f]:
                continue
            norm = 1 - fb[f] + fb[f] * len(d[f]) / avg[f]
            for t, c in Counter(d[f]).items():
                tf[t] += w * c / norm
        out.append({t: idf[t] * v * (K1 + 1) / (K1 + v) for t, v in tf.items()})
    return idf, out

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
from functools import cached_property
from itertools import groupby
from typing import Any, NamedTuple

import numpy as np

from lookup.candidates import ALPHA, breadth
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


# A unit's evidence options (factor, text, source, quote), and each stem → the options whose text holds it.
EvidenceOptions = tuple[list[tuple[float, str, str | None, str | None]], dict[str, tuple[int, ...]]]


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
    ancestors: tuple[int, ...] = ()  # parent, grand-parent… up to the top
    missions: list[Mission] = field(default_factory=list)
    handles: list[tuple[int, str | None, str | None]] = field(default_factory=list)  # comp idx, source, quote
    partners: list[tuple[str, str]] = field(default_factory=list)
    sites: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)  # name, terr, src, quote
    cover: set[str] = field(default_factory=set)  # territory ids it operates in or has a site in
    name_stems: list[tuple[str, ...]] = field(default_factory=list)  # name and each alias
    labels: list[tuple[str, frozenset[str]]] = field(default_factory=list)  # name, aliases, sites: text, stems
    mission_stems: frozenset[str] | None = None  # all missions' stems, for units with 3 or more missions
    evidence: EvidenceOptions | None = None  # built on first use (see `unit_options`)


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
    span: tuple[int, int] = (0, 0)  # its units are the index's units[lo:hi] (numbered organisation by organisation)


@dataclass
class Commune:
    id: str
    name: str
    parents: frozenset[str]


class Postings(NamedTuple):
    """One stem's units in unit order (an organisation's units are a slice) and their BM25F weights."""

    units: np.ndarray  # int32, ascending
    weights: np.ndarray  # float64


class Holdings(NamedTuple):
    """The competences each handling profile holds, profile after profile (profile p's entries start at
    `starts[p]`). The last profile, "handles nothing", holds one entry: the slot one past the last
    competence, which stands for "none" (count 0), so that every profile's segment is non-empty."""

    comps: np.ndarray  # int32 competence idx
    counts: np.ndarray  # float64: how many HANDLES of that competence (a unit may handle one twice)
    starts: np.ndarray  # int64, one per profile


@dataclass
class Index:
    version: str | None
    units: list[Unit]
    by_id: dict[str, int]
    orgs: dict[str, Organisation]
    competences: list[Competence]
    postings: dict[str, Postings]  # stem → its units over all organisations
    unit_idf: dict[str, float]
    comp_postings: dict[str, list[tuple[int, float]]]
    comp_idf: dict[str, float]
    # first stem → (rank, stems, competence, the stems as a set)
    comp_phrases: dict[str, list[tuple[int, tuple[str, ...], int, frozenset[str]]]]
    handlers: dict[int, list[int]]  # competence idx → unit idxs
    org_handlers: dict[str, dict[int, list[int]]]  # organisation → competence idx → unit idxs
    # Handling profiles: distinct multisets of handled competences (many units share one); the last
    # profile is "handles nothing".
    # profile → the share of a matching competence's score it passes on: ALPHA, damped by the number of
    # competences the profile holds (see lookup.candidates.breadth)
    inherit_factor: np.ndarray
    unit_profile: np.ndarray  # unit → its profile
    holdings: Holdings  # the competences of each profile
    org_names: dict[str, list[tuple[tuple[str, ...], str]]]  # first word → (name words, org id), longest first
    vocab: dict[str, str]  # folded word → stem, for typo matching
    vocab_words: list[str]
    communes: dict[str, Commune]
    commune_names: dict[tuple[str, ...], list[str]]  # folded word sequence → commune ids
    ambiguous_words: frozenset[str]  # commune names that are also ordinary words
    org_of_territory: dict[str, list[str]]  # territory id → organisations operating there
    covered_by: dict[str, list[int]]  # territory id → units covering it (operate in it, or have a site there)
    unit_order: list[int]  # unit → its place when sorted deeper first, then by id (the tie order of answers)

    @property
    def size(self) -> int:
        return len(self.units)

    @cached_property
    def org_kinds(self) -> frozenset[str]:
        """Kinds of organisation present (département, EPCI…): which levels of government are covered."""
        return frozenset(o.kind for o in self.orgs.values())

    @cached_property
    def commune_lengths(self) -> dict[str, int]:
        """First word of a commune name → the longest such name, in words: where a name may start."""
        out: dict[str, int] = {}
        for key in self.commune_names:
            out[key[0]] = max(out.get(key[0], 0), len(key))
        return out


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
    rows = sorted((r for r in records.get("lookup_units", []) if r.get("org") in orgs), key=lambda r: r["org"])
    for r in rows:
        u = Unit(len(units), r["id"], r["org"], r["name"], r.get("kind") or "", r.get("source"), r.get("quote"),
                 list(r.get("aliases") or []), r.get("head"), r.get("parent"))
        by_id[u.id] = u.idx
        units.append(u)
        orgs[u.org].units.append(u.idx)
    for o in orgs.values():
        if o.units:
            o.span = (o.units[0], o.units[-1] + 1)
    for u in units:
        chain, p = [], u.parent
        while p in by_id and by_id[p] not in chain:
            chain.append(by_id[p])
            p = units[by_id[p]].parent
        u.ancestors, u.depth = tuple(chain), len(chain)
        u.name_stems = [tuple(stems(n)) for n in [u.name, *u.aliases] if stems(n)]
        u.labels = [(n, frozenset(stems(n))) for n in [u.name, *u.aliases]]

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
    for u in units:  # with fewer missions, looking at each is as quick as a union (and costs no memory)
        if len(u.missions) >= 3:
            u.mission_stems = frozenset().union(*(m.stems for m in u.missions))
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
            u.labels.append((r["name"], frozenset(stems(r["name"]))))

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
    postings = _postings(weights)
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
    profile_breadth, unit_profile, holdings = _profiles(units, len(comps))
    phrases_by_first: dict[str, list[tuple[int, tuple[str, ...], int, frozenset[str]]]] = defaultdict(list)
    for rank, (phrase, ci) in enumerate(comp_phrases):
        phrases_by_first[phrase[0]].append((rank, phrase, ci, frozenset(phrase)))
    covered_by: dict[str, list[int]] = defaultdict(list)
    for u in units:
        for t in u.cover:
            covered_by[t].append(u.idx)
    unit_order = [0] * len(units)
    for k, u in enumerate(sorted(units, key=lambda u: (-u.depth, u.id))):
        unit_order[u.idx] = k
    return Index(version, units, by_id, orgs, comps, postings, unit_idf, dict(comp_postings), comp_idf,
                 dict(phrases_by_first), dict(handlers), org_handlers, ALPHA * profile_breadth,
                 unit_profile, holdings,
                 dict(org_names),
                 vocab, sorted(vocab), communes, dict(commune_names), ambiguous, dict(org_of_territory),
                 dict(covered_by), unit_order)


def unit_options(unit: Unit) -> EvidenceOptions:
    """The texts that may explain a match on `unit`, in their order of preference (names × 3, missions
    × 1.5, sites × 1.5), with an inverted map so that a question only looks at the options it shares a
    stem with. Built on first use: most units of a large graph are never answered."""
    if unit.evidence is None:
        names = 1 + len(unit.aliases)  # unit.labels: name, aliases, then one per site
        options = [(3.0, name, unit.source, unit.quote) for name, _ in unit.labels[:names]]
        stem_sets = [ss for _, ss in unit.labels[:names]]
        for m in unit.missions:
            options.append((1.5, m.text, m.source, m.text))
            stem_sets.append(m.stems)
        for (sname, ss), (_name, _terr, src, quote) in zip(unit.labels[names:], unit.sites):
            options.append((1.5, sname, src or unit.source, quote or unit.quote))
            stem_sets.append(ss)
        by_stem: dict[str, list[int]] = defaultdict(list)
        for k, ss in enumerate(stem_sets):
            for t in ss:
                by_stem[t].append(k)
        unit.evidence = (options, {t: tuple(ks) for t, ks in by_stem.items()})
    return unit.evidence


def _postings(weights: list[dict[str, float]]) -> dict[str, Postings]:
    """Postings of every stem over all units, in unit order, as arrays for vectorised scoring."""
    by_stem: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    for i, ws in enumerate(weights):
        for t, w in ws.items():
            us, vs = by_stem[t]
            us.append(i)
            vs.append(w)
    return {t: Postings(np.array(us, dtype=np.int32), np.array(vs)) for t, (us, vs) in by_stem.items()}


def _profiles(units: list[Unit], n_competences: int) -> tuple[np.ndarray, np.ndarray, Holdings]:
    """Group units by the competences they handle: what a unit inherits depends only on that multiset."""
    ids: dict[tuple[int, ...], int] = {}
    unit_of: list[tuple[int, ...]] = []
    for u in units:
        key = tuple(sorted(ci for ci, _, _ in u.handles))
        unit_of.append(key)
        if key and key not in ids:
            ids[key] = len(ids)
    nothing = len(ids)
    unit_profile = np.array([ids.get(k, nothing) for k in unit_of], dtype=np.int32)
    comps: list[int] = []
    counts: list[int] = []
    starts: list[int] = []
    for key in ids:  # in profile order
        starts.append(len(comps))
        for ci, same in groupby(key):
            comps.append(ci)
            counts.append(len(list(same)))
    starts.append(len(comps))  # "handles nothing": the "none" slot
    comps.append(n_competences)
    counts.append(0)
    holdings = Holdings(np.array(comps, dtype=np.int32), np.array(counts, dtype=np.float64),
                        np.array(starts, dtype=np.int64))
    sizes = np.array([len(k) for k in ids] + [0])
    return breadth(sizes), unit_profile, holdings


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

"""The lookup index, built from what the graph holds (named `lookup_*` queries), never from data/ files.

Reading the graph keeps the answers in step with whatever was loaded; the engine rebuilds the index
when the graph's data version (query `meta`) changes. `build_index` takes plain records, so a
benchmark can feed it generated units through the very same code path.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from lookup.bm25 import bm25f
from lookup.model import (Competence, Handle, Index, Mission, Organisation, Partner, Phrase, Posting, Site, Situation,
                          Unit)
from lookup.place_index import build_places
from lookup.text import stems, words
from lookup.weights import BACKGROUND, COMP_B, COMP_FIELDS, FIELD_B, FIELDS

QUERIES = ("lookup_organisations", "lookup_units", "lookup_missions", "lookup_competences", "lookup_handles",
           "lookup_partners", "lookup_sites", "lookup_unit_territories", "lookup_territories", "lookup_situations",
           "lookup_places", "lookup_bodies")
Records = Mapping[str, list[dict[str, Any]]]


def read_records(store: Any) -> Records:
    """Every `lookup_*` query's rows: the whole input of the index."""
    return {name: store.read(name) for name in QUERIES}


def build_index(records: Records, version: str | None = None) -> Index:
    """Units with their texts, competences, postings of both, and the place tables."""
    orgs = {r["id"]: Organisation(r["id"], r["name"], r["kind"], str(r["territory"]))
            for r in records.get("lookup_organisations", [])}
    units, by_id = _units(records, orgs)
    comps, comp_docs, phrases = _competences(records)
    comp_by_code = {c.code: c.idx for c in comps}
    handlers: dict[int, list[int]] = defaultdict(list)
    for r in records.get("lookup_handles", []):
        if r["unit"] in by_id and r["code"] in comp_by_code:
            ci = comp_by_code[r["code"]]
            units[by_id[r["unit"]]].handles.append(Handle(ci, r.get("source"), r.get("quote")))
            handlers[ci].append(by_id[r["unit"]])
    unit_idf, unit_weights = bm25f(_unit_docs(records, units, by_id), FIELDS, FIELD_B, BACKGROUND)
    comp_idf, comp_weights = bm25f(comp_docs, COMP_FIELDS, COMP_B)
    situations, sit_docs, sit_phrases = _situations(records, comp_by_code)
    sit_idf, sit_weights = bm25f(sit_docs, COMP_FIELDS, COMP_B)
    vocab = _vocabulary(records, units)
    return Index(version, units, by_id, orgs, comps, _postings(unit_weights), unit_idf, _postings(comp_weights),
                 comp_idf, phrases, situations, _postings(sit_weights), sit_idf, sit_phrases,
                 {ci: sorted(us) for ci, us in handlers.items()}, vocab, build_places(records, vocab))


def _units(records: Records, orgs: dict[str, Organisation]) -> tuple[list[Unit], dict[str, int]]:
    """Units (organisation by organisation) with their chain of ancestors, missions, partners and sites."""
    units: list[Unit] = []
    by_id: dict[str, int] = {}
    for r in sorted((r for r in records.get("lookup_units", []) if r.get("org") in orgs), key=lambda r: r["org"]):
        u = Unit(len(units), r["id"], r["org"], r["name"], r.get("kind") or "", r.get("source"), r.get("quote"),
                 list(r.get("aliases") or []), r.get("head"), r.get("parent"), r.get("section") or "")
        by_id[u.id] = u.idx
        units.append(u)
        orgs[u.org].units.append(u.idx)
    for u in units:
        chain, p = [], u.parent
        while p in by_id and by_id[p] not in chain:
            chain.append(by_id[p])
            p = units[by_id[p]].parent
        u.ancestors, u.depth = tuple(chain), len(chain)
        u.name_stems = [tuple(s) for n in [u.name, *u.aliases] if (s := stems(n))]
    for r in records.get("lookup_missions", []):
        if r["unit"] in by_id:
            units[by_id[r["unit"]]].missions.append(Mission(r["text"], r.get("source"), frozenset(stems(r["text"]))))
    for u in units:
        u.mission_stems = frozenset().union(*(m.stems for m in u.missions))
    for r in records.get("lookup_partners", []):
        if r["unit"] in by_id:
            units[by_id[r["unit"]]].partners.append(Partner(r["id"], r["name"]))
    for r in records.get("lookup_sites", []):
        if r["unit"] in by_id:
            u = units[by_id[r["unit"]]]
            terr = str(r["territory"]) if r.get("territory") else None
            u.sites.append(Site(r["name"], terr, r.get("source"), r.get("quote"), frozenset(stems(r["name"]))))
            if terr:
                u.cover.add(terr)
    for r in records.get("lookup_unit_territories", []):
        if r["unit"] in by_id:
            units[by_id[r["unit"]]].cover.add(str(r["territory"]))
            units[by_id[r["unit"]]].stated.add(str(r["territory"]))
    return units, by_id


def _unit_docs(records: Records, units: list[Unit], by_id: dict[str, int]) -> list[dict[str, list[str]]]:
    """One BM25F document per unit: its name and aliases, missions, sites, partners' names (and aliases),
    the names of the territories it covers, its head's title, its section."""
    partner_words: dict[int, list[str]] = defaultdict(list)
    for r in records.get("lookup_partners", []):
        if r["unit"] in by_id:
            partner_words[by_id[r["unit"]]] += [r["name"], *(r.get("aliases") or [])]
    terr_names = {str(r["id"]): r.get("name") or ""
                  for q in ("lookup_territories", "lookup_places") for r in records.get(q, [])}
    territory_words: dict[int, list[str]] = defaultdict(list)
    for r in records.get("lookup_unit_territories", []):
        if r["unit"] in by_id:
            territory_words[by_id[r["unit"]]].append(terr_names.get(str(r["territory"]), ""))
    return [{
        "name": [s for n in u.name_stems for s in n],
        "mission": [s for m in u.missions for s in stems(m.text)],
        "site": [s for site in u.sites for s in stems(site.name)],
        "partner": [s for p in partner_words[u.idx] for s in stems(p)],
        "territory": [s for t in territory_words[u.idx] for s in stems(t)],
        "head": stems(u.head or ""),
        "section": stems(u.section),
    } for u in units]


def _competences(records: Records) -> tuple[list[Competence], list[dict[str, list[str]]], dict[str, list[Phrase]]]:
    """The competence reference: records, one BM25F document each, and its multi-word keywords and labels."""
    comps: list[Competence] = []
    docs: list[dict[str, list[str]]] = []
    phrases: list[tuple[tuple[str, ...], int]] = []
    for r in records.get("lookup_competences", []):
        c = Competence(len(comps), r["code"], r.get("label") or r["code"], list(r.get("acronyms") or []),
                       frozenset([r.get("level") or "other", *(r.get("also_levels") or [])]), r.get("hint"),
                       r.get("level") or "other", r.get("competent_body"), r.get("link"),
                       tuple(json.loads(r["exceptions"])) if r.get("exceptions") else (), bool(r.get("internal")))
        comps.append(c)
        docs.append(_reference_doc(c.label, c.acronyms, r.get("keywords") or [], r.get("phrases") or [], c.idx,
                                   phrases, label_phrase=True))
    return comps, docs, _by_first(phrases)


def _situations(records: Records, comp_by_code: dict[str, int]
                ) -> tuple[list[Situation], list[dict[str, list[str]]], dict[str, list[Phrase]]]:
    """Situations as documents shaped like the competences' (label, words as keywords, phrases)."""
    out: list[Situation] = []
    docs: list[dict[str, list[str]]] = []
    phrases: list[tuple[tuple[str, ...], int]] = []
    for r in records.get("lookup_situations", []):
        comps = tuple(comp_by_code[c] for c in r.get("competences") or [] if c in comp_by_code)
        if not comps:
            continue
        st = Situation(len(out), r["code"], r.get("label") or r["code"], comps)
        out.append(st)
        docs.append(_reference_doc(st.label, [], r.get("words") or [], r.get("phrases") or [], st.idx, phrases,
                                   label_phrase=False))
    return out, docs, _by_first(phrases)


def _reference_doc(label: str, acronyms: list[str], keywords: list[str], texts: list[str], item: int,
                   phrases: list[tuple[tuple[str, ...], int]], label_phrase: bool) -> dict[str, list[str]]:
    """One entry of a reference (a competence, a situation) as a BM25F document. Its multi-word keywords
    (and, with `label_phrase`, its label) join `phrases`, in the reference's order."""
    doc: dict[str, list[str]] = {"label": stems(label), "acronym": [s for a in acronyms for s in stems(a)],
                                 "keyword": [], "phrase": [s for t in texts for s in stems(t)]}
    for k in keywords:
        s = stems(k)
        doc["keyword"] += s
        if len(s) >= 2:
            phrases.append((tuple(s), item))
    if label_phrase and len(doc["label"]) >= 2:
        phrases.append((tuple(doc["label"]), item))
    return doc


def _by_first(phrases: list[tuple[tuple[str, ...], int]]) -> dict[str, list[Phrase]]:
    """Phrases by their first stem, each with its rank in the reference (the order sums are made in)."""
    by_first: dict[str, list[Phrase]] = defaultdict(list)
    for rank, (ss, item) in enumerate(phrases):
        by_first[ss[0]].append(Phrase(rank, ss, item))
    return dict(by_first)


def _vocabulary(records: Records, units: list[Unit]) -> dict[str, str]:
    """Every folded word (4 letters or more) of the units' and competences' texts → its stem."""
    texts: list[str] = []
    for u in units:
        texts += [u.name, *u.aliases, *(m.text for m in u.missions), *(s.name for s in u.sites)]
    for r in records.get("lookup_competences", []):
        texts += [r.get("label") or "", *(r.get("acronyms") or []), *(r.get("keywords") or []), *(r.get("phrases") or [])]
    for r in records.get("lookup_situations", []):
        texts += [r.get("label") or "", *(r.get("words") or []), *(r.get("phrases") or [])]
    vocab: dict[str, str] = {}
    for t in texts:
        for w in words(t):
            if len(w) >= 4 and not w.isdigit() and w not in vocab:
                vocab[w] = stems(w)[0] if stems(w) else w
    return vocab


def _postings(weights: list[dict[str, float]]) -> dict[str, list[Posting]]:
    """Stem → the items (in index order) whose document holds it, with its weight there."""
    out: dict[str, list[Posting]] = defaultdict(list)
    for i, ws in enumerate(weights):
        for t, w in ws.items():
            out[t].append(Posting(i, w))
    return dict(out)

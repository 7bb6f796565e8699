"""« Qui s'occupe de … ? » — ranks units of an organisation for a free-text question.

Method (no question-specific rules): the question's stems are scored BM25F-style against each unit's
fields (name and aliases, missions, sites, partners, territories) and against the competence
reference (label, acronyms, keywords, citizens' phrases); a unit inherits the score of the
competences it HANDLES. Unknown words are mapped to the index vocabulary by fuzzy matching (typos).
A commune named in the question selects the organisation and favours the units that cover it. A
question whose best topic belongs to another level of government, or whose evidence is weak, is
reported out of scope with the competence's hint.
"""

from __future__ import annotations

import gc
import re
import threading
import time
import unicodedata
from collections import defaultdict
from typing import Any

from rapidfuzz import fuzz, process

from lookup.candidates import ALPHA, candidates
from lookup.index import Index, build_index, read_records, unit_options
from lookup.text import ELISIONS, STOP_WORDS, contains_phrase, fold, stem, words

MAX_QUESTION = 500
EMPTY_QUESTION = "La question est vide : écrivez par exemple « qui s'occupe du RSA ? »."  # for the interfaces
MAX_LIMIT = 50
NAME_BONUS = 1.0  # a question that names the unit
PASSAGE = 0.5  # weight of the best single mission sentence (several query words together)
PHRASE_BONUS = 0.6  # a multi-word keyword or label found as such
PLACE_EXACT, PLACE_NEAR = 0.6, 0.3  # unit covers the commune itself / its canton or EPCI
MIN_SCORE = 4.0  # below this the evidence is too weak to name a unit
MIN_TOPIC = 3.0  # a competence must match at least this well to declare the question out of scope
SPECIFIC_MARGIN = 0.04  # a descendant this close to its ancestor's score is listed first
SAME_TOPIC_MARGIN = 0.10  # … per level of depth, when both owe their rank to the same competence
FUZZY_CUTOFF = 84
REPLICAS = 2  # this many same-kind units with the same score are local copies of one another
PLACE_WORD = 0.5  # weight of a commune's words in the topic query
MAX_FUZZY_WORDS = 40


class LookupError_(ValueError):
    """Bad input to `ask` (message in French, for the user)."""


class QuestionTooLong(LookupError_):
    """The question exceeds MAX_QUESTION characters."""


class UnknownOrganisation(LookupError_):
    pass


class UnknownCommune(LookupError_):
    pass


class Engine:
    """Holds the index and rebuilds it when the graph's data version changes."""

    def __init__(self, store: Any = None, index: Index | None = None, check_every: float = 2.0) -> None:
        self._store = store
        self._index = index
        self._checked = 0.0
        self._check_every = check_every
        self._lock = threading.Lock()
        self._fuzzy: dict[str, list[tuple[str, float]]] = {}
        if index is not None:
            _settle()

    @classmethod
    def from_store(cls, store: Any) -> Engine:
        return cls(store=store)

    def index(self) -> Index:
        """The current index, rebuilt if the graph was reloaded since it was built."""
        if self._store is None:
            assert self._index is not None
            return self._index
        now = time.monotonic()
        if self._index is not None and now - self._checked < self._check_every:
            return self._index
        with self._lock:
            meta = self._store.read("meta")
            version = meta[0]["version"] if meta else None
            self._checked = time.monotonic()
            if self._index is None or self._index.version != version:
                self._index = build_index(read_records(self._store), version)
                self._fuzzy = {}
                _settle()
            return self._index

    # ------------------------------------------------------------------ the question
    def ask(self, question: Any, org: str | None = None, commune: str | None = None, limit: int = 5) -> dict:
        """Answer `question` with the JSON contract documented in the module (never raises on odd text)."""
        text = "" if question is None else str(question)
        if len(text) > MAX_QUESTION:
            raise QuestionTooLong(f"Question trop longue : {len(text)} caractères (maximum {MAX_QUESTION}). "
                                  "Reformulez-la plus brièvement.")
        try:
            limit = max(1, min(int(limit), MAX_LIMIT))
        except (TypeError, ValueError):
            limit = 5
        idx = self.index()
        if not text.isprintable():  # control, format, unassigned… characters become spaces
            text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
        if org is not None and org not in idx.orgs:
            raise UnknownOrganisation(f"Organisation inconnue : {org!r}. Connues : {', '.join(sorted(idx.orgs))}.")
        all_words = words(text)
        used: set[int] = set()  # word positions naming an organisation or a commune

        org_id = org
        named_orgs = _find_orgs(idx, all_words, used)
        if org_id is None and named_orgs:
            org_id = named_orgs[0]

        place_ids: list[str] = []
        if commune:
            place_ids = _commune_param(idx, commune)
        else:
            place_ids = _find_communes(idx, all_words, text, used)
        if org_id is None:
            for cid in place_ids:
                owners = _owners(idx, cid)
                if owners:
                    org_id = owners[0]
                    break
        if org_id is not None:
            place_ids = [c for c in place_ids if org_id in _owners(idx, c)]

        # Words naming the organisation select it and are not the topic; a commune's words mostly act
        # through the place boost, but keep a little weight (sites, partners and units are named after places).
        place_words = {w for i, w in enumerate(all_words) if i in used and _is_place(idx, w)}
        qterms = self._terms(idx, [w for i, w in enumerate(all_words) if i not in used or w in place_words],
                             drop={w for i, w in enumerate(all_words) if i in used and w not in place_words},
                             exact=place_words)
        for w in place_words:
            if stem(w) in qterms:
                qterms[stem(w)] *= PLACE_WORD
        qseq = [stem(w) for w in all_words if w not in STOP_WORDS and w not in ELISIONS]
        cscores = _competence_scores(idx, qterms, qseq)
        scores, comp_of = _unit_scores(idx, qterms, cscores, org_id)
        _name_bonus(idx, scores, qterms)
        text_best = max(scores.values(), default=0.0)  # evidence of the units' own words
        best_comp: dict[int, int] = {}
        for u, (ci, inherited) in comp_of.items():
            scores[u] = scores.get(u, 0.0) + inherited
            best_comp[u] = ci
        _place_boost(idx, scores, place_ids)

        kinds = {idx.orgs[org_id].kind} if org_id else idx.org_kinds
        out_of_scope, hint = False, None
        top_comp = max(cscores, key=cscores.get) if cscores else None
        if top_comp is not None and cscores[top_comp] >= MIN_TOPIC:
            c = idx.competences[top_comp]
            handled_here = (top_comp in idx.org_handlers.get(org_id, {}) if org_id else top_comp in idx.handlers)
            if not handled_here and not (c.levels & kinds) and cscores[top_comp] >= text_best:
                out_of_scope, hint = True, c.hint
        best = max(scores.values(), default=0.0)
        if best < MIN_SCORE:
            out_of_scope = True
        answers = [] if out_of_scope else self._answers(idx, scores, best_comp, cscores, qterms, limit,
                                                        collapse=not place_ids)
        return {"question": text, "organisation": org_id, "out_of_scope": out_of_scope, "hint": hint,
                "answers": answers}

    def _terms(self, idx: Index, ws: list[str], drop: set[str], exact: set[str]) -> dict[str, float]:
        """Query stems with weights: 1 for a known stem, the similarity for a typo-corrected one. Words in
        `exact` (a commune's name) are not typos: they count only if the index knows them."""
        terms: dict[str, float] = {}
        fuzzy_budget = MAX_FUZZY_WORDS
        for w in ws:
            if w in STOP_WORDS or w in ELISIONS or w in drop or (len(w) < 2 and not w.isdigit()):
                continue
            s = stem(w)
            if s in idx.unit_idf or s in idx.comp_idf or len(w) < 4 or w.isdigit():
                terms[s] = max(terms.get(s, 0.0), 1.0)
                continue
            if fuzzy_budget <= 0 or w in exact:
                continue
            fuzzy_budget -= 1
            for fs, wt in self._fuzzy_terms(idx, w):
                terms[fs] = max(terms.get(fs, 0.0), wt)
        return terms

    def _fuzzy_terms(self, idx: Index, w: str) -> list[tuple[str, float]]:
        if w in self._fuzzy:
            return self._fuzzy[w]
        res: list[tuple[str, float]] = []
        for p in ("qu", "l", "d", "j", "n", "s"):  # elision typed without apostrophe: "lenfance"
            rest = w[len(p):]
            if w.startswith(p) and rest in idx.vocab:
                res = [(idx.vocab[rest], 0.95)]
                break
        if not res:
            hits = process.extract(w, idx.vocab_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=3)
            if hits:
                top = hits[0][1]
                res = [(idx.vocab[h[0]], (h[1] / 100.0) ** 2) for h in hits if h[1] >= top - 2]
        if len(self._fuzzy) < 50_000:
            self._fuzzy[w] = res
        return res

    def _answers(self, idx: Index, scores: dict[int, float], comp_of: dict[int, int], cscores: dict[int, float],
                 qterms: dict[str, float], limit: int, collapse: bool) -> list[dict]:
        order = idx.unit_order  # deeper first, then by id
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
        ranked = [kv for kv in ranked if kv[1] > 0][: max(limit * 4, 20)]
        ranked = _specific_first(idx, ranked, comp_of)
        if collapse:
            ranked = _collapse_replicas(idx, ranked, scores)
        weighted = [(t, idx.unit_idf.get(t, 0.0) * w) for t, w in qterms.items()]  # once for all answers
        return [_answer(idx, u, s, comp_of.get(u), cscores, weighted) for u, s in ranked[:limit]]


def _settle() -> None:
    """Keep the collector off a freshly built index: a large index is millions of long-lived objects,
    and a full collection over them would stall a question for up to a second. The index holds no
    reference cycles, so a replaced one is still freed (by reference counting)."""
    gc.collect()
    gc.freeze()


# ---------------------------------------------------------------------- scoring pieces
def _competence_scores(idx: Index, qterms: dict[str, float], qseq: list[str]) -> dict[int, float]:
    cs: dict[int, float] = defaultdict(float)
    for t, qw in qterms.items():
        for ci, w in idx.comp_postings.get(t, ()):
            cs[ci] += qw * w
    found = sorted(entry for t in qterms for entry in idx.comp_phrases.get(t, ())
                   if qterms.keys() >= entry[3] and contains_phrase(qseq, entry[1]))
    for _rank, phrase, ci, _stems in found:  # in the reference's order, so that sums are always made alike
        cs[ci] += PHRASE_BONUS * sum(idx.comp_idf.get(p, 0.0) for p in phrase)
    return dict(cs)


def _unit_scores(idx: Index, qterms: dict[str, float], cscores: dict[int, float], org: str | None
                 ) -> tuple[dict[int, float], dict[int, tuple[int, float]]]:
    """Own-text scores per unit, and per unit its best competence with the score inherited from it."""
    own, comp_of = candidates(idx, qterms, cscores, org)  # large graphs: finer features only for the best
    scores: dict[int, float] = defaultdict(float, own)
    # Proximity: query words found together in one mission sentence say more than the same words
    # scattered over a unit's missions.
    qset = set(qterms)
    for u in list(scores):
        unit = idx.units[u]
        best = 0.0
        if unit.mission_stems is None or len(qset.intersection(unit.mission_stems)) >= 2:  # else no mission can
            for m in unit.missions:
                hits = qset & m.stems
                if len(hits) >= 2:
                    best = max(best, sum(idx.unit_idf.get(t, 0.0) * qterms[t] for t in hits))
        scores[u] += PASSAGE * best
    return dict(scores), comp_of


def _name_bonus(idx: Index, scores: dict[int, float], qterms: dict[str, float]) -> None:
    """A unit whose whole name (or alias) is in the question is being named: reward in proportion."""
    total = sum(idx.unit_idf.get(t, 0.0) * w for t, w in qterms.items()) or 1.0
    qset = set(qterms)
    for u in list(scores):
        best = 0.0
        for name in idx.units[u].name_stems:
            if name and qset.issuperset(name):
                mass = sum(idx.unit_idf.get(t, 0.0) * qterms[t] for t in set(name))
                best = max(best, mass * min(1.0, mass / total))
        if best:
            scores[u] += NAME_BONUS * best


def _place_boost(idx: Index, scores: dict[int, float], place_ids: list[str]) -> None:
    """Favour the units that cover the communes named (or their canton, EPCI…): only the units the
    territories' inverted lists name are examined, not every scored unit."""
    if not place_ids:
        return
    # The canton, EPCI… around each commune; a département (a code of at most 3 digits) is not "near".
    exact = frozenset(place_ids)
    around = frozenset(t for cid in place_ids if (c := idx.communes.get(cid)) is not None
                       for t in c.parents if not (t.isdigit() and len(t) <= 3))
    covering = {u for t in exact | around for u in idx.covered_by.get(t, ())}
    for u in covering.intersection(scores):
        unit = idx.units[u]
        best = 0.0
        if not unit.cover.isdisjoint(exact):
            best = PLACE_EXACT
        elif near := unit.cover.intersection(around):  # … other than the organisation's whole territory
            if len(near) > 1 or idx.orgs[unit.org].territory not in near:
                best = PLACE_NEAR
        if best:
            scores[u] *= 1 + best


def _specific_first(idx: Index, ranked: list[tuple[int, float]], comp_of: dict[int, int],
                    above: set[int] | None = None) -> list[tuple[int, float]]:
    """Put a unit before its ancestor when both carry (nearly) the same evidence. After a move the same
    position is examined again: what precedes it is unchanged, and so is the set of units after it.
    `above`: the units that may have a descendant listed (default: the listed units' ancestors; moves
    reorder the list, never change its set); the others are passed over at once."""
    out = list(ranked)
    if above is None:
        above = {a for u, _ in out for a in idx.units[u].ancestors}
    i = moves = 0
    while i < len(out) and moves < 50:
        ui, si = out[i]
        if ui not in above:  # no unit listed below it is its descendant
            i += 1
            continue
        ci, di = comp_of.get(ui), idx.units[ui].depth
        for j in range(i + 1, len(out)):
            uj, sj = out[j]
            if ui not in idx.units[uj].ancestors:
                continue
            margin = SPECIFIC_MARGIN
            if ci is not None and ci == comp_of.get(uj):
                margin = max(margin, min(0.3, SAME_TOPIC_MARGIN * (idx.units[uj].depth - di)))
            if sj >= si * (1 - margin):
                out.insert(i, out.pop(j))
                moves += 1
                break
        else:
            i += 1
    return out


def _collapse_replicas(idx: Index, ranked: list[tuple[int, float]], scores: dict[int, float]
                       ) -> list[tuple[int, float]]:
    """Local copies of one unit (same kind, same score: e.g. one road centre per canton) cannot be told
    apart without a place: answer with the unit that groups them, and list the copies after the rest."""
    groups: dict[tuple[float, str], list[int]] = defaultdict(list)
    for u, s in ranked:
        groups[(round(s, 6), idx.units[u].kind)].append(u)
    out = list(ranked)
    for (s, _kind), members in groups.items():
        if len(members) < REPLICAS:
            continue
        lca = _common_ancestor(idx, members)
        if lca is None:
            continue
        first = min(i for i, (u, _) in enumerate(out) if u in members)
        rest = [kv for kv in out if kv[0] not in members and kv[0] != lca]
        copies = [kv for kv in out if kv[0] in members]
        head = [kv for kv in rest if out.index(kv) < first]
        tail = [kv for kv in rest if out.index(kv) >= first]
        out = head + [(lca, max(s, scores.get(lca, 0.0)))] + tail + copies
    return out


def _common_ancestor(idx: Index, members: list[int]) -> int | None:
    common = list(idx.units[members[0]].ancestors)
    for m in members[1:]:
        anc = set(idx.units[m].ancestors)
        common = [a for a in common if a in anc]
    return common[0] if common else None


def _answer(idx: Index, u: int, score: float, ci: int | None, cscores: dict[int, float],
            weighted: list[tuple[str, float]]) -> dict:
    unit = idx.units[u]
    org = idx.orgs[unit.org]
    chain = [{"id": a.id, "name": a.name, "kind": a.kind} for a in map(idx.units.__getitem__, unit.ancestors)]
    matched, evidence = _evidence(idx, unit, ci, cscores, weighted)
    comp = idx.competences[ci] if ci is not None else None
    return {
        "score": round(float(score), 4),
        "unit": {"id": unit.id, "name": unit.name, "kind": unit.kind,
                 "organisation": {"id": org.id, "name": org.name}},
        "chain": chain,
        "competence": {"code": comp.code, "label": comp.label} if comp else None,
        "matched": matched,
        "evidence": evidence,
        "head": unit.head,
        "partners": [{"id": pid, "name": name} for pid, name in unit.partners],
    }


def _evidence(idx: Index, unit: Any, ci: int | None, cscores: dict[int, float], weighted: list[tuple[str, float]]
              ) -> tuple[str, dict | None]:
    """The text that best explains the match, and a verbatim quote with its source. `weighted`: the query
    stems with their idf × weight, in the query's order (sums are always made in that order).

    The options are the unit's names (× 3), missions (× 1.5, concrete wording first), sites (× 1.5), then the
    competence it inherits from; each scores its overlap with the query. The first best option wins, so
    their order matters: with no overlap at all, the unit's own name."""
    options, by_stem = unit_options(unit)
    overlap: dict[int, float] = {}
    for t, v in weighted:  # only the options sharing a query stem, summed in the query's order
        for k in by_stem.get(t, ()):
            overlap[k] = overlap.get(k, 0.0) + v
    best, best_score = options[0], 0.0
    for k in sorted(overlap):
        score = options[k][0] * overlap[k]
        if score > best_score:
            best, best_score = options[k], score
    if ci is not None:
        inherited = ALPHA * cscores.get(ci, 0.0)
        for hci, src, quote in unit.handles:
            if hci == ci and inherited > best_score:
                best = (ALPHA, idx.competences[ci].label, src or unit.source, quote or unit.quote)
                best_score = inherited
    return best[1], _ev(best[2], best[3])


def _ev(source: str | None, quote: str | None) -> dict | None:
    return {"source": source, "quote": quote} if quote else None


# ---------------------------------------------------------------------- places and organisations
def _capitalised(text: str) -> set[str]:
    """Folded words the question writes with a capital (a place name rather than an ordinary word)."""
    return {fold(r) for r in re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text)) if r[:1].isupper()}


def _find_orgs(idx: Index, ws: list[str], used: set[int]) -> list[str]:
    """Organisations named in the question (name or alias as a word sequence), in order of mention."""
    found: list[tuple[int, str]] = []
    for i, w in enumerate(ws):
        for name, oid in idx.org_names.get(w, ()):
            n = len(name)
            if tuple(ws[i : i + n]) == name and not used.intersection(range(i, i + n)):
                used.update(range(i, i + n))
                found.append((i, oid))
                break
    found.sort()
    return list(dict.fromkeys(o for _, o in found))


def _find_communes(idx: Index, ws: list[str], text: str, used: set[int]) -> list[str]:
    """Communes named in the question, longest names first (1 to 6 words), then 5-digit INSEE codes."""
    capitalised: set[str] | None = None
    found: list[tuple[int, str]] = []
    lengths = idx.commune_lengths
    starts = [(i, m) for i, w in enumerate(ws) if (m := lengths.get(w))]  # where a name may start
    spans = sorted((-n, i) for i, m in starts for n in range(1, min(m, 6, len(ws) - i) + 1))
    for neg, i in spans:
        n = -neg
        if used.intersection(range(i, i + n)):
            continue
        key = tuple(ws[i : i + n])
        ids = idx.commune_names.get(key)
        if not ids:
            continue
        if n == 1 and key[0] in idx.ambiguous_words:
            if capitalised is None:
                capitalised = _capitalised(text)
            if key[0] not in capitalised:
                continue
        if n == 1 and (key[0] in STOP_WORDS or len(key[0]) <= 2):
            continue
        used.update(range(i, i + n))
        found += [(i, c) for c in ids]
    for i, w in enumerate(ws):
        if len(w) == 5 and w.isdigit() and w in idx.communes and i not in used:
            used.add(i)
            found.append((i, w))
    found.sort()
    return list(dict.fromkeys(c for _, c in found))


def _is_place(idx: Index, w: str) -> bool:
    """Commune words stay in the text query (site and unit names contain them); org names do not."""
    return (w,) in idx.commune_names


def _commune_param(idx: Index, commune: str) -> list[str]:
    c = commune.strip()
    if c in idx.communes:
        return [c]
    ids = idx.commune_names.get(tuple(words(c)))
    if not ids:
        raise UnknownCommune(f"Commune inconnue : {commune!r} (nom officiel ou code INSEE attendu).")
    return list(ids)


def _owners(idx: Index, cid: str) -> list[str]:
    c = idx.communes.get(cid)
    if c is None:
        return []
    out: list[str] = []
    for t in [cid, *sorted(c.parents)]:
        out += idx.org_of_territory.get(t, [])
    return out


# ---------------------------------------------------------------------- module-level convenience
_default: Engine | None = None
_default_lock = threading.Lock()


def default_engine() -> Engine:
    """One engine per process on the configured store (QFQ_GRAPH_URL / embedded)."""
    global _default
    with _default_lock:
        if _default is None:
            from graph import open_store

            _default = Engine.from_store(open_store())
        return _default


def ask(question: str, org: str | None = None, commune: str | None = None, limit: int = 5) -> dict:
    """Answer a « qui s'occupe de … ? » question against the loaded graph."""
    return default_engine().ask(question, org=org, commune=commune, limit=limit)

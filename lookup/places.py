"""Places in a question: which organisation is meant and which communes are named.

`read_places(places, words, text, org, commune)` → `PlaceReading`: the organisation (given, named, or
owning the commune), the communes, and which words of the question were place or organisation names
(they are not the topic); `place_factor`, the multiplier of a unit covering those places. The tables it
reads, and `commune_param` (a `commune` parameter), are in `lookup.place_index`.

National recognition: names with or without accents and hyphens, « St »/« Ste », without their article
(« au Puy-en-Velay »), arrondissements (resolving to their commune), postal codes and INSEE codes, a
département by name (« dans le Finistère ») or number in brackets (« (29) »). A name shared by several
communes is a list of candidates unless a département, the organisation or size settles it. A one-word
name (« Aide », « Rue », « Eu »…) counts only when it reads as a place (`_reads_as_place`). Names are looked
up by their first word over the question's spans (≤ MAX_NAME_WORDS), never by scanning the 35 000 communes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lookup.place_index import ARTICLES, PlaceIndex, commune_param, saints
from lookup.text import STOP_WORDS, common_words, fold
from lookup.venue import acts_elsewhere
from lookup.weights import PLACE_EXACT, PLACE_NEAR

MAX_NAME_WORDS = 6  # longest commune name looked for, in words
DOMINANT = 10  # population ratio above which a shared name means the larger commune
SHORT_DOMINANT = 5  # … and above which a short form (« Thierville ») means the town, not the village of that name
PLACE_PREPOSITIONS = frozenset({"a", "au", "aux", "en", "dans", "sur", "pres", "vers", "habite", "habitant",
                                "commune", "ville", "village", "mairie"})


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
    venue: list[str] = field(default_factory=list)  # … where the organisation itself acts (lookup.venue)


@dataclass
class NameMatch:
    """The communes one name of the question may mean: bearing it in full, or as a short form (a second choice)."""

    full: list[str]
    short: list[str] = field(default_factory=list)


def read_places(places: PlaceIndex, ws: list[str], text: str, org: str | None, commune: str | None) -> PlaceReading:
    """The organisation and communes of a question. `org` (already checked) wins over a named one; a
    `commune` parameter replaces the communes named in the text; communes outside the organisation
    are set aside (`outside`), or are the venue of the organisation's own event (`venue`)."""
    named: set[int] = set()
    named_orgs = _find_orgs(places, ws, named, _inside_names(places, ws))
    org = org or (named_orgs[0] if named_orgs else None)
    departement = _bracketed_departement(places, text)
    if commune:
        groups = [NameMatch(commune_param(places, commune))]
    else:
        groups, dep = _find_communes(places, ws, text, named)
        departement = departement or dep
    communes, candidates = _settle(places, groups, org, departement)
    if org is None:
        org = next((owners[0] for c in communes if (owners := places.owners(c))), None)
    outside: list[str] = []
    venue: list[str] = []
    if org is not None:
        outside = [c for c in communes if org not in places.owners(c)]
        communes = [c for c in communes if c not in outside]
        if acts_elsewhere(ws, org in named_orgs, places.org_kinds.get(org), named):  # its event away, a partner
            venue, outside = outside, []
            candidates = [c for c in candidates if org in places.owners(c)]
            if departement and not communes and not places.governs(org, None, departement):
                departement = None
    place_words = {w for i, w in enumerate(ws) if i in named and (w,) in places.commune_names}
    return PlaceReading(org, communes, named, place_words, candidates, departement, outside, venue)


def _settle(places: PlaceIndex, groups: list[NameMatch], org: str | None, departement: str | None
            ) -> tuple[list[str], list[str]]:
    """Each name (group of communes bearing it, as full name or short form) narrowed by the département named,
    then by the organisation; a name still shared by several communes is left as candidates (the person is
    asked which)."""
    communes: list[str] = []
    candidates: list[str] = []
    for group in groups:
        exact, second = group.full, group.short
        ids = [*exact, *second]
        if len(ids) > 1 and departement:
            ids = [c for c in ids if (i := places.info.get(c)) is not None and i.departement == departement] or ids
        if len(ids) > 1 and org:
            ids = [c for c in ids if org in places.owners(c)] or ids
        if second:
            ids = _full_or_short(places, [c for c in ids if c in exact], [c for c in ids if c not in exact],
                                 narrowed=len(ids) < len(exact) + len(second))
        if len(ids) > 1 and places.info:
            ids = _dominant(places, ids)
        if len(ids) > 1 and places.info:  # only the national map can tell; at seed size keep them all
            candidates += [c for c in ids if c not in candidates]
        else:
            communes += [c for c in ids if c not in communes]
    return communes, ([] if communes else candidates)


def _full_or_short(places: PlaceIndex, full: list[str], short: list[str], narrowed: bool) -> list[str]:
    """A name borne in full and as a short form (« Revigny »: Revigny 39, Revigny-sur-Ornain 55), as left by the
    département and organisation: people shorten a town's name, so a short-form commune SHORT_DOMINANT times
    more populous than every other is meant, else the full name; short forms alone, the one the département or
    organisation chose, or that town."""
    if full and short:
        return [c for c in short if _outweighs(places, c, [o for o in full + short if o != c])][:1] or full
    if len(short) > 1 and not narrowed:  # « Rueil »: Rueil-Malmaison (78 000 h.), not Rueil-la-Gadelière
        return [c for c in short if _outweighs(places, c, [o for o in short if o != c])][:1]
    return full or (short if len(short) == 1 or narrowed else [])


def _outweighs(places: PlaceIndex, one: str, others: list[str]) -> bool:  # SHORT_DOMINANT × every other's population
    return bool(places.info) and places.population(one) >= SHORT_DOMINANT * max(places.population(c) for c in others)


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


def _find_orgs(places: PlaceIndex, ws: list[str], named: set[int], inside: set[tuple[int, int]]) -> list[str]:
    """Organisations named in the question (name or alias as a word sequence), in order of mention; not the
    tail of a longer commune name (« Sivry-sur-Meuse » names a commune, not the Meuse)."""
    found: list[tuple[int, str]] = []
    for i, w in enumerate(ws):
        for name in places.org_names.get(w, ()):
            span = range(i, i + len(name.words))
            if (tuple(ws[i : span.stop]) == name.words and named.isdisjoint(span)
                    and (span.start, span.stop) not in inside):
                named.update(span)
                found.append((i, name.org))
                break
    return list(dict.fromkeys(o for _, o in sorted(found)))


def _inside_names(places: PlaceIndex, ws: list[str]) -> set[tuple[int, int]]:
    """Spans (start, stop) lying strictly inside a commune name of three words or more in the question."""
    ws = saints(ws)
    inside: set[tuple[int, int]] = set()
    for i, w in enumerate(ws):
        for n in range(3, min(places.name_lengths.get(w, 0), MAX_NAME_WORDS, len(ws) - i) + 1):
            if tuple(ws[i : i + n]) in places.commune_names:
                inside.update((a, b) for a in range(i, i + n) for b in range(a + 1, i + n + 1) if (a, b) != (i, i + n))
    return inside


def _find_communes(places: PlaceIndex, ws: list[str], text: str, named: set[int]
                   ) -> tuple[list[NameMatch], str | None]:
    """Communes named in the question (one list per name: a name may be shared), longest names first, then
    5-digit postal or INSEE codes; and a département named. A one-word name (or one made only of common
    words) counts only when it reads as a place: capitalised, or after « à, au, en, dans… »."""
    capitalised = {fold(r) for r in re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text)) if r[:1].isupper()}
    ws = saints(ws)
    found: list[tuple[int, NameMatch]] = []  # (order of mention, name)
    departement: str | None = None
    spans = sorted((-n, i) for i, w in enumerate(ws) for n in range(1, min(places.name_lengths.get(w, 0),
                                                                         MAX_NAME_WORDS, len(ws) - i) + 1))
    for neg, i in spans:
        span = range(i, i - neg)
        key = tuple(ws[i : span.stop])
        ids = places.commune_names.get(key)
        shorts = places.short_names.get(key)
        dep = places.dep_names.get(key)
        if (not ids and not shorts and not dep) or not named.isdisjoint(span):
            continue
        if not _reads_as_place(places, key, ws, i, capitalised):
            continue
        named.update(span)
        if ids or shorts:  # a name after « à, au, dans… » comes before one merely capitalised (« Musée Poincaré »)
            found.append((i if _after_preposition(ws, i) else i + len(ws),
                          NameMatch(list(ids or []), list(shorts or []))))
        elif departement is None:
            departement = dep
    for i, w in enumerate(ws):
        if len(w) == 5 and w.isdigit() and i not in named:
            ids = places.postal.get(w) or ([w] if w in places.communes else [])
            if ids:
                named.add(i)
                found.append((i, NameMatch(list(ids))))
    return [group for _, group in sorted(found, key=lambda f: f[0])], departement


def _dominant(places: PlaceIndex, ids: list[str]) -> list[str]:
    """A commune DOMINANT times more populous than every other bearing its name is the one meant (Verdun in
    the Meuse, not the Ariège village); otherwise all remain candidates (Saint-Denis 93 / 974)."""
    pops = sorted(((places.info[c].population or 0) if c in places.info else 0, c) for c in ids)
    if pops[-1][0] >= DOMINANT * max(pops[-2][0], 1):
        return [pops[-1][1]]
    return ids


def _reads_as_place(places: PlaceIndex, key: tuple[str, ...], ws: list[str], i: int, capitalised: set[str]) -> bool:
    """Whether a commune or département name found in the question is used as a place. A distinctive
    name of several words always is, and so is one written with each word capitalised; a one-word name, or one
    made only of ordinary words (stop words, words the index knows, everyday French words, short words), only
    when capitalised inside the sentence."""
    content = [w for w in key if w not in ARTICLES]
    if not content or all(w in STOP_WORDS for w in content):
        return False
    if not places.info:  # seed-size index (no national map): a one-word name that is not an ordinary word
        return not (len(key) == 1 and ((key[0] in places.ambiguous_words and key[0] not in capitalised)
                                       or len(key[0]) <= 2))
    ordinary = all(w in STOP_WORDS or w in places.ordinary or w in common_words() or len(w) <= 3 for w in content)
    if len(key) > 1 and (not ordinary or all(w in capitalised for w in content)):  # « Gondrecourt-le-Château »
        return True
    if ordinary:  # « en ligne », « au collégien », « Marché de… », « à force »: a capital inside the sentence only
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

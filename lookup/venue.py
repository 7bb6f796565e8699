"""An organisation acting away from home: « le stand du Département de la Meuse à la foire de Metz », « la
Meuse organise un salon à Paris ». A place in a question names where the person lives or where the matter is,
except when the question makes the organisation itself the actor of an event held there: then the place is
that event's venue, and the organisation's own units answer (its events, protocol or communication service),
not the body competent at the venue.

Read from the words alone: the organisation named in the question (by its name or an alias, by the common
noun of its kind — « le Département », « l'agglo » — or by an agent's « nous », « notre »), places outside its
territory, a word of an event or of the organisation's presence there (stand, salon, foire, congrès,
délégation…) or of a partnership with the place (« porté par le Département avec la Haute-Marne »: the
place named right after « avec », articles and a body's noun skipped: « avec la ville de Nancy »), and no word
saying that someone lives there (« j'habite », « domicile », « chez »…), which keeps the place the person's.
A protest or a festival somewhere, with the organisation only asked, stays a place.
"""

from __future__ import annotations

from collections.abc import Set

LEAD_WORDS = frozenset({"le", "la", "les", "l", "de", "du", "des", "d", "ville", "commune", "mairie", "departement",
                        "region", "agglo", "communaute", "collectivite", "metropole"})  # between « avec » and a name

EVENT_WORDS = frozenset("""
stand stands foire foires salon salons congres exposition expositions expo forum forums festival festivals
colloque colloques seminaire seminaires delegation delegations jumelage jumelages manifestation manifestations
evenement evenements evenementiel
""".split())
RESIDENCE_WORDS = frozenset("""
habite habites habitons habitez habitent habitant habitante habitants vis vit vivons vivez vivent domicile
domicilie domiciliee reside resides residons resident residente residents chez demenage demenager
""".split())
SELF_WORDS = frozenset({"nous", "notre", "nos"})  # an agent speaking for the organisation
KIND_WORDS = {  # the common noun by which a question names an organisation of this kind
    "departement": frozenset({"departement", "collectivite"}),
    "region": frozenset({"region", "collectivite"}),
    "epci": frozenset({"agglo", "agglomeration", "communaute", "intercommunalite", "interco", "collectivite"}),
    "commune": frozenset({"mairie", "municipalite", "ville", "commune"}),
}


def acts_elsewhere(ws: list[str], named: bool, kind: str | None, at: Set[int] = frozenset()) -> bool:
    """Whether the question (folded words) is about an event the organisation holds or attends somewhere, or a
    partner it acts with; `named`: the organisation's name or an alias is in the question; `kind`: its kind
    (departement, epci…); `at`: positions of the place (and organisation) names."""
    present = set(ws)
    actor = named or not present.isdisjoint(SELF_WORDS | KIND_WORDS.get(kind or "", frozenset()))
    partner = any(w == "avec" and _names_next(ws, i + 1, at) for i, w in enumerate(ws))
    return actor and (partner or not present.isdisjoint(EVENT_WORDS)) and present.isdisjoint(RESIDENCE_WORDS)


def _names_next(ws: list[str], j: int, at: Set[int]) -> bool:
    """Whether a place name starts at j, after at most three articles or nouns of a body (LEAD_WORDS)."""
    for k in range(j, min(j + 4, len(ws))):
        if k in at:
            return True
        if ws[k] not in LEAD_WORDS:
            return False
    return False

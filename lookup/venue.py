"""An organisation acting away from home: « le stand du Département de la Meuse à la foire de Metz », « la
Meuse organise un salon à Paris ». A place in a question names where the person lives or where the matter is,
except when the question makes the organisation itself the actor of an event held there: then the place is
that event's venue, and the organisation's own units answer (its events, protocol or communication service),
not the body competent at the venue.

Read from the words alone: the organisation named in the question (by its name or an alias, by the common
noun of its kind — « le Département », « l'agglo » — or by an agent's « nous », « notre »), places outside its
territory, a word of an event or of the organisation's presence there (stand, salon, foire, congrès,
délégation…), and no word saying that someone lives there (« j'habite », « domicile », « chez »…), which keeps
the place the person's. A protest or a festival somewhere, with the organisation only asked, stays a place.
"""

from __future__ import annotations

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


def acts_elsewhere(ws: list[str], named: bool, kind: str | None) -> bool:
    """Whether the question (folded words) is about an event the organisation holds or attends somewhere;
    `named`: the organisation's name or an alias is in the question; `kind`: its kind (departement, epci…)."""
    present = set(ws)
    actor = named or not present.isdisjoint(SELF_WORDS | KIND_WORDS.get(kind or "", frozenset()))
    return actor and not present.isdisjoint(EVENT_WORDS) and present.isdisjoint(RESIDENCE_WORDS)

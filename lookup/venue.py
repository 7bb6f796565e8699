"""An organisation acting away from home: « le stand du Département de la Meuse à la foire de Metz », « la
Meuse organise un salon à Paris ». A place in a question names where the person lives or where the matter is,
except when the question makes the organisation itself the actor of an event held there: then the place is
that event's venue, and the organisation's own units answer (its events, protocol or communication service),
not the body competent at the venue.

Read from the words alone: an organisation asked or named, places outside its territory, a word of an event
or of the organisation's presence there (stand, salon, foire, congrès, délégation…), and no word saying that
someone lives there (« j'habite », « domicile », « chez »…), which keeps the place the person's.
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


def acts_elsewhere(ws: list[str]) -> bool:
    """Whether the question (folded words) is about an event the organisation holds or attends somewhere."""
    present = set(ws)
    return not present.isdisjoint(EVENT_WORDS) and present.isdisjoint(RESIDENCE_WORDS)

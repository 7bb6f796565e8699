"""Every weight and threshold of the lookup, in one place, each with the reason it has its value.

They were set on the whole dev set and the extra set at once, never for one question; change one only
with `qfq eval` on both files (and the blind tuning half) before and after.
"""

from __future__ import annotations

# ---- Understanding the question
# A typo is corrected to an index word only when rapidfuzz's ratio reaches this: below it, French
# words one letter apart ("marches" / "garches") stop being confused with each other.
FUZZY_CUTOFF = 84
# At most this many unknown words of one question are typo-corrected: bounds the cost of a long
# question of gibberish (each correction scans the vocabulary).
MAX_FUZZY_WORDS = 40
# A commune's words stay in the topic query at this weight: sites and units are named after places,
# but the place acts mostly through the place boost below.
PLACE_WORD = 0.5

# ---- Own text of a unit (BM25F, one document per unit)
# The name says most about what a unit does; a site's name (often "Maison de la solidarité de X") is
# precise too; missions are the bulk of the text; partners, territories and the head's title only hint.
# The section is the document's whole text about the unit (it repeats the missions: a low weight).
FIELDS = {"name": 3.0, "mission": 1.0, "site": 1.5, "partner": 1.0, "territory": 0.4, "head": 0.3,
          "section": 0.2}
# Fields that count towards a unit's score but not towards a word's rarity (see lookup.bm25).
BACKGROUND = frozenset({"section"})
# A unit also receives this share of each ancestor's own-text score: what it belongs to (the parent's
# name, missions and section) says something about it, much less than its own text.
PARENT_SHARE = 0.05
# Length normalisation per field: long mission lists should not win by sheer length, names are short;
# sections vary most in length (a pôle's runs over pages).
FIELD_B = {"name": 0.3, "mission": 0.6, "site": 0.4, "partner": 0.4, "territory": 0.3, "head": 0.2,
           "section": 0.2, "context": 0.1}
# BM25 term-frequency saturation, the usual value.
K1 = 1.2
# Query words found together in one mission sentence say more than the same words scattered over
# a unit's missions: the best such sentence adds this share of its words' idf.
PASSAGE = 0.5
# A question that names a unit (its whole name or an alias) is asking for it: reward in proportion
# to the share of the question the name covers.
NAME_BONUS = 1.0

# ---- The competence reference (label, acronyms, keywords, citizens' phrases)
# Acronyms and labels are precise; keywords are the trade's words; phrases are loose paraphrases.
COMP_FIELDS = {"label": 2.0, "acronym": 3.0, "keyword": 1.5, "phrase": 0.6}
COMP_B = {"label": 0.3, "acronym": 0.2, "keyword": 0.5, "phrase": 0.7}
# A multi-word keyword or label found as such ("aide sociale à l'enfance") is stronger evidence than
# its words apart: add this share of the phrase's idf.
PHRASE_BONUS = 0.6
# A life situation (data/situations.yaml) matched by the question passes this share of its score to
# each competence it concerns (the best situation per competence): the situation says what people
# live, the competence's own words say what the administration does.
SITUATION_SHARE = 0.5

# ---- What a unit inherits from the competences it HANDLES
# Share of the best matching competence's score a handling unit receives: a little less than its own
# words, since one competence is handled by several units at several depths.
ALPHA = 0.8
# A unit handling many competences is a generalist: it inherits 1 / (1 + BREADTH·ln n) of each.
BREADTH = 0.1
# Its further matching competences add this small share, so that a unit matching two topics of the
# question edges out one matching a single topic.
OTHER_COMPETENCES = 0.05

# ---- Places
# A unit covering the commune named is multiplied by 1 + PLACE_EXACT; one covering its canton or
# EPCI (not the organisation's whole territory) by 1 + PLACE_NEAR.
PLACE_EXACT, PLACE_NEAR = 0.6, 0.3

# ---- Ranking
# A descendant whose score is this close to its ancestor's is listed first: the more specific unit
# is the one that does the work.
SPECIFIC_MARGIN = 0.04
# … and this much per level of depth (at most 0.3) when both owe their rank to the same competence.
SAME_TOPIC_MARGIN = 0.10
# This many same-kind units with the same score are local copies of one another (one road centre per
# canton): without a place they are answered by the unit that groups them.
REPLICAS = 2
# Territorial siblings (one sector per part of the territory) handling the same competence are copies
# when their scores are this close: a stray word of one sector's text does not pick the sector.
REPLICA_MARGIN = 0.1

# ---- Scope
# Below this best score the evidence is too weak to name a unit with confidence …
MIN_SCORE = 4.0
# … but the best candidates are still given (confidence "low") when the question clearly names a topic
# of this organisation's level (no unit may say it handles it), or when the units' own words match
# more than a stray word; below both the question has no evidence at all and is out of scope.
LOW_TOPIC = 8.0
LOW_TEXT = 1.0
# A competence must match at least this well before its level (commune, State…) can declare the
# question out of scope.
MIN_TOPIC = 3.0
# … and must beat this multiple of the best topic this organisation's level holds: a question that
# also clearly evokes a matter of this level (often through a life situation) is not turned away.
OTHER_LEVEL = 1.5

# ---- Explaining an answer: which text is quoted
# Each option's overlap with the question is multiplied by its kind's factor; the name wins ties.
EVIDENCE_NAME, EVIDENCE_MISSION, EVIDENCE_SITE = 3.0, 1.5, 1.5

# Routing (lookup/routing.py): a runner-up topic scoring at least this share of the best one, and falling to
# another body at the place, leaves the competent body undecided (« ramasse » reads as RAM and as waste).
TOPIC_TIE = 0.9

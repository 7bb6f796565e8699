"""« Qui s'occupe de … ? » — ranks the units of an organisation for a free-text question.

The pipeline, one module per step (weights in `lookup.weights`):
1. understand (`question`, `places`, `topics`): the organisation and communes, the topic's stems
   (typos corrected), and how well the question matches each competence of the reference;
2. retrieve (`candidates`): units whose own text holds a question stem, and units that HANDLE a
   matching competence;
3. score (`score`): own text (BM25F), best mission sentence, being named, inherited competence, place;
4. rank (`rank`, `scope`): best first, specific before general, local copies grouped; out of scope
   when the topic belongs to another level of government or the evidence is too weak;
5. explain (`explain`): each answer with the text and quote that justify it.

No question-specific rules: only the graph's texts, the competence reference and the weights.
"""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

from cachetools import LRUCache

from graph.version import Versions, pin

from lookup.candidates import retrieve
from lookup.errors import QuestionTooLong, UnknownCommune, UnknownOrganisation
from lookup.explain import answer
from lookup.index import build_index, read_records
from lookup.model import Index
from lookup.question import clean, understand
from lookup.rank import Ranked, rank
from lookup.competent import mairie_contact
from lookup.routing import route
from lookup.sector import sector_first
from lookup.scope import Scope, decide
from lookup.score import score
from lookup.topics import competence_scores
from lookup.weights import MIN_TOPIC

__all__ = ["EMPTY_QUESTION", "MAX_LIMIT", "MAX_QUESTION", "Engine", "QuestionTooLong",
           "UnknownCommune", "UnknownOrganisation", "ask", "default_engine"]

MAX_QUESTION = 500  # characters of a question (api/limits.py gives it to every interface)
MAX_LIMIT = 50  # answers of one question
EMPTY_QUESTION = "La question est vide : écrivez par exemple « qui s'occupe du RSA ? »."  # for the interfaces


class Engine:
    """Answers from the index of one data version, built on first use. It never looks for a newer load:
    the app keeps one engine per DataVersion (graph/version.py), a CLI command one for its run."""

    def __init__(self, store: Any = None, index: Index | None = None) -> None:
        self._store = store  # read-only access to one version's graph (a DataVersion), or None
        self._index = index
        self._lock = threading.Lock()
        self._contacts: LRUCache[str, dict | None] = LRUCache(maxsize=4096)
        self._contact_lock = threading.Lock()
        if index is not None:
            _settle()

    @classmethod
    def from_store(cls, store: Any) -> Engine:
        """An engine on the version of `store` current now (all its reads go to that graph)."""
        return cls(store=pin(store))

    def index(self) -> Index:
        """The index of this engine's version (built by the first caller; the others wait for it)."""
        if self._index is not None:
            return self._index
        with self._lock:
            if self._index is None:
                meta = self._store.read("meta")
                self._index = build_index(read_records(self._store), meta[0]["version"] if meta else None)
                _settle()
            return self._index

    def ask(self, question: Any, org: str | None = None, commune: str | None = None, limit: int = 5) -> dict:
        """Answer `question`: {question, organisation, out_of_scope, hint, confidence, answers[…]} (see
        explain.answer); confidence is "high", "low" (weak evidence, best candidates) or None (out of scope).
        Raises BadInput (too long a question, an unknown commune) or NotFound (an unknown org), in French."""
        text = "" if question is None else str(question)
        if len(text) > MAX_QUESTION:
            raise QuestionTooLong(f"Question trop longue : {len(text)} caractères (maximum {MAX_QUESTION}). "
                                  "Reformulez-la plus brièvement.")
        try:
            limit = max(1, min(int(limit), MAX_LIMIT))
        except (TypeError, ValueError):
            limit = 5
        idx = self.index()
        if org is not None and org not in idx.orgs:
            raise UnknownOrganisation(f"Organisation inconnue : {org!r}. Connues : {', '.join(sorted(idx.orgs))}.")
        query = understand(idx, clean(text), org, commune)
        topics = competence_scores(idx, query)
        where = route(idx, query.places, topics, self._contact, MIN_TOPIC, query.text)
        if where.switch_to is not None:  # the body competent here is another organisation we hold
            query = understand(idx, clean(text), where.switch_to, commune)
        if where.block:  # no unit may answer here: nothing to score
            scored, scope = [], Scope(True, None, None)
        else:
            scored = score(idx, query, retrieve(idx, query, topics))
            scope = decide(idx, query, topics, scored)
        out_of_scope = scope.out_of_scope or where.block
        ranked = [] if out_of_scope else rank(idx, scored, limit, collapse=not query.places.communes)
        ranked, rule = sector_first(idx, query.org, next(iter(query.places.communes), None), ranked, scored,
                                    where.topic, Ranked)
        unnamed = (where.competent is not None and where.competent.covered and where.topic is not None
                   and not idx.handled_in(where.topic.idx, query.org))
        if unnamed and not ranked:
            out_of_scope = False  # the body competent here is one we hold, though its chart names no unit for it
        answers = [answer(idx, r, topics, query) for r in ranked]
        if rule and answers:
            answers[0]["place_rule"] = rule
        return {"question": query.text, "organisation": query.org, "out_of_scope": out_of_scope,
                "hint": scope.hint or (where.topic.hint if where.block and where.topic else None),
                "confidence": None if out_of_scope else scope.confidence, "answers": answers, "place_rule": rule, **where.fields(no_unit=unnamed and not ranked)}

    def _contact(self, commune: str) -> dict | None:
        """A commune's mairie contact, read from the graph when an answer names it (LRU-cached)."""
        if self._store is None:
            return None
        with self._contact_lock:
            if commune in self._contacts:
                return self._contacts[commune]
        rows = self._store.read("lookup_mairie", {"commune": commune})
        found = mairie_contact(rows[0]) if rows else None
        with self._contact_lock:
            self._contacts[commune] = found
        return found


def _settle() -> None:
    """Keep the collector off a freshly built index: a large index is millions of long-lived objects,
    and a full collection over them would stall a question for up to a second. The index holds no
    reference cycles, so a replaced one is still freed (by reference counting)."""
    gc.collect()
    gc.freeze()


_versions: Versions | None = None
_default_lock = threading.Lock()


def default_engine() -> Engine:
    """The engine of the current data version of the configured store (QFQ_GRAPH_URL / embedded)."""
    global _versions
    with _default_lock:
        if _versions is None:
            from graph import open_store

            _versions = Versions(open_store())
    dv = _versions.current()
    return dv.memo("engine", lambda: Engine(weakref.proxy(dv)))  # see DataVersion.memo


def ask(question: str, org: str | None = None, commune: str | None = None, limit: int = 5) -> dict:
    """Answer a « qui s'occupe de … ? » question against the loaded graph."""
    return default_engine().ask(question, org=org, commune=commune, limit=limit)

"""Evaluation metrics (top-1, top-3, MRR@5, out-of-scope accuracy), shared by `qfq eval`, tests and bench.

A question hits at rank k when the k-th answer's unit name equals a name in `expected` or `also_ok` up
to case, accents, apostrophe style, function words and a parenthesised gloss: documents name one unit
« Direction des finances… » and « Direction finances… », « Secteur Sud Est » and « Secteur Sud Est
(Commercy, …) ». An out-of-scope question (`expected` empty) is right when the
engine says out_of_scope; an in-scope question answered out_of_scope is a miss.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lookup.text import same_name, words

Ask = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Outcome:
    question: dict[str, Any]
    rank: int | None  # 1-based rank of the first acceptable answer, None if absent (in-scope questions)
    out_of_scope: bool
    correct_scope: bool
    names: list[str] = field(default_factory=list)

    @property
    def in_scope(self) -> bool:
        return bool(self.question.get("expected"))


def read_questions(path: str | Path) -> list[dict[str, Any]]:
    """Questions of a JSONL file (blank lines skipped)."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}, ligne {n} : JSON invalide ({exc.msg}).") from exc
    return out


def judge(question: dict[str, Any], answer: dict[str, Any], k: int = 5) -> Outcome:
    """Score one engine answer against the question's expectations."""
    names = [a["unit"]["name"] for a in answer.get("answers", [])][:k]
    oos = bool(answer.get("out_of_scope"))
    accepted = [*question.get("expected", []), *question.get("also_ok", [])]
    if not question.get("expected"):
        return Outcome(question, None, oos, oos, names)
    rank = None
    if not oos:
        for i, n in enumerate(names, 1):
            if any(same_unit_name(n, a) for a in accepted):
                rank = i
                break
    return Outcome(question, rank, oos, not oos, names)


def same_unit_name(a: str, b: str) -> bool:
    """Two spellings of one unit's name (see the module's docstring)."""
    return same_name(a, b) or _name_key(a) == _name_key(b) != ()


# Only articles, « de » and « et » may differ between two spellings of one name: the general stop words
# hold « est » and « sud »-like words too (« Secteur Sud Est » is not « Secteur Sud »).
NAME_FILLERS = frozenset({"de", "des", "du", "la", "le", "les", "et"})


def _name_key(name: str) -> tuple[str, ...]:
    return tuple(w for w in words(re.sub(r"\([^)]*\)", " ", name)) if w not in NAME_FILLERS)


def metrics(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """Overall and per-style figures: top1, top3, mrr5 over in-scope questions, oos_accuracy over the others."""
    outs = list(outcomes)

    def block(items: list[Outcome]) -> dict[str, Any]:
        ins = [o for o in items if o.in_scope]
        oos = [o for o in items if not o.in_scope]
        n = len(ins)
        return {
            "n": len(items), "in_scope": n, "out_of_scope": len(oos),
            "top1": _ratio(sum(1 for o in ins if o.rank == 1), n),
            "top3": _ratio(sum(1 for o in ins if o.rank is not None and o.rank <= 3), n),
            "mrr5": (sum(1.0 / o.rank for o in ins if o.rank is not None and o.rank <= 5) / n) if n else None,
            "oos_accuracy": _ratio(sum(1 for o in oos if o.correct_scope), len(oos)),
        }

    by_style: dict[str, list[Outcome]] = defaultdict(list)
    for o in outs:
        by_style[o.question.get("style", "?")].append(o)
    return {"overall": block(outs), "by_style": {s: block(v) for s, v in sorted(by_style.items())}}


def misses(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """Questions not answered right at rank 1 (or wrongly scoped)."""
    return [o for o in outcomes if (o.in_scope and o.rank != 1) or (not o.in_scope and not o.correct_scope)]


def evaluate(questions: list[dict[str, Any]], ask: Ask) -> tuple[dict[str, Any], list[Outcome]]:
    """Run `ask` on every question and return (metrics, outcomes)."""
    outcomes = [judge(q, ask(q)) for q in questions]
    return metrics(outcomes), outcomes


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None

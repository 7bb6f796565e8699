"""`qfq serve` (one worker) with the lookup engine replaced by a stand-in that costs next to nothing.

    .venv/bin/python bench/stand_in.py serve --port 8001      # what bench/api_load.py --stand-in starts

The stand-in answers every question with one stored answer (computed once by the real engine, for a
question of bench/questions.py's kind whose five answers make 2.7 KB of JSON, the median size of that
generator's answers), decoded afresh for each call: the cheapest engine that still
hands the handler a new answer to encode. What the server then spends on a new question is the cost of
everything but the engine (parameters, caches, JSON, HTTP): it bounds the /api/ask throughput that any
engine could reach. A measuring tool only: the answers are wrong on purpose.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lookup.engine import Engine  # noqa: E402

STORED_FOR = "mise à l'abri d'un jeune qui se dit mineur à Lamothe"
_real_ask = Engine.ask
_stored: dict[str, bytes] = {}


def stand_in_ask(self: Engine, question: Any, org: str | None = None, commune: str | None = None,
                 limit: int = 5) -> dict[str, Any]:
    if "answer" not in _stored:
        _stored["answer"] = orjson.dumps(_real_ask(self, STORED_FOR, limit=5))
    answer: dict[str, Any] = orjson.loads(_stored["answer"])
    answer["question"] = str(question)
    return answer


if __name__ == "__main__":
    if "--workers" in sys.argv:
        raise SystemExit("stand_in.py : un seul processus (les autres ne verraient pas le remplaçant).")
    Engine.ask = stand_in_ask  # type: ignore[method-assign]
    from qfq.cli import main

    main()

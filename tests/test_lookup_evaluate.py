"""Metrics of `qfq eval`, and the quality thresholds on the dev and extra question files."""

from __future__ import annotations

from pathlib import Path

import pytest

from lookup.evaluate import judge, metrics, read_questions

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "questions_dev.jsonl"  # ../shared
EXTRA = Path(__file__).resolve().parent / "data" / "questions_extra.jsonl"


def _answer(*names: str, oos: bool = False) -> dict:
    return {"out_of_scope": oos, "answers": [{"unit": {"name": n}} for n in names]}


def test_judge_rank_and_name_folding() -> None:
    q = {"q": "x", "expected": ["Service de l’enfance"], "also_ok": ["Direction"], "style": "natural"}
    assert judge(q, _answer("SERVICE DE L'ENFANCE")).rank == 1
    assert judge(q, _answer("Autre", "direction")).rank == 2
    assert judge(q, _answer("Autre")).rank is None
    assert judge(q, _answer("Service de l’enfance", oos=True)).rank is None  # in scope but said out of scope


def test_judge_accepts_spellings_of_one_name_only() -> None:
    """Articles, « de », a bracketed gloss and hyphens may differ; a cardinal point may not."""
    q = {"q": "x", "expected": ["Secteur Sud"], "also_ok": [], "style": "natural"}
    assert judge(q, _answer("Secteur Sud Est (Commercy, Saint-Mihiel, Vaucouleurs)")).rank is None
    q = {"q": "x", "expected": ["Direction finances et affaires juridiques", "Secteur Sud Est",
                                "Service établissements et services sociaux et médico-sociaux"], "style": "natural"}
    assert judge(q, _answer("Direction des finances et affaires juridiques")).rank == 1
    assert judge(q, _answer("Secteur Sud Est (Commercy, Saint-Mihiel, Vaucouleurs)")).rank == 1
    assert judge(q, _answer("Service Etablissements et services sociaux et médico sociaux")).rank == 1


def test_out_of_scope_questions() -> None:
    q = {"q": "x", "expected": [], "also_ok": [], "style": "out_of_scope"}
    assert judge(q, _answer(oos=True)).correct_scope
    assert not judge(q, _answer("Service", oos=False)).correct_scope


def test_metrics_overall_and_by_style() -> None:
    qa = {"q": "a", "expected": ["A"], "also_ok": [], "style": "s1"}
    qb = {"q": "b", "expected": ["B"], "also_ok": [], "style": "s2"}
    qc = {"q": "c", "expected": [], "also_ok": [], "style": "out_of_scope"}
    m = metrics([judge(qa, _answer("A")), judge(qb, _answer("X", "Y", "B")), judge(qc, _answer(oos=False))])
    o = m["overall"]
    assert o["top1"] == 0.5 and o["top3"] == 1.0 and abs(o["mrr5"] - (1 + 1 / 3) / 2) < 1e-9
    assert o["oos_accuracy"] == 0.0
    assert m["by_style"]["s2"]["top1"] == 0.0


@pytest.mark.parametrize("path", [DEV, EXTRA], ids=["dev", "extra"])
def test_quality_thresholds(loaded_store, path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"{path} absent")
    from lookup.engine import Engine
    from lookup.evaluate import evaluate

    engine = Engine.from_store(loaded_store)
    m, _ = evaluate(read_questions(path), lambda q: engine.ask(q["q"], org=q.get("org")))
    o = m["overall"]
    assert o["top1"] >= 0.85, m
    assert o["top3"] >= 0.95, m
    assert o["oos_accuracy"] >= 0.80, m

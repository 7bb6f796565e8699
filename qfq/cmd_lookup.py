"""`qfq ask` and `qfq eval`: the lookup engine from the command line (same engine as the API)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from qfq.app import app, fail, open_graph, out


@app.command()
def ask(
    question: str = typer.Argument(..., help="La question, ex. « qui s'occupe de l'APA ? »."),
    org: str | None = typer.Option(None, "--org", help="Identifiant de l'organisation (ex. meuse)."),
    commune: str | None = typer.Option(None, "--commune", help="Nom ou code INSEE de la commune."),
    limit: int = typer.Option(5, "--limit", min=1, max=50, help="Nombre de réponses."),
    as_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Qui s'occupe de … ? Classe les services compétents, avec la citation qui le justifie."""
    from graph.errors import BadInput, NotFound
    from lookup.engine import EMPTY_QUESTION, Engine

    if not question.strip():
        fail(EMPTY_QUESTION, code=2)
    try:
        res = Engine.from_store(open_graph()).ask(question, org=org, commune=commune, limit=limit)
    except (BadInput, NotFound) as exc:
        fail(str(exc), code=2)
        return
    if as_json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
        return
    where = f" — organisation : {res['organisation']}" if res["organisation"] else ""
    out.print(f"[bold]Question :[/] {res['question']}{where}", highlight=False, soft_wrap=True)
    if res.get("place"):
        out.print(f"Lieu : {res['place']['name']} ({res['place']['departement']})", highlight=False)
    if res.get("competent"):
        c = res["competent"]
        out.print(f"Compétent : [bold]{c['name']}[/]" + ("" if c["covered"] else " (organigramme non décrit ici)"),
                  highlight=False, soft_wrap=True)
    if res.get("message"):
        out.print(f"  {res['message']}", highlight=False, soft_wrap=True)
    if res.get("place_rule"):
        out.print(f"  Service choisi par : {res['place_rule']}", highlight=False, soft_wrap=True)
    if res["out_of_scope"] and res.get("message"):
        return
    if res["out_of_scope"]:
        out.print("[yellow]Hors du champ de cette collectivité.[/]", highlight=False)
        if res["hint"]:
            out.print(f"  {res['hint']}", highlight=False, soft_wrap=True)
        return
    if not res["answers"]:
        out.print("Aucun service trouvé.")
        return
    for rank, a in enumerate(res["answers"], 1):
        u = a["unit"]
        crumbs = " › ".join([c["name"] for c in reversed(a["chain"])] + [u["name"]])
        out.print(f"[bold]{rank}. {u['name']}[/] ({u['kind']}) — {u['organisation']['name']}  "
                  f"[dim]score {a['score']:.2f}[/]", highlight=False, soft_wrap=True)
        out.print(f"   {crumbs}", highlight=False, soft_wrap=True)
        if a["head"]:
            out.print(f"   Responsable : {a['head']}", highlight=False, soft_wrap=True)
        if a["competence"]:
            out.print(f"   Compétence : {a['competence']['label']}", highlight=False, soft_wrap=True)
        out.print(f"   Correspondance : {a['matched']}", highlight=False, soft_wrap=True)
        if a["evidence"]:
            out.print(f"   « {a['evidence']['quote']} » [dim](source {a['evidence']['source']})[/]",
                      highlight=False, soft_wrap=True)


@app.command("eval")
def eval_(
    file: Path = typer.Argument(..., help="Questions JSONL (format de questions_dev.jsonl)."),
    as_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
    detect_org: bool = typer.Option(False, "--detect-org",
                                    help="Ignorer le champ org : l'organisation est déduite de la question."),
) -> None:
    """Mesure top-1, top-3, MRR@5 et l'exactitude hors champ, au total et par style, à côté des mêmes
    mesures pour une base BM25 (nom et section du document de chaque unité), puis liste les ratés."""
    from lookup.baseline import Baseline
    from lookup.engine import Engine
    from lookup.evaluate import evaluate, misses, read_questions

    if not file.is_file():
        fail(f"Fichier introuvable : {file}.", code=2)
    try:
        questions = read_questions(file)
    except ValueError as exc:
        fail(str(exc), code=2)
        return
    engine = Engine.from_store(open_graph())
    answers: dict[str, dict] = {}

    def run(q: dict) -> dict:
        res = engine.ask(q.get("q", ""), org=None if detect_org else q.get("org"))
        answers[q.get("id", q.get("q", ""))] = res
        return res

    m, outcomes = evaluate(questions, run)
    baseline = Baseline(engine.index())
    mb, _ = evaluate(questions, lambda q: baseline.ask(q.get("q", ""), None if detect_org else q.get("org")))
    missed = misses(outcomes)
    if as_json:
        print(json.dumps({"metrics": m, "baseline_bm25": mb, "misses": [
            {"id": o.question.get("id"), "q": o.question.get("q"), "style": o.question.get("style"),
             "expected": o.question.get("expected"), "rank": o.rank, "out_of_scope": o.out_of_scope,
             "answers": o.names} for o in missed]}, ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{file.name}[/] — {len(questions)} questions", highlight=False)
    out.print(f"{'style':<14}{'n':>4}{'top-1':>8}{'top-3':>8}{'MRR@5':>8}{'hors champ':>12}   |"
              f"{'BM25 top-1':>11}{'top-3':>8}{'MRR@5':>8}", highlight=False, soft_wrap=True)
    for (label, b), bb in zip([("TOTAL", m["overall"]), *m["by_style"].items()],
                              [mb["overall"], *mb["by_style"].values()]):
        out.print(f"{label:<14}{b['n']:>4}{_pct(b['top1']):>8}{_pct(b['top3']):>8}{_num(b['mrr5']):>8}"
                  f"{_pct(b['oos_accuracy']):>12}   |{_pct(bb['top1']):>11}{_pct(bb['top3']):>8}{_num(bb['mrr5']):>8}",
                  highlight=False, soft_wrap=True)
    out.print("[dim]BM25 : nom et section du document de chaque unité, sans compétences ni lieux ; "
              "il ne dit jamais « hors champ ».[/]", highlight=False, soft_wrap=True)
    if missed:
        out.print(f"\n[bold]Ratés au rang 1[/] ({len(missed)}) :")
    for o in missed:
        q = o.question
        want = "hors champ" if not q.get("expected") else q["expected"][0]
        got = "hors champ" if o.out_of_scope else (", ".join(o.names[:3]) or "aucune réponse")
        rank = f"rang {o.rank}" if o.rank else "absent"
        out.print(f"  {q.get('id')} ({q.get('style')}) {q.get('q')}\n     attendu : {want} — obtenu : {got} "
                  f"({rank if q.get('expected') else ''})", highlight=False, soft_wrap=True)




def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"

"""`qfq export`: the graph as JSON-LD (W3C ORG / schema.org), CSV files or a Cypher script."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from qfq.app import app, err, fail


@app.command()
def export(
    fmt: str = typer.Option(..., "--format", "-f", help="jsonld, csv ou cypher."),
    org: str | None = typer.Option(None, "--org", help="Seulement cette organisation (id, ex. meuse)."),
    output: Path | None = typer.Option(
        None, "--output", "-o",
        help="Fichier (jsonld, cypher ; par défaut la sortie standard) ou dossier (csv ; par défaut ./export-csv)."),
) -> None:
    """Exporte le graphe : JSON-LD (W3C ORG, schema.org), un CSV par label et par type de relation,
    ou un script Cypher qui recrée le graphe dans un Neo4j vide (cypher-shell < export.cypher).
    Les IRI du JSON-LD sont les pages du site servi localement (http://localhost:8000/…) ; celles de
    GET /export/jsonld prennent l'adresse du site qui répond."""
    import json

    from exports import DEFAULT_BASE, FORMATS, read_graph, to_csv_files, to_cypher, to_jsonld
    from graph.errors import NotFound
    from qfq.app import open_graph

    if fmt not in FORMATS:
        fail(f"format inconnu « {fmt} » (formats : {', '.join(FORMATS)}).")
    store = open_graph()
    try:
        g = read_graph(store, org)
    except NotFound as exc:
        fail(str(exc))
    if not g.nodes:
        fail("le graphe est vide : chargez d'abord les données (qfq load).")
    if fmt == "csv":
        folder = output or Path("export-csv")
        if folder.exists() and not folder.is_dir():
            fail(f"{folder} existe et n'est pas un dossier.")
        folder.mkdir(parents=True, exist_ok=True)
        files = to_csv_files(g)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        err.print(f"{len(files)} fichiers CSV écrits dans {folder} "
                  f"({len(g.nodes)} nœuds, {len(g.rels)} relations).", highlight=False)
        return
    if fmt == "jsonld":
        text = json.dumps(to_jsonld(g, DEFAULT_BASE), ensure_ascii=False, indent=1) + "\n"
    else:
        text = to_cypher(g)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err.print(f"Export {fmt} écrit dans {output} ({len(g.nodes)} nœuds, {len(g.rels)} relations).", highlight=False)

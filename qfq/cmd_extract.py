"""`qfq extract`: a draft data file from an organisation document, and how close it is to a curated one."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml

from qfq.app import app, fail, out


@app.command()
def extract(
    file: Path = typer.Argument(..., help="Document texte de l'organisation (organigramme détaillé)."),
    org: str = typer.Option(..., "--org", help="Identifiant de l'organisation (ex. meuse)."),
    name: str | None = typer.Option(None, "--name", help="Nom de l'organisation."),
    output: Path | None = typer.Option(None, "--output", help="Fichier où écrire le brouillon (sinon : sortie standard)."),
    compare_with: Path | None = typer.Option(None, "--compare", help="Fichier curé à comparer (précision, rappel)."),
    as_json: bool = typer.Option(False, "--json", help="Comparaison en JSON."),
) -> None:
    """Brouillon de fichier data/organisations/<id>.yaml depuis un document ; --compare mesure sa qualité."""
    from loaders.extract_compare import compare
    from loaders.extractor import extract as run, to_yaml
    from schema.model import Organisation

    if not file.is_file():
        fail(f"Fichier introuvable : {file}. Indiquez le chemin d'un document texte.")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{file} n'est pas un texte UTF-8. Convertissez-le (ex. pdftotext -enc UTF-8).")
    units = run(text)
    if not units:
        fail(f"{file} : aucune unité reconnue (titres en capitales « DIRECTION … », « SERVICE … » attendus).")
    draft_text = to_yaml(units, org, name or org, file.name)
    draft = yaml.safe_load(draft_text)
    Organisation.model_validate(draft)  # the draft is always a well-formed data file
    if output:
        output.write_text(draft_text, encoding="utf-8")
        out.print(f"Brouillon écrit : {output} ({len(draft['units'])} unités).")
    elif not compare_with:
        print(draft_text)
    if compare_with:
        if not compare_with.is_file():
            fail(f"Fichier curé introuvable : {compare_with}.")
        c = compare(draft, yaml.safe_load(compare_with.read_text(encoding="utf-8")))
        figures = {"unit_precision": round(c.unit_precision, 3), "unit_recall": round(c.unit_recall, 3),
                   "parent_precision": round(c.parent_precision, 3), "parent_recall": round(c.parent_recall, 3),
                   "matched": c.matched, "draft_units": c.draft_units, "curated_units": c.curated_units}
        if as_json:
            print(json.dumps({**figures, "missing": c.missing, "extra": c.extra, "wrong_parents": c.wrong_parents},
                             ensure_ascii=False, indent=2))
            return
        out.print(f"Unités : précision {c.unit_precision:.3f}, rappel {c.unit_recall:.3f} "
                  f"({c.matched} appariées / {c.draft_units} extraites / {c.curated_units} curées)")
        out.print(f"Rattachements : précision {c.parent_precision:.3f}, rappel {c.parent_recall:.3f}")
        if c.missing:
            out.print("Manquantes : " + " ; ".join(c.missing), highlight=False, soft_wrap=True)
        if c.wrong_parents:
            out.print("Rattachements faux : " + " ; ".join(c.wrong_parents), highlight=False, soft_wrap=True)

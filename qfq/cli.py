"""`qfq`: load the data into the graph, look things up, serve — the same engine as the API.

Every failure a user can cause ends in one clear French line on stderr and a non-zero exit.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from graph.errors import QfqError, StoreError, VersionGone
from loaders.files import DataError
from qfq.app import DEFAULT_DATA, DataOpt, app, err, open_graph, out
from qfq.usage import french, is_usage_error


@app.command()
def init() -> None:
    """Crée les contraintes et index du graphe (sans rien charger)."""
    from schema.apply import apply

    store = open_graph()
    n = apply(store.backend, lambda s: store.run_text(s, write=True))
    out.print(f"Schéma appliqué sur {store.description} ({n} instruction(s) nouvelles).")


@app.command()
def load(data: Path | None = DataOpt, quiet: bool = typer.Option(False, "--quiet", "-q")) -> None:
    """Vérifie data/ puis remplace le contenu du graphe, tout ou rien."""
    from loaders.dataset import read_dataset
    from loaders.load import load_dataset, plan_size

    ds = read_dataset(data or DEFAULT_DATA)
    store = open_graph()
    total = plan_size(ds)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err, disable=quiet, transient=True) as bar:
        task = bar.add_task("chargement", total=total)
        report = load_dataset(store, ds, progress=lambda step, n: bar.update(task, advance=n, description=step))
    counts = _stats(store)
    units = counts["labels"].get("Unit", 0)
    out.print(f"Chargé : {len(ds.organisations)} organisations, {units} unités, {report.rows} lignes "
              f"en {report.seconds:.2f} s — version des données {report.version} ({store.description}).")


@app.command()
def stats(as_json: bool = typer.Option(False, "--json", help="Sortie JSON.")) -> None:
    """Compte les nœuds par label, les relations par type et les unités par type et organisation."""
    store = open_graph()
    s = _stats(store)
    if as_json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
        return
    out.print(f"Graphe : {store.description} — données {s['data_version'] or 'non chargées'}")
    for k, v in s["labels"].items():
        out.print(f"  {k:<14} {v:>7}")
    for k, v in s["relationships"].items():
        out.print(f"  -[{k}]-> {v:>7}")
    for org, kinds in s["unit_kinds"].items():
        out.print(f"  {org}: " + ", ".join(f"{k} {n}" for k, n in kinds.items()))


def _stats(store) -> dict:
    meta = store.read("meta")
    kinds: dict[str, dict[str, int]] = {}
    for r in store.read("stats_unit_kinds"):
        kinds.setdefault(r["organisation"], {})[r["kind"]] = r["count"]
    return {
        "data_version": meta[0]["version"] if meta else None,
        "labels": {r["label"]: r["count"] for r in store.read("stats_labels")},
        "relationships": {r["type"]: r["count"] for r in store.read("stats_relationships")},
        "unit_kinds": kinds,
    }


def _register_commands() -> None:
    """Commands living in their own modules register themselves on `app` when imported."""
    import importlib
    import pkgutil

    import qfq

    for mod in pkgutil.iter_modules(qfq.__path__):
        if mod.name.startswith("cmd_"):
            importlib.import_module(f"qfq.{mod.name}")


def main() -> None:
    """Entry point: run the app, turning known errors into one clear line."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    _register_commands()
    try:
        rc = app(standalone_mode=False)  # click returns a typer.Exit's code instead of raising it
        sys.exit(rc if isinstance(rc, int) else 0)
    except DataError as exc:
        err.print(f"[bold red]Données invalides[/] ({len(exc.problems)} problème(s)) — rien n'a été chargé :",
                  highlight=False)
        for p in exc.problems:
            err.print(f"  • {p}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except StoreError as exc:
        err.print(f"[bold red]Graphe :[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except VersionGone:  # the command reads one data version: a load replaced it meanwhile
        err.print("[bold red]Graphe :[/] les données ont été rechargées pendant la commande ; relancez-la.",
                  highlight=False)
        sys.exit(2)
    except QfqError as exc:  # bad input or an unknown name a command did not word itself
        err.print(f"[bold red]Erreur :[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("Interrompu.")
        sys.exit(130)
    except Exception as exc:  # click's own errors (typer vendors click: matched by name)
        if is_usage_error(exc):
            err.print(f"[bold red]Erreur :[/] {french(exc)}", highlight=False, soft_wrap=True)
            sys.exit(2)
        code = getattr(exc, "exit_code", None)
        if hasattr(exc, "show") and isinstance(code, int):
            exc.show()  # help asked for by a missing command, or an error of click's we do not word
            sys.exit(code)
        raise

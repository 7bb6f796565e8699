"""The typer app and the consoles every `qfq` command shares (commands live in cli.py and cmd_*.py)."""

from __future__ import annotations

import typer
from rich.console import Console

from graph.config import repo_root
from qfq.usage import french_help

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Qui fait quoi ? Le graphe des services des collectivités.")
french_help()  # typer's own words (usage line, panels, --help) in French
err = Console(stderr=True)
out = Console()
DEFAULT_DATA = repo_root() / "data"
DataOpt = typer.Option(None, "--data", help="Dossier des données (par défaut : data/ du dépôt).")


def fail(message: str, code: int = 1) -> None:
    """One clear French line on stderr, then a non-zero exit."""
    err.print(f"[bold red]Erreur :[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def open_graph():
    """The store for a command; if the embedded store had to set unreadable files aside, rebuild it
    from data/ now (the graph is a view of data/) and say so."""
    import logging

    from graph import open_store

    store = open_store()
    if getattr(store, "recovered", False):
        from loaders.dataset import read_dataset
        from loaders.load import load_dataset

        report = load_dataset(store, read_dataset(DEFAULT_DATA))
        logging.getLogger("qfq.graph").warning(
            "graphe embarqué reconstruit depuis data/ après mise de côté de fichiers illisibles "
            "(version %s, %d lignes, %.2f s)", report.version, report.rows, report.seconds)
        store.recovered = False
    return store

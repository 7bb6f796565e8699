"""The typer app and the consoles every `qfq` command shares (commands live in cli.py and cmd_*.py)."""

from __future__ import annotations

import typer
from rich.console import Console

from graph.config import repo_root

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Qui fait quoi ? Le graphe des services des collectivités.")
err = Console(stderr=True)
out = Console()
DEFAULT_DATA = repo_root() / "data"
DataOpt = typer.Option(None, "--data", help="Dossier des données (par défaut : data/ du dépôt).")


def fail(message: str, code: int = 1) -> None:
    """One clear French line on stderr, then a non-zero exit."""
    err.print(f"[bold red]Erreur :[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)

"""The named Cypher statements of the product: one `<name>.cypher` file per statement.

User text never enters a query string: every statement takes `$parameters`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent


class UnknownQuery(LookupError):
    """A query name with no file in queries/ (a programming error: queries/ depends on nothing else)."""


@cache
def load(name: str) -> str:
    """The statement text of queries/<name>.cypher, comment lines removed."""
    if not name.replace("_", "").isalnum():
        raise UnknownQuery(f"Nom de requête invalide : {name!r}.")
    path = QUERY_DIR / f"{name}.cypher"
    if not path.is_file():
        raise UnknownQuery(f"Requête inconnue : {name} (pas de fichier queries/{name}.cypher).")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.lstrip().startswith("//")]
    return "\n".join(lines).strip()


def names() -> list[str]:
    """Every query name, sorted."""
    return sorted(p.stem for p in QUERY_DIR.glob("*.cypher"))

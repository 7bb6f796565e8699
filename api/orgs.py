"""Forgiving organisation lookup: id, name, alias or INSEE/SIREN code, any case and accents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lookup.text import name_key

from graph.errors import NotFound

MEMO_SIZE = 1024


def _key(text: str) -> str:
    return name_key(text)


class OrgIndex:
    """The organisations of one data version, with their folded names; answers are memoised."""

    def __init__(self, orgs: Iterable[dict[str, Any]]) -> None:
        self.orgs = list(orgs)
        self._names = [(o, {_key(n) for n in (o["id"], o.get("name"), o.get("territory"), *(o.get("aliases") or []))
                            if n}) for o in self.orgs]
        self._memo: dict[str, dict[str, Any] | str] = {}  # a name, or why it names none

    def resolve(self, text: str) -> dict[str, Any]:
        """The organisation `text` names ("meuse", "Meuse", "55", "Département de la Meuse"), else NOT_FOUND."""
        hit = self._memo.get(text)
        if hit is None:
            hit = self._resolve(text)
            if len(self._memo) < MEMO_SIZE:
                self._memo[text] = hit
        if isinstance(hit, str):
            raise NotFound(hit)
        return hit

    def _resolve(self, text: str) -> dict[str, Any] | str:
        key = _key(text)
        if not key:
            return ("Organisation vide : indiquez son identifiant, son nom ou son code "
                    "(ex. « meuse », « 55 »).")
        exact = [o for o, names in self._names if key in names]
        if len(exact) == 1:
            return exact[0]
        padded = f" {key} "
        partial = [o for o, names in self._names if any(padded in f" {n} " for n in names)]
        if len(partial) == 1:
            return partial[0]
        known = ", ".join(f"{o['id']} ({o['name']})" for o in self.orgs)
        if len(partial) > 1 or len(exact) > 1:
            return f"Organisation ambiguë : « {text} ». Précisez parmi : {known}."
        return f"Organisation inconnue : « {text} ». Organisations connues : {known}."


def resolve_org(orgs: Iterable[dict[str, Any]], text: str) -> dict[str, Any]:
    """One-off lookup (builds the index each time; the app keeps one per data version)."""
    return OrgIndex(orgs).resolve(text)

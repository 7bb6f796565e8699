"""Parameters in, plain Python values out, whatever the backend.

FalkorDB's client sends parameters as text: a NUL byte cannot travel (falkordb-py #201), nor can a
lone surrogate (not UTF-8), so both are refused here with a clear message instead of a broken query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.errors import BadParameter

Plain = Any  # None | bool | int | float | str | list[Plain] | dict[str, Plain]


def check_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validate parameters recursively; raise BadParameter naming the offending path."""
    if not params:
        return {}
    out: dict[str, Any] = {}
    for key, value in params.items():
        if not isinstance(key, str) or not key.isidentifier():
            raise BadParameter(f"Nom de paramètre invalide : {key!r} (lettres, chiffres et _ seulement).")
        out[key] = _check(value, key)
    return out


def _check(value: Any, path: str) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        if "\x00" in value:
            raise BadParameter(
                f"Le paramètre {path} contient un caractère NUL (\\x00), que le graphe ne peut pas stocker : "
                "retirez-le du texte."
            )
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate, e.g. from a JSON "\ud800" escape
                raise BadParameter(f"Le paramètre {path} contient un caractère isolé (demi-paire UTF-16) qui n'est "
                                   "pas du texte valide : corrigez l'encodage du texte envoyé.") from None
        return value
    if isinstance(value, Mapping):
        res = {}
        for k, v in value.items():
            if not isinstance(k, str) or "\x00" in k or not k:
                raise BadParameter(f"Clé invalide {k!r} dans le paramètre {path}.")
            res[k] = _check(v, f"{path}.{k}")
        return res
    if isinstance(value, (list, tuple)):
        return [_check(v, f"{path}[{i}]") for i, v in enumerate(value)]
    raise BadParameter(f"Type non pris en charge pour le paramètre {path} : {type(value).__name__}.")


def to_plain(value: Any) -> Plain:
    """Turn driver objects (nodes, edges, paths, records) into dicts, lists and scalars."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    props = getattr(value, "properties", None)  # falkordb Node / Edge
    if isinstance(props, Mapping):
        return {str(k): to_plain(v) for k, v in props.items()}
    nodes = getattr(value, "nodes", None)  # a Path: falkordb's nodes() method, neo4j's nodes tuple
    if callable(nodes):
        nodes = nodes()
    if isinstance(nodes, (list, tuple)):
        return [to_plain(n) for n in nodes]
    if hasattr(value, "items"):  # neo4j Node / Relationship
        return {str(k): to_plain(v) for k, v in value.items()}
    return str(value)

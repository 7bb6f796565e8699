"""Reading data files into Python values, with errors that name the file, the place and the fix."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError


class DataError(Exception):
    """One or more problems in data/; each line says file › path : what is wrong. How to fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def read_yaml(path: Path, root: Path) -> Any:
    rel = _rel(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([f"{rel} : fichier illisible en UTF-8 (octet {exc.start}). Réenregistrez-le en UTF-8."])
    except OSError as exc:
        raise DataError([f"{rel} : lecture impossible ({exc.strerror}). Vérifiez le chemin et les droits."])
    if "\x00" in text:
        raise DataError([f"{rel} : contient un caractère NUL. Retirez-le du fichier."])
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError([f"{rel}{where} : YAML invalide ({problem}). Corrigez la syntaxe (indentation, deux-points, guillemets)."])


def parse(model: type[BaseModel], data: Any, path: Path, root: Path) -> Any:
    """Validate `data` against `model`; every pydantic error becomes one clear line."""
    rel = _rel(path, root)
    if not isinstance(data, dict):
        raise DataError([f"{rel} : le fichier doit contenir un objet YAML (clé: valeur), pas {type(data).__name__}."])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors()[:50]:
            loc = _loc(err["loc"], data)
            lines.append(f"{rel} › {loc} : {_french(err)}")
        raise DataError(lines) from None


def read_csv(path: Path, root: Path, columns: list[str]) -> list[dict[str, str]]:
    rel = _rel(path, root)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError([f"{rel} : colonnes manquantes {missing}. En-tête attendu : {','.join(columns)}."])
            return [dict(row) for row in reader]
    except OSError as exc:
        raise DataError([f"{rel} : lecture impossible ({exc.strerror})."])


def data_version(paths: list[Path]) -> str:
    """A short hash of the data files' content: the graph records which data it was built from."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def _loc(loc: tuple[Any, ...], data: Any) -> str:
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            label = ""
            if isinstance(node, list) and part < len(node) and isinstance(node[part], dict) and "id" in node[part]:
                label = f"(id={node[part]['id']})"
            out += f"[{part}]{label}"
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(racine)"


def _french(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "champ obligatoire absent. Ajoutez-le."
    if kind == "extra_forbidden":
        return "champ inconnu. Retirez-le ou corrigez son nom (voir schema/README.md)."
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"valeur {err.get('input')!r} non permise. Valeurs possibles : {expected}."
    if kind == "string_pattern_mismatch":
        return f"identifiant {err.get('input')!r} invalide. Utilisez des minuscules, chiffres et tirets (ex. service-acces-aux-droits)."
    if kind in ("string_type", "list_type", "dict_type", "model_type"):
        return f"type incorrect ({err.get('msg')}). Valeur reçue : {str(err.get('input'))[:60]!r}."
    return f"{err.get('msg')}. Valeur reçue : {str(err.get('input'))[:60]!r}."


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)

"""Reading data files into Python values, with errors that name the file, the place and the fix."""

from __future__ import annotations

import csv
import hashlib
import re
import reprlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

MAX_YAML_BYTES = 5 * 1024 * 1024  # the largest curated file (meuse.yaml) is 240 KB
MAX_CSV_BYTES = 100 * 1024 * 1024  # a national territory table stays far below
MAX_TEXT_BYTES = 20 * 1024 * 1024  # a source document (an organisation chart as text)
MAX_DEPTH = 50  # nesting of YAML collections; the schema needs fewer than 10
MAX_NODES = 50_000  # YAML values in one file; meuse.yaml, the largest, has about 7 000
# Characters no data value may hold: C0 controls but tab and newlines, DEL, C1 controls, lone surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
_short = reprlib.Repr()
_short.maxstring, _short.maxother, _short.maxlist, _short.maxdict, _short.maxlevel = 60, 60, 4, 4, 2


class DataError(Exception):
    """One or more problems in data/; each line says file › path : what is wrong. How to fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def read_yaml(path: Path, root: Path) -> Any:
    """Parse one data file safely: size-capped, no YAML aliases, bounded nesting, no control characters;
    mappings and lists come back as LineDict/LineList carrying their line for error messages."""
    rel = _rel(path, root)
    text = read_text(path, root, MAX_YAML_BYTES)
    bad = FORBIDDEN.search(text)
    if bad:
        raise DataError([f"{rel} {_where(text, bad.start())} : caractère interdit {_char(bad.group())}. "
                         "Retirez-le du fichier."])
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 — _Loader is a SafeLoader
    except _Refused as exc:
        raise DataError([f"{rel} ligne {exc.mark.line + 1}, colonne {exc.mark.column + 1} : {exc.message}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "invalid Unicode character escape" in problem:
            raise DataError([f"{rel}{where} : caractère interdit (échappement \\u d'un surrogat isolé ou hors "
                             "Unicode). Retirez-le."]) from None
        if "nesting depth" in problem:  # libyaml's own bound (1,000 levels) met while it reads ahead
            raise DataError([f"{rel}{where} : imbrication trop profonde (plus de {MAX_DEPTH} niveaux). "
                             "Aplatissez la structure."]) from None
        raise DataError([f"{rel}{where} : YAML invalide ({problem}). Corrigez la syntaxe (indentation, deux-points, "
                         "guillemets)."]) from None


def read_text(path: Path, root: Path, limit: int = MAX_TEXT_BYTES) -> str:
    """A UTF-8 data file, refused before reading when larger than `limit`."""
    rel = _rel(path, root)
    try:
        size = path.stat().st_size
        if size > limit:
            raise DataError([f"{rel} : fichier trop gros ({_mb(size)}, limite {_mb(limit)} pour ce type de "
                             "fichier). Découpez-le ou retirez ce qui n'est pas une donnée."])
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([f"{rel} : fichier illisible en UTF-8 (octet {exc.start}). Réenregistrez-le en UTF-8."]) from None
    except OSError as exc:
        raise DataError([f"{rel} : lecture impossible ({exc.strerror}). Vérifiez le chemin et les droits."]) from None


class LineDict(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers its line (1-based), so errors can name it."""

    line = 0


class LineList(list):  # type: ignore[type-arg]
    """A YAML sequence that remembers its line (1-based)."""

    line = 0


class _Refused(yaml.YAMLError):
    def __init__(self, message: str, mark: yaml.Mark) -> None:
        super().__init__(message)
        self.message, self.mark = message, mark


class _PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's own parser, for a PyYAML built without libyaml."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


try:  # libyaml's parser when the wheel has it: about 10× faster than PyYAML's on large files
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover
    _Parser = _PyParser  # type: ignore[misc,assignment]


class _Loader(yaml.composer.Composer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """PyYAML's safe loading (libyaml's parser, PyYAML's composer and safe constructor), refusing what
    a data file never needs and an attacker would use: aliases (an anchor bomb expands 10⁸ items from
    a few lines — refused before any expansion), nesting deeper than MAX_DEPTH (a RecursionError
    otherwise), more than MAX_NODES values, and control characters written as escapes ("\\0",
    "\\x01", "\\ud800") in quoted strings."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(f"trop de valeurs (plus de {MAX_NODES:,}). Découpez le fichier.".replace(",", " "),
                           self.peek_event().start_mark)
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(f"alias YAML *{event.anchor} refusé (les alias ne sont pas permis dans data/). "
                           "Recopiez la valeur à cet endroit.", event.start_mark)
        event = self.peek_event()
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if self._depth >= MAX_DEPTH:
                raise _Refused(f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux). Aplatissez la structure.",
                               event.start_mark)
            self._depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        node = super().compose_node(parent, index)
        if isinstance(node, yaml.ScalarNode):
            bad = FORBIDDEN.search(node.value)
            if bad:
                raise _Refused(f"caractère interdit {_char(bad.group())} dans une valeur. Retirez-le.",
                               node.start_mark)
        return node

    def construct_yaml_map(self, node: Any) -> Any:  # type: ignore[override]
        data = LineDict()
        data.line = node.start_mark.line + 1
        yield data
        data.update(self.construct_mapping(node))

    def construct_yaml_seq(self, node: Any) -> Any:  # type: ignore[override]
        data = LineList()
        data.line = node.start_mark.line + 1
        yield data
        data.extend(self.construct_sequence(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_seq)


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"ligne {line}, colonne {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def _char(c: str) -> str:
    return "NUL (U+0000)" if c == "\x00" else f"U+{ord(c):04X}"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} Mo"


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
            loc, line = _loc(err["loc"], data)
            at = f" (ligne {line})" if line else ""
            lines.append(f"{rel}{at} › {loc} : {_french(err)}")
        raise DataError(lines) from None


def read_csv(path: Path, root: Path, columns: list[str]) -> list[dict[str, str]]:
    rel = _rel(path, root)
    text = read_text(path, root, MAX_CSV_BYTES)
    bad = FORBIDDEN.search(text)
    if bad:
        raise DataError([f"{rel} {_where(text, bad.start())} : caractère interdit {_char(bad.group())}. "
                         "Retirez-le du fichier."])
    try:
        reader = csv.DictReader(text.splitlines())
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError([f"{rel} : colonnes manquantes {missing}. En-tête attendu : {','.join(columns)}."])
        return [dict(row) for row in reader]
    except csv.Error as exc:
        raise DataError([f"{rel} ligne {reader.line_num} : CSV illisible ({exc}). Corrigez les guillemets."]) from None


def data_version(paths: list[Path]) -> str:
    """A short hash of the data files' content: the graph records which data it was built from."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def _loc(loc: tuple[Any, ...], data: Any) -> tuple[str, int]:
    """The readable path of a pydantic error and the line of the deepest YAML node it reaches."""
    out = ""
    node = data
    line = getattr(data, "line", 0)
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
        line = getattr(node, "line", 0) or line
    return out or "(racine)", line


def _french(err: ErrorDetails) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "champ obligatoire absent. Ajoutez-le."
    if kind == "extra_forbidden":
        return "champ inconnu. Retirez-le ou corrigez son nom (voir schema/README.md)."
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"valeur {_short.repr(err.get('input'))} non permise. Valeurs possibles : {expected}."
    if kind == "string_pattern_mismatch":
        return f"identifiant {_short.repr(err.get('input'))} invalide. Utilisez des minuscules, chiffres et tirets (ex. service-acces-aux-droits)."
    if kind in ("string_type", "list_type", "dict_type", "model_type"):
        return f"type incorrect ({err.get('msg')}). Valeur reçue : {_short.repr(err.get('input'))}."
    return f"{err.get('msg')}. Valeur reçue : {_short.repr(err.get('input'))}."


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)

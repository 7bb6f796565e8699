"""Draft an organisation data file from a document shaped like the Meuse "Organisation générale des
services": capitalised headings per unit, numbered sub-sections, "rattaché(e) à …" sentences,
organisation charts after "organisé(e) en …", "a pour principales missions :" bullets and
"placé(e) sous l'autorité hiérarchique du …" head roles.

The draft is a starting point for curation (`qfq extract`), never a substitute for it: quotes are
verbatim, parents come from the text, and what the text does not say is left for the curator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from loaders.dataset import squash
from lookup.text import name_key

FOOTER = re.compile(r"^\s*DRH\s*-\s*Organisation générale des services\s+\d+\s*/\s*\d+\s*$")
HEADING = re.compile(r"^\s*(?:(\d+(?:\.\d+)*)\.?\s+)?(\S.*?)\s*$")
KINDS = {"POLE": "pole", "DIRECTION": "direction", "MISSION": "mission", "SERVICE": "service",
         "SECTEUR": "secteur", "CABINET": "cabinet", "SECRETARIAT": "support_function",
         "SYSTEME": "support_function", "ARCHIVAGE": "support_function", "SECURITE": "support_function",
         "ADJOINT": "support_function", "CELLULE": "support_function", "MUSEE": "team"}
COLLECTIVE = {"SERVICES", "CENTRES"}  # headings describing several units at once (listed by a chart)
NOT_UNITS = re.compile(r"^(MISSIONS|ORGANISATION|ENTITE)\b")
CHART_ITEM = re.compile(r"(?=\b(?:Service|Secteur|Mission|Cellule|Direction|Pôle|CE|Point d’appui)\s)|(?<!Service )(?=\bADA\s)")
ATTACHED = re.compile(r"(?:est|sont)\s+(?:directement\s+)?rattachée?s?\s+(?:au|à la|à l’|à l'|aux|à)\s+(.+?)(?:\.|,|;|$)")
HEAD = re.compile(r"placée?\s+sous\s+l’autorité\s+hiérarchique\s+(?:du|de la|de l’)\s+(.+?)\s+qui\b")
SMALL_CAPS_WORDS = {"de", "des", "du", "la", "le", "les", "et", "à", "l’", "d’", "en", "aux", "au"}


@dataclass
class Draft:
    """One unit of the draft (becomes one `units:` item)."""

    id: str
    name: str
    kind: str
    parent: str | None
    quote: str
    depth: int = 0
    head: str | None = None
    missions: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def slugify(text: str) -> str:
    return "-".join(name_key(text).split())[:80] or "unite"


def sentence_case(heading: str) -> str:
    """'SERVICE ACCES AUX DROITS' → 'Service acces aux droits' (acronyms kept, '&' written 'et')."""
    out = []
    for i, w in enumerate(heading.replace(" & ", " et ").split()):
        vowels = sum(c in "AEIOUYÀÂÉÈÊËÎÏÔÛÙ" for c in w)
        keep = (len(w) <= 4 and w.isupper() and w.isalpha() and vowels <= 2 and name_key(w) not in SMALL_CAPS_WORDS
                and i > 0)
        out.append(w if keep else (w.capitalize() if i == 0 else w.lower()))
    return " ".join(out)


def _is_heading(text: str) -> tuple[str, str] | None:
    """(kind word, heading text) for a capitalised unit heading, else None."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or sum(c.isupper() for c in letters) < 0.9 * len(letters):
        return None
    first = name_key(text.split()[0]).upper()
    if NOT_UNITS.match(first) or (first not in KINDS and first not in COLLECTIVE):
        return None
    return first, text


def extract(text: str) -> list[Draft]:
    """Units found in `text`, in document order, with their parents."""
    lines = [ln for ln in text.splitlines() if not FOOTER.match(ln)]
    units: list[Draft] = []
    holders: list[Draft] = []  # collective headings: their charts name the units
    stack: list[Draft] = []  # numbered nesting inside the current major section
    current: Draft | None = None
    ids: set[str] = set()

    def new_unit(name: str, kind: str, parent: Draft | None, quote: str, depth: int) -> Draft:
        base = slugify(name)
        uid, n = base, 2
        while uid in ids:
            uid, n = f"{base}-{n}", n + 1
        ids.add(uid)
        u = Draft(id=uid, name=name, kind=kind, parent=parent.id if parent else None, quote=quote, depth=depth)
        units.append(u)
        return u

    for raw in lines:
        m = HEADING.match(raw)
        head = _is_heading(m.group(2)) if m and raw.strip() else None
        if m is None or head is None:
            if current is not None:
                current.lines.append(raw)
            continue
        word, title = head
        number = m.group(1)
        depth = number.count(".") + 1 if number else 0
        kind = "dgs" if name_key(title).startswith("direction generale des services") else KINDS.get(word, "team")
        if word in COLLECTIVE:  # its chart names the units; keep collecting text for it
            holder = Draft(id="", name=sentence_case(title), kind="collective", parent=None, quote=title.strip(),
                           depth=depth)
            holder_parent = _parent_in_stack(stack, depth) if depth else None
            holder.parent = holder_parent.id if holder_parent else (current.id if current else None)
            holders.append(holder)
            current = holder
            continue
        if depth == 0 and kind == "service" and stack and stack[0].kind == "direction":
            depth = 2  # an unnumbered service heading inside a direction's section is one of its services
        if depth == 0:
            parent = None
            stack = []
        else:
            parent = _parent_in_stack(stack, depth)
        u = new_unit(sentence_case(title), kind, parent, title.strip(), depth)
        stack.append(u)
        current = u
        if depth == 0:
            stack = [u]
    _resolve(units, holders)
    return units


def _parent_in_stack(stack: list[Draft], depth: int) -> Draft | None:
    for u in reversed(stack):
        if u.depth < depth:
            return u
    return stack[0] if stack else None


def _resolve(units: list[Draft], holders: list[Draft]) -> None:
    """Second pass: attachments of major sections, heads, missions and chart members."""
    by_fold = {name_key(u.name): u for u in units}
    by_id = {u.id: u for u in units}
    names = list(by_fold)
    extra: list[Draft] = []
    for u in list(units):
        body = squash(" ".join(u.lines))
        h = HEAD.search(body)
        if h:
            u.head = h.group(1).strip()
        u.missions = _missions(u.lines)
        if u.depth == 0:
            a = ATTACHED.search(body)
            if a:
                u.quote = squash(a.group(0)).rstrip(".,;")
                target = name_key(a.group(1))
                if "president" in target and "conseil" in target:
                    u.parent = None
                else:
                    u.parent = _best(target, names, by_fold, exclude=u)
        extra += _chart_members(u, u.lines, by_fold)
    for holder in holders:  # "SERVICES SOCIAUX TERRITORIAUX", "CENTRES D'EXPLOITATION": members go to the owner
        owner = by_id.get(holder.parent or "")
        if owner is not None:
            extra += _chart_members(owner, holder.lines, by_fold)
    units.extend(extra)


def _best(target: str, names: list[str], by_fold: dict[str, Draft], exclude: Draft) -> str | None:
    from rapidfuzz import fuzz, process

    target = re.sub(r"^(directeur general adjoint en charge du |directeur general adjoint en charge de la )", "pole ",
                    target)
    hit = process.extractOne(target, [n for n in names if by_fold[n] is not exclude], scorer=fuzz.token_set_ratio,
                             score_cutoff=70)
    return by_fold[hit[0]].id if hit else None


def _missions(lines: list[str]) -> list[str]:
    out: list[str] = []
    active = False
    for raw in lines:
        s = raw.strip()
        if re.search(r"principales missions\s*:", s):
            active = True
            continue
        if not active:
            continue
        if s.startswith(("-", "•")):
            out.append(s.lstrip("-• ").strip())
        elif s and out and not re.match(r"^\d", s) and not s[0].isupper():
            out[-1] = f"{out[-1]} {s}"
        elif s:
            active = False
    return [squash(m).rstrip(",;. ") for m in out if m]


def _chart_members(owner: Draft, lines: list[str], by_fold: dict[str, Draft]) -> list[Draft]:
    """Units named in the chart lines that follow "organisé(e) en … :" / "comprend … :" in `lines`."""
    new: list[Draft] = []
    rows: list[list[str]] = []
    collecting = False
    prev = ""
    for raw in lines:
        s = raw.strip()
        if not s:
            continue
        if s.endswith(":") and re.search(r"(organisée?|comprend|compos)", f"{prev} {s}"):
            collecting = True
            prev = s
            continue
        prev = s
        if not collecting:
            continue
        if s[0].isdigit() or s[0] in "-•" or len(s) > 90 or s.endswith(".") or s.isupper():
            collecting = False  # prose or the next heading: the chart is over
            continue
        parts = [squash(x) for x in CHART_ITEM.split(s) if squash(x)]
        if parts and not CHART_ITEM.match(parts[0] + " ") and rows and (_looks_cut(rows[-1][-1]) or parts[0][0].islower()):
            rows[-1][-1] = f"{rows[-1][-1]} {parts[0]}"  # the end of an item wrapped from the line above
            parts = parts[1:]
        if any(len(x) > 80 for x in parts):
            collecting = False
            continue
        if parts:
            rows.append(parts)
    columns: list[Draft] | None = None
    for row in rows:
        created: list[Draft] = []
        for item in row:
            found = _known(item, owner, by_fold)
            if found is not None:
                created.append(found)
                continue
            kind_word = name_key(item.split()[0]).upper()
            kind = {"SERVICE": "service", "SECTEUR": "secteur", "MISSION": "mission", "CELLULE": "support_function",
                    "ADA": "service", "CE": "team", "POINT": "team", "DIRECTION": "direction",
                    "POLE": "pole"}.get(kind_word, "support_function")
            parent = owner
            if columns and kind == "team":
                parent = columns[min(len(created), len(columns) - 1)]
            u = Draft(id=_unique(slugify(item), by_fold), name=item, kind=kind, parent=parent.id or owner.parent,
                      quote=item, depth=owner.depth + 1)
            by_fold[name_key(item)] = u
            new.append(u)
            created.append(u)
        if len(created) > 1 and all(c.kind == "service" for c in created):
            columns = created
    return new


def _looks_cut(item: str) -> bool:
    """An item that cannot end there: a dangling connector, dash, comma or open parenthesis."""
    last = item.split()[-1].lower() if item.split() else ""
    return (last in {"et", "de", "des", "du", "la", "le", "les", "aux", "au", "en", "-", "–", "d’", "l’"}
            or item.endswith((",", "-", "–", "(")) or item.count("(") > item.count(")"))


def _known(item: str, owner: Draft, by_fold: dict[str, Draft]) -> Draft | None:
    """The unit a chart item names, if a heading or an earlier chart already gave it."""
    from rapidfuzz import fuzz, process

    f = name_key(item)
    if f == name_key(owner.name):
        return owner
    for key in (f, f"service {f}", f.removeprefix("service ")):
        if key in by_fold:
            return by_fold[key]
    hit = process.extractOne(f, list(by_fold), scorer=fuzz.ratio, score_cutoff=95)
    return by_fold[hit[0]] if hit else None


def _unique(base: str, by_fold: dict[str, Draft]) -> str:
    ids = {u.id for u in by_fold.values()}
    uid, n = base, 2
    while uid in ids:
        uid, n = f"{base}-{n}", n + 1
    return uid


def to_yaml(units: list[Draft], org_id: str, org_name: str, source_file: str) -> str:
    """The draft as a data file (schema.model.Organisation), comments saying it is unchecked."""
    import yaml

    doc: dict[str, Any] = {
        "id": org_id, "name": org_name, "kind": "departement", "territory": "00",
        "sources": [{"id": "doc", "file": source_file, "title": "Organisation des services"}],
        "units": [],
    }
    valid = {u.id for u in units if u.id}
    for u in units:
        if not u.id:
            continue
        item: dict = {"id": u.id, "name": u.name, "kind": u.kind,
                      "parent": u.parent if u.parent in valid and u.parent != u.id else None,
                      "source": "doc", "quote": u.quote}
        if u.head:
            item["head"] = u.head
        if u.missions:
            item["missions"] = u.missions
        doc["units"].append(item)
    head = (f"# Brouillon extrait automatiquement de {source_file} par `qfq extract` : à relire et compléter\n"
            "# (territoire, compétences, partenaires, sites) avant de le placer dans data/organisations/.\n")
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=110)

"""data/ as one checked dataset: every file parsed, every reference between files resolved.

Nothing here touches the graph; a dataset that builds without DataError is safe to load.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.files import DataError, data_version, parse, read_csv, read_text, read_yaml
from schema.model import CompetenceFile, Organisation, Partner, PartnerFile, SituationFile

COMMUNE_COLS = ["code", "name", "departement", "population", "epci_siren", "canton_code"]


@dataclass
class Territories:
    departements: list[dict[str, str]]
    epci: list[dict[str, str]]
    cantons: list[dict[str, str]]
    communes: list[dict[str, str]]


@dataclass
class Dataset:
    root: Path
    version: str
    organisations: list[Organisation]
    competences: CompetenceFile
    situations: SituationFile
    partners: list[Partner]
    territories: Territories
    documents: dict[str, str]  # source id -> file name
    commune_of: dict[tuple[str, str], str] = field(default_factory=dict)  # (org id, commune text) -> INSEE code
    canton_of: dict[tuple[str, str], str] = field(default_factory=dict)
    partner_where: list[str] = field(default_factory=list)  # per partner: the file and path that declare it


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)


def _at(raw: dict[Path, Any], path: Path, root: Path, *keys: str | int) -> str:
    """`file (ligne N)`: the file and the line of the YAML node that `keys` reach in it."""
    node, line = raw.get(path), 0
    for key in keys:
        try:
            node = node[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", 0) or line
    return f"{_rel(path, root)} (ligne {line})" if line else _rel(path, root)


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation: how names are compared across files."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read_dataset(root: Path) -> Dataset:
    """Read and check everything under `root` (data/); raise DataError listing every problem."""
    root = Path(root)
    if not root.is_dir():
        raise DataError([f"{root} : dossier de données introuvable. Indiquez-le avec --data DOSSIER."])
    problems: list[str] = []
    files: list[Path] = []

    def attempt(fn, *args):  # collect problems from every file before giving up
        try:
            return fn(*args)
        except DataError as exc:
            problems.extend(exc.problems)
            return None

    comp_path, part_path = root / "competences.yaml", root / "partners.yaml"
    raw: dict[Path, Any] = {}  # each file's YAML, whose mappings and lists know their line

    def parsed(model: Any, path: Path) -> Any:
        raw[path] = read_yaml(path, root)
        return parse(model, raw[path], path, root)

    competences = attempt(lambda: parsed(CompetenceFile, comp_path))
    partner_file = attempt(lambda: parsed(PartnerFile, part_path))
    sit_path = root / "situations.yaml"
    situations = attempt(lambda: parsed(SituationFile, sit_path))
    org_paths = sorted((root / "organisations").glob("*.yaml"))
    if not org_paths:
        problems.append(f"{root}/organisations : aucun fichier .yaml. Ajoutez au moins une organisation.")
    orgs: list[tuple[Path, Organisation]] = []
    for p in org_paths:
        org = attempt(lambda p=p: parsed(Organisation, p))
        if org is not None:
            orgs.append((p, org))
    terr_dir = root / "territories"
    terr = attempt(lambda: Territories(
        departements=read_csv(terr_dir / "departements.csv", root, ["code", "name", "region_code", "region_name"]),
        epci=read_csv(terr_dir / "epci.csv", root, ["siren", "name", "kind", "departement"]),
        cantons=read_csv(terr_dir / "cantons.csv", root, ["code", "name", "departement"]),
        communes=read_csv(terr_dir / "communes.csv", root, COMMUNE_COLS),
    ))
    if problems:
        raise DataError(problems)
    assert competences is not None and partner_file is not None and terr is not None and situations is not None
    files = [comp_path, sit_path, part_path, *org_paths, *sorted(terr_dir.glob("*.csv"))]
    src_dir = root / "sources"
    files += sorted(src_dir.glob("*.txt"))

    partners = list(partner_file.partners)
    partner_where = [f"{_at(raw, part_path, root, 'partners', i)} › partners[{i}](id={p.id})"
                     for i, p in enumerate(partners)]
    for path, org in orgs:
        partners.extend(org.partners)
        partner_where += [f"{_at(raw, path, root, 'partners', i)} › partners[{i}](id={p.id})"
                          for i, p in enumerate(org.partners)]
    documents: dict[str, str] = {}
    for _, org in orgs:
        for s in org.sources:
            documents[s.id] = s.file
    ds = Dataset(root=root, version=data_version(files), organisations=[o for _, o in orgs],
                 competences=competences, situations=situations, partners=partners, territories=terr, documents=documents,
                 partner_where=partner_where)
    problems += _check_references(ds, orgs, src_dir, raw)
    if problems:
        raise DataError(problems)
    return ds


def _check_references(ds: Dataset, orgs: list[tuple[Path, Organisation]], src_dir: Path,
                      raw: dict[Path, Any]) -> list[str]:
    problems: list[str] = []
    rel = lambda p: _rel(p, ds.root)  # noqa: E731
    comp = ds.root / "competences.yaml"
    codes = {c.code for c in ds.competences.competences}
    partner_ids: dict[str, list[str]] = {}
    for p, where in zip(ds.partners, ds.partner_where):
        partner_ids.setdefault(p.id, []).append(where.split(" › ")[0])
    for pid, files in partner_ids.items():
        if len(files) > 1:
            problems.append(f"{files[-1]} : partenaire {pid!r} déclaré {len(files)} fois ({', '.join(files)}). "
                            "Gardez une seule déclaration.")
    for i, c in enumerate(ds.competences.competences):
        for pid in c.partners:
            if pid not in partner_ids:
                problems.append(f"{_at(raw, comp, ds.root, 'competences', i)} › competences[{i}](code={c.code}).partners : partenaire "
                                f"{pid!r} inconnu. Déclarez-le dans data/partners.yaml.")
    seen_codes: set[str] = set()
    for i, c in enumerate(ds.competences.competences):
        if c.code in seen_codes:
            problems.append(f"{_at(raw, comp, ds.root, 'competences', i)} › competences[{i}] : code {c.code!r} en double.")
        seen_codes.add(c.code)

    seen_situations: set[str] = set()
    for i, st in enumerate(ds.situations.situations):
        at = f"data/situations.yaml › situations[{i}](code={st.code})"
        if st.code in seen_situations:
            problems.append(f"{at} : code {st.code!r} en double. Gardez une seule situation par code.")
        seen_situations.add(st.code)
        for j, code in enumerate(st.competences):
            if code not in codes:
                problems.append(f"{at}.competences[{j}] : compétence {code!r} inconnue. Utilisez un code de "
                                "data/competences.yaml ou ajoutez-la.")

    docs = _load_documents(ds, src_dir, problems)
    for p, where in zip(ds.partners, ds.partner_where):
        if p.quote and p.source:
            _check_quote(p.quote, p.source, docs, f"{where}.quote", problems)

    dept_codes = {d["code"] for d in ds.territories.departements}
    epci_ids = {e["siren"] for e in ds.territories.epci}
    org_ids: set[str] = set()
    for path, org in orgs:
        where = rel(path)
        if org.id in org_ids:
            problems.append(f"{where} › id : organisation {org.id!r} en double.")
        org_ids.add(org.id)
        if path.stem != org.id:
            problems.append(f"{where} › id : l'identifiant {org.id!r} doit être le nom du fichier ({path.stem}).")
        if org.territory not in dept_codes and org.territory not in epci_ids:
            problems.append(f"{where} › territory : {org.territory!r} n'est ni un département ni un EPCI de "
                            "data/territories. Utilisez le code INSEE du département ou le SIREN de l'EPCI.")
        communes = _communes_of(ds, org)
        units = {u.id: u for u in org.units}
        if len(units) != len(org.units):
            dup = sorted({u.id for u in org.units if sum(v.id == u.id for v in org.units) > 1})
            problems.append(f"{where} › units : identifiants en double {dup}. Chaque unité doit avoir un id unique.")
        site_ids: set[str] = set()
        for k, u in enumerate(org.units):
            at = f"{_at(raw, path, ds.root, 'units', k)} › units[{k}](id={u.id})"
            if u.parent is not None and u.parent not in units:
                problems.append(f"{at}.parent : unité parente {u.parent!r} inconnue dans {org.id}. "
                                "Corrigez l'id du parent ou ajoutez cette unité.")
            _check_quote(u.quote, u.source, docs, f"{at}.quote", problems)
            for j, m in enumerate(u.missions):
                text, src = (m, u.source) if isinstance(m, str) else (m.text, m.source or u.source)
                _check_quote(text, src, docs, f"{at}.missions[{j}]", problems)
            for j, c in enumerate(u.competences):
                if c.code not in codes:
                    problems.append(f"{at}.competences[{j}] : compétence {c.code!r} inconnue. Utilisez un code de "
                                    "data/competences.yaml ou ajoutez-la.")
                if c.quote:
                    _check_quote(c.quote, c.source or u.source, docs, f"{at}.competences[{j}].quote", problems)
            for j, p in enumerate(u.partners):
                if p.id not in partner_ids:
                    problems.append(f"{at}.partners[{j}] : partenaire {p.id!r} inconnu. Déclarez-le dans data/partners.yaml.")
                if p.quote:
                    _check_quote(p.quote, p.source or u.source, docs, f"{at}.partners[{j}].quote", problems)
            for j, t in enumerate(u.territories):
                _resolve_territory(ds, org, communes, t.commune, t.code, t.canton, f"{at}.territories[{j}]", problems)
                if t.quote:
                    _check_quote(t.quote, t.source or u.source, docs, f"{at}.territories[{j}].quote", problems)
            for j, s in enumerate(u.sites):
                if s.id in site_ids:
                    problems.append(f"{at}.sites[{j}] : site {s.id!r} en double dans {org.id}.")
                site_ids.add(s.id)
                if s.commune:
                    _resolve_territory(ds, org, communes, s.commune, None, None, f"{at}.sites[{j}].commune", problems)
                if s.quote:
                    _check_quote(s.quote, s.source or u.source, docs, f"{at}.sites[{j}].quote", problems)
        problems += _cycles(org, where)
        tops = [u.id for u in org.units if u.parent is None]
        if not tops:
            problems.append(f"{where} › units : aucune unité de tête (parent: null). Une unité au moins doit être au sommet.")
    return problems


def _cycles(org: Organisation, where: str) -> list[str]:
    parent = {u.id: u.parent for u in org.units}
    out: list[str] = []
    reported: set[str] = set()
    for start in parent:
        seen: list[str] = []
        node: str | None = start
        while node is not None and node in parent:
            if node in seen:
                loop = seen[seen.index(node):]
                key = min(loop)
                if key not in reported:
                    reported.add(key)
                    out.append(f"{where} › units : cycle de rattachement {' → '.join(loop + [node])}. "
                               "Une unité ne peut pas dépendre d'elle-même : corrigez un des `parent`.")
                break
            seen.append(node)
            node = parent[node]
    return out


def _communes_of(ds: Dataset, org: Organisation) -> dict[str, list[dict[str, str]]]:
    by_name: dict[str, list[dict[str, str]]] = {}
    for c in ds.territories.communes:
        if c["departement"] == org.territory or c["epci_siren"] == org.territory:
            by_name.setdefault(fold(c["name"]), []).append(c)
    return by_name


def _resolve_territory(ds: Dataset, org: Organisation, communes: dict[str, list[dict[str, str]]],
                       commune: str | None, code: str | None, canton: str | None, at: str,
                       problems: list[str]) -> None:
    if commune:
        if commune.isdigit() and any(c["code"] == commune for rows in communes.values() for c in rows):
            ds.commune_of[(org.id, commune)] = commune
            return
        rows = communes.get(fold(commune), [])
        if len(rows) == 1:
            ds.commune_of[(org.id, commune)] = rows[0]["code"]
        elif not rows:
            near = _near(fold(commune), list(communes))
            problems.append(f"{at} : commune {commune!r} introuvable dans le territoire de {org.id}. "
                            f"Écrivez son nom officiel ou son code INSEE{near}.")
        else:
            problems.append(f"{at} : commune {commune!r} ambiguë ({', '.join(r['code'] for r in rows)}). "
                            "Donnez son code INSEE.")
    elif code:
        known = ({d["code"] for d in ds.territories.departements} | {e["siren"] for e in ds.territories.epci}
                 | {c["code"] for c in ds.territories.communes})
        if code not in known:
            problems.append(f"{at}.code : territoire {code!r} inconnu. Utilisez un code INSEE de data/territories.")
    elif canton:
        rows = [c for c in ds.territories.cantons
                if fold(c["name"]) == fold(canton) and c["departement"] == org.territory]
        if len(rows) == 1:
            ds.canton_of[(org.id, canton)] = rows[0]["code"]
        else:
            problems.append(f"{at}.canton : canton {canton!r} introuvable dans {org.territory}.")
    else:
        problems.append(f"{at} : indiquez commune, code ou canton.")


def _near(name: str, candidates: list[str]) -> str:
    from rapidfuzz import process

    hit = process.extractOne(name, candidates, score_cutoff=80)
    return f" (vouliez-vous dire « {hit[0]} » ?)" if hit else ""


def _load_documents(ds: Dataset, src_dir: Path, problems: list[str]) -> dict[str, str]:
    docs: dict[str, str] = {}
    for sid, fname in ds.documents.items():
        path = src_dir / fname
        if not path.is_file():
            problems.append(f"data/sources/{fname} : document source {sid!r} introuvable. Copiez-le dans data/sources/.")
            continue
        try:
            docs[sid] = squash(read_text(path, ds.root))
        except DataError as exc:
            problems.extend(exc.problems)
    return docs


def _check_quote(quote: str, source: str | None, docs: dict[str, str], at: str, problems: list[str]) -> None:
    if source is None:
        return
    doc = docs.get(str(source))
    if doc is None:
        problems.append(f"{at} : document source {source!r} non déclaré dans `sources` de l'organisation.")
    elif squash(quote) not in doc:
        problems.append(f"{at} : citation introuvable mot pour mot dans le document {source} "
                        f"(« {quote[:70]}… »). Recopiez le texte exact du document.")

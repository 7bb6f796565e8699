"""Per-request DataLoaders: every relation is fetched by one `UNWIND $ids AS id MATCH …` query per batch.

Lists (an org chart, a page of units, children) *hint* the unit ids they hand out: the next batch of
any unit-keyed loader then fetches the hinted units too and primes its cache, so nested levels are
served from memory and the number of store queries does not grow with the depth or size of a chart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from strawberry.dataloader import DataLoader

from graph.store import Reader

Row = dict[str, Any]


# loader name -> (query, column of the value or None for the whole row, one value per key?, hinted?)
SPECS: dict[str, tuple[str, str | None, bool, bool]] = {
    # entities by id
    "unit": ("api_units_by_ids", "unit", True, False),
    "competence": ("api_competences_by_codes", "competence", True, False),
    "partner": ("api_partners_by_ids", "partner", True, False),
    "territory": ("api_territories_by_ids", "territory", True, False),
    "source": ("api_sources_by_ids", "source", True, False),
    "site": ("api_sites_by_ids", None, True, False),
    "role": ("api_roles_by_ids", None, True, False),
    "mission": ("api_missions_by_ids", None, True, False),
    # relations of units (hinted)
    "children": ("api_unit_children", "unit", False, True),
    "ancestors": ("api_unit_ancestors", "unit", False, True),
    "head": ("api_unit_heads", "role", True, True),
    "missions": ("api_unit_missions", "mission", False, True),
    "competences": ("api_unit_competences", None, False, True),
    "partners": ("api_unit_partners", None, False, True),
    "territories": ("api_unit_territories", None, False, True),
    "sites": ("api_unit_sites", "site", False, True),
    # other relations
    "org_sources": ("api_org_sources", "source", False, False),
    "competence_units": ("api_competence_units", None, False, False),
    "competence_partners": ("api_competence_partners", "partner", False, False),
    "partner_units": ("api_partner_units", "unit", False, False),
    "partner_competences": ("api_partner_competences", "competence", False, False),
    "territory_parents": ("api_territory_parents", "territory", False, False),
    "territory_units": ("api_territory_units", "unit", False, False),
}


class Loaders:
    """The loaders of one GraphQL request, made on first use (`loaders.missions.load(unit_id)`);
    their caches live as long as the request."""

    def __init__(self, store: Reader) -> None:
        self.store = store
        self.hinted: set[str] = set()
        self.reads = 0

    def __getattr__(self, name: str) -> DataLoader[str, Any]:
        spec = SPECS.get(name)
        if spec is None:
            raise AttributeError(name)
        query, column, single, hinted = spec
        loader = self._loader(query, column, hinted,
                              (lambda vals: vals[0] if vals else None) if single else (lambda vals: vals))
        setattr(self, name, loader)
        return loader

    def hint(self, units: Iterable[Row]) -> None:
        """Announce units the response is about to walk; their relations are fetched in bulk."""
        for u in units:
            self.unit.prime(u["id"], u)
            self.hinted.add(u["id"])

    async def read(self, name: str, params: dict[str, Any] | None = None) -> list[Row]:
        """Run a named query. Called inline: FalkorDB answers these in well under a millisecond."""
        self.reads += 1
        return self.store.read(name, params or {})

    def _loader(self, query: str, column: str | None, hinted: bool,
                pick: Callable[[list[Any]], Any]) -> DataLoader[str, Any]:
        fetched: set[str] = set()
        loader: DataLoader[str, Any]

        async def load(keys: list[str]) -> list[Any]:
            ids = list(dict.fromkeys(keys))
            extra: list[str] = []
            if hinted:
                extra = sorted(self.hinted - fetched - set(ids))
            fetched.update(ids, extra)
            grouped: dict[str, list[Any]] = defaultdict(list)
            for row in await self.read(query, {"ids": ids + extra}):
                grouped[row["id"]].append(row[column] if column else row)
            if extra:
                loader.prime_many({k: pick(grouped.get(k, [])) for k in extra})
            return [pick(grouped.get(k, [])) for k in keys]

        loader = DataLoader(load_fn=load)
        return loader

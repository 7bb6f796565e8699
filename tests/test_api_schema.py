"""The schema's own protections: validation memoised by query text still refuses what it must."""

from __future__ import annotations

import asyncio
from typing import Any

from api.context import Context
from api.limits import MAX_DEPTH
from api.loaders import Loaders
from api.schema import build_schema
from api.services import Services
from graph.version import pin


def test_validation_cache_keeps_refusing_and_accepting(loaded_store: Any) -> None:
    schema = build_schema()
    services = Services(pin(loaded_store))
    deep = '{ unit(id: "meuse:cabinet") { ' + "parent { " * 19 + "id" + " }" * 19 + " } }"
    fine = '{ unit(id: "meuse:cabinet") { parent { name } } }'

    async def run(query: str) -> Any:
        ctx = Context(services=services, loaders=Loaders(loaded_store), request=None)
        return await schema.execute(query, context_value=ctx)

    async def rounds() -> None:
        for _ in range(3):  # the second and third answers come from the cache
            bad, good = await run(deep), await run(fine)
            assert bad.data is None and f"maximum operation depth of {MAX_DEPTH}" in bad.errors[0].message
            assert not good.errors and good.data["unit"]["parent"]["name"]
        typo = await run('{ unit(id: "meuse:cabinet") { nam } }')
        assert typo.errors and "Cannot query field 'nam'" in typo.errors[0].message

    asyncio.run(rounds())

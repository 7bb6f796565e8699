"""The context every GraphQL resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as _Info

from api.loaders import Loaders
from api.services import Services


@dataclass
class Context:
    """Shared services plus this request's DataLoaders."""

    services: Services
    loaders: Loaders
    request: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


Info = _Info[Context, None]

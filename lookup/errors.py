"""What `Engine.ask` refuses, in the product's error vocabulary (graph.errors), each with a French message."""

from __future__ import annotations

from graph.errors import BadInput, NotFound


class QuestionTooLong(BadInput):
    """The question exceeds the engine's maximum length."""


class UnknownOrganisation(NotFound):
    """The `org` parameter names no loaded organisation."""


class UnknownCommune(BadInput):
    """The `commune` parameter names no known commune (the web page then offers close names)."""

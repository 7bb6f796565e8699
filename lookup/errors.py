"""Bad input to the lookup: each error carries its message in French, for the user."""

from __future__ import annotations


class LookupError_(ValueError):
    """Bad input to `Engine.ask` (message in French, for the user)."""


class QuestionTooLong(LookupError_):
    """The question exceeds the engine's maximum length."""


class UnknownOrganisation(LookupError_):
    """The `org` parameter names no loaded organisation."""


class UnknownCommune(LookupError_):
    """The `commune` parameter names no known commune."""

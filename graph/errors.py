"""Errors raised by the store layer, worded for the person who reads them (in French)."""


class StoreError(Exception):
    """A store problem with a message that says what, where and how to fix it."""


class StoreUnavailable(StoreError):
    """The graph store cannot be reached or started."""


class BadParameter(StoreError):
    """A query parameter the store cannot carry faithfully (refused before it is sent)."""


class UnknownQuery(StoreError):
    """A query name with no file in queries/."""

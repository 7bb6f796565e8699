"""Errors raised by the store layer, worded for the person who reads them (in French)."""

from __future__ import annotations

import shutil
from pathlib import Path

# What FalkorDB (redis) and the kernel say when a disk is full: a failed start or a refused write with
# one of these is the disk's fault, never the files'.
DISK_FULL_MARKS = ("No space left", "ENOSPC", "Disk quota exceeded", "EDQUOT", "MISCONF")


class QfqError(Exception):
    """A problem a person can act on; its message, in French, says what, where and how to fix it.

    The product's one error vocabulary: the store, the engine and the services raise the three kinds
    below; each surface translates them in one place (Starlette's exception handlers in api/app.py,
    the GraphQL error formatting in api/schema.py, the CLI's entry point)."""


class BadInput(QfqError):
    """The request is wrong (a parameter too long, unreadable, out of range); nothing was changed."""


class NotFound(QfqError):
    """What the request names does not exist (an organisation, a unit, a page)."""


class Unavailable(QfqError):
    """The graph cannot answer now; the message is for the log, users read UNAVAILABLE."""


UNAVAILABLE = "Le graphe est momentanément indisponible. Réessayez dans un instant."


class StoreError(Unavailable):
    """A store problem with a message that says what, where and how to fix it."""


class StoreUnavailable(StoreError):
    """The graph store cannot be reached or started."""


class DiskFull(StoreUnavailable):
    """The disk of the store's files is full: nothing was written, the graph already there is kept."""


class BadParameter(BadInput, StoreError):
    """A query parameter the store cannot carry faithfully (refused before it is sent): the client's input."""


class VersionGone(Exception):
    """The graph a request was reading has been replaced by a load and removed. An internal signal, outside
    the vocabulary above (neither a QfqError nor a StoreError): nothing is wrong, no user ever reads it; the
    request is run again, as a whole, on the new graph (api/app.py's OneVersion, which says Unavailable
    only if the graph is replaced at every attempt)."""


def mentions_disk_full(text: str) -> bool:
    return any(mark in text for mark in DISK_FULL_MARKS)


KEPT_SERVED = "le graphe déjà chargé reste servi, rien n'a été modifié"
KEPT_FILES = "les fichiers du graphe sont intacts et il reviendra tel quel"


def disk_full(where: Path | str | None, what: str, kept: str = KEPT_SERVED) -> DiskFull:
    """The one « disque plein » line: where, how much is free, what to do, and that nothing is lost."""
    elsewhere = ""
    if where is None:
        place = "sur le disque du serveur FalkorDB"
    else:
        elsewhere = " (ou choisissez un autre dossier avec QFQ_DATA_DIR)"
        try:
            free = f", {shutil.disk_usage(where).free // 1024} Ko libres"
        except OSError:
            free = ""
        place = f"dans {where}{free}"
    return DiskFull(f"disque plein {place} : {what}. Libérez de la place sur ce disque{elsewhere}, "
                    f"puis relancez ; {kept}.")

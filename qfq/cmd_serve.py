"""`qfq serve`: the GraphQL API, REST API and web page over HTTP (uvicorn). Serving never loads data."""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING, Any

import typer

from qfq.app import app, err

if TYPE_CHECKING:
    import uvicorn


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Adresse d'écoute (127.0.0.1 : cette machine seulement)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port d'écoute."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Nombre de processus."),
) -> None:
    """Sert l'API GraphQL (/graphql), l'API REST (/api/ask) et la page web, sur le graphe déjà chargé."""
    import uvicorn

    from qfq.app import open_graph

    # Opened here so the embedded graph server belongs to this (parent) process and outlives workers.
    store = open_graph()
    meta = store.read("meta")
    if not meta:
        err.print("[yellow]Attention :[/] le graphe est vide — lancez « qfq load » pour y charger les données.",
                  highlight=False)
    err.print(f"qfq : http://{host}:{port}/graphql — {store.description}, "
              f"données {meta[0]['version'] if meta else 'non chargées'}", highlight=False)
    config: dict[str, Any] = dict(host=host, port=port, log_level="info", access_log=False,
                                  proxy_headers=False, server_header=False, log_config=_logging("INFO"))
    # uvicorn shuts down gracefully on SIGTERM, then re-raises it: exit normally instead, so that the
    # embedded graph server this process owns is stopped cleanly (atexit) and its state file removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if workers == 1:
        from api.app import create_app

        uvicorn.run(create_app(store), **config)
    else:
        _run_workers(uvicorn.Config("api.app:create_app", factory=True, workers=workers, **config))


def _logging(level: str) -> dict[str, Any]:
    """Logging for the server and each worker: one line per request on `qfq.api.access` at INFO."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        "loggers": {"qfq": {"level": level}, "uvicorn": {"level": level}},
    }


def _run_workers(config: "uvicorn.Config") -> None:
    """uvicorn's process supervisor, with TCP_NODELAY set on the shared listening socket.

    Workers rebuild the inherited socket without its protocol number, so asyncio skips TCP_NODELAY on
    the connections they accept and Nagle's algorithm adds ~40 ms to every keep-alive response.
    Accepted sockets inherit the option from the listener on Linux, hence setting it here.
    """
    import socket

    from uvicorn.supervisors import Multiprocess

    sock = config.bind_socket()
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass

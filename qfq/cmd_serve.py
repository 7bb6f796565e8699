"""`qfq serve`: the GraphQL API, REST API and web page over HTTP (uvicorn). Serving never loads data."""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING, Any

import typer

from qfq.app import app, err, fail

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

    from api.protocol import server_limits
    from qfq.app import open_graph

    _check_port(host, port)
    # Opened here so the embedded graph server belongs to this (parent) process and outlives workers.
    store = open_graph()
    meta = store.read("meta")
    if not meta:
        err.print("[yellow]Attention :[/] le graphe est vide — lancez « qfq load » pour y charger les données.",
                  highlight=False)
    err.print(f"qfq : http://{host}:{port}/graphql — {store.description}, "
              f"données {meta[0]['version'] if meta else 'non chargées'}", highlight=False)
    # asyncio's own loop, not uvloop: under saturation uvloop served some connections late (whoHandles
    # p99 650 ms against 99 ms, same throughput, 32 clients, one worker). httptools parses HTTP.
    config: dict[str, Any] = dict(host=host, port=port, log_level="info", access_log=False, loop="asyncio",
                                  proxy_headers=False, server_header=False, log_config=_logging("INFO"),
                                  **server_limits())
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
        "formatters": {"plain": {"format": "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        "loggers": {"qfq": {"level": level}, "uvicorn": {"level": level}},
    }


def _run_workers(config: uvicorn.Config) -> None:
    """uvicorn's process supervisor, each worker on its own SO_REUSEPORT listening socket.

    With one shared socket, whichever worker wakes first accepts a burst of connections, so
    keep-alive clients pile up on one worker while the other idles; with one socket per worker the
    kernel spreads new connections evenly. TCP_NODELAY is set on each listener (accepted sockets
    inherit it): workers rebuild inherited sockets without their protocol number, so asyncio would
    not set it, and Nagle's algorithm would add ~40 ms to keep-alive responses.
    """
    from uvicorn.supervisors import Multiprocess

    sockets = _listeners(config.host, config.port, config.workers, config.backlog)

    class Balanced(Multiprocess):
        """Runs the stock supervision (start, health checks, restarts) one worker/socket pair at a time."""

        def _each(self, step: Any) -> None:
            procs = self.processes
            try:
                for k, sock in enumerate(sockets):
                    self.processes, self.sockets, self.processes_num = procs[k : k + 1], [sock], 1
                    step()
                    procs[k : k + 1] = self.processes
            finally:
                self.processes, self.sockets, self.processes_num = procs, sockets, len(sockets)

        def init_processes(self) -> None:
            self._each(super().init_processes)

        def keep_subprocess_alive(self) -> None:
            self._each(super().keep_subprocess_alive)

        def restart_all(self) -> None:
            self._each(super().restart_all)

    try:
        Balanced(config, sockets=sockets).run()
    except KeyboardInterrupt:
        pass


def _check_port(host: str, port: int) -> None:
    """Refuse a port already in use, in French, before starting anything. A plain bind (no
    SO_REUSEPORT) also fails when another reuse-port server of this user listens there, which the
    workers' own binds would otherwise silently share."""
    import socket

    if not port:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(f"Impossible d'écouter sur {host}:{port} : {exc.strerror}. Choisissez un autre port avec --port.")


def _listeners(host: str, port: int, count: int, backlog: int) -> list[Any]:
    """`count` listening sockets sharing host:port (the first one's port when `port` is 0)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    out: list[Any] = []
    for _ in range(count):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        sock.bind((host, port))
        port = sock.getsockname()[1]  # --port 0: the others join the port the first one got
        sock.listen(backlog)
        sock.set_inheritable(True)
        out.append(sock)
    return out

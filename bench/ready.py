"""Wait for a `qfq serve` started by a bench to answer /readyz (one place for every bench that serves)."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx


def wait_ready(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    """Return once `base`/readyz answers 200; stop the bench with a French line if the server dies or
    is not ready within `seconds` (usually: no data loaded)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            sys.exit("le serveur n'est pas prêt (données chargées ? lancez `qfq load`)")
        time.sleep(0.2)

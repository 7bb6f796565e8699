"""Worker threads, each with its own event loop, that run GraphQL requests under a time budget."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any


class LoopThreads:
    """GraphQL requests run on a few worker threads, each with its own event loop, under a time budget.

    Parsing, the budget checks, validation and execution (resolvers read the store inline) then
    never hold the server's event loop: /healthz and cached answers keep being served while a
    request computes. The budget interrupts execution at its next await (a DataLoader batch); the
    checks of api/budget.py bound what runs between two. Threads start on first use and end with
    the app (`close`, from its lifespan)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.pool: ThreadPoolExecutor | None = None
        self.loops: list[asyncio.AbstractEventLoop] = []
        self.local = threading.local()
        self.lock = threading.Lock()

    async def run(self, make: Callable[[], Coroutine[Any, Any, Any]], seconds: float) -> Any:
        with self.lock:
            if self.pool is None:
                self.pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="graphql")
            future = self.pool.submit(self._run, make, seconds)
        return await asyncio.wrap_future(future)

    def _run(self, make: Callable[[], Coroutine[Any, Any, Any]], seconds: float) -> Any:
        loop = getattr(self.local, "loop", None)
        if loop is None:
            loop = self.local.loop = asyncio.new_event_loop()
            with self.lock:
                self.loops.append(loop)
        return loop.run_until_complete(asyncio.wait_for(make(), seconds))

    def close(self) -> None:
        """Finish the requests under way, then stop the threads and close their loops."""
        with self.lock:
            pool, self.pool = self.pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        with self.lock:
            loops, self.loops = self.loops, []
            self.local = threading.local()
        for loop in loops:
            loop.close()

"""Bounded soak run on loopback: errors, latency and the server's memory over time.

    .venv/bin/python bench/soak.py [--seconds 60] [--clients 64]

Starts `qfq serve` on a free 127.0.0.1 port (data must be loaded: `qfq load`), sends varied requests
(thousands of distinct questions built from competence phrases × communes, so answer caches do not
turn the run into cache hits), samples the server's RSS every second. Prints figures; not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from questions import distinct_questions  # noqa: E402
from ready import wait_ready  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            if "redis-server" not in " ".join(p.cmdline()):
                total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


async def client(base: str, qs: list[str], stop: float, lat: dict[str, list[float]], errors: dict[str, int]) -> None:
    rnd = random.Random()
    gql = "query($q: String!) { whoHandles(question: $q, first: 3) { outOfScope answers { score unit { id name } } } }"
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        while time.monotonic() < stop:
            kind = rnd.choices(["ask", "graphql", "ping", "unit"], weights=[5, 3, 1, 1])[0]
            q = rnd.choice(qs)
            t = time.perf_counter()
            try:
                if kind == "ask":
                    r = await http.get("/api/ask", params={"q": q})
                elif kind == "graphql":
                    r = await http.post("/graphql", json={"query": gql, "variables": {"q": q}})
                elif kind == "ping":
                    r = await http.get("/api/ping")
                else:
                    r = await http.get("/unit/meuse:sst-stenay.json")
                ok = r.status_code == 200 and (kind != "graphql" or not r.json().get("errors"))
            except httpx.HTTPError:
                ok = False
            lat[kind].append((time.perf_counter() - t) * 1000)
            if not ok:
                errors[kind] += 1


def pct(xs: list[float], p: float) -> float:
    return statistics.quantiles(xs, n=100)[int(p) - 1] if len(xs) >= 2 else (xs[0] if xs else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=64)
    args = ap.parse_args()
    port = free_port()
    env = {**os.environ}
    server = subprocess.Popen([sys.executable, "-m", "qfq", "serve", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server)
        proc = psutil.Process(server.pid)
        qs = distinct_questions(5000)
        lat: dict[str, list[float]] = {k: [] for k in ("ask", "graphql", "ping", "unit")}
        errors = {k: 0 for k in lat}
        samples: list[int] = []

        async def run() -> None:
            warm = time.monotonic() + 5
            await asyncio.gather(*(client(base, qs, warm, {k: [] for k in lat}, {k: 0 for k in lat})
                                   for _ in range(args.clients)))
            samples.append(rss(proc))
            stop = time.monotonic() + args.seconds

            async def sampler() -> None:
                while time.monotonic() < stop:
                    await asyncio.sleep(1)
                    samples.append(rss(proc))

            await asyncio.gather(sampler(), *(client(base, qs, stop, lat, errors) for _ in range(args.clients)))

        asyncio.run(run())
        total = sum(len(v) for v in lat.values())
        print(f"soak: {args.seconds:.0f} s, {args.clients} clients, 127.0.0.1, {total} requests, "
              f"{sum(errors.values())} errors, {len(set(qs))} distinct questions")
        for k, v in lat.items():
            print(f"  {k:<8} n={len(v):>6}  errors={errors[k]:>3}  p50 {pct(v, 50):7.1f} ms  p99 {pct(v, 99):7.1f} ms")
        start, mid, end, peak = samples[0], samples[len(samples) // 2], samples[-1], max(samples)
        print(f"  RSS after warm-up {start / 2**20:.1f} MiB, half-way {mid / 2**20:.1f} MiB, at end {end / 2**20:.1f} MiB, "
              f"peak {peak / 2**20:.1f} MiB; growth {100 * (end - start) / start:+.1f} % over the run, "
              f"{100 * (end - mid) / mid:+.1f} % over its second half (bounded answer caches fill first)")
        print(json.dumps({"requests": total, "errors": sum(errors.values()),
                          "rss_growth_pct": round(100 * (end - start) / start, 2)}))
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()

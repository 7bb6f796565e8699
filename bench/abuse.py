"""The cache attack of issue 14 (item 3), bounded, on loopback: the server's memory must not follow it.

    .venv/bin/python bench/abuse.py [--seconds 60] [--warmup 10] [--clients 4]

Starts `qfq serve` on a free 127.0.0.1 port (data must be loaded: `qfq load`). `--clients` clients
send, in turn, requests that each carry fresh random text where a cache key could take it: 60 KB in
GraphQL `extensions` or `variables`, 32 KB in a GraphQL comment (a new document text each time, as
long as a document may be) and 7 KB in an unknown /api/ask parameter (as long as a URL may be). A
probe asks /healthz every 50 ms. After `--warmup` seconds of the same attack the server's RSS is the
reference; the attack then runs `--seconds` more, RSS sampled every second. Prints the answers'
statuses, /healthz latencies and RSS (reference, peak, end, growth); stops by itself. Not a test (tests/test_abuse.py has the fast cases).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ready import wait_ready  # noqa: E402
from soak import free_port, pct, rss  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PADDING = 30_000  # random bytes, sent as 60 KB of hex


def padding() -> str:
    return os.urandom(PADDING).hex()


async def attacker(http: httpx.AsyncClient, stop: float, statuses: Counter[str]) -> None:
    turn = 0
    while time.monotonic() < stop:
        kind = ("extensions", "variables", "comment", "ask")[turn % 4]
        turn += 1
        try:
            if kind == "extensions":
                r = await http.post("/graphql", json={"query": "{__typename}", "extensions": {"p": padding()}})
            elif kind == "variables":
                r = await http.post("/graphql", json={"query": "{__typename}", "variables": {"p": padding()}})
            elif kind == "comment":
                r = await http.post("/graphql", json={"query": "{__typename} #" + padding()[:32_000]})  # ≤ 32 Ko
            else:
                r = await http.get("/api/ask", params={"q": "rsa", "zz": padding()[:7000]})  # within the 8 KB URL
            statuses[f"{kind} {r.status_code}"] += 1
        except httpx.HTTPError as exc:
            statuses[f"{kind} {type(exc).__name__}"] += 1


def probe(base: str, stop: float, times: list[float]) -> None:
    """/healthz every 50 ms, from a thread of its own: the attackers' event loop (60 KB payloads to
    build and encode) would delay the probe's own reading."""
    with httpx.Client(base_url=base, timeout=10) as http:
        while time.monotonic() < stop:
            start = time.perf_counter()
            http.get("/healthz")
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.05)


async def attack(base: str, seconds: float, clients: int, statuses: Counter[str], health: list[float],
                 proc: psutil.Process | None = None, samples: list[int] | None = None) -> None:
    stop = time.monotonic() + seconds

    async def sampler() -> None:
        while proc is not None and samples is not None and time.monotonic() < stop:
            await asyncio.sleep(1)
            samples.append(rss(proc))

    prober = threading.Thread(target=probe, args=(base, stop, health), daemon=True)
    prober.start()
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        await asyncio.gather(sampler(), *(attacker(http, stop, statuses) for _ in range(clients)))
    prober.join()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--warmup", type=float, default=10)
    ap.add_argument("--clients", type=int, default=4)
    args = ap.parse_args()
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")  # the server's log (one line per request), read at the end
    server = subprocess.Popen([sys.executable, "-m", "qfq", "serve", "--port", str(port)], cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=log, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server)
        proc = psutil.Process(server.pid)
        before_warmup = rss(proc)
        warm_statuses: Counter[str] = Counter()
        asyncio.run(attack(base, args.warmup, args.clients, warm_statuses, []))
        reference = rss(proc)
        statuses: Counter[str] = Counter()
        health: list[float] = []
        samples: list[int] = []
        asyncio.run(attack(base, args.seconds, args.clients, statuses, health, proc, samples))
        end, peak = samples[-1], max(samples)
        growth = 100 * (end - reference) / reference
        print(f"abuse (cache attack): {args.seconds:.0f} s after {args.warmup:.0f} s of warm-up, {args.clients} "
              f"clients, 127.0.0.1, {sum(statuses.values())} requests carrying 7-60 KB of random text")
        for key, n in sorted(statuses.items()):
            print(f"  {key:<28} {n:>7}")
        print(f"  /healthz during the attack: n={len(health)}  p50 {pct(health, 50):.1f} ms  "
              f"p99 {pct(health, 99):.1f} ms  max {max(health):.1f} ms")
        print(f"  RSS at start {before_warmup / 2**20:.1f} MiB, after warm-up {reference / 2**20:.1f} MiB, "
              f"peak {peak / 2**20:.1f} MiB, at end {end / 2**20:.1f} MiB: {growth:+.1f} % over the run "
              f"(peak {100 * (peak - reference) / reference:+.1f} %)")
        print(json.dumps({"requests": sum(statuses.values()), "rss_after_warmup_mib": round(reference / 2**20, 1),
                          "rss_end_mib": round(end / 2**20, 1), "rss_peak_mib": round(peak / 2**20, 1),
                          "rss_growth_pct": round(growth, 2), "healthz_max_ms": round(max(health), 1)}))
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.seek(0)
        text = log.read()
        errors = sum(1 for line in text.splitlines() if " ERROR " in line)
        print(f"  server log: {len(text.splitlines())} lines, {text.count('Traceback')} tracebacks, "
              f"{errors} ERROR lines")


if __name__ == "__main__":
    main()

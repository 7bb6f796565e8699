"""Bounded HTTP load run against `qfq serve` on loopback: /api/ping (reference), /api/ask, whoHandles.

    .venv/bin/python bench/api_load.py                     # 30 s in all, 32 clients
    .venv/bin/python bench/api_load.py --duration 9 --clients 32 --workers 1
    .venv/bin/python bench/api_load.py --questions mix        # popularity mix over 20 000 questions
    .venv/bin/python bench/api_load.py --questions distinct   # every request a new question

Checks that data is loaded, starts `qfq serve` on a free 127.0.0.1 port, warms it up, then loads each
endpoint for duration/3 seconds in all (and at most --max-requests requests) with `wrk` when it is
installed (C, so the client does not steal the server's CPU), else with httpx.AsyncClient. The three
endpoints take turns in --rounds slices, so that a change in the machine's speed during the run weighs
on all of them alike; each slice goes on with its endpoint's question stream where the last one stopped.
Prints req/s, p50 (slices' weighted mean), p99 (slices' worst), errors, each endpoint's throughput
as a ratio of /api/ping's, and the server's CPU time per request (all its processes, read from /proc on
Linux): the ratio is mostly the quotient of those CPU costs.
Questions: `fixed` cycles the 30 questions below (after warm-up, answer-cache hits); `mix` draws from
20 000 distinct questions with Zipf popularity (the share an LRU answer cache serves is printed);
`distinct` never repeats a question (every request runs the engine, and for whoHandles the executor).
Targets: /api/ask ≥ 0.6 × /api/ping, 0 errors, whoHandles p99 ≤ 50 ms at 32 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from questions import distinct_questions, lru_hit_rate, zipf_stream  # noqa: E402

QUESTIONS: list[tuple[str, str | None]] = [
    ("qui s'occupe du RSA ?", "meuse"),
    ("aide à domicile pour ma mère âgée", None),
    ("qui gère les collèges ?", "hauts-de-seine"),
    ("entretien des routes départementales", "meuse"),
    ("protection de l'enfance, signaler un enfant en danger", None),
    ("transport scolaire des élèves handicapés", None),
    ("PMI consultation nourrisson", "haute-loire"),
    ("archives départementales état civil ancien", "meuse"),
    ("allocation personnalisée d'autonomie APA", "haute-loire"),
    ("prestation de compensation du handicap MDPH", None),
    ("agrément assistante maternelle", "meuse"),
    ("bibliothèque départementale prêt de livres", "meuse"),
    ("déchets ménagers collecte", "cacem"),
    ("eau potable et assainissement", "cacem"),
    ("subvention pour une association sportive", None),
    ("marchés publics appel d'offres", "meuse"),
    ("recrutement et ressources humaines", "haute-loire"),
    ("tourisme et attractivité du territoire", "meuse"),
    ("logement social aide au loyer FSL", None),
    ("insertion professionnelle des jeunes", "hauts-de-seine"),
    ("renouveler mon permis de conduire", None),
    ("transport en commun bus", "cacem"),
    ("espaces naturels sensibles", "meuse"),
    ("routes à Bar-le-Duc", None),
    ("communication et presse", "meuse"),
    ("service informatique des collèges", "meuse"),
    ("accueil des gens du voyage", "cacem"),
    ("qui s'occupe de la voirie à Fort-de-France ?", None),
    ("aide sociale à l'hébergement en EHPAD", None),
    ("culture et patrimoine", "hauts-de-seine"),
]

WHO = ("query Who($q: String!, $org: String) { whoHandles(question: $q, organisation: $org, first: 5) { "
       "outOfScope hint answers { score unit { id name kind organisation { id name } } chain { id name } "
       "competence { code label } matched evidence { source quote } head } } }")


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    cpu_s: float = 0.0  # the server's CPU seconds during the run (0: not measured)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


Stream = list[tuple[str, str | None]]


def streams(mode: str, length: int) -> dict[str, Stream]:
    """The questions each scenario sends, in order. /api/ask and whoHandles get disjoint questions, so
    that one run does not fill the other's caches."""
    if mode == "fixed":
        return {"ask": QUESTIONS, "who": QUESTIONS}
    departements = ("55", "43", "92", "972")
    if mode == "distinct":
        qs = distinct_questions(2 * length, departements=departements)
        return {"ask": [(q, None) for q in qs[:length]], "who": [(q, None) for q in qs[length:]]}
    pool = distinct_questions(40_000, departements=departements)
    return {"ask": [(q, None) for q in zipf_stream(pool[:20_000], length, seed=1)],
            "who": [(q, None) for q in zipf_stream(pool[20_000:], length, seed=2)]}


def requests_for(name: str, stream: Stream) -> list[dict[str, str]]:
    """The varied requests of each scenario: method, path, body."""
    if name == "ping":
        return [{"method": "GET", "path": "/api/ping", "body": ""}]
    if name == "ask":
        return [{"method": "GET", "body": "",
                 "path": "/api/ask?" + urlencode({"q": q, **({"org": o} if o else {}), "limit": 5})}
                for q, o in stream]
    return [{"method": "POST", "path": "/graphql",
             "body": json.dumps({"query": WHO, "variables": {"q": q, "org": o}}, ensure_ascii=False)}
            for q, o in stream]


# ------------------------------------------------------------------------------------------ wrk
WRK_SCRIPT = r"""
local reqs = {}
local threads = {}
local counter = 1
local max_per_thread = tonumber(os.getenv("QFQ_BENCH_MAX") or "100000000")

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("QFQ_BENCH_REQS"), "r"))
  local offset = tonumber(os.getenv("QFQ_BENCH_OFFSET") or "0")
  step = tonumber(os.getenv("QFQ_BENCH_THREADS") or "1")
  local i = 0
  for line in f:lines() do
    local method, path, body = line:match("^(%S+)\t(%S+)\t(.*)$")
    local headers = {["accept"] = "application/json"}
    if body == "" then body = nil else headers["content-type"] = "application/json" end
    i = i + 1
    reqs[i] = wrk.format(method, path, headers, body)
  end
  f:close()
  n = i
  k = offset + (id or 1) - 1 - step  -- this thread's first request is offset + id - 1
  errors = 0
  done_count = 0
end

function request()
  k = k + step
  return reqs[(k % n) + 1]
end

function response(status, headers, body)
  done_count = done_count + 1
  if status ~= 200 or (body and body:find('"errors"', 1, true)) then errors = errors + 1 end
  if done_count >= max_per_thread then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local errs = 0
  for _, t in ipairs(threads) do errs = errs + (t:get("errors") or 0) end
  local e = summary.errors
  io.write(string.format('QFQ_RESULT {"requests": %d, "duration_us": %d, "errors": %d, "socket": %d, ' ..
    '"p50_us": %d, "p99_us": %d}\n', summary.requests, summary.duration, errs,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(url: str, name: str, reqs_list: list[dict[str, str]], seconds: float, clients: int, threads: int,
            max_requests: int, offset: int = 0) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        reqs = Path(tmp) / "reqs.tsv"
        reqs.write_text("".join(f"{r['method']}\t{r['path']}\t{r['body']}\n" for r in reqs_list),
                        encoding="utf-8")
        script = Path(tmp) / "bench.lua"
        script.write_text(WRK_SCRIPT)
        env = {**os.environ, "QFQ_BENCH_REQS": str(reqs), "QFQ_BENCH_MAX": str(max(1, max_requests // threads)),
               "QFQ_BENCH_OFFSET": str(offset), "QFQ_BENCH_THREADS": str(threads)}
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{max(1, round(seconds))}s",
                              "--timeout", "10s", "-s", str(script), url], capture_output=True, text=True,
                             env=env, timeout=seconds + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("QFQ_RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk n'a pas rendu de résultat :\n{out.stdout}\n{out.stderr}")
    r = json.loads(line.split(" ", 1)[1])
    return Result(name, r["requests"], r["duration_us"] / 1e6, r["errors"] + r["socket"],
                  r["p50_us"] / 1000, r["p99_us"] / 1000)


# ------------------------------------------------------------------------------------------ httpx
async def _httpx_run(url: str, name: str, reqs: list[dict[str, str]], seconds: float, clients: int,
                     max_requests: int, offset: int = 0) -> Result:
    latencies: list[float] = []
    errors = 0
    count = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10) as client:
        async def worker() -> None:
            nonlocal errors, count
            while time.perf_counter() < deadline and count < max_requests:
                r = reqs[(offset + count) % len(reqs)]  # one stream shared by the clients
                count += 1
                t0 = time.perf_counter()
                try:
                    res = await client.request(r["method"], r["path"], content=r["body"] or None,
                                               headers={"content-type": "application/json"} if r["body"] else None)
                    ok = res.status_code == 200 and b'"errors"' not in res.content
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += not ok

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    pct = (lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000) if latencies else (
        lambda p: 0.0)
    return Result(name, len(latencies), elapsed, errors, pct(0.50), pct(0.99))


def run_httpx(url: str, name: str, reqs: list[dict[str, str]], seconds: float, clients: int,
              max_requests: int, offset: int = 0) -> Result:
    return asyncio.run(_httpx_run(url, name, reqs, seconds, clients, max_requests, offset))


def combine(name: str, slices: list[Result]) -> Result:
    """One endpoint's slices as one result: requests and seconds add up; p50 is the slices' request-weighted
    mean and p99 their worst (wrk reports percentiles, not the latencies behind them)."""
    n = sum(r.requests for r in slices) or 1
    return Result(name, sum(r.requests for r in slices), sum(r.seconds for r in slices),
                  sum(r.errors for r in slices), sum(r.p50_ms * r.requests for r in slices) / n,
                  max(r.p99_ms for r in slices), sum(r.cpu_s for r in slices))


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by process `root` and its descendants; 0.0 without /proc."""
    stats: dict[int, tuple[int, float]] = {}  # pid → (parent, cpu seconds)
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*/stat") if Path("/proc/self/stat").exists() else ():
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        stats[int(entry.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, (parent, _) in stats.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(stats[pid][1] for pid in tree if pid in stats)


# ------------------------------------------------------------------------------------------ server
def free_port() -> int:
    from api.testing import free_port as fp

    return fp()


def check_loaded() -> str:
    from graph import open_store

    meta = open_store().read("meta")
    if not meta:
        raise SystemExit("Le graphe est vide : lancez « qfq load » avant le banc de charge.")
    return str(meta[0]["version"])


def start_server(port: int, workers: int, log: Path, cache: bool, stand_in: bool = False) -> subprocess.Popen[bytes]:
    """`qfq serve`; with the caches off, the same app served by uvicorn directly (one worker); with the
    stand-in engine, `qfq serve` through bench/stand_in.py (one worker)."""
    fh = open(log, "wb")
    if stand_in:
        cmd = [sys.executable, str(REPO / "bench" / "stand_in.py"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    elif cache:
        cmd = [str(Path(sys.executable).with_name("qfq")), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]
    else:
        cmd = [sys.executable, "-c", "import uvicorn; from api.app import create_app; "
               f"uvicorn.run(create_app(cache=False), host='127.0.0.1', port={port}, log_level='warning', "
               "loop='asyncio')"]
    proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"qfq serve s'est arrêté (voir {log}).")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"qfq serve n'est pas prêt après 60 s (voir {log}).")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=30.0, help="seconds in all, split over the 3 endpoints")
    ap.add_argument("--clients", type=int, default=32, help="concurrent connections")
    ap.add_argument("--workers", type=int, default=1, help="qfq serve --workers")
    ap.add_argument("--threads", type=int, default=1, help="wrk threads")
    ap.add_argument("--max-requests", type=int, default=2_000_000, help="cap per endpoint")
    ap.add_argument("--rounds", type=int, default=3, help="slices per endpoint, taken in turns (ping, ask, whoHandles)")
    ap.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto")
    ap.add_argument("--no-cache", action="store_true",
                    help="serve create_app(cache=False) (1 worker): every request runs the engine / executor")
    ap.add_argument("--stand-in", action="store_true",
                    help="replace the engine by bench/stand_in.py's near-free stand-in (1 worker): the throughput "
                         "any engine could reach at most")
    ap.add_argument("--questions", choices=["fixed", "mix", "distinct"], default="fixed",
                    help="fixed: 30 questions cycled; mix: Zipf over 20 000; distinct: never the same twice")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    if not (1 <= args.clients <= 1024 and 1 <= args.duration <= 600 and 1 <= args.rounds <= 10):
        ap.error("--clients 1..1024, --duration 1..600, --rounds 1..10")
    if args.stand_in and (args.workers != 1 or args.no_cache):
        ap.error("--stand-in : un seul processus, caches actifs (sans --workers ni --no-cache)")
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "httpx")

    version = check_loaded()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.gettempdir()) / f"qfq-api-load-{port}.log"
    server = start_server(port, args.workers, log, cache=not args.no_cache, stand_in=args.stand_in)
    length = 60_000 if args.questions == "fixed" else 200_000  # more than 10 s of the fastest endpoint
    plan = {"ping": requests_for("ping", [])}
    plan.update({k: requests_for(k, v) for k, v in streams(args.questions, length).items()})
    body_bytes: dict[str, list[int]] = {"ping": [], "ask": [], "who": []}
    try:
        for name in ("ping", "ask", "who"):  # warm-up: parser, lookup index (and, for `fixed`, the caches)
            for r in requests_for(name, QUESTIONS):
                res = httpx.request(r["method"], url + r["path"], content=r["body"] or None,
                                    headers={"content-type": "application/json"}, timeout=10)
                res.raise_for_status()
                body_bytes[name].append(len(res.content))
        # The endpoints take turns in short slices, so that a change of machine speed during the run
        # (other tenants of the host) weighs on all three alike; each slice continues its question stream.
        per = args.duration / 3
        lengths = [max(1, round(per * (k + 1) / args.rounds) - round(per * k / args.rounds))  # whole seconds (wrk)
                   for k in range(args.rounds)]
        slices: dict[str, list[Result]] = {"ping": [], "ask": [], "who": []}
        for seconds in lengths:
            for name in ("ping", "ask", "who"):
                sent = sum(r.requests for r in slices[name])
                cap = max(1, args.max_requests - sent)
                before = tree_cpu(server.pid)
                if client == "wrk":
                    res = run_wrk(url, name, plan[name], seconds, args.clients, args.threads, cap, sent)
                else:
                    res = run_httpx(url, name, plan[name], seconds, args.clients, cap, sent)
                res.cpu_s = tree_cpu(server.pid) - before
                slices[name].append(res)
        results = [combine(name, slices[name]) for name in ("ping", "ask", "who")]
    finally:
        server.terminate()
        server.wait(timeout=30)

    ping = results[0].rps or 1.0
    labels = {"ping": "GET /api/ping", "ask": "GET /api/ask", "who": "POST /graphql whoHandles"}
    print(f"qfq API load — data {version}, {args.clients} clients, {args.workers} worker(s), client {client}, "
          f"{per:.0f} s per endpoint in {args.rounds} slices taken in turns, CPUs {os.cpu_count()}, "
          f"answer caches {'off' if args.no_cache else 'on'}, "
          f"{'STAND-IN ENGINE (answers wrong on purpose), ' if args.stand_in else ''}"
          f"questions {args.questions}")
    print(f"{'endpoint':<28}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'× ping':>8}"
          f"{'CPU µs/req':>12}")
    for r in results:
        cpu = f"{1e6 * r.cpu_s / r.requests:>12.0f}" if r.cpu_s and r.requests else f"{'-':>12}"
        print(f"{labels[r.name]:<28}{r.requests:>10}{r.rps:>10.0f}{r.p50_ms:>9.2f}{r.p99_ms:>9.2f}{r.errors:>8}"
              f"{r.rps / ping:>8.2f}{cpu}")
    ask, who = results[1], results[2]
    if args.questions != "fixed":
        from api.services import CACHE_BYTES

        for r in (ask, who):
            sent = [p["path"] + p["body"] for p in plan[r.name][: r.requests]]
            wrapped = " (the list wrapped: later requests repeat earlier ones)" if r.requests > len(plan[r.name]) else ""
            size = sum(body_bytes[r.name]) // len(body_bytes[r.name])  # the warm-up answers' mean size
            entries = CACHE_BYTES // size
            print(f"  {labels[r.name]}: {len(set(sent))} distinct questions in {r.requests} requests; the "
                  f"{CACHE_BYTES >> 20} MB cache (~{entries} answers of ~{size} bytes) would serve "
                  f"{100 * lru_hit_rate(sent, entries):.1f} % in one process{wrapped}")
    pinged = results[0]
    if pinged.cpu_s and ask.cpu_s and pinged.requests and ask.requests:
        print(f"  /api/ask ≥ 0.6 × ping asks for ≤ {1e6 * pinged.cpu_s / pinged.requests / 0.6:.0f} µs of server CPU "
              f"per request (ping's cost / 0.6); measured {1e6 * ask.cpu_s / ask.requests:.0f} µs")
    checks = {
        "ask ≥ 0.6 × ping": ask.rps >= 0.6 * ping,
        "0 errors": all(r.errors == 0 for r in results),
        "whoHandles p99 ≤ 50 ms": who.p99_ms <= 50.0,
    }
    for k, ok in checks.items():
        print(f"  {'OK ' if ok else 'KO '} {k}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"version": version, "clients": args.clients, "workers": args.workers,
                                         "cache": not args.no_cache, "questions": args.questions,
                                         "stand_in": args.stand_in,
                                         "client": client, "results": [{**asdict(r), "rps": r.rps} for r in results],
                                         "checks": checks}, ensure_ascii=False, indent=2))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

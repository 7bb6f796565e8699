"""Real disk faults for the store's tests and bench/abuse_store.py: a small tmpfs as data dir (full on
demand, or read-only), `qfq` run as users run it, and the FalkorDB processes living on a directory.

Mounting needs root (CAP_SYS_ADMIN); where it is refused, `mount_tmpfs` says why and callers skip."""

from __future__ import annotations

import atexit
import errno
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from loaders.territory_subset import subset_copy

REPO = Path(__file__).resolve().parent.parent
QFQ = [sys.executable, "-m", "qfq"]


def mount_tmpfs(where: Path, size_kb: int) -> str | None:
    """Mount a tmpfs of `size_kb` at `where`; None when done, else the reason it cannot be."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", str(where)],
                         capture_output=True, text=True)
    return None if res.returncode == 0 else f"mount -t tmpfs refused: {res.stderr.strip() or res.returncode}"


def remount(where: Path, mode: str) -> None:
    """`mode` is "ro" or "rw"."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True, capture_output=True)


def umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(where: Path, leave_kb: int = 0) -> Path:
    """Take the free space of `where`'s file system, leaving about `leave_kb`; returns the filler file."""
    filler = where / "filler"
    chunk = b"\0" * 65536
    target = max(0, shutil.disk_usage(where).free - leave_kb * 1024)
    written = 0
    with open(filler, "ab") as fh:
        try:
            while written < target:
                n = min(len(chunk), target - written)
                fh.write(chunk[:n])
                fh.flush()
                written += n
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return filler


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QFQ_")}
    env["QFQ_DATA_DIR"] = str(data_dir)
    return env


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float


_SEED: list[Path] = []


def seed_data() -> Path:
    """The four seed départements' copy of data/ (loaders.territory_subset): the faults are the store's, and
    the whole national map's graph (tens of MB of AOF) would not fit the small disk."""
    if not _SEED:
        tmp = Path(tempfile.mkdtemp(prefix="qfq-fault-data-"))
        atexit.register(shutil.rmtree, tmp, True)
        _SEED.append(subset_copy(REPO / "data", tmp / "data"))
    return _SEED[0]


def qfq(data_dir: Path, *args: str, timeout: float = 180) -> Run:
    """`qfq ARGS` on the store in `data_dir`; a load reads the seed copy of data/ unless --data is given."""
    if args and args[0] == "load" and "--data" not in args:
        args = (*args, "--data", str(seed_data()))
    start = time.perf_counter()
    res = subprocess.run([*QFQ, *args], cwd=REPO, env=env_for(data_dir), capture_output=True, text=True,
                         timeout=timeout)
    return Run(res.returncode, res.stdout, res.stderr, time.perf_counter() - start)


def redis_on(data_dir: Path) -> list[int]:
    """Every FalkorDB (redis-server and its forked children) whose working directory is `data_dir`."""
    found = []
    target = os.path.realpath(data_dir)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if b"redis" not in Path(f"/proc/{entry}/cmdline").read_bytes():
                continue
            if os.readlink(f"/proc/{entry}/cwd") == target and Path(f"/proc/{entry}/stat").read_text().split()[2] != "Z":
                found.append(int(entry))
        except OSError:
            continue
    return found


def wait_no_redis(data_dir: Path, seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := redis_on(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def files_digest(data_dir: Path) -> dict[str, str]:
    """The graph's persistent files, by name and content hash (to prove nothing was moved or changed)."""
    aof = data_dir / "appendonlydir"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in sorted(aof.iterdir())
            if not p.name.startswith("temp-")} if aof.is_dir() else {}


def get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def start_serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([*QFQ, "serve", "--port", str(port)], cwd=REPO, env=env_for(data_dir),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while True:
        try:
            if get(port, "/readyz", 2)[0] == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("qfq serve did not come up")
        time.sleep(0.2)

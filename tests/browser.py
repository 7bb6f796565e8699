"""Shared pieces of the browser tests: a real uvicorn server on a free loopback port serving the session's
loaded embedded FalkorDB, Debian's headless Chromium through Playwright (no browser download), a recorder of
every request and console message, and screenshots to test-artifacts/ (gitignored).
Modules import the fixtures by name: `from tests.browser import browser, server`."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(loaded_store) -> Iterator[str]:
    """uvicorn serving api.app.create_app on the loaded store, in a thread; yields the base URL."""
    import uvicorn

    from api.app import create_app

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(loaded_store), host="127.0.0.1", port=port,
                                        log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("le serveur uvicorn de test n'a pas démarré")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


class Recorder:
    """Every request a page makes, and the console errors (CSP violations show there)."""

    def __init__(self, page, base: str) -> None:
        self.base = urlsplit(base)
        self.urls: list[str] = []
        self.console: list[str] = []
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("console", lambda m: self.console.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    def assert_local(self) -> None:
        assert self.urls, "aucune requête enregistrée"
        foreign = [u for u in self.urls if urlsplit(u).scheme not in ("data", "blob")
                   and (urlsplit(u).scheme, urlsplit(u).netloc) != (self.base.scheme, self.base.netloc)]
        assert not foreign, f"requêtes hors du serveur de test : {foreign}"

    def assert_no_csp_violation(self) -> None:
        bad = [m for m in self.console if "Content Security Policy" in m or "pageerror" in m]
        assert not bad, bad


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)



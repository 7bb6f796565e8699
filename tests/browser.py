"""Shared pieces of the browser tests: a real uvicorn server on a free loopback port serving the session's
loaded embedded FalkorDB, Debian's headless Chromium through Playwright (no browser download), a recorder of
every request and console message, and screenshots to test-artifacts/ (gitignored).
tests/conftest.py registers this module as a plugin, so its fixtures `server` and `browser` reach every
module (a module's own `server` fixture takes precedence there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server(loaded_store) -> Iterator[str]:
    """A real uvicorn (api/testing.py) serving api.app.create_app on the loaded store; yields the base URL."""
    from api.app import create_app
    from api.testing import LiveServer

    with LiveServer(create_app(loaded_store)) as srv:
        yield srv.url


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



"""The web pages in a real browser: Debian's headless Chromium driven by Playwright against a real
uvicorn server on a free loopback port, on the session's loaded embedded FalkorDB.

Checks the live search (JavaScript), the unit page and its Cytoscape graph, the same search without
JavaScript, that no request leaves the test server and that the CSP reports no violation.
Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
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
QUESTION = "assistante sociale à Stenay"
EXPECTED_UNIT = "meuse:sst-stenay"
EXPECTED_NAME = "Service Social Territorial Stenay"

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} absent : apt-get install -y chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(loaded_store) -> Iterator[str]:
    """uvicorn serving api.app.create_app on the loaded store, in a thread; yields the base URL."""
    import uvicorn

    from api.app import create_app

    port = _free_port()
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


def _shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def test_live_search_unit_page_and_graph(server: str, browser) -> None:
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    rec = Recorder(page, server)
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Votre question").click()
    page.keyboard.type(QUESTION, delay=20)  # typed like a person: the debounced live search answers
    card = page.locator(".cards .card").first
    card.wait_for(timeout=15000)
    assert page.locator("#resultats").get_attribute("data-live") == "true", "les résultats ne viennent pas de /api/ask"
    assert EXPECTED_NAME in card.locator(".card-title").inner_text()
    assert card.locator(".breadcrumb a").count() >= 2
    assert card.locator("mark").count() == 1
    assert "q=" in page.url  # the address follows the question (shareable)
    _shot(page, "web-search-live.png")

    card.locator(".card-title a").click()
    page.wait_for_url(f"**/unit/{EXPECTED_UNIT}")
    assert page.locator("h1").inner_text() == EXPECTED_NAME
    page.wait_for_selector("#graphe[data-ready='true']", timeout=15000)
    nodes = int(page.locator("#graphe").get_attribute("data-nodes"))
    assert nodes >= 5
    assert page.evaluate("window.qfqGraph.nodes().length") == nodes
    painted = page.evaluate("""() => Array.from(document.querySelectorAll('#graphe canvas')).some(c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
        return false; })""")
    assert painted, "le canevas du graphe est vide"
    _shot(page, "web-unit-page.png")
    page.locator("#graphe").screenshot(path=str(ARTIFACTS / "web-unit-graph.png"))

    page.goto(server + "/organisation/meuse")
    page.locator(".tree-tools button[data-tree='close']").click()
    assert page.locator(".tree details[open]").count() == 0
    page.locator(".tree summary").first.focus()
    page.keyboard.press("Enter")
    assert page.locator(".tree details[open]").count() == 1
    _shot(page, "web-organisation.png")

    rec.assert_local()
    rec.assert_no_csp_violation()
    ctx.close()


def test_search_without_javascript(server: str, browser) -> None:
    ctx = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    rec = Recorder(page, server)
    page.goto(server + "/")
    page.get_by_label("Votre question").fill(QUESTION)
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/?q=*")
    titles = page.locator(".cards .card-title").all_inner_texts()
    assert EXPECTED_NAME in titles[0]
    assert page.locator("#resultats").get_attribute("data-live") is None  # rendered by the server
    page.locator(".cards").scroll_into_view_if_needed()
    _shot(page, "web-search-nojs-phone.png", full_page=False)

    page.goto(server + "/?q=carte+grise")
    assert "ANTS" in page.locator(".notice-elsewhere").inner_text()
    page.goto(server + "/organisation/meuse")
    assert page.locator(".tree details").count() > 5  # the chart folds without JavaScript
    assert page.locator(".tree-tools").is_hidden()
    rec.assert_local()
    ctx.close()


def test_commune_suggestions_and_keyboard(server: str, browser) -> None:
    ctx = browser.new_context(locale="fr-FR")
    page = ctx.new_page()
    rec = Recorder(page, server)
    page.goto(server + "/")
    page.keyboard.press("Tab")  # first stop: the skip link
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.get_by_label("Commune").fill("Sten")
    page.locator("#communes-liste option").first.wait_for(state="attached", timeout=10000)
    values = page.eval_on_selector_all("#communes-liste option", "os => os.map(o => o.value)")
    assert "Stenay" in values
    page.get_by_label("Commune").fill("Stenay")
    page.get_by_label("Votre question").fill("assistante sociale")
    page.get_by_label("Votre question").press("Enter")
    page.locator(".cards .card").first.wait_for(timeout=15000)
    assert EXPECTED_NAME in page.locator(".cards .card-title").first.inner_text()
    page.goto(server + "/unit/inconnue:rien")
    assert "introuvable" in page.locator("h1").inner_text().lower()
    rec.assert_local()
    rec.assert_no_csp_violation()
    ctx.close()

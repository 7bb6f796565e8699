"""The web pages in a real browser: Debian's headless Chromium driven by Playwright against a real
uvicorn server on a free loopback port, on the session's loaded embedded FalkorDB.

Checks the live search (JavaScript), the unit page and its Cytoscape graph, the same search without
JavaScript, that no request leaves the test server and that the CSP reports no violation.
Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os

import pytest

from tests.browser import ARTIFACTS, CHROMIUM, Recorder, shot

QUESTION = "assistante sociale à Stenay"
EXPECTED_UNIT = "meuse:sst-stenay"
EXPECTED_NAME = "Service Social Territorial Stenay"

pytestmark = [
    pytest.mark.slow,  # a real browser against a real uvicorn
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} absent : apt-get install -y chromium"),
]


def test_live_search_unit_page_and_graph(server: str, browser) -> None:
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    rec = Recorder(page, server)
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Votre question").click()
    page.keyboard.type(QUESTION, delay=20)  # typed like a person: the debounced live search answers
    card = page.locator("#resultats .best").first
    card.wait_for(timeout=15000)
    assert page.locator("#resultats").get_attribute("data-live") == "true", "les résultats ne viennent pas de /resultats"
    assert EXPECTED_NAME in card.locator(".best-title").inner_text()
    assert "›" in card.locator(".chain-line").inner_text()  # the chain of command, one line
    assert "q=" in page.url  # the address follows the question (shareable)
    shot(page, "web-search-live.png")

    card.locator(".best-title a").click()
    page.wait_for_url(f"**/unit/{EXPECTED_UNIT}")
    assert page.locator("h1").inner_text() == EXPECTED_NAME
    page.get_by_text("Voir le graphe").click()  # folded by default: drawn when opened
    page.wait_for_selector("#graphe[data-ready='true']", timeout=15000)
    nodes = int(page.locator("#graphe").get_attribute("data-nodes"))
    assert nodes >= 5
    assert page.evaluate("window.qfqGraph.nodes().length") == nodes
    painted = page.evaluate("""() => Array.from(document.querySelectorAll('#graphe canvas')).some(c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
        return false; })""")
    assert painted, "le canevas du graphe est vide"
    shot(page, "web-unit-page.png")
    page.locator("#graphe").screenshot(path=str(ARTIFACTS / "web-unit-graph.png"))

    page.goto(server + "/organisation/meuse")
    page.locator(".tree-tools button[data-tree='close']").click()
    assert page.locator(".tree details[open]").count() == 0
    page.locator(".tree summary").first.focus()
    page.keyboard.press("Enter")
    assert page.locator(".tree details[open]").count() == 1
    shot(page, "web-organisation.png")

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
    page.wait_for_url("**/?*q=*")
    titles = page.locator("#resultats .best-title").all_inner_texts()
    assert EXPECTED_NAME in titles[0]
    assert page.locator("#resultats").get_attribute("data-live") is None  # rendered by the server
    shot(page, "web-search-nojs-phone.png", full_page=False)

    page.goto(server + "/?q=carte+grise")
    assert "ANTS" in page.locator(".elsewhere").inner_text()
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
    page.locator("#resultats .best").first.wait_for(timeout=15000)
    assert EXPECTED_NAME in page.locator("#resultats .best-title").first.inner_text()
    page.goto(server + "/unit/inconnue:rien")
    assert "introuvable" in page.locator("h1").inner_text().lower()
    rec.assert_local()
    rec.assert_no_csp_violation()
    ctx.close()

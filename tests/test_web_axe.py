"""Accessibility with axe-core (npm, from tools/vendor-js/node_modules: injected offline, never served) over
every page type, on a desktop screen and a 390 × 844 phone: no violation of impact serious or critical."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, CHROMIUM

AXE = Path(__file__).resolve().parent.parent / "tools" / "vendor-js" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [
    pytest.mark.slow,  # a browser per screen and page: the full suite (make test), not the fast loop
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} absent : apt-get install -y chromium"),
]

# every page type: home, answer, answer elsewhere, commune to choose, unit (graph opened), organisation chart,
# source, exports, footer pages, error page, GraphiQL
PAGES = {
    "accueil": "/",
    "reponse": "/?commune=Stenay&q=assistante+sociale#resultats",
    "ailleurs": "/?q=carte+grise#resultats",
    "choix-commune": "/?q=rsa&commune=Ste#resultats",
    "unite": "/unit/meuse:sst-stenay",
    "organigramme": "/organisation/meuse",
    "source": "/source/003",
    "export": "/export",
    "accessibilite": "/accessibilite",
    "mentions": "/mentions-legales",
    "donnees": "/donnees",
    "erreur-404": "/adresse/inconnue",
    "graphiql": "/graphql",
}
SCREENS = {"bureau": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}
RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                 nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} absent : lancez « make node-tools » (npm ci dans tools/vendor-js)")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_no_serious_or_critical_violation(server: str, browser, axe_source: str, screen: str) -> None:
    ctx = browser.new_context(locale="fr-FR", viewport=SCREENS[screen], is_mobile=screen == "mobile",
                              has_touch=screen == "mobile")
    page = ctx.new_page()
    report, serious = {}, {}
    for name, url in PAGES.items():
        page.goto(server + url)
        if name == "unite":
            page.get_by_text("Voir le graphe").click()
            page.wait_for_selector("#graphe[data-ready='true']", timeout=15000)
        if name == "graphiql":
            page.wait_for_selector(".graphiql-container", timeout=15000)
        page.evaluate(axe_source)  # through the DevTools protocol: the page's CSP is left as it is
        violations = page.evaluate(RUN)
        report[name] = violations
        serious[name] = [v for v in violations if v["impact"] in ("serious", "critical")]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{screen}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(screen, {n: len(v) for n, v in serious.items()})
    assert not any(serious.values()), {n: v for n, v in serious.items() if v}
    ctx.close()

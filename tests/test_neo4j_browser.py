"""Neo4j Browser, served by the session's real Neo4j, in Debian's headless Chromium (Playwright).

As a reader of the README would: connect with the credentials of tools/neo4j/server.py's env file,
apply docs/browser-style.grass with `:style` (the same parser as drag-and-drop), set the parameter
with `:param`, run queries/browser_competence_across_orgs.cypher, and see its nodes drawn, coloured
by the style sheet. The screenshot is kept in test-artifacts/neo4j-browser.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import ARTIFACTS, CHROMIUM, LAUNCH_ARGS
from tests.conftest import REPO

pytestmark = [
    pytest.mark.neo4j_only,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} absent : apt-get install -y chromium"),
]
GRASS = REPO / "docs" / "browser-style.grass"
QUERY = REPO / "queries" / "browser_competence_across_orgs.cypher"
TIMEOUT = 90_000  # ms: the Browser's first query on a busy shared machine


@pytest.fixture(scope="module")
def page(neo4j_server: Any, loaded_store: Any) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text
              else None)  # the Browser tries to reach neo4j.com for news: no network here
        pg.errors = errors  # type: ignore[attr-defined]
        yield pg
        browser.close()


def run(page: Any, command: str) -> Any:
    """Type `command` in the Browser's editor, run it, and return its result frame."""
    first_line = command.strip().splitlines()[0][:40]
    editor = page.locator("[data-testid=activeEditor]")
    for _ in range(5):  # on a busy machine a click may land before the editor has focus: type again
        editor.locator("textarea").first.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(command)
        page.keyboard.press("Control+Shift+End")  # brackets the editor closed by itself, after the cursor
        page.keyboard.press("Delete")
        if first_line[:12] in editor.locator(".view-lines").inner_text().replace("\u00a0", " "):
            break
        page.wait_for_timeout(500)
    page.locator("[data-testid=editor-Run]").click()
    frame = page.locator("[data-testid=frame]", has=page.locator("[data-testid=frameCommand]",
                                                                  has_text=first_line)).first
    try:
        frame.wait_for(timeout=TIMEOUT)
    except Exception:
        shot(page, "neo4j-browser-failed.png")
        raise
    return frame


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def test_browser_draws_a_readme_query_styled_by_the_grass_file(page: Any, neo4j_server: Any) -> None:
    page.goto(neo4j_server.browser_url, timeout=TIMEOUT)
    page.locator("[data-testid=boltaddress]").fill(neo4j_server.url)
    page.locator("[data-testid=username]").fill(neo4j_server.user)
    page.locator("[data-testid=password]").fill(neo4j_server.password)
    page.locator("[data-testid=connect]").click()
    page.wait_for_selector("[data-testid=disconnectedBanner]", state="detached", timeout=TIMEOUT)

    style = run(page, ":style " + GRASS.read_text(encoding="utf-8"))
    assert "InvalidGrass" not in style.inner_text(), style.inner_text()[-500:]
    params = run(page, ":param code => 'action_sociale'")
    params.get_by_text("Successfully set your parameter").wait_for(timeout=TIMEOUT)

    cypher = "\n".join(line for line in QUERY.read_text(encoding="utf-8").splitlines()
                       if not line.lstrip().startswith("//"))
    result = run(page, cypher)
    try:
        result.locator("svg .node").first.wait_for(timeout=TIMEOUT)
    except Exception:
        shot(page, "neo4j-browser-failed.png")
        raise
    page.wait_for_timeout(1500)  # the force layout settles
    shot(page, "neo4j-browser.png")

    fills = result.locator("svg .node circle.b-outline").evaluate_all("els => els.map(e => e.getAttribute('fill'))")
    grass = GRASS.read_text(encoding="utf-8")
    colour = {label: re.search(rf"node\.{label} \{{[^}}]*?\n  color: (#[0-9A-F]+);", grass).group(1)
              for label in ("Unit", "Organisation", "Competence")}
    assert len(fills) >= 5, fills  # the competence, several units, their organisations
    assert fills.count(colour["Competence"]) == 1, (fills, colour)
    assert fills.count(colour["Unit"]) >= 3 and fills.count(colour["Organisation"]) >= 1, (fills, colour)
    assert not [e for e in page.errors if "TypeError" in e or "Invalid" in e], page.errors

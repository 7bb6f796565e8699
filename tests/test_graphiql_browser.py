"""GraphiQL at /graphql in Chromium with every request to another host aborted: it loads from the server's
own vendored files, runs a query, shows the answer, and no request leaves the server's origin (nor does the
CSP report anything)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from tests.browser import CHROMIUM, Recorder, shot

pytestmark = [
    pytest.mark.slow,  # a browser per screen and page: the full suite (make test), not the fast loop
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} absent : apt-get install -y chromium"),
]


@pytest.mark.parametrize("example, expected", [("whoHandles", "meuse:sst-stenay"), ("units", "totalCount"),
                                               ("handledBy", "Revenu de solidarité active")])
def test_graphiql_runs_a_query_offline(server: str, browser, example: str, expected: str) -> None:
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    own = urlsplit(server).netloc
    blocked: list[str] = []

    def only_own_origin(route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == own:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    ctx.route("**/*", only_own_origin)
    page = ctx.new_page()
    rec = Recorder(page, server)
    page.goto(f"{server}/graphql?exemple={example}")
    assert page.title() == "Explorateur GraphQL — Qui fait quoi ?"
    page.wait_for_selector("#graphiql[data-ready='true'] .graphiql-container", timeout=20000)
    page.locator(".graphiql-execute-button").click()
    page.wait_for_function(
        "t => (document.querySelector('.graphiql-response') || {}).textContent.includes(t)", arg=expected,
        timeout=20000)
    assert '"errors"' not in page.locator(".graphiql-response").inner_text()
    shot(page, f"graphiql-{example}.png", full_page=False)
    assert not blocked, f"requêtes vers d'autres hôtes : {blocked}"
    rec.assert_local()
    rec.assert_no_csp_violation()
    assert any(u.startswith(server + "/static/vendor/graphiql.min.js") for u in rec.urls)
    ctx.close()

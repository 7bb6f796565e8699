/* Qui fait quoi ? — progressive enhancement of the server-rendered pages (no inline script: CSP).
 * - search: answers from /api/ask while typing (debounced), same markup as templates/_card.html;
 * - commune field: <datalist> suggestions from /communes.json;
 * - organisation chart: "open all / close all" buttons.
 * Without JavaScript the GET form and the <details> tree work as they are. */
(function () {
  "use strict";

  var UNIT_KINDS = {
    executive: "Exécutif", cabinet: "Cabinet", dgs: "Direction générale", pole: "Pôle", direction: "Direction",
    mission: "Mission", service: "Service", secteur: "Secteur", support_function: "Fonction support",
    team: "Équipe", body: "Instance"
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] === null || attrs[k] === undefined) return;
        if (k === "text") node.textContent = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function unitHref(id) { return "/unit/" + id; }

  function debounce(fn, ms) {
    var t = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  /* ------------------------------------------------------------------ search */
  function card(a, i, sources) {
    var kids = [];
    if (a.chain && a.chain.length) {
      var crumbs = a.chain.slice().reverse().map(function (c) {
        return el("li", null, [el("a", { href: unitHref(c.id), text: c.name })]);
      });
      kids.push(el("nav", { "class": "breadcrumb", "aria-label": "Rattachement de " + a.unit.name },
        [el("ol", null, crumbs)]));
    }
    kids.push(el("h3", { id: "carte-" + i, "class": "card-title" },
      [el("a", { href: unitHref(a.unit.id), text: a.unit.name })]));
    var org = a.unit.organisation || {};
    kids.push(el("p", { "class": "card-org" }, [
      el("a", { href: "/organisation/" + org.id, text: org.name }), " ",
      el("span", { "class": "badge", text: UNIT_KINDS[a.unit.kind] || a.unit.kind })
    ]));
    var facts = [];
    function fact(dt, dd) { facts.push(el("div", null, [el("dt", { text: dt }), dd])); }
    if (a.head) fact("Responsable", el("dd", { "class": "card-head", text: a.head }));
    if (a.competence) fact("Compétence", el("dd", { text: a.competence.label }));
    if (a.matched) fact("Correspondance", el("dd", { "class": "card-matched" }, [el("mark", { text: a.matched })]));
    if (a.partners && a.partners.length) {
      fact("Partenaires", el("dd", { "class": "card-partners",
        text: a.partners.map(function (p) { return p.name; }).join(", ") }));
    }
    kids.push(el("dl", { "class": "facts" }, facts));
    if (a.evidence && a.evidence.quote) {
      kids.push(el("figure", { "class": "quote" }, [
        el("blockquote", null, [el("p", { text: a.evidence.quote })]),
        el("figcaption", { text: "Source : " + (sources[a.evidence.source] || a.evidence.source || "") })
      ]));
    }
    return el("li", { "class": "card" }, [el("article", { "aria-labelledby": "carte-" + i }, kids)]);
  }

  function renderResults(box, data, sources) {
    var nodes = [];
    if (data.message) {  // who is competent at the place named, and how to reach them
      nodes.push(el("p", { "class": "notice notice-routing", text: data.message }));
    }
    if (data.error) {
      nodes.push(el("p", { "class": "notice notice-error", role: "alert", text: data.error }));
    } else if (data.out_of_scope) {
      var inner = data.hint ? [
        el("h2", { "class": "results-title", text: "Ce n'est pas le rôle de ces services" }),
        el("p", null, [el("strong", { text: "Où vous adresser\u00a0:" }), " ",
          el("span", { "class": "hint", text: data.hint })])
      ] : [
        el("h2", { "class": "results-title", text: "Aucun service trouvé" }),
        el("p", { "class": "hint", text: "Aucun service ne correspond clairement à votre question. Reformulez-la " +
          "avec d'autres mots, ou précisez la commune ou l'organisation." })
      ];
      nodes.push(el("div", { "class": "notice notice-elsewhere" }, inner));
    } else {
      var n = data.answers.length;
      nodes.push(el("h2", { "class": "results-title",
        text: n + " service" + (n > 1 ? "s" : "") + " pour «\u00a0" + data.question + "\u00a0»" }));
      nodes.push(el("ol", { "class": "cards" }, data.answers.map(function (a, i) { return card(a, i + 1, sources); })));
    }
    box.replaceChildren.apply(box, nodes);
  }

  function initSearch() {
    var form = document.getElementById("recherche");
    var box = document.getElementById("resultats");
    if (!form || !box || !window.fetch) return;
    var q = form.querySelector("#q"), org = form.querySelector("#org"), commune = form.querySelector("#commune");
    var status = document.getElementById("statut");
    var sources = {};
    try { sources = JSON.parse(box.getAttribute("data-sources") || "{}"); } catch (e) { sources = {}; }
    var controller = null, last = null;

    function params() {
      var p = new URLSearchParams();
      p.set("q", q.value.trim());
      if (org.value) p.set("org", org.value);
      if (commune.value.trim()) p.set("commune", commune.value.trim());
      return p;
    }

    function run(force) {
      var text = q.value.trim();
      if (text.length < 2) { if (force) q.focus(); return; }
      var p = params(), key = p.toString();
      if (!force && key === last) return;
      last = key;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      box.setAttribute("aria-busy", "true");
      status.textContent = "Recherche…";
      var apiParams = new URLSearchParams(p);
      apiParams.set("limit", "8");
      fetch("/api/ask?" + apiParams.toString(), {
        headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined
      }).then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok && !data.error) data = { error: "Erreur " + r.status };
          return data;
        });
      }).then(function (data) {
        renderResults(box, data, sources);
        box.setAttribute("aria-busy", "false");
        box.setAttribute("data-live", "true");
        status.textContent = data.error ? "" : data.out_of_scope ? "Aucun service de ces collectivités."
          : data.answers.length + " service" + (data.answers.length > 1 ? "s" : "") + " trouvé" +
            (data.answers.length > 1 ? "s" : "") + ".";
        document.title = text + " — Qui s'occupe de … ?";
        if (window.history && history.replaceState) history.replaceState(null, "", "/?" + p.toString());
      }).catch(function (err) {
        if (err && err.name === "AbortError") return;
        box.setAttribute("aria-busy", "false");
        status.textContent = "La recherche n'a pas abouti ; validez le formulaire pour réessayer.";
      });
    }

    var live = debounce(function () { run(false); }, 300);
    q.addEventListener("input", live);
    org.addEventListener("change", function () { if (q.value.trim()) run(false); });
    commune.addEventListener("change", function () { if (q.value.trim()) run(false); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(true); });

    /* commune suggestions */
    var list = document.getElementById(commune.getAttribute("list"));
    var suggest = debounce(function () {
      var text = commune.value.trim();
      if (text.length < 2 || !list) return;
      var p = new URLSearchParams({ q: text.slice(0, 3) });
      if (org.value) p.set("org", org.value);
      fetch("/communes.json?" + p.toString(), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          list.replaceChildren.apply(list, (data.communes || []).map(function (c) {
            return el("option", { value: c.name, label: c.name + " (" + c.departement + ")" });
          }));
        }).catch(function () { /* suggestions are optional */ });
    }, 200);
    commune.addEventListener("input", suggest);
  }

  /* ------------------------------------------------------------------ org chart */
  function initTree() {
    var tools = document.querySelector(".tree-tools");
    if (!tools) return;
    tools.hidden = false;
    tools.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-tree]");
      if (!b) return;
      var open = b.getAttribute("data-tree") === "open";
      document.querySelectorAll(".tree details").forEach(function (d) { d.open = open; });
    });
  }

  function init() { initSearch(); initTree(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

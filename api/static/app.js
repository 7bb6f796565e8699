/* Qui fait quoi ? — progressive enhancement of the server-rendered pages (no inline script: CSP).
 * - search: answers while typing (debounced) from /resultats, the same HTML the page renders on the server
 *   (its JSON twin is /api/ask); after Enter the answer is scrolled into view;
 * - commune field: <datalist> suggestions from /communes.json (without JavaScript, an unrecognised commune
 *   gets a list of communes to choose from on the answer page);
 * - organisation chart: "open all / close all" buttons.
 * Without JavaScript the GET form (action /#resultats) and the <details> tree work as they are. */
(function () {
  "use strict";

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    });
    return node;
  }

  function debounce(fn, ms) {
    var t = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  /* ------------------------------------------------------------------ search */
  function initSearch() {
    var form = document.getElementById("recherche");
    var box = document.getElementById("resultats");
    if (!form || !box || !window.fetch) return;
    var q = form.querySelector("#q"), org = form.querySelector("#org"), commune = form.querySelector("#commune");
    var status = document.getElementById("statut");
    var controller = null, last = null;

    function params() {
      var p = new URLSearchParams();
      if (commune.value.trim()) p.set("commune", commune.value.trim());
      p.set("q", q.value.trim());
      if (org.value) p.set("org", org.value);
      return p;
    }

    function run(submitted) {
      var text = q.value.trim();
      if (text.length < 2) { if (submitted) q.focus(); return; }
      var p = params(), key = p.toString();
      if (!submitted && key === last) return;
      last = key;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      box.setAttribute("aria-busy", "true");
      status.textContent = "Recherche…";
      fetch("/resultats?" + key, { headers: { Accept: "text/html" }, signal: controller ? controller.signal : undefined })
        .then(function (r) {
          if (r.status >= 500) throw new Error("HTTP " + r.status);
          return r.text();
        }).then(function (html) {
          box.innerHTML = html;  // server-rendered and escaped by the templates
          box.setAttribute("aria-busy", "false");
          box.setAttribute("data-live", "true");
          var best = box.querySelector(".best-title");
          status.textContent = best ? "Réponse : " + best.textContent.trim() + "." : "Réponse affichée.";
          document.title = text + " — Qui s'occupe de … ?";
          if (window.history && history.replaceState) history.replaceState(null, "", "/?" + key + "#resultats");
          if (submitted) box.scrollIntoView({ block: "start" });
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

    // Arriving on a shared answer (/?q=…): the answer, not the form, is what the person came for.
    if (q.value.trim() && box.querySelector(".best, .notice") && !location.hash) box.scrollIntoView({ block: "start" });
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

/* Qui fait quoi ? — starts the vendored GraphiQL on /graphql (no inline script: CSP). The example asked for
 * (?exemple=NAME, else the first; templates/graphiql.html, from api/graphql_examples/) opens in the editor;
 * the page's header links to the others. One tab only: GraphiQL's tab bar nests its close buttons inside
 * the tabs, which assistive technologies cannot use. CodeMirror's hidden text areas get a French label and
 * its scrolling panes a keyboard stop (axe-core: label, scrollable-region-focusable). */
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("graphiql");
    var examples = JSON.parse(document.getElementById("exemples").textContent || "[]");
    var current = root.getAttribute("data-current");
    var chosen = examples.filter(function (e) { return e.name === current; })[0] || examples[0] || { query: "" };
    var tabs = [{ query: chosen.query }];
    var fetcher = window.GraphiQL.createFetcher({ url: root.getAttribute("data-endpoint") });
    root.replaceChildren();
    window.ReactDOM.createRoot(root).render(window.React.createElement(window.GraphiQL, {
      fetcher: fetcher, defaultTabs: tabs, defaultEditorToolsVisibility: false, shouldPersistHeaders: false,
      storage: { getItem: function () { return null; }, setItem: function () {}, removeItem: function () {},
                 clear: function () {}, length: 0 }
    }));
    label(root);
    new MutationObserver(function () { label(root); }).observe(root, { childList: true, subtree: true });
    root.setAttribute("data-ready", "true");
  }

  var NAMES = [
    [".graphiql-query-editor", "Éditeur de la requête GraphQL"],
    [".graphiql-editor-tool .graphiql-editor:nth-child(1)", "Variables de la requête (JSON)"],
    [".graphiql-editor-tool .graphiql-editor:nth-child(2)", "En-têtes de la requête (JSON)"],
    [".graphiql-response", "Réponse du serveur"]
  ];

  function label(root) {
    NAMES.forEach(function (pair) {
      root.querySelectorAll(pair[0]).forEach(function (box) {
        box.querySelectorAll("textarea:not([aria-label])").forEach(function (t) { t.setAttribute("aria-label", pair[1]); });
        box.querySelectorAll(".CodeMirror-scroll:not([data-qfq])").forEach(function (s) {
          s.setAttribute("data-qfq", "");  // CodeMirror gives it tabindex -1: reachable by keyboard instead
          s.setAttribute("tabindex", "0");
          s.setAttribute("aria-label", pair[1]);
          s.setAttribute("role", "region");
        });
      });
    });
    root.querySelectorAll("textarea:not([aria-label])").forEach(function (t) { t.setAttribute("aria-label", "Zone de saisie"); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

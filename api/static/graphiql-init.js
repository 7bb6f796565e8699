/* Qui fait quoi ? — starts the vendored GraphiQL on /graphql (no inline script: CSP). Each example query
 * (templates/graphiql.html, from api/graphql_examples/) opens in its own tab; ?exemple=NAME opens that one. */
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("graphiql");
    var examples = JSON.parse(document.getElementById("exemples").textContent || "[]");
    var current = root.getAttribute("data-current");
    var first = examples.filter(function (e) { return e.name === current; });
    var tabs = first.concat(examples.filter(function (e) { return e.name !== current; }))
      .map(function (e) { return { query: e.query }; });
    var fetcher = window.GraphiQL.createFetcher({ url: root.getAttribute("data-endpoint") });
    root.replaceChildren();
    window.ReactDOM.createRoot(root).render(window.React.createElement(window.GraphiQL, {
      fetcher: fetcher, defaultTabs: tabs, defaultEditorToolsVisibility: false, shouldPersistHeaders: false,
      storage: { getItem: function () { return null; }, setItem: function () {}, removeItem: function () {},
                 clear: function () {}, length: 0 }
    }));
    root.setAttribute("data-ready", "true");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

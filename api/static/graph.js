/* Draws a unit's neighbourhood with the vendored Cytoscape.js, from the page's JSON twin.
 * Sets data-ready="true" and data-nodes="<count>" on the container once drawn (used by the tests). */
(function () {
  "use strict";
  /* Colour and shape both tell a node's kind (the legend on the page shows the shapes with words). */
  var COLORS = {
    unit: "#0a4d96", organisation: "#5b2a86", role: "#b34700", competence: "#1e7b34",
    territory: "#8a6d00", site: "#6b7280", partner: "#a1121b"
  };

  /* The chain of command straight above the unit (organisation on top), the unit's own neighbours
   * (children, head, competences, territories, sites, partners) around and below it, staggered on
   * two rings when they are many so that labels do not collide. */
  function layout(cy) {
    var chain = cy.nodes().filter(function (n) { return n.data("up") > 0; });
    var ring = cy.nodes().filter(function (n) { return !n.data("focus") && !(n.data("up") > 0); });
    var pos = {};
    cy.nodes("[?focus]").forEach(function (n) { pos[n.id()] = { x: 0, y: 0 }; });
    chain.forEach(function (n) { pos[n.id()] = { x: 0, y: -100 * n.data("up") }; });
    var count = ring.length, two = count > 10;
    var radius = Math.max(150, (two ? count / 2 : count) * 150 / (2 * Math.PI * 0.8));
    ring.forEach(function (n, i) {
      // spread over 290° leaving the top free for the chain
      var a = (Math.PI / 2) + (count > 1 ? (i / (count - 1) - 0.5) : 0) * (290 * Math.PI / 180);
      var r = radius + (two && i % 2 ? 110 : 0);
      pos[n.id()] = { x: r * Math.cos(a), y: r * Math.sin(a) };
    });
    cy.layout({ name: "preset", positions: function (n) { return pos[n.id()]; }, fit: true, padding: 24,
                animate: false }).run();
  }

  /* On a small screen the whole graph would shrink its labels below reading size: keep a zoom at which they
   * stay about 11 px or more, centred on the unit; the rest is reached by panning. */
  function readable(cy) {
    var MIN = 0.85;
    if (cy.zoom() < MIN) {
      cy.zoom(MIN);
      cy.center(cy.nodes("[?focus]"));
    }
  }

  function draw() {
    var box = document.getElementById("graphe");
    if (!box || typeof window.cytoscape !== "function" || box.getAttribute("data-ready")) return;
    var fold = box.closest("details");
    if (fold && !fold.open) {  // folded behind « voir le graphe »: drawn when first opened
      fold.addEventListener("toggle", function once() {
        if (fold.open) { fold.removeEventListener("toggle", once); draw(); }
      });
      return;
    }
    fetch(box.getAttribute("data-src"), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var g = data.graph || { nodes: [], edges: [] };
        var cy = window.cytoscape({
          container: box,
          elements: g.nodes.concat(g.edges),
          wheelSensitivity: 0.3,
          style: [
            { selector: "node", style: {
              "background-color": function (n) { return COLORS[n.data("kind")] || "#444"; },
              "label": "data(label)", "color": "#1b1b1f", "font-size": 13, "text-wrap": "wrap",
              "text-max-width": 150, "text-valign": "bottom", "text-margin-y": 4, "width": 22, "height": 22,
              "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 2
            } },
            { selector: "node[?focus]", style: {
              "width": 38, "height": 38, "border-width": 4, "border-color": "#b34700", "font-weight": "bold",
              "font-size": 15
            } },
            { selector: "node[kind = 'organisation']", style: { "shape": "round-rectangle", "width": 30 } },
            { selector: "node[kind = 'competence']", style: { "shape": "diamond" } },
            { selector: "node[kind = 'territory']", style: { "shape": "hexagon" } },
            { selector: "node[kind = 'role']", style: { "shape": "triangle" } },
            { selector: "node[kind = 'site']", style: { "shape": "rectangle" } },
            { selector: "node[kind = 'partner']", style: { "shape": "pentagon" } },
            { selector: "edge", style: {
              "width": 1.5, "line-color": "#8a9099", "target-arrow-color": "#8a9099",
              "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)",
              "font-size": 11, "color": "#4a4f57", "text-rotation": "autorotate",
              "text-background-color": "#ffffff", "text-background-opacity": 0.85
            } },
            { selector: "node[href]:active, node:selected", style: { "overlay-opacity": 0.15 } }
          ],
          minZoom: 0.2,
          maxZoom: 1.6,
          layout: { name: "preset" },
          autoungrabify: false
        });
        layout(cy);
        readable(cy);
        cy.on("tap", "node", function (ev) {
          var href = ev.target.data("href");
          if (href && !ev.target.data("focus")) window.location.assign(href);
        });
        // Keyboard: arrows pan, + and - zoom, 0 fits the whole graph again.
        box.addEventListener("keydown", function (ev) {
          var step = 40, moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
          if (moves[ev.key]) { cy.panBy({ x: moves[ev.key][0], y: moves[ev.key][1] }); }
          else if (ev.key === "+" || ev.key === "=") { cy.zoom({ level: cy.zoom() * 1.2, renderedPosition: center() }); }
          else if (ev.key === "-") { cy.zoom({ level: cy.zoom() / 1.2, renderedPosition: center() }); }
          else if (ev.key === "0") { cy.fit(undefined, 24); }
          else { return; }
          ev.preventDefault();
        });
        function center() { return { x: box.clientWidth / 2, y: box.clientHeight / 2 }; }
        box.setAttribute("data-nodes", String(cy.nodes().length));
        box.setAttribute("data-edges", String(cy.edges().length));
        box.setAttribute("data-ready", "true");
        window.qfqGraph = cy;
      })
      .catch(function () {
        box.setAttribute("data-ready", "error");
        box.textContent = "Le graphe n'a pas pu être affiché ; son contenu figure dans les listes ci-dessus.";
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();

// Copies the vendored browser files from node_modules into api/static/vendor/ (run after `npm ci`).
// Cytoscape draws the unit page's graph; GraphiQL (with the React it needs) is the /graphql explorer.
// axe-core stays in node_modules: the accessibility tests inject it, pages never load it.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dest = join(here, "..", "..", "api", "static", "vendor");
mkdirSync(dest, { recursive: true });

// package → [file in the package, name under vendor/]
const FILES = {
  cytoscape: [["dist/cytoscape.min.js", "cytoscape.min.js"], ["LICENSE", "cytoscape.LICENSE"]],
  react: [["umd/react.production.min.js", "react.production.min.js"], ["LICENSE", "react.LICENSE"]],
  "react-dom": [["umd/react-dom.production.min.js", "react-dom.production.min.js"], ["LICENSE", "react-dom.LICENSE"]],
  graphiql: [["graphiql.min.js", "graphiql.min.js"], ["graphiql.min.css", "graphiql.min.css"],
             ["LICENSE", "graphiql.LICENSE"]],
};

for (const [pkg, files] of Object.entries(FILES)) {
  const root = join(here, "node_modules", pkg);
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  for (const [from, to] of files) {
    if (to.endsWith(".js")) {  // without its source-map comment: the map is not vendored
      const text = readFileSync(join(root, from), "utf8").replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
      writeFileSync(join(dest, to), text);
    } else copyFileSync(join(root, from), join(dest, to));
  }
  console.log(`${pkg} ${version} -> ${dest}`);
}

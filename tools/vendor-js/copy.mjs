// Copies the vendored browser files from node_modules into api/static/vendor/ (run after `npm ci`).
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dest = join(here, "..", "..", "api", "static", "vendor");
mkdirSync(dest, { recursive: true });
const cy = join(here, "node_modules", "cytoscape");
const version = JSON.parse(readFileSync(join(cy, "package.json"), "utf8")).version;
copyFileSync(join(cy, "dist", "cytoscape.min.js"), join(dest, "cytoscape.min.js"));
copyFileSync(join(cy, "LICENSE"), join(dest, "cytoscape.LICENSE"));
console.log(`cytoscape ${version} -> ${dest}`);

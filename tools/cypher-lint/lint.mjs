// Lints Cypher files with Neo4j's own front end (@neo4j-cypher/language-support, lintCypherQuery).
// usage: node tools/cypher-lint/lint.mjs [FILE_OR_DIR ...]   (default: the repo's queries/)
// Prints file:line:col severity message per diagnostic and a summary; exit 1 on any error or warning,
// 2 when no .cypher file is found. No DbSchema is passed: with none, the linter checks syntax and
// semantics without flagging labels/properties as unknown (a schema-less check, not a false positive).
import { lintCypherQuery } from '@neo4j-cypher/language-support';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const targets = args.length ? args : [resolve(here, '../../queries')];

function collect(path) {
  const st = statSync(path);
  if (st.isDirectory()) {
    return readdirSync(path).sort().flatMap((name) => collect(join(path, name)));
  }
  return path.endsWith('.cypher') ? [path] : [];
}

let files;
try {
  files = targets.flatMap(collect);
} catch (err) {
  console.error(`cypher-lint: ${err.message}`);
  process.exit(2);
}
if (!files.length) {
  console.error(`cypher-lint: no .cypher file in ${targets.join(', ')}`);
  process.exit(2);
}

// Queries take their values as $parameters at run time: declare each one so that Neo4j does not
// report it as undefined; a `// example: {json}` line gives typed sample values.
function declaredParameters(text) {
  const params = {};
  for (const m of text.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) params[m[1]] = null;
  const ex = text.match(/^\/\/\s*example:\s*(\{.*\})\s*$/m);
  if (ex) Object.assign(params, JSON.parse(ex[1]));
  return params;
}

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
let errors = 0;
let warnings = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const { diagnostics } = lintCypherQuery(text, { parameters: declaredParameters(text) }, {
    consoleCommandsEnabled: false,
  });
  for (const d of diagnostics) {
    const sev = SEVERITY[d.severity] ?? 'error';
    if (sev === 'error') errors += 1;
    else warnings += 1;
    const { line, character } = d.range.start;
    console.log(`${file}:${line + 1}:${character + 1} ${sev} ${d.message.replace(/\s+/g, ' ')}`);
  }
}
console.log(`cypher-lint: ${files.length} files, ${errors} errors, ${warnings} warnings`);
process.exit(errors || warnings ? 1 : 0);

// Lints Cypher files with Neo4j's own front end (@neo4j-cypher/language-support, lintCypherQuery).
// usage: node tools/cypher-lint/lint.mjs [FILE_OR_DIR ...]   (default: the repo's queries/)
// Prints `file:line:col severity message` per diagnostic and a summary line; exits 1 on any error or
// warning (Neo4j's semantic notifications such as deprecations arrive as warnings and count), 2 when
// no .cypher file is found or a path does not exist, 0 otherwise.
//
// DbSchema choice: only `parameters` is passed. The package checks labels/relationship types only when
// both `labels` and `relationshipTypes` are given, property keys only when `propertyKeys` is given, and
// functions/procedures only when `functions`/`procedures` are given. With no Neo4j server to read them
// from, any list we pass is a guess: e.g. labels+types+propertyKeys = [] makes the perfectly standard
// `MATCH (u:Unit {id: $id})-[:REPORTS_TO*1..]->(p) RETURN p.id AS id` warn "Label Unit is not present
// in the database" (false positives). So those are left out: the check is syntax + Neo4j's semantic
// analysis (scoping, types, deprecations, performance notifications), with nothing silenced.
// Parameters, on the other hand, are ALWAYS checked: an undeclared $param is an error
// ("Parameter $id is not defined."), although ours are supplied at run time. Every $name used in the
// file is therefore declared (value null); a `// example: {json}` comment line adds its values too
// (they only serve this declaration: the semantic analysis does not type-check parameter values).
import { lintCypherQuery } from '@neo4j-cypher/language-support';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname, relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.some((a) => a === '-h' || a === '--help')) {
  console.log('usage: node tools/cypher-lint/lint.mjs [FILE_OR_DIR ...]  (default: queries/ of the repo)');
  process.exit(0);
}
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

function shown(file) {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

// Returns [params, problem]: problem is a diagnostic-like object for an unreadable example line.
function declaredParameters(text) {
  const params = {};
  for (const m of text.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) params[m[1]] = null;
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^\/\/\s*example:/.test(l));
  if (at < 0) return [params, null];
  try {
    const value = JSON.parse(lines[at].replace(/^\/\/\s*example:/, ''));
    if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(params, value);
    else throw new Error('not a JSON object');
  } catch (err) {
    return [params, { line: at, message: `bad "// example:" line (${err.message})` }];
  }
  return [params, null];
}

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
let errors = 0;
let warnings = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const [parameters, problem] = declaredParameters(text);
  if (problem) {
    errors += 1;
    console.log(`${shown(file)}:${problem.line + 1}:1 error ${problem.message}`);
  }
  const { diagnostics } = lintCypherQuery(text, { parameters }, { consoleCommandsEnabled: false });
  for (const d of diagnostics) {
    const sev = SEVERITY[d.severity] ?? 'error';
    if (sev === 'error') errors += 1;
    else warnings += 1; // info/hint (not emitted today) would fail the run too
    const { line, character } = d.range.start;
    console.log(`${shown(file)}:${line + 1}:${character + 1} ${sev} ${d.message.replace(/\s+/g, ' ')}`);
  }
}
console.log(`cypher-lint: ${files.length} files, ${errors} errors, ${warnings} warnings`);
process.exit(errors || warnings ? 1 : 0);

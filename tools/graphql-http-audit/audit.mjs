// Runs every graphql-http server audit (GraphQL over HTTP spec: MUST, SHOULD and MAY) against a
// running endpoint. Starts nothing itself.
//   node audit.mjs http://127.0.0.1:8000/graphql
// Prints one line per audit and "N passed, M failed"; exits 1 if any audit fails.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL   (e.g. http://127.0.0.1:8000/graphql)');
  process.exit(2);
}

let passed = 0;
let failed = 0;
for (const audit of serverAudits({ url })) {
  let result;
  try {
    result = await audit.fn();
  } catch (err) {
    result = { id: audit.id, name: audit.name, status: 'fatal', reason: String(err?.cause ?? err) };
  }
  if (result.status === 'ok') {
    passed += 1;
    console.log(`ok    [${result.id}] ${result.name}`);
  } else {
    failed += 1;
    let detail = '';
    if (result.response) {
      const body = await result.response.text().catch(() => '');
      detail = ` (HTTP ${result.response.status}, content-type ${result.response.headers.get('content-type')}, body ${body.slice(0, 200)})`;
    }
    console.log(`FAIL  [${result.id}] ${result.name}: ${result.status}: ${result.reason}${detail}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

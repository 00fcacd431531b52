// Prints one plain closing line ("tests: N passed, N failed, N skipped") from vitest's JSON report,
// so a reader of the CI log (human or machine) sees the totals in a runner-neutral form.
import { readFileSync } from 'node:fs';
const file = process.argv[2] ?? '.vitest-results.json';
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
} catch (e) {
  console.log(`tests: no report (${e.message})`);
}

// Prints one plain closing line ("tests: N passed, N failed, N skipped") from vitest's JSON report,
// so a reader of the CI log (human or machine) sees the totals in a runner-neutral form. Before it,
// every test that passed only on its retry (CI runs each failing test once more: vitest.config.ts)
// is listed with its first failure, so a flaky test is never hidden by the retry.
import { readFileSync } from 'node:fs';
const file = process.argv[2] ?? '.vitest-results.json';
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A passed test that still carries failure messages failed a first time and passed on its retry.
  const flaky = (r.testResults ?? []).flatMap((f) =>
    (f.assertionResults ?? []).filter((t) => t.status === 'passed' && (t.failureMessages ?? []).length > 0).map((t) => ({ file: f.name, t })),
  );
  for (const { file: name, t } of flaky) {
    const first = String(t.failureMessages[0]).split('\n')[0];
    console.log(`FLAKY (failed, then passed on its retry): ${name.replace(`${process.cwd()}/`, '')} > ${t.fullName}\n  first failure: ${first}`);
  }
  const retried = flaky.length > 0 ? `, ${flaky.length} of them passed only on a retry (listed above as FLAKY)` : '';
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped${retried}`);
} catch (e) {
  console.log(`tests: no report (${e.message})`);
}

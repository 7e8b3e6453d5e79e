// Sums the JSON reports in a folder: vitest's JSON reporter output and the packaging check's own report share the
// fields numPassedTests / numFailedTests. Prints "PASSED FAILED" and a per-report breakdown on stderr.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
for (const name of readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort()) {
  try {
    const report = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    const p = Number(report.numPassedTests ?? 0);
    const f = Number(report.numFailedTests ?? 0) + (report.success === false && !report.numFailedTests ? 1 : 0);
    passed += p;
    failed += f;
    console.error(`  ${name}: ${p} passed, ${f} failed`);
  } catch (error) {
    failed += 1;
    console.error(`  ${name}: unreadable report (${error.message})`);
  }
}
console.log(`${passed} ${failed}`);

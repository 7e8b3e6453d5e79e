// Installs compat/otel-sdk2 from its own lockfile (OpenTelemetry SDK 2: sdk-trace-base 2.12.1, api 1.9.1) and runs
// the core's tests against it with the workspace's vitest.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const compat = join(root, 'compat/otel-sdk2');
const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: 'inherit' });

run(
  'npm',
  [existsSync(join(compat, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund', '--prefer-offline'],
  compat,
);
const api = JSON.parse(
  execFileSync(
    process.execPath,
    ['-p', "JSON.stringify(require('./node_modules/@opentelemetry/api/package.json').version)"],
    { cwd: compat, encoding: 'utf8' },
  ),
);
const sdk = JSON.parse(
  execFileSync(
    process.execPath,
    ['-p', "JSON.stringify(require('./node_modules/@opentelemetry/sdk-trace-base/package.json').version)"],
    { cwd: compat, encoding: 'utf8' },
  ),
);
console.log(`OpenTelemetry api ${api}, sdk-trace-base ${sdk}`);
if (!api.startsWith('1.9.') || !sdk.startsWith('2.')) throw new Error('compat folder did not install SDK 2');
run(
  process.execPath,
  [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(compat, 'vitest.config.ts')],
  root,
);

#!/usr/bin/env node
// The `agentops-litellm-bridge` command. Runs the built bundle (dist/cli.js); in a fresh clone, where it has not been
// built yet, it builds it first (a few seconds, with the repository's tsup).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(
    '[litellm-bridge] dist/cli.js not found: building it (npm run build -w @agentops/litellm-bridge)\n',
  );
  let tsup;
  try {
    tsup = join(dirname(createRequire(import.meta.url).resolve('tsup/package.json')), 'dist', 'cli-default.js');
  } catch {
    process.stderr.write('[litellm-bridge] tsup is not installed: run `npm ci` in the repository, then try again\n');
    process.exit(1);
  }
  const build = spawnSync(process.execPath, [tsup, '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import(cli);

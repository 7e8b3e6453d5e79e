// Builds the workspace packages the demo imports by name (their `exports` point at `dist/`), quietly: Nx's output is
// shown only when the build fails. When no build input changed since the last successful build (a stamp file in
// output/), Nx is not even started: its project graph alone takes seconds on a small machine.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));
const stamp = fileURLToPath(new URL('../output/.packages-built', import.meta.url));
const scopes = ['scope:core', 'scope:adapter', 'scope:export'];

interface PackageDir {
  dir: string;
  entry: string;
}

/** The packages with one of `scopes` (what `--projects=tag:...` selects) and the file their `exports` need. */
function scopedPackages(): PackageDir[] {
  const root = join(workspaceRoot, 'packages');
  return readdirSync(root)
    .map((name) => join(root, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .filter((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { nx?: { tags?: string[] } };
      return (manifest.nx?.tags ?? []).some((tag) => scopes.includes(tag));
    })
    .map((dir) => ({ dir, entry: join(dir, 'dist', 'index.js') }));
}

/** Newest modification time of a package's build inputs (sources without tests, manifest, build config). */
function newestInput(dir: string): number {
  let newest = 0;
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (!/\.test(-d)?\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(child).mtimeMs);
    }
  };
  visit(join(dir, 'src'));
  for (const file of ['package.json', 'tsup.config.ts', 'tsconfig.json']) {
    if (existsSync(join(dir, file))) newest = Math.max(newest, statSync(join(dir, file)).mtimeMs);
  }
  return newest;
}

function upToDate(packages: PackageDir[]): boolean {
  if (!existsSync(stamp)) return false;
  const builtAt = statSync(stamp).mtimeMs;
  return packages.every(({ dir, entry }) => existsSync(entry) && newestInput(dir) < builtAt);
}

function buildWithNx(): void {
  const started = performance.now();
  const startedAt = new Date();
  process.stderr.write('demo: building the @agentops/* packages (Nx caches them after the first run)...\n');
  const nx = join(dirname(createRequire(import.meta.url).resolve('nx/package.json')), 'dist', 'bin', 'nx.js');
  const projects = scopes.map((scope) => `tag:${scope}`).join(',');
  const child = spawn(process.execPath, [nx, 'run-many', '-t', 'build', `--projects=${projects}`], {
    cwd: workspaceRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    // No daemon, no Nx Cloud, no registry look-up for a newer Nx: the demo makes no outside network calls.
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_USE_LOCAL: 'true', NX_TUI: 'false' },
  });
  const output: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  child.on('error', (error) => {
    process.stderr.write(`demo: could not run Nx: ${error.message}\n`);
    process.exitCode = 1;
  });
  child.on('close', (code) => {
    if (code === 0) {
      mkdirSync(dirname(stamp), { recursive: true });
      writeFileSync(stamp, `${startedAt.toISOString()}\n`);
      // Dated when the build began: a source saved while Nx was running is newer, so the next run builds again.
      utimesSync(stamp, startedAt, startedAt);
      process.stderr.write(`demo: packages ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      return;
    }
    process.stderr.write(Buffer.concat(output));
    process.stderr.write(`demo: building the packages failed (nx exit code ${code})\n`);
    process.exitCode = code ?? 1;
  });
}

if (!upToDate(scopedPackages())) buildWithNx();

// Enforces DESIGN.md's dependency rule for the published packages' src/ (tests and tools may use anything):
//   core      -> @opentelemetry/api only, no node: imports
//   adapters  -> core only (+ @agentops/tracing as a lazily loaded optional peer), no node: imports, never each other
//   tracing   -> core and its own declared dependencies
//   no package -> apps or tools
// Projects and their tags come from the Nx project graph; imports are read from the sources.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const graphFile = join(tmpdir(), `agentops-check-deps-${process.pid}.json`);
execFileSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'graph', `--file=${graphFile}`], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
});
const graph = JSON.parse(readFileSync(graphFile, 'utf8')).graph;

const projects = Object.values(graph.nodes).map((node) => {
  const pkg = JSON.parse(readFileSync(join(root, node.data.root, 'package.json'), 'utf8'));
  return { name: node.name, packageName: pkg.name, root: node.data.root, tags: node.data.tags ?? [], pkg };
});
const byPackageName = new Map(projects.map((project) => [project.packageName, project]));
const errors = [];

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['__fixtures__', 'test-support', 'node_modules'].includes(entry.name)) out.push(...sourceFiles(path));
    } else if (/\.(ts|tsx|mts|cts)$/.test(entry.name) && !/\.test(-d)?\.ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

const importPattern =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const packageOf = (specifier) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];

for (const project of projects) {
  const scope = project.tags.find((tag) => tag.startsWith('scope:'));
  if (!scope) errors.push(`${project.name}: no scope tag in package.json "nx.tags"`);
  if (!['scope:core', 'scope:adapter', 'scope:export'].includes(scope)) continue;
  const { pkg } = project;
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  if (pkg.dependencies?.['@opentelemetry/api'])
    errors.push(`${project.name}: @opentelemetry/api must be a peer dependency`);
  if (!pkg.peerDependencies?.['@opentelemetry/api'])
    errors.push(`${project.name}: @opentelemetry/api is not a peer dependency`);
  for (const file of sourceFiles(join(root, project.root, 'src'))) {
    // TSDoc examples contain import lines of their own; only code counts.
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const where = relative(root, file);
    for (const match of text.matchAll(importPattern)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier.startsWith('.')) {
        if (specifier.includes('../../')) errors.push(`${where}: relative import leaves the package: ${specifier}`);
        continue;
      }
      const target = packageOf(specifier);
      const isNode = specifier.startsWith('node:');
      if (isNode && scope !== 'scope:export')
        errors.push(`${where}: ${scope} must not import ${specifier} (edge runtimes)`);
      if (isNode) continue;
      const workspaceTarget = byPackageName.get(target);
      if (workspaceTarget) {
        const targetScope = workspaceTarget.tags.find((tag) => tag.startsWith('scope:'));
        const subpath = `.${specifier.slice(target.length)}`;
        if (specifier !== target && !Object.hasOwn(workspaceTarget.pkg.exports ?? {}, subpath)) {
          errors.push(`${where}: deep import into ${target}: ${specifier} (not in its exports map)`);
        }
        const allowed =
          scope === 'scope:core' ? [] : scope === 'scope:adapter' ? ['scope:core', 'scope:export'] : ['scope:core'];
        if (!allowed.includes(targetScope))
          errors.push(`${where}: ${scope} may not depend on ${target} (${targetScope})`);
        if (targetScope === 'scope:export' && scope === 'scope:adapter' && !/import\(/.test(match[0])) {
          errors.push(`${where}: ${target} may only be loaded lazily (import()) from an adapter`);
        }
      } else if (scope === 'scope:core' && target !== '@opentelemetry/api') {
        errors.push(`${where}: the core may only depend on @opentelemetry/api, not ${target}`);
      }
      if (!declared.has(target)) errors.push(`${where}: ${target} is imported but not a dependency or peer dependency`);
    }
  }
}

// Published packages never depend on apps or tools at run time (dev dependencies for tests are fine).
for (const project of projects.filter((p) => p.root.startsWith('packages/'))) {
  const runtime = { ...project.pkg.dependencies, ...project.pkg.peerDependencies };
  for (const name of Object.keys(runtime)) {
    const target = byPackageName.get(name);
    if (target && !target.root.startsWith('packages/'))
      errors.push(`${project.name} -> ${name}: packages must not depend on apps or tools`);
  }
}

if (errors.length > 0) {
  console.error(`Dependency rule violations (${errors.length}):\n  ${errors.join('\n  ')}`);
  process.exit(1);
}
console.log(`Dependency rule: ${projects.length} projects checked, no violations.`);

// Packaging proof: every published package is packed, installed from its tarball into a throw-away consumer,
// imported as ESM and as CJS, type-checked (node16 ESM and CJS), and checked with publint and
// are-the-types-wrong. Needs the packages built (`npm run build`). Writes a JSON report for .ci/run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const packages = ['llm-callback-core', 'tracing', 'litellm', 'vercel-ai', 'langchain'];
const results = [];

function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function check(name, fn) {
  const started = Date.now();
  try {
    const detail = fn();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)${detail ? `: ${detail}` : ''}`);
  } catch (error) {
    results.push({ name, ok: false });
    const output = [error.stdout, error.stderr].filter(Boolean).join('\n').trim();
    console.log(`  ✗ ${name}\n${(output || error.message).split('\n').slice(0, 40).join('\n')}`);
  }
}

const node = process.execPath;
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const work = mkdtempSync(join(tmpdir(), 'agentops-consumer-'));
const tarballs = {};

for (const name of packages) {
  const dir = join(root, 'packages', name);
  check(`${name}: npm pack`, () => {
    const out = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: dir });
    const [info] = JSON.parse(out);
    tarballs[name] = join(work, info.filename);
    const files = info.files.map((file) => file.path);
    if (!files.includes('dist/index.js') || !files.includes('dist/index.cjs') || !files.includes('dist/index.d.cts')) {
      throw new Error(`tarball lacks dist files: ${files.join(', ')}`);
    }
    if (files.some((file) => file.startsWith('src/'))) throw new Error('tarball ships src/');
    return `${info.filename}, ${files.length} files, ${info.size} bytes`;
  });
  check(`${name}: publint`, () =>
    run(node, [bin('publint', 'src/cli.js'), '--strict', dir])
      .trim()
      .split('\n')
      .at(-1),
  );
  check(`${name}: are-the-types-wrong`, () => {
    run(node, [
      bin('@arethetypeswrong/cli', 'dist/index.js'),
      tarballs[name],
      '--profile',
      'node16',
      '--format',
      'table-flipped',
    ]);
    return 'no problems (node16 CJS/ESM, bundler)';
  });
}

// A consumer project that installs the tarballs (and the peers a user would have) from the registry/cache.
const consumer = join(work, 'consumer');
mkdirSync(consumer);
writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const peers = [
  '@opentelemetry/api',
  'ai',
  '@langchain/core',
  'zod',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/context-async-hooks',
];
check('consumer: npm install of the tarballs', () => {
  const specs = [
    ...Object.values(tarballs),
    ...peers.map((peer) => `${peer}@${rootPkg.devDependencies[peer]}`),
    `typescript@${rootPkg.devDependencies.typescript}`,
    `@types/node@${rootPkg.devDependencies['@types/node']}`,
  ];
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...specs], {
    cwd: consumer,
  });
  return readdirSync(join(consumer, 'node_modules', '@agentops')).join(', ');
});

const esm = `
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { createLlmSpanRecorder, startSession, getCurrentSession, ATTR } from '@agentops/llm-callback-core';
import { createSpanCapture, serializeSpanTree } from '@agentops/llm-callback-core/testing';
import { AgentOpsLiteLLMHandler } from '@agentops/litellm';
import { agentopsMiddleware } from '@agentops/vercel-ai';
import { AgentOpsLangChainHandler } from '@agentops/langchain';
import { init } from '@agentops/tracing';
import { trace } from '@opentelemetry/api';

for (const value of [createLlmSpanRecorder, startSession, AgentOpsLiteLLMHandler, agentopsMiddleware, AgentOpsLangChainHandler, init]) {
  assert.equal(typeof value, 'function');
}
const capture = createSpanCapture();
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [capture] }));
const session = startSession({ name: 'esm' });
// The CJS build of the core shares the ESM build's registry: it sees the session started here.
const cjsCore = createRequire(import.meta.url)('@agentops/llm-callback-core');
assert.notEqual(cjsCore.createLlmSpanRecorder, createLlmSpanRecorder, 'two module instances');
assert.equal(cjsCore.getCurrentSession()?.sessionId, session.sessionId);
const recorder = createLlmSpanRecorder({ framework: 'consumer' });
recorder.startCall({ key: 'k', model: 'gpt-4.1', messages: [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }] }).end({ usage: { inputTokens: 3, outputTokens: 1 } });
session.end('Success');
assert.equal(getCurrentSession(), undefined);
const tree = serializeSpanTree(capture.spans(), { attributes: [ATTR.SPAN_KIND, ATTR.USAGE_PROMPT_TOKENS] });
assert.match(tree, /esm\\.session \\[INTERNAL\\] OK/);
assert.match(tree, /gpt-4\\.1\\.llm \\[CLIENT\\]/);
assert.match(tree, /gen_ai\\.usage\\.prompt_tokens: 3/);
console.log('esm ok');
`;
const cjs = `
const assert = require('node:assert/strict');
const core = require('@agentops/llm-callback-core');
const testing = require('@agentops/llm-callback-core/testing');
const { AgentOpsLiteLLMHandler } = require('@agentops/litellm');
const { agentopsMiddleware } = require('@agentops/vercel-ai');
const { AgentOpsLangChainHandler } = require('@agentops/langchain');
const tracing = require('@agentops/tracing');
for (const value of [core.createLlmSpanRecorder, core.withSession, testing.serializeSpanTree, AgentOpsLiteLLMHandler, agentopsMiddleware, AgentOpsLangChainHandler, tracing.init]) {
  assert.equal(typeof value, 'function');
}
console.log('cjs ok');
`;
const types = `
import { createLlmSpanRecorder, type CallStartEvent, type CoreOptions } from '@agentops/llm-callback-core';
import { createSpanCapture } from '@agentops/llm-callback-core/testing';
import { AgentOpsLiteLLMHandler } from '@agentops/litellm';
import { agentopsMiddleware } from '@agentops/vercel-ai';
import { AgentOpsLangChainHandler } from '@agentops/langchain';
import { init } from '@agentops/tracing';
const options: CoreOptions = { captureContent: 'metadata', redaction: { pii: true } };
const event: CallStartEvent = { key: 'k', model: 'm' };
createLlmSpanRecorder(options).startCall(event).end();
createSpanCapture();
new AgentOpsLiteLLMHandler({ autoSession: false });
agentopsMiddleware();
new AgentOpsLangChainHandler();
void init;
`;
writeFileSync(join(consumer, 'esm.mjs'), esm);
writeFileSync(join(consumer, 'cjs.cjs'), cjs);
writeFileSync(join(consumer, 'types-esm.mts'), types);
// The same imports in a .cts file resolve through the packages' `require` conditions and .d.cts types.
writeFileSync(join(consumer, 'types-cjs.cts'), types);
writeFileSync(
  join(consumer, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      module: 'node16',
      moduleResolution: 'node16',
      target: 'es2022',
      strict: true,
      noEmit: true,
      types: ['node'],
      skipLibCheck: false,
    },
    files: ['types-esm.mts', 'types-cjs.cts'],
  }),
);
check('consumer: import as ESM (and CJS shares the registry)', () => run(node, ['esm.mjs'], { cwd: consumer }).trim());
check('consumer: require as CJS', () => run(node, ['cjs.cjs'], { cwd: consumer }).trim());
check(
  'consumer: type-check ESM and CJS (node16)',
  () => run(node, [join(consumer, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: consumer }) || 'clean',
);

rmSync(work, { recursive: true, force: true });
const failed = results.filter((result) => !result.ok).length;
const reportDir = process.env.VITEST_REPORT_DIR;
if (reportDir) {
  writeFileSync(
    join(reportDir, 'packaging.json'),
    JSON.stringify({ numPassedTests: results.length - failed, numFailedTests: failed, success: failed === 0 }),
  );
}
console.log(`packaging: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

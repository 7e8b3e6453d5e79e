// Provision every real peer the e2e tests need (for CI and developers); idempotent, fast when warm.
//   node tools/e2e/provision.mjs [--jaeger] [--litellm] [--check]
// With no peer flag both are provisioned. --check also starts each peer once and stops it again.
// Sequential on purpose: the Jaeger build alone saturates 2 cores.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureJaeger, JAEGER_VERSION, jaegerBinaryPath, startJaeger } from './jaeger.mjs';
import { cacheRoot, log, since } from './lib.mjs';
import { ensureLiteLLM, liteLLMVenvDir, startLiteLLMProxy } from './litellm.mjs';

const args = new Set(process.argv.slice(2));
const all = !args.has('--jaeger') && !args.has('--litellm');
const check = args.has('--check');
const t0 = performance.now();
log('provision', `cache root ${cacheRoot()}`);

if (all || args.has('--jaeger')) {
  const stamp = `${jaegerBinaryPath()}.version`;
  const warm = existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === JAEGER_VERSION;
  const t = performance.now();
  const bin = await ensureJaeger();
  log('provision', `jaeger ${JAEGER_VERSION}: ${warm ? 'cached' : 'built'} ${bin} (${since(t)} ms)`);
  if (check) {
    const s = performance.now();
    const j = await startJaeger();
    log('provision', `jaeger started in ${since(s)} ms (query ${j.queryUrl}), stopping`);
    await j.stop();
  }
}

if (all || args.has('--litellm')) {
  const warm = existsSync(join(liteLLMVenvDir(), '.agentops-complete'));
  const t = performance.now();
  const python = await ensureLiteLLM();
  log('provision', `litellm: ${warm ? 'cached' : 'installed'} ${python} (${since(t)} ms)`);
  if (check) {
    const s = performance.now();
    const p = await startLiteLLMProxy({
      // Only liveliness is checked: nothing is called, so the endpoints need not exist.
      env: {
        AGENTOPS_E2E_OPENAI_API_BASE: 'http://127.0.0.1:9/v1',
        AGENTOPS_E2E_OPENAI_API_KEY: 'sk-dummy',
        GENERIC_LOGGER_ENDPOINT: 'http://127.0.0.1:9/unused',
      },
    });
    log('provision', `litellm proxy started in ${since(s)} ms (${p.url}), stopping`);
    await p.stop();
  }
}
log('provision', `done in ${since(t0)} ms`);

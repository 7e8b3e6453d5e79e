// Provision and run the LiteLLM proxy (PyPI, pinned with hashes) for the e2e tests.
//
//   import { ensureLiteLLM, startLiteLLMProxy } from '../../tools/e2e/litellm.mjs';
//   const proxy = await startLiteLLMProxy({ configPath, env: { ... } });
//   ... POST `${proxy.url}/v1/chat/completions` ...
//   await proxy.stop();
//
// CLI: `node tools/e2e/litellm.mjs` provisions the venv and prints its python path.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, freePort, log, run, runDir, since, spawnLogged, stopChild, waitFor, withLock } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** Lock file with hashes for every distribution (pip-compile --generate-hashes, see litellm/compile.sh). */
export const LITELLM_REQUIREMENTS = join(here, 'litellm', 'requirements.txt');
/** Proxy config template: one `openai/` model whose api_base comes from the environment. */
export const LITELLM_CONFIG_TEMPLATE = join(here, 'litellm', 'proxy-config.yaml');

/**
 * Environment that keeps LiteLLM off the network and quiet: the bundled model cost map instead of
 * fetching it, no telemetry. Callers' env is merged on top.
 */
export const LITELLM_OFFLINE_ENV = {
  LITELLM_LOCAL_MODEL_COST_MAP: 'True',
  LITELLM_DONT_SHOW_FEEDBACK_BOX: 'True',
  NO_DOCS: 'True',
  NO_REDOC: 'True',
  PYTHONUNBUFFERED: '1',
  // Custom logger modules are imported from the repo (next to the config): leave no __pycache__ there.
  PYTHONDONTWRITEBYTECODE: '1',
  HF_HUB_OFFLINE: '1',
  TOKENIZERS_PARALLELISM: 'false',
};

function pickPython() {
  const candidates = [process.env.AGENTOPS_E2E_PYTHON, 'python3.11', 'python3'].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (r.status === 0) return { py, version: r.stdout.trim() };
  }
  throw new Error(`no python found (tried ${candidates.join(', ')}); set AGENTOPS_E2E_PYTHON`);
}

/** Cache directory of the venv for the current requirements.txt. */
export function liteLLMVenvDir() {
  const hash = createHash('sha256').update(readFileSync(LITELLM_REQUIREMENTS)).digest('hex').slice(0, 16);
  return join(cacheRoot(), `litellm-venv-${hash}`);
}

/**
 * Make sure the pinned LiteLLM venv exists (creating it on first use) and return its python path.
 * Idempotent; a marker file is written only after a complete install, so an interrupted install
 * is redone.
 */
export async function ensureLiteLLM() {
  const venv = liteLLMVenvDir();
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, '.agentops-complete');
  if (existsSync(marker)) return python;
  return await withLock(`${venv}.lock`, async () => {
    if (existsSync(marker)) return python;
    const t0 = performance.now();
    const { py, version } = pickPython();
    if (version !== '3.11') log('litellm', `warning: requirements.txt was compiled for Python 3.11, using ${version}`);
    rmSync(venv, { recursive: true, force: true });
    mkdirSync(venv, { recursive: true });
    const logFile = join(cacheRoot(), 'litellm-install.log');
    writeFileSync(logFile, '');
    log('litellm', `creating venv ${venv} with ${py} (${version}); log: ${logFile}`);
    // Index/proxy/cert settings from the environment are kept (hashes pin the content anyway); the
    // ones that change how or where things are installed are not.
    const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
    for (const k of ['PIP_NO_BINARY', 'PIP_ONLY_BINARY', 'PIP_CONSTRAINT', 'PIP_USER', 'PIP_TARGET', 'PIP_PREFIX']) {
      delete env[k];
    }
    await run(py, ['-m', 'venv', venv], { env, logFile });
    // --no-cache-dir: the venv itself is the cache; a cold install is the same on every machine.
    const pipInstall = ['-m', 'pip', 'install', '--no-input', '--no-cache-dir', '--require-hashes', '--no-deps'];
    await run(python, [...pipInstall, '--only-binary', ':all:', '-r', LITELLM_REQUIREMENTS], { env, logFile });
    await run(python, ['-m', 'pip', 'check'], { env, logFile });
    writeFileSync(marker, `${new Date().toISOString()}\n`);
    log('litellm', `venv ready in ${since(t0)} ms`);
    return python;
  });
}

/**
 * Start `litellm --config <configPath>` on 127.0.0.1 and wait until `/health/liveliness` answers.
 *
 * @param {object} opts
 * @param {string} [opts.configPath] proxy config (default: litellm/proxy-config.yaml)
 * @param {number} [opts.port] fixed port (default: a free one)
 * @param {Record<string,string>} [opts.env] extra environment (api base, GENERIC_LOGGER_ENDPOINT, ...)
 * @param {string} [opts.cwd] working directory (custom logger modules are imported relative to the config)
 * @param {number} [opts.timeoutMs] readiness timeout (default 120 s: cold imports are slow on 2 cores)
 * @returns {Promise<{url: string, port: number, logFile: string, pid: number, stop: () => Promise<void>}>}
 */
export async function startLiteLLMProxy({
  configPath = LITELLM_CONFIG_TEMPLATE,
  port,
  env = {},
  cwd,
  timeoutMs = 120_000,
} = {}) {
  const python = await ensureLiteLLM();
  const t0 = performance.now();
  const p = port ?? (await freePort());
  const logFile = join(runDir(), `litellm-${p}-${process.pid}.log`);
  writeFileSync(logFile, '');
  const litellmBin = join(dirname(python), 'litellm');
  const childEnv = { ...process.env, ...LITELLM_OFFLINE_ENV, ...env };
  const child = spawnLogged(
    litellmBin,
    ['--config', configPath, '--host', '127.0.0.1', '--port', String(p), '--telemetry', 'False'],
    {
      env: childEnv,
      cwd: cwd ?? dirname(configPath),
      logFile,
    },
  );
  const url = `http://127.0.0.1:${p}`;
  const stop = () => stopChild(child);
  try {
    await waitFor(
      'litellm proxy',
      async () => (await fetch(`${url}/health/liveliness`, { signal: AbortSignal.timeout(2000) })).ok,
      { timeoutMs, child, logFile, intervalMs: 250 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  log('litellm', `proxy ready at ${url} in ${since(t0)} ms (log: ${logFile})`);
  return { url, port: p, logFile, pid: child.pid, stop };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const python = await ensureLiteLLM();
  log('litellm', `ensureLiteLLM: ${since(t0)} ms`);
  process.stdout.write(`${python}\n`);
}

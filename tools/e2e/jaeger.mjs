// Provision and run a real Jaeger v2 (built from the Go module proxy) for the e2e tests.
//
//   import { startJaeger, waitForTraces } from '../../tools/e2e/jaeger.mjs';
//   const jaeger = await startJaeger();
//   new OTLPTraceExporter({ url: jaeger.otlpGrpcEndpoint });
//   const traces = await waitForTraces(jaeger.queryUrl, 'my-service', { minSpans: 2 });
//   await jaeger.stop();
//
// CLI: `node tools/e2e/jaeger.mjs` builds the binary if missing and prints its path.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cacheRoot,
  canConnect,
  freePort,
  log,
  run,
  runDir,
  since,
  spawnLogged,
  stopChild,
  waitFor,
  withLock,
} from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** Jaeger release built by {@link ensureJaeger}; `cmd/jaeger` of v1.76 is the v2 (collector-based) binary. */
export const JAEGER_VERSION = 'v1.76.0';
const JAEGER_PKG = 'github.com/jaegertracing/jaeger/cmd/jaeger';
/** Minimal config: memory storage, OTLP gRPC+HTTP in, query API out, everything on 127.0.0.1. */
export const JAEGER_CONFIG = join(here, 'jaeger-config.yaml');

function goEnv(root) {
  const env = { ...process.env };
  // Self-contained caches (one folder to cache in CI or delete); -modcacherw keeps them deletable.
  env.GOMODCACHE = process.env.AGENTOPS_E2E_GOMODCACHE || join(root, 'go', 'mod');
  env.GOCACHE = process.env.AGENTOPS_E2E_GOCACHE || join(root, 'go', 'build');
  env.GOFLAGS = '-mod=mod -modcacherw';
  env.CGO_ENABLED = '0';
  return env;
}

/** Path of the cached binary (it may not exist yet). */
export function jaegerBinaryPath() {
  return join(cacheRoot(), 'bin', 'jaeger');
}

/**
 * Build Jaeger from the Go module proxy into `<cache>/bin/jaeger` unless a binary of
 * {@link JAEGER_VERSION} is already there; returns the binary path. Cold: a throw-away module
 * under `<cache>/jaeger-mod` (`go mod init` + `go get -tool`), then `go build`. Several minutes on
 * 2 cores; warm: a file check.
 */
export async function ensureJaeger() {
  const root = cacheRoot();
  const bin = jaegerBinaryPath();
  const stamp = `${bin}.version`;
  const ok = () => existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === JAEGER_VERSION;
  if (ok()) return bin;
  return await withLock(join(root, 'jaeger-build.lock'), async () => {
    if (ok()) return bin;
    const t0 = performance.now();
    const env = goEnv(root);
    const mod = join(root, 'jaeger-mod');
    const logFile = join(root, 'jaeger-build.log');
    mkdirSync(join(root, 'bin'), { recursive: true });
    writeFileSync(logFile, '');
    log('jaeger', `building ${JAEGER_PKG}@${JAEGER_VERSION} (cold build takes minutes); log: ${logFile}`);
    // A fresh module each time the version changes keeps the build input exactly "jaeger@version".
    rmSync(mod, { recursive: true, force: true });
    mkdirSync(mod, { recursive: true });
    await run('go', ['mod', 'init', 'agentops.local/e2e-jaeger'], { env, cwd: mod, logFile });
    await run('go', ['get', '-tool', `${JAEGER_PKG}@${JAEGER_VERSION}`], { env, cwd: mod, logFile });
    // Replace directives of a dependency are ignored by `go get`; mirror Jaeger's own one.
    const upstreamGoMod = join(env.GOMODCACHE, `github.com/jaegertracing/jaeger@${JAEGER_VERSION}`, 'go.mod');
    for (const m of readFileSync(upstreamGoMod, 'utf8').matchAll(/^replace\s+(\S+)\s+=>\s+(\S+)\s+(\S+)\s*$/gm)) {
      await run('go', ['mod', 'edit', `-replace=${m[1]}=${m[2]}@${m[3]}`], { env, cwd: mod, logFile });
    }
    log('jaeger', `module ready after ${since(t0)} ms, compiling...`);
    const tmp = `${bin}.tmp-${process.pid}`;
    const ldflags = `-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=${JAEGER_VERSION}`;
    await run('go', ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', tmp, JAEGER_PKG], { env, cwd: mod, logFile });
    renameSync(tmp, bin);
    writeFileSync(stamp, `${JAEGER_VERSION}\n`);
    log('jaeger', `built ${bin} in ${since(t0)} ms`);
    return bin;
  });
}

/**
 * Start Jaeger with {@link JAEGER_CONFIG} and wait until the OTLP receivers accept connections and
 * the query API answers. Ports default to free ones; everything binds 127.0.0.1.
 *
 * @param {object} [opts]
 * @param {number} [opts.otlpGrpcPort]
 * @param {number} [opts.otlpHttpPort]
 * @param {number} [opts.queryPort] query HTTP API (and placeholder UI)
 * @param {number} [opts.queryGrpcPort] query gRPC API (always on in Jaeger; kept on loopback)
 * @param {string} [opts.configPath]
 * @param {string} [opts.logLevel] collector log level (default info)
 * @param {number} [opts.timeoutMs] readiness timeout (default 30 s)
 * @returns {Promise<{otlpGrpcEndpoint: string, otlpHttpEndpoint: string, otlpHttpTracesUrl: string,
 *   queryUrl: string, logFile: string, pid: number, stop: () => Promise<void>}>}
 */
export async function startJaeger({
  otlpGrpcPort,
  otlpHttpPort,
  queryPort,
  queryGrpcPort,
  configPath = JAEGER_CONFIG,
  logLevel = 'info',
  timeoutMs = 30_000,
} = {}) {
  const bin = await ensureJaeger();
  const t0 = performance.now();
  const ports = {
    grpc: otlpGrpcPort ?? (await freePort()),
    http: otlpHttpPort ?? (await freePort()),
    query: queryPort ?? (await freePort()),
    queryGrpc: queryGrpcPort ?? (await freePort()),
  };
  const logFile = join(runDir(), `jaeger-${ports.query}-${process.pid}.log`);
  writeFileSync(logFile, '');
  const env = {
    ...process.env,
    JAEGER_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.grpc}`,
    JAEGER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.http}`,
    JAEGER_QUERY_HTTP_ENDPOINT: `127.0.0.1:${ports.query}`,
    JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${ports.queryGrpc}`,
    JAEGER_LOG_LEVEL: logLevel,
  };
  // The collector reads OTEL_* for nothing we use, but a caller's OTEL_EXPORTER_* must not leak in.
  for (const k of Object.keys(env)) if (k.startsWith('OTEL_')) delete env[k];
  const child = spawnLogged(bin, ['--config', configPath], { env, logFile });
  const queryUrl = `http://127.0.0.1:${ports.query}`;
  const stop = () => stopChild(child);
  try {
    await waitFor(
      'jaeger',
      async () =>
        (await canConnect(ports.grpc)) &&
        (await canConnect(ports.http)) &&
        (await fetch(`${queryUrl}/api/services`, { signal: AbortSignal.timeout(2000) })).ok,
      { timeoutMs, child, logFile },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  log('jaeger', `ready in ${since(t0)} ms: otlp grpc :${ports.grpc}, otlp http :${ports.http}, query ${queryUrl}`);
  return {
    otlpGrpcEndpoint: `http://127.0.0.1:${ports.grpc}`,
    otlpHttpEndpoint: `http://127.0.0.1:${ports.http}`,
    otlpHttpTracesUrl: `http://127.0.0.1:${ports.http}/v1/traces`,
    queryUrl,
    logFile,
    pid: child.pid,
    stop,
  };
}

/**
 * Traces of one service from the Jaeger query API (`GET /api/traces?service=`), newest first.
 * Shape (Jaeger's internal JSON, not OTLP): `[{ traceID, spans: [{ traceID, spanID, operationName,
 * references: [{ refType: 'CHILD_OF', traceID, spanID }], startTime (µs), duration (µs),
 * tags: [{ key, type, value }], logs: [{ timestamp, fields }], processID }],
 * processes: { p1: { serviceName, tags } } }]`. Span kind/status/scope appear as tags
 * (`span.kind`, `otel.status_code`, `error`, `otel.scope.name`). Unknown service → `[]`.
 *
 * @param {string} queryUrl e.g. `http://127.0.0.1:16686`
 * @param {string} service resource `service.name`
 * @param {{ limit?: number, lookback?: string }} [opts] lookback e.g. '1h' (Jaeger default)
 */
export async function fetchTraces(queryUrl, service, { limit = 100, lookback = '1h' } = {}) {
  const url = new URL('/api/traces', queryUrl);
  url.searchParams.set('service', service);
  url.searchParams.set('limit', String(limit));
  url.searchParams.set('lookback', lookback);
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}: ${await res.text()}`);
  const body = await res.json();
  return body.data ?? [];
}

/**
 * Same search through the v3 API (`GET /api/v3/traces`), which answers in OTLP JSON:
 * `{ result: { resourceSpans: [...] } }` (ids hex, times as unix-nano strings). Returns the
 * `resourceSpans` array; no match → `[]` (the API answers 404 "No traces found" then).
 */
export async function fetchTracesOtlp(queryUrl, service, { lookbackMs = 3_600_000, numTraces = 100 } = {}) {
  const url = new URL('/api/v3/traces', queryUrl);
  const now = Date.now();
  url.searchParams.set('query.service_name', service);
  url.searchParams.set('query.start_time_min', new Date(now - lookbackMs).toISOString());
  url.searchParams.set('query.start_time_max', new Date(now + 60_000).toISOString());
  url.searchParams.set('query.num_traces', String(numTraces));
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}: ${await res.text()}`);
  const body = await res.json();
  return body.result?.resourceSpans ?? [];
}

/** Poll {@link fetchTraces} until the service has at least `minSpans` spans in total. */
export async function waitForTraces(queryUrl, service, { minSpans = 1, timeoutMs = 15_000 } = {}) {
  return await waitFor(
    `jaeger traces for ${service}`,
    async () => {
      const traces = await fetchTraces(queryUrl, service);
      const n = traces.reduce((acc, t) => acc + t.spans.length, 0);
      return n >= minSpans ? traces : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const bin = await ensureJaeger();
  log('jaeger', `ensureJaeger: ${since(t0)} ms`);
  process.stdout.write(`${bin}\n`);
}

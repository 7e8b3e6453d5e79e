#!/usr/bin/env node
// Overhead benchmark of our adapters next to the peer tracers, on the fake workload of /work/shared/bench/peers.
//
//   npm run bench [-- options]          default: ~5 min
//   npm run bench:quick                 1 round, fewer iterations, no callgrind: ~1.5 min
//   npm run bench -- --heavy            3 rounds, callgrind of the peers too, heap after 1,000,000 calls / 50,000 streams
//
// Options: --rounds=N  --only=ai-sdk,langchain,litellm,bridge  --skip=peers,timing,callgrind,heap,bridge
//          --profile (CPU profiles of our hot paths; --profile-only skips the rest)  --callgrind-full (whole-call
//          instruction counts of every row, peers included; on in --heavy)  --cache=DIR  --peers=DIR
//          --out=FILE (JSON; default results/bench-<time>.json)
//
// Our rows run from the repo (built dist of the workspace packages); the peers' rows run from a copy of the peer
// harness in a cache directory with its own lockfile (`npm ci`, cached). Both on this Node (24). See README.md.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { evaluate, renderMarkdown } from './report.mjs';
import {
  callgrindPerCall,
  linearFit,
  median,
  percentile,
  profileSelfTime,
  readCallgrindDumps,
  spread,
} from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '..');
const repoRoot = path.resolve(benchDir, '..', '..');
const repoNode = path.join(repoRoot, 'node_modules', '.bin', 'node');

if (Number(process.versions.node.split('.')[0]) < 24) {
  if (!existsSync(repoNode)) throw new Error(`Node ${process.version} < 24 and ${repoNode} is missing`);
  console.error(`[bench] Node ${process.version}: re-running under ${path.relative(process.cwd(), repoNode)}`);
  const r = spawnSync(repoNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// ----------------------------------------------------------------- options ---
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`bad argument ${a}`);
    return [m[1], m[2] ?? true];
  }),
);
const preset = args.heavy ? 'heavy' : args.quick ? 'quick' : 'default';
const list = (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : []);
const only = list(args.only);
const skip = new Set(list(args.skip));
if (args['profile-only']) for (const s of ['timing', 'callgrind', 'heap', 'bridge', 'peers']) skip.add(s);
const wants = (fw) => only.length === 0 || only.includes(fw);
const peersSource = path.resolve(typeof args.peers === 'string' ? args.peers : '/work/shared/bench/peers');
const cacheDir = path.resolve(
  typeof args.cache === 'string'
    ? args.cache
    : (process.env.AGENTOPS_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'agentops-bench', 'peers')),
);
const resultsDir = path.join(benchDir, 'results');
mkdirSync(resultsDir, { recursive: true });

// Iterations. AI SDK calls cost ~10x LangChain's (web streams), so they get fewer. Blocks: CPU time is read per block.
const scale = { quick: 0.3, default: 0.7, heavy: 3 }[preset];
const it = (warmup, n, blocks = 10) => ({ warmup: Math.ceil(warmup * scale), n: Math.ceil(n * scale), blocks });
const PLAN = {
  rounds: Number(args.rounds ?? { quick: 1, default: 2, heavy: 3 }[preset]),
  timing: {
    'ai-sdk': { generate: it(200, 600, 8), stream100: it(30, 80, 8), stream1000: it(5, 16, 8) },
    langchain: { generate: it(300, 1500, 8), stream100: it(40, 200, 8), stream1000: it(6, 32, 8) },
    // LiteLLM's default 1 s merge window defers each span's end: the loop must last several seconds (steady state).
    litellm: { handler: { warmup: 1000, n: 20_000 * Math.max(1, scale), blocks: 8, warmupMs: 1500 } },
  },
  // Instruction counts: deterministic, so few calls per phase, but the warm-up must let V8 tier up. `chunks`: one long
  // stream per row with a marker every n chunks (see worker.mjs callgrindChunks).
  callgrind: {
    enabled: preset !== 'quick' && !skip.has('callgrind'),
    full: preset === 'heavy' || Boolean(args['callgrind-full']),
    // Valgrind processes at once (each single-threaded); their counts do not depend on it.
    jobs: Number(args.jobs ?? 3),
    // Generate warm-ups are long enough for every function of a call to reach TurboFan (300 invocations here), and
    // run twice, before and after a full GC (see the worker): with 600 each, a floor's phases still fell by 15%.
    // Eight measured generate phases (the first of nine settles): with four, the one phase in which a major GC struck
    // moved the median by several k.
    'ai-sdk': {
      generate: { warmup: 1200, n: 150, phases: 9 },
      stream100: { warmup: 10, n: 2, phases: 4 },
      chunks: { warmupPhases: 1, n: 1500, phases: 4 },
    },
    langchain: {
      generate: { warmup: 1200, n: 150, phases: 9 },
      stream100: { warmup: 10, n: 2, phases: 4 },
      chunks: { warmupPhases: 1, n: 1500, phases: 4 },
    },
    litellm: { handler: { warmup: 1200, warmupMs: 1500, n: 150, phases: 9 } },
    'ai-sdk-full': {
      generate: { warmup: 400, n: 40, phases: 5 },
      stream100: { warmup: 20, n: 3, phases: 5 },
      chunks: { warmupPhases: 3, n: 500, phases: 5 },
    },
    'langchain-full': {
      generate: { warmup: 400, n: 100, phases: 5 },
      stream100: { warmup: 20, n: 5, phases: 5 },
      chunks: { warmupPhases: 3, n: 1000, phases: 5 },
    },
    // One json_array body of 512 payloads per phase, with simulated caches; eight warm-up batches (4,096 payloads,
    // more than ten times the TurboFan threshold set here) get every function of a payload to TurboFan.
    bridge: { ingest: { warmup: 8, phases: 6 } },
  },
  heap:
    preset === 'heavy'
      ? { generate: 1_000_000, stream: 50_000, checkpoints: 10 }
      : preset === 'quick'
        ? { generate: 10_000, stream: 500, checkpoints: 5 }
        : { generate: 40_000, stream: 500, checkpoints: 8 },
  // The bridge is a server: its steady state is what counts. With V8's default tiering, our per-payload functions
  // reach TurboFan only after about 20,000 payloads (`--trace-opt`: compilations go on until batch 38 of 512); four
  // warm-up batches measured mostly that warm-up (in five paired runs ours ran 8% to 2x faster after forty). The
  // floor warms up alike.
  // At least three rounds, so that the median is a middle value (the batches of one process vary by 2x on this
  // machine, and with two rounds the median is the better of two).
  bridge: {
    warmup: 40,
    batches: 6,
    minMs: { quick: 1000, default: 1500, heavy: 10_000 }[preset],
    rounds: preset === 'quick' ? 1 : Math.max(3, Number(args.rounds ?? 0)),
  },
};

// Rows. `hook` is the reference a row's own work is measured from (same environment, framework and mode).
const REPO = {
  'ai-sdk': ['baseline', 'noop-middleware', 'floor', 'floor-same-data', 'agentops-nocontent', 'agentops'],
  langchain: [
    'baseline',
    'noop-handler',
    'noop-handler-awaited',
    'floor',
    'floor-same-data',
    'agentops-nocontent',
    'agentops',
  ],
  litellm: [
    'noop-handler',
    'floor',
    'floor-same-data',
    'agentops-nocontent',
    'agentops',
    ...(preset === 'heavy' ? ['agentops-nomerge'] : []),
  ],
};
const PEERS = {
  'ai-sdk': [
    'baseline',
    'noop-middleware',
    'noop-telemetry',
    'floor',
    'ai-sdk-otel',
    ...(preset === 'heavy' ? ['ai-sdk-otel-legacy'] : []),
    'langfuse',
    'openinference',
    'langsmith',
    'langsmith-wrapaisdk',
    'agentops-nocontent-sdk2',
    'agentops-sdk2',
  ],
  langchain: [
    'baseline',
    'noop-handler',
    'noop-handler-awaited',
    'floor',
    'langfuse',
    'openinference',
    'traceloop',
    'langsmith',
    'agentops-nocontent-sdk2',
    'agentops-sdk2',
  ],
};
// Ours in the peers' environment (see repo-in-peers.mjs): our adapters on the peers' OpenTelemetry SDK 2 and framework
// copies, measured like the peers (a process each) beside the SDK 2 floor.
const OURS_ON_PEER_SDK = new Set(['agentops-nocontent-sdk2', 'agentops-sdk2']);
// Callgrind: one process per row. Rows sharing a process share OpenTelemetry's code and its inline caches: with our
// rows beside it, the LangChain floor's own work read 57.7 k instructions a call; alone, 45.3 k (2026-11-27).
// `agentops-genai-nocontent` (GenAI keys only, about the floor's attribute count) is counted here only: capture off
// is judged on instructions.
const CALLGRIND_REPO = {
  'ai-sdk': [
    'noop-middleware',
    'floor',
    'floor-same-data',
    'agentops-nocontent',
    'agentops-genai-nocontent',
    'agentops',
  ],
  langchain: [
    'noop-handler-awaited',
    'floor',
    'floor-same-data',
    'agentops-nocontent',
    'agentops-genai-nocontent',
    'agentops',
  ],
  litellm: ['noop-handler', 'floor', 'floor-same-data', 'agentops-nocontent', 'agentops-genai-nocontent', 'agentops'],
};
// The bridge under callgrind: what any bridge pays (parsing), parsing plus OpenTelemetry for our span's data, ours.
const BRIDGE_CALLGRIND = ['parse-only', 'floor-same-data', 'agentops'];
const CALLGRIND_PEERS_HOOK = {
  'ai-sdk': ['noop-middleware', 'floor', ...OURS_ON_PEER_SDK],
  langchain: ['noop-handler-awaited', 'floor', ...OURS_ON_PEER_SDK],
};
const MODES = {
  'ai-sdk': ['generate', 'stream100', 'stream1000'],
  langchain: ['generate', 'stream100', 'stream1000'],
  litellm: ['handler'],
};
const REFERENCE_ROWS = new Set([
  'baseline',
  'noop-middleware',
  'noop-telemetry',
  'noop-handler',
  'noop-handler-awaited',
]);

/** The hook reference of a row; for peer LangChain rows it depends on how LangChain dispatches their handler. */
function hookOf(env, framework, config, handlers) {
  if (config === 'baseline' || REFERENCE_ROWS.has(config)) return undefined;
  if (framework === 'litellm') return 'noop-handler';
  if (framework === 'ai-sdk') {
    if (env === 'repo' || config === 'floor' || OURS_ON_PEER_SDK.has(config)) return 'noop-middleware';
    return config === 'langsmith-wrapaisdk' ? 'baseline' : 'noop-telemetry';
  }
  if (env === 'repo' || config === 'floor' || OURS_ON_PEER_SDK.has(config)) return 'noop-handler-awaited';
  const tracerHandlers = (handlers ?? []).filter((h) => h.name && h.name !== 'noop-handler');
  return tracerHandlers.length > 0 && tracerHandlers.every((h) => h.awaitHandlers)
    ? 'noop-handler-awaited'
    : 'noop-handler';
}

// ------------------------------------------------------------ environments ---
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^(LANGSMITH_|LANGCHAIN_|LANGFUSE_|OTEL_|TRACELOOP_|PHOENIX_|ARIZE_|AGENTOPS_)/.test(k),
  ),
);
childEnv.LANGSMITH_TRACING = 'false';
childEnv.PATH = `${path.dirname(repoNode)}${path.delimiter}${process.env.PATH ?? ''}`;

const ENVS = {
  repo: { cwd: benchDir, worker: path.join(here, 'worker.mjs') },
  peers: { cwd: cacheDir, worker: path.join(cacheDir, 'agentops-bench', 'worker.mjs') },
};

const log = (msg) => console.error(`[bench] ${msg}`);
const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(0)}s`;

/** Installs the peer harness in the cache (npm ci, only when its lockfile or Node changed) and refreshes its code. */
async function preparePeers() {
  const lock = readFileSync(path.join(peersSource, 'package-lock.json'));
  const pkg = readFileSync(path.join(peersSource, 'package.json'));
  const stamp = createHash('sha256').update(pkg).update(lock).update(process.version).digest('hex');
  const stampFile = path.join(cacheDir, '.agentops-bench-stamp');
  const fresh =
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    existsSync(path.join(cacheDir, 'node_modules'));
  if (!fresh) {
    log(`installing the peer harness in ${cacheDir} (npm ci, once per lockfile)`);
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(path.join(cacheDir, 'package.json'), pkg);
    writeFileSync(path.join(cacheDir, 'package-lock.json'), lock);
    // --omit=optional: the harness's optional Node 22 binary is not needed, everything runs on this Node.
    const r = spawnSync('npm', ['ci', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: cacheDir,
      env: childEnv,
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (r.status !== 0) throw new Error(`npm ci failed in ${cacheDir}: ${(r.stderr ?? '').slice(-1500)}`);
    writeFileSync(stampFile, stamp);
  }
  // Code is refreshed every run: the peers' setups as they are, our fakes in place of theirs (same workload, plus the
  // switchable stream length; theirs is kept as fakes.peers-original.mjs), and our worker in agentops-bench/.
  for (const file of readdirSync(peersSource).filter((f) => f.endsWith('.mjs'))) {
    const target = file === 'fakes.mjs' ? 'fakes.peers-original.mjs' : file;
    cpSync(path.join(peersSource, file), path.join(cacheDir, target));
  }
  cpSync(path.join(here, 'fakes.mjs'), path.join(cacheDir, 'fakes.mjs'));
  const workerDir = path.join(cacheDir, 'agentops-bench');
  mkdirSync(workerDir, { recursive: true });
  // ours.mjs and what it loads: for our rows in the peers' environment (the adapters themselves come from the repo).
  const workerFiles = ['worker.mjs', 'references.mjs', 'hook-level.mjs', 'otel-env.mjs', 'ours.mjs'];
  for (const file of [...workerFiles, 'litellm-workload.mjs', 'repo-in-peers.mjs'])
    cpSync(path.join(here, file), path.join(workerDir, file));
  // One module instance of the fakes: the peers' tracers.mjs imports ../fakes.mjs, so the worker re-exports it.
  writeFileSync(path.join(workerDir, 'fakes.mjs'), "export * from '../fakes.mjs';\n");
  writeFileSync(path.join(workerDir, 'package.json'), '{ "type": "module" }\n');
  return { stamp, fresh };
}

/** Our fakes must be the peers' workload: same completion, chunks, usage, prompts and parameters. */
async function checkFakes() {
  const theirs = await import(pathToFileURL(path.join(peersSource, 'fakes.mjs')).href);
  const ours = await import('./fakes.mjs');
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const fields = [
    'COMPLETION_TEXT',
    'STREAM_CHUNKS',
    'USAGE',
    'MODEL_ID',
    'PROVIDER',
    'SYSTEM_PROMPT',
    'USER_PROMPT',
    'CALL_PARAMS',
    'AI_SDK_PROMPT',
  ];
  const different = fields.filter((f) => !same(theirs[f], ours[f]));
  if (different.length) throw new Error(`fakes.mjs differs from the peer harness's in ${different.join(', ')}`);
  return fields;
}

// Under callgrind: no background threads (their instructions would land in random phases) and a GC schedule that
// does not depend on wall time. V8 also tiers functions up to TurboFan 10x sooner than by default (300 invocations
// instead of 3,000), so that the warm-ups before the steady state stay short under valgrind's ~50x slowdown.
const CALLGRIND_NODE_FLAGS = [
  '--single-threaded',
  '--predictable-gc-schedule',
  '--no-memory-reducer',
  '--invocation-count-for-turbofan=300',
  '--minimum-invocations-after-ic-update=50',
];

function workerCommand(envName, spec, valgrind) {
  const env = ENVS[envName];
  const nodeArgs = [
    '--expose-gc',
    ...(valgrind ? CALLGRIND_NODE_FLAGS : []),
    env.worker,
    JSON.stringify({ env: envName, repoBenchDir: here, ...spec }),
  ];
  return valgrind
    ? { cmd: 'valgrind', argv: [...valgrind, process.execPath, ...nodeArgs], cwd: env.cwd }
    : { cmd: process.execPath, argv: nodeArgs, cwd: env.cwd };
}

function parseWorker(envName, spec, stdout, stderr, status, signal, t0) {
  const line = (stdout ?? '').split('\n').find((l) => l.startsWith('RESULT:'));
  const res = line
    ? JSON.parse(line.slice(7))
    : {
        env: envName,
        ...spec,
        modes: [],
        error: `worker failed (status ${status}, signal ${signal}): ${(stderr ?? '').slice(-800)}`,
      };
  res.seconds = (Date.now() - t0) / 1000;
  return res;
}

/** Runs one worker process and returns its parsed result (timing runs: one at a time, nothing else running). */
function runWorker(envName, spec) {
  const { cmd, argv, cwd } = workerCommand(envName, spec);
  const t0 = Date.now();
  const child = spawnSync(cmd, argv, {
    cwd,
    env: childEnv,
    encoding: 'utf8',
    timeout: 900_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseWorker(envName, spec, child.stdout, child.stderr, child.status, child.signal, t0);
}

/** The same under valgrind, asynchronously: instruction counts do not depend on what else runs, so these overlap. */
function runWorkerUnderValgrind(envName, spec, valgrind) {
  const { cmd, argv, cwd } = workerCommand(envName, spec, valgrind);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_600_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve(parseWorker(envName, spec, stdout, stderr, status, signal, t0));
    });
  });
}

// ------------------------------------------------------------------ phases ---
/**
 * Timing processes. The references of one framework and environment (untraced call, no-op hooks), which record
 * nothing, share a process and alternate block by block; every row that records spans has a process of its own.
 * Rows sharing a process share OpenTelemetry's code and its inline caches (under callgrind, the LangChain floor's own
 * work read 57.7 k instructions beside our rows and 45.3 k alone); peer tracers also register themselves globally,
 * and LiteLLM rows defer their spans' ends by a second.
 */
function timingJobs() {
  const jobs = [];
  const modesOf = (fw) => MODES[fw].map((name) => ({ name, ...PLAN.timing[fw][name] }));
  const add = (env, framework, configs) => {
    if (wants(framework) && configs.length) jobs.push({ env, framework, configs, modes: modesOf(framework) });
  };
  const addAll = (env, framework, configs) => {
    const references = configs.filter((c) => REFERENCE_ROWS.has(c));
    add(env, framework, references);
    for (const config of configs.filter((c) => !REFERENCE_ROWS.has(c))) add(env, framework, [config]);
  };
  for (const fw of ['ai-sdk', 'langchain', 'litellm']) addAll('repo', fw, REPO[fw]);
  if (!skip.has('peers')) for (const fw of ['ai-sdk', 'langchain']) addAll('peers', fw, PEERS[fw]);
  return jobs;
}

function runTiming() {
  const jobs = timingJobs();
  const raw = [];
  for (let r = 0; r < PLAN.rounds; r++) {
    const order = r % 2 === 0 ? jobs : [...jobs].reverse();
    for (const job of order) {
      const res = runWorker(job.env, {
        method: 'timing',
        framework: job.framework,
        configs: r % 2 === 0 ? job.configs : [...job.configs].reverse(),
        modes: job.modes,
      });
      const common = {
        env: job.env,
        framework: job.framework,
        round: r,
        warnings: res.warnings,
        network_attempts: res.network_attempts,
      };
      const rows = res.rows ?? job.configs.map((config) => ({ config, modes: [], error: res.error ?? 'no result' }));
      for (const row of rows) raw.push({ ...common, ...row });
      const brief = res.error
        ? `ERROR ${res.error.split('\n')[0]}`
        : rows
            .map(
              (row) =>
                `${row.config} ${row.modes.map((m) => (m.error ? `${m.mode} ERROR` : `${m.cpu_us.toFixed(0)}`)).join('/')}`,
            )
            .join(', ');
      log(
        `timing round ${r + 1}/${PLAN.rounds} ${job.env}/${job.framework}: ${brief} µs (${res.seconds.toFixed(1)}s, ${elapsed()})`,
      );
    }
  }
  const rowsSpec = jobs.flatMap((job) => job.configs.map((config) => ({ ...job, config })));
  return aggregateTiming(rowsSpec, raw);
}

function aggregateTiming(jobs, raw) {
  const rows = [];
  for (const job of jobs) {
    const runs = raw.filter((x) => x.env === job.env && x.framework === job.framework && x.config === job.config);
    const handlers = runs.find((x) => x.handlers)?.handlers;
    for (const { name: mode } of job.modes) {
      const ms = runs.map((x) => x.modes?.find((m) => m.mode === mode)).filter(Boolean);
      const ok = ms.filter((m) => !m.error);
      const errors = [
        ...runs.filter((x) => x.error).map((x) => x.error),
        ...ms.filter((m) => m.error).map((m) => m.error),
      ];
      const row = {
        env: job.env,
        framework: job.framework,
        mode,
        config: job.config,
        note: runs[0]?.note,
        unit: runs[0]?.unit ?? 'spans',
        reference: runs[0]?.reference ?? false,
        capture: runs[0]?.capture,
        handlers,
        rounds: ok.length,
        errors: errors.map((e) => e.split('\n')[0]),
        warnings: [...new Set(runs.flatMap((x) => x.warnings ?? []))].slice(0, 3),
        network_attempts: [...new Set(runs.flatMap((x) => x.network_attempts ?? []))],
      };
      if (ok.length) {
        const blocks = ok.flatMap((m) => m.cpu_blocks_us);
        const roundCpu = ok.map((m) => m.cpu_us);
        Object.assign(row, {
          n_per_round: ok[0].n,
          cpu_us: median(blocks),
          cpu_p25_us: percentile(blocks, 25),
          cpu_p75_us: percentile(blocks, 75),
          // Standard error of the median from the blocks' spread (IQR / 1.349 estimates σ; median SE ≈ 1.2533 σ/√n).
          cpu_se_us: (1.2533 * ((percentile(blocks, 75) - percentile(blocks, 25)) / 1.349)) / Math.sqrt(blocks.length),
          cpu_round_us: roundCpu,
          round_spread: spread(roundCpu),
          wall_median_us: median(ok.map((m) => m.wall_median_us)),
          per_call: row.unit && ok[0].produced !== undefined ? median(ok.map((m) => m.produced / m.n)) : undefined,
          sample: ok.find((m) => m.sample)?.sample,
          heap_delta_mb: Math.max(...ok.map((m) => m.heap_delta_mb)),
          final_state: runs.find((x) => x.final_state)?.final_state,
        });
      }
      rows.push(row);
    }
  }
  // Own work: the row minus its hook reference, in the same environment, framework and mode.
  for (const row of rows) {
    row.hook = hookOf(row.env, row.framework, row.config, row.handlers);
    const hook = rows.find(
      (h) => h.env === row.env && h.framework === row.framework && h.mode === row.mode && h.config === row.hook,
    );
    const base = rows.find(
      (h) => h.env === row.env && h.framework === row.framework && h.mode === row.mode && h.config === 'baseline',
    );
    if (base?.cpu_us != null && row.cpu_us != null) row.over_baseline_us = row.cpu_us - base.cpu_us;
    if (hook?.cpu_us != null && row.cpu_us != null) {
      row.own_us = row.cpu_us - hook.cpu_us;
      // Noise: two standard errors of the difference of the two medians; an own-work figure below it is unresolved.
      row.own_noise_us = 2 * Math.hypot(row.cpu_se_us, hook.cpu_se_us);
    }
    row.status = statusOf(row);
  }
  return rows;
}

function statusOf(row) {
  if (row.cpu_us == null) return `error: ${row.errors[0] ?? 'no result'}`;
  if (row.reference && row.reference !== 'floor') return 'reference';
  if (row.network_attempts?.length) return `NETWORK: ${row.network_attempts.join(', ')}`;
  const s = row.sample;
  if (!s || !(row.per_call > 0) || !(s.count > 0)) return `NOT WORKING: produced 0 ${row.unit}`;
  if (row.reference === 'floor') return s.input || s.output ? 'floor captured content?' : 'ok (floor, no content)';
  if (row.capture === false)
    return s.input || s.output ? 'CONTENT LEAKED with capture off' : s.usage ? 'ok (no content)' : 'no usage';
  const missing = ['input', 'output', 'usage'].filter((k) => !s[k]);
  return missing.length ? `missing ${missing.join('/')}` : 'ok';
}

/** Valgrind's arguments for a worker whose phases end at `process.resourceUsage()` markers, dumped to `base.<k>`. */
function callgrindArgs(base, extra = []) {
  return [
    '--tool=callgrind',
    ...extra,
    '--smc-check=all-non-file', // V8 writes and rewrites machine code
    '--dump-instr=no',
    '--collect-jumps=no',
    `--callgrind-out-file=${base}`,
    '--dump-before=*ResourceUsage*', // process.resourceUsage() is the worker's phase marker
  ];
}

async function runCallgrind() {
  const out = { runs: [], rows: [], bridge: [] };
  const dir = path.join(os.tmpdir(), `agentops-bench-callgrind-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const groups = [];
  for (const fw of ['ai-sdk', 'langchain', 'litellm']) {
    if (!wants(fw)) continue;
    for (const config of CALLGRIND_REPO[fw])
      groups.push({ env: 'repo', level: 'hook', framework: fw, configs: [config] });
  }
  // Ours on the peers' SDK 2, the SDK 2 floor and its no-op hook, at hook level.
  if (!skip.has('peers')) {
    for (const fw of ['ai-sdk', 'langchain']) {
      if (!wants(fw)) continue;
      for (const config of CALLGRIND_PEERS_HOOK[fw])
        groups.push({ env: 'peers', level: 'hook', framework: fw, configs: [config] });
    }
  }
  // The bridge: a process per configuration (each registers its own provider), caches simulated. Queued first: they
  // are the longest single processes, so the others fill the remaining slots around them.
  if (wants('bridge') && !skip.has('bridge'))
    groups.unshift(
      ...BRIDGE_CALLGRIND.map((config) => ({ env: 'repo', level: 'bridge', framework: 'bridge', configs: [config] })),
    );
  if (PLAN.callgrind.full) {
    // Whole framework calls, one process per row (peers register themselves globally), ours and theirs alike.
    for (const fw of ['ai-sdk', 'langchain']) {
      if (!wants(fw)) continue;
      for (const config of REPO[fw]) groups.push({ env: 'repo', level: 'full', framework: fw, configs: [config] });
      if (!skip.has('peers'))
        for (const config of PEERS[fw]) groups.push({ env: 'peers', level: 'full', framework: fw, configs: [config] });
    }
  }
  const runGroup = async (g) => {
    if (g.framework === 'bridge') return runBridgeGroup(g);
    const plan =
      PLAN.callgrind[g.level === 'full' ? `${g.framework}-full` : g.framework] ?? PLAN.callgrind[g.framework];
    const modes = Object.keys(plan)
      .filter((name) => g.env === 'repo' || name !== 'chunks') // the peers' callers have no chunk runner
      .map((name) => ({ name, ...plan[name] }));
    const base = path.join(dir, `${g.env}-${g.level}-${g.framework}-${g.configs.join('+')}.out`);
    const valgrind = callgrindArgs(base);
    log(`callgrind ${g.env}/${g.level}/${g.framework}: ${g.configs.join(', ')} …`);
    const res = await runWorkerUnderValgrind(
      g.env,
      { method: 'callgrind', level: g.level, framework: g.framework, configs: g.configs, modes },
      valgrind,
    );
    const run = { ...g, seconds: res.seconds, error: res.error, notes: res.notes };
    if (!res.error) {
      try {
        const counts = readCallgrindDumps(base, res.labels);
        const perPhase = Object.fromEntries(modes.map((m) => [m.name, m.n]));
        for (const r of callgrindPerCall(counts, perPhase)) {
          const spans = res.modes.find((m) => m.mode === r.mode)?.spans_per_call?.[r.config];
          out.rows.push({ env: g.env, level: g.level, framework: g.framework, ...r, spans_per_call: spans });
        }
      } catch (err) {
        run.error = String(err);
      }
    }
    out.runs.push(run);
    log(
      `callgrind ${g.env}/${g.level}/${g.framework} (${g.configs.join(', ')}) done in ${res.seconds.toFixed(0)}s${run.error ? ` ERROR ${run.error.slice(0, 300)}` : ''} (${elapsed()})`,
    );
  };
  // Instructions and simulated cache misses per payload of one bridge configuration (`bridge.mjs`, callgrind method).
  const runBridgeGroup = async (g) => {
    const [config] = g.configs;
    const modes = Object.entries(PLAN.callgrind.bridge).map(([name, plan]) => ({ name, ...plan }));
    const base = path.join(dir, `bridge-${config}.out`);
    // Simulated first-level instruction and data caches and the last level, with this CPU's geometry.
    const valgrind = callgrindArgs(base, ['--cache-sim=yes']);
    log(`callgrind bridge: ${config} …`);
    const res = await runWorkerUnderValgrind(
      'repo',
      { method: 'callgrind', framework: 'bridge', config, modes },
      valgrind,
    );
    const run = { ...g, seconds: res.seconds, error: res.error ?? res.modes?.find((m) => m.error)?.error };
    if (!run.error) {
      try {
        const counts = readCallgrindDumps(base, res.labels);
        const perPhase = Object.fromEntries(res.modes.map((m) => [m.mode, m.n]));
        for (const r of callgrindPerCall(counts, perPhase)) out.bridge.push({ ...r, note: res.note });
      } catch (err) {
        run.error = String(err);
      }
    }
    out.runs.push(run);
    log(
      `callgrind bridge ${config} done in ${res.seconds.toFixed(0)}s${run.error ? ` ERROR ${run.error.slice(0, 300)}` : ''} (${elapsed()})`,
    );
  };
  const queue = [...groups];
  await Promise.all(
    Array.from({ length: Math.max(1, PLAN.callgrind.jobs) }, async () => {
      while (queue.length) await runGroup(queue.shift());
    }),
  );
  rmSync(dir, { recursive: true, force: true });
  const order = (list, x) => list.indexOf(x) + 1 || list.length + 1;
  const configOrder = [
    'baseline',
    'noop-middleware',
    'noop-telemetry',
    'noop-handler',
    'noop-handler-awaited',
    'floor',
    'floor-same-data',
    'agentops-nocontent',
    'agentops-genai-nocontent',
    'agentops',
    'agentops-nomerge',
    ...Object.values(PEERS).flat(),
  ];
  const rank = (r) => [
    order(['hook', 'full'], r.level),
    order(['ai-sdk', 'langchain', 'litellm'], r.framework),
    order(['generate', 'stream100', 'chunks', 'handler'], r.mode),
    order(['repo', 'peers'], r.env),
    order(configOrder, r.config),
  ];
  out.rows.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return 0;
  });
  const handlersOf = (row) =>
    results.timing?.find((t) => t.env === row.env && t.framework === row.framework && t.config === row.config)
      ?.handlers;
  for (const row of out.rows) {
    row.hook = hookOf(row.env, row.framework, row.config, handlersOf(row));
    const hook = out.rows.find(
      (h) =>
        h.env === row.env &&
        h.level === row.level &&
        h.framework === row.framework &&
        h.mode === row.mode &&
        h.config === row.hook,
    );
    if (hook) {
      row.own = row.perCall - hook.perCall;
      row.own_noise = 2 * Math.hypot(row.mad ?? 0, hook.mad ?? 0);
    }
  }
  return out;
}

function runHeap() {
  const jobs = [];
  const { generate, stream, checkpoints } = PLAN.heap;
  if (wants('ai-sdk')) {
    jobs.push(['ai-sdk', 'generate', generate], ['ai-sdk', 'stream100', stream]);
  }
  if (wants('langchain')) jobs.push(['langchain', 'generate', generate], ['langchain', 'stream100', stream]);
  if (wants('litellm')) jobs.push(['litellm', 'handler', generate]);
  const rows = [];
  for (const [framework, mode, n] of jobs) {
    const res = runWorker('repo', {
      method: 'heap',
      framework,
      config: 'agentops',
      modes: [
        {
          name: mode,
          warmup: mode.startsWith('stream') ? 100 : 1000,
          warmupMs: framework === 'litellm' ? 1500 : 0,
          n,
          checkpoints,
        },
      ],
    });
    const m = res.modes?.[0];
    const row = { framework, mode, config: 'agentops', n, error: res.error ?? m?.error, seconds: res.seconds };
    if (m && !m.error) {
      const cps = m.checkpoints;
      const first = cps[0];
      const last = cps.at(-1);
      const half = cps.find((c) => c.calls >= n / 2) ?? first;
      const secondHalf = cps.filter((c) => c.calls >= half.calls).map((c) => ({ x: c.calls, y: c.heap_mb }));
      const fit = linearFit(secondHalf);
      Object.assign(row, {
        checkpoints: cps,
        delta_mb: last.heap_mb - first.heap_mb,
        delta_second_half_mb: last.heap_mb - half.heap_mb,
        slope_mb_per_100k: fit.slope * 100_000,
        max_in_flight: Math.max(...cps.map((c) => c.live?.inFlight ?? c.state?.inFlight ?? 0)),
        end_in_flight: last.state?.inFlight,
        recently_ended: last.state?.recentlyEnded,
        recently_ended_first: first.state?.recentlyEnded,
        evicted: last.state?.handler?.evicted,
        expired: last.state?.handler?.expired,
        handler: last.state?.handler,
      });
      const drift = Math.abs(fit.slope * (last.calls - half.calls));
      row.flat = Math.abs(row.delta_second_half_mb) < 1 && drift < 1;
    }
    rows.push(row);
    log(
      `heap ${framework}/${mode}: ${row.error ? `ERROR ${row.error.split('\n')[0]}` : `Δ ${row.delta_mb.toFixed(2)} MB (2nd half ${row.delta_second_half_mb.toFixed(2)} MB)`} (${res.seconds.toFixed(0)}s, ${elapsed()})`,
    );
  }
  return rows;
}

function runBridge() {
  const configs = ['parse-only', 'floor-same-data', 'agentops', 'agentops-otlp', 'agentops-objects'];
  const raw = [];
  for (let r = 0; r < PLAN.bridge.rounds; r++) {
    for (const config of r % 2 === 0 ? configs : [...configs].reverse()) {
      const res = runWorker('repo', {
        method: 'timing',
        framework: 'bridge',
        config,
        modes: [{ name: 'ingest', warmup: PLAN.bridge.warmup, batches: PLAN.bridge.batches, minMs: PLAN.bridge.minMs }],
      });
      raw.push({ ...res, round: r });
      const m = res.modes?.[0];
      log(
        `bridge round ${r + 1} ${config}: ${res.error || m?.error ? `ERROR ${(res.error ?? m.error).split('\n')[0]}` : `${m.payloads_per_cpu_s.toFixed(0)} payloads/CPU-s`} (${elapsed()})`,
      );
    }
  }
  return configs.map((config) => {
    const runs = raw.filter((x) => x.config === config);
    const ms = runs.map((x) => x.modes?.[0]).filter((m) => m && !m.error);
    const row = {
      config,
      note: runs[0]?.note,
      errors: runs.map((x) => x.error ?? x.modes?.[0]?.error).filter(Boolean),
    };
    if (ms.length) {
      Object.assign(row, {
        payloads_per_cpu_s: median(ms.map((m) => m.payloads_per_cpu_s)),
        payloads_per_wall_s: median(ms.map((m) => m.payloads_per_wall_s)),
        round_values: ms.map((m) => m.payloads_per_cpu_s),
        round_spread: spread(ms.map((m) => m.payloads_per_cpu_s)),
        batch_worst: Math.min(...ms.map((m) => m.batch_worst_payloads_per_cpu_s)),
        batch_best: Math.max(...ms.map((m) => m.batch_best_payloads_per_cpu_s)),
        cpu_us_per_payload: median(ms.map((m) => m.cpu_us_per_payload)),
        payloads: ms.reduce((s, m) => s + m.n, 0),
        exported_spans: ms.every((m) => m.exported_spans === undefined)
          ? undefined
          : ms.reduce((s, m) => s + (m.exported_spans ?? 0), 0),
        exported_bytes_per_span: ms[0].exported_bytes ? ms[0].exported_bytes / ms[0].exported_spans : undefined,
        payload_bytes: ms[0].payload_bytes,
        batch: ms[0].batch,
        final_state: runs.at(-1)?.final_state,
      });
    }
    return row;
  });
}

function runProfiles() {
  const dir = path.join(resultsDir, 'profiles');
  mkdirSync(dir, { recursive: true });
  const jobs = [];
  const p = (framework, config, mode, n, level = 'full', minMs = 3000) =>
    jobs.push({ framework, config, level, mode: { name: mode, warmup: 300, n, minMs, dir } });
  // Hook level (see hook-level.mjs) keeps the framework's own time out, so the samples land on our code.
  if (wants('ai-sdk')) {
    p('ai-sdk', 'agentops', 'generate', 2000);
    p('ai-sdk', 'agentops', 'generate', 5000, 'hook');
    p('ai-sdk', 'agentops-nocontent', 'generate', 5000, 'hook');
    p('ai-sdk', 'agentops', 'stream1000', 40);
  }
  if (wants('langchain')) {
    p('langchain', 'agentops', 'generate', 4000);
    p('langchain', 'agentops-nocontent', 'generate', 5000, 'hook');
    p('langchain', 'agentops', 'stream1000', 80, 'hook');
  }
  if (wants('litellm')) {
    p('litellm', 'agentops', 'handler', 20000);
    p('litellm', 'agentops-nocontent', 'handler', 20000);
  }
  if (wants('bridge'))
    jobs.push({
      framework: 'bridge',
      config: 'agentops',
      level: 'full',
      mode: { name: 'ingest', warmup: PLAN.bridge.warmup, n: 20 * 512, minMs: 3000, dir },
    });
  const out = [];
  for (const job of jobs) {
    const res = runWorker('repo', {
      method: 'profile',
      level: job.level,
      framework: job.framework,
      config: job.config,
      modes: [job.mode],
    });
    const m = res.modes?.[0];
    const entry = {
      framework: job.framework,
      config: job.config,
      level: job.level,
      mode: job.mode.name,
      error: res.error ?? m?.error,
    };
    if (m?.file) {
      const prof = profileSelfTime(JSON.parse(readFileSync(m.file, 'utf8')), repoRoot);
      Object.assign(entry, {
        file: path.relative(repoRoot, m.file),
        calls: m.n,
        seconds: m.seconds,
        components: prof.components,
        top: prof.functions.slice(0, 15),
        topOurs: prof.functions.filter((f) => /^packages\//.test(f.location)).slice(0, 12),
      });
    }
    out.push(entry);
    log(
      `profile ${job.framework}/${job.config}/${job.mode.name}: ${entry.error ? `ERROR ${entry.error.split('\n')[0]}` : entry.file} (${elapsed()})`,
    );
  }
  return out;
}

// -------------------------------------------------------------------- meta ---
function git(...a) {
  const r = spawnSync('git', a, { cwd: repoRoot, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Our packages run from dist: say when a dist is older than its sources (run `npm run build` there). */
function distState() {
  const state = {};
  for (const pkg of ['llm-callback-core', 'vercel-ai', 'langchain', 'litellm']) {
    const dir = path.join(repoRoot, 'packages', pkg);
    const dist = path.join(dir, 'dist', 'index.js');
    if (!existsSync(dist)) {
      state[pkg] = { missing: true };
      continue;
    }
    let newest = 0;
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const f = path.join(d, e.name);
        if (e.isDirectory()) walk(f);
        else if (/\.ts$/.test(e.name) && !/\.test(-d)?\.ts$/.test(e.name))
          newest = Math.max(newest, statSync(f).mtimeMs);
      }
    };
    walk(path.join(dir, 'src'));
    const built = statSync(dist).mtimeMs;
    state[pkg] = { built: new Date(built).toISOString(), stale: newest > built };
  }
  return state;
}

// -------------------------------------------------------------------- main ---
const meta = {
  preset,
  command: `npm run bench${preset === 'quick' ? ':quick' : ''}${
    process.argv.slice(2).filter((a) => a !== '--quick').length
      ? ` -- ${process.argv
          .slice(2)
          .filter((a) => a !== '--quick')
          .join(' ')}`
      : ''
  }`,
  node: process.version,
  cpus: os.cpus().length,
  cpu_model: os.cpus()[0]?.model,
  load_start: os.loadavg(),
  platform: `${process.platform}-${process.arch}`,
  date: new Date().toISOString(),
  git_head: git('rev-parse', '--short', 'HEAD'),
  git_dirty_packages: git('status', '--porcelain', '--', 'packages')?.split('\n').filter(Boolean).length ?? 0,
  dist: distState(),
  plan: PLAN,
  peers_source: peersSource,
  peers_cache: cacheDir,
};
for (const [pkg, s] of Object.entries(meta.dist))
  if (s.stale || s.missing)
    log(
      `WARNING: packages/${pkg}/dist is ${s.missing ? 'missing' : 'older than its sources'}: run \`npm run build\` in packages/${pkg}`,
    );

const results = { meta };
meta.fakes_checked = await checkFakes();
if (!skip.has('peers') && (!skip.has('timing') || PLAN.callgrind.enabled)) {
  const p = await preparePeers();
  meta.peers_lock_sha256 = p.stamp;
  log(`peer harness ready in ${cacheDir} (${p.fresh ? 'cached' : 'installed'}, ${elapsed()})`);
}
if (!skip.has('timing')) results.timing = runTiming();
if (PLAN.callgrind.enabled) results.callgrind = await runCallgrind();
if (!skip.has('heap')) results.heap = runHeap();
if (!skip.has('bridge') && wants('bridge')) results.bridge = runBridge();
if (args.profile || args['profile-only']) results.profiles = runProfiles();
meta.wall_s = (Date.now() - startedAt) / 1000;
meta.load_end = os.loadavg();

results.evaluation = evaluate(results);
const markdown = renderMarkdown(results);
const stamp = meta.date.replace(/[:.]/g, '-');
const outFile = path.resolve(typeof args.out === 'string' ? args.out : path.join(resultsDir, `bench-${stamp}.json`));
writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(resultsDir, 'latest.md'), markdown);
console.log(markdown);
log(`wrote ${path.relative(process.cwd(), outFile)} and results/latest.md (${elapsed()})`);

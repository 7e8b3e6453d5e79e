// One process of the benchmark: one configuration, or several that register nothing global that would change the
// others (run.mjs decides), so that tracer providers, AI SDK telemetry integrations and LangChain callback-manager
// patches never leak between rows. Started by run.mjs with one JSON argument; prints one `RESULT:` JSON line.
//
// Methods:
//   timing     CPU time per call (process.cpuUsage over blocks of calls, rows alternating block by block) and wall
//              time per call (hrtime)
//   callgrind  phases of calls between `process.resourceUsage()` markers; run.mjs starts this under
//              `valgrind --tool=callgrind --dump-before=*ResourceUsage*`, so every marker closes one instruction count
//   heap       heapUsed after forced GC at checkpoints, with the core's in-flight state
//   profile    a V8 CPU profile (inspector Profiler, the same profiler as --cpu-prof) of the timed loop only
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setImmediate as immediate } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COMPLETION_TEXT, setStreamChunks, USAGE, USER_PROMPT } from './fakes.mjs';
import { AI_SDK_REFERENCES, LANGCHAIN_REFERENCES } from './references.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = JSON.parse(process.argv[2]);
const DRAIN_EVERY = 250;

if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

// ------------------------------------------------------------------ guards ---
// No tracer here may use the network: any socket connect is recorded and refused.
const networkAttempts = [];
net.Socket.prototype.connect = function connect(...args) {
  let target = args[0];
  if (Array.isArray(target)) target = target[0];
  networkAttempts.push(
    typeof target === 'object' && target !== null
      ? `${target.host ?? target.path ?? '?'}:${target.port ?? ''}`
      : String(target),
  );
  process.nextTick(() => this.destroy(new Error('network disabled in benchmark')));
  return this;
};
const warnings = [];
const keepWarning = (...a) => warnings.push(a.map(String).join(' ').slice(0, 300));
console.warn = keepWarning;
console.error = keepWarning;
process.on('warning', (w) => keepWarning(`${w.name}: ${w.message}`));

// ------------------------------------------------------------------ setups ---
/** Suffix of our rows run in the peers' environment (OpenTelemetry SDK 2), e.g. `agentops-sdk2`. */
const ON_PEER_SDK = '-sdk2';

/** Notes the SDK and the api version that registered the global provider (both the harness's, or no span at all). */
async function onPeerSdk(setup) {
  const { otelSdk } = await import('./otel-env.mjs');
  const sdk = await otelSdk();
  const api = globalThis[Symbol.for('opentelemetry.js.api.1')]?.version ?? '?';
  return { ...setup, note: `${setup.note}, in the peers' environment (${sdk.name}, api ${api})` };
}

async function loadSetup(config) {
  const { env, framework } = spec;
  if (framework === 'ai-sdk' && AI_SDK_REFERENCES[config]) return AI_SDK_REFERENCES[config]();
  if (framework === 'langchain' && LANGCHAIN_REFERENCES[config]) return LANGCHAIN_REFERENCES[config]();
  if (env === 'repo' || config.endsWith(ON_PEER_SDK)) {
    // Ours in the peers' environment: the repo's built adapters on the harness's SDK 2 and frameworks.
    if (env !== 'repo') {
      const { useRepoPackages } = await import('./repo-in-peers.mjs');
      useRepoPackages(spec.repoBenchDir, import.meta.url);
    }
    const ours = await import('./ours.mjs');
    const table = { 'ai-sdk': ours.OUR_AI_SDK, langchain: ours.OUR_LANGCHAIN, litellm: ours.LITELLM_SETUPS }[framework];
    const setup = table?.[config.replace(ON_PEER_SDK, '')];
    if (setup) return env === 'repo' ? setup() : onPeerSdk(await setup());
  } else {
    // The peer harness's own setups, from the copy this worker sits in.
    const { SETUPS } = await import(pathToFileURL(path.join(here, '..', 'tracers.mjs')).href);
    const setupFn = SETUPS[framework]?.[config];
    if (setupFn) return { ...(await setupFn({ processor: 'simple' })), capture: true };
  }
  throw new Error(`unknown configuration ${env}/${framework}/${config}`);
}

function callFor(setup, mode) {
  if (mode === 'generate' || mode === 'handler') return setup.generate;
  const m = /^stream(\d+)$/.exec(mode);
  if (!m) throw new Error(`unknown mode ${mode}`);
  setStreamChunks(Number(m[1]));
  return setup.stream;
}

// --------------------------------------------------------- content checks ---
function inspectSpans(spans, needles) {
  let input = false;
  let output = false;
  let usage = false;
  for (const s of spans) {
    for (const [k, v] of Object.entries(s.attributes)) {
      const str = typeof v === 'string' ? v : Array.isArray(v) ? v.join('\n') : '';
      if (str.includes(needles.input)) input = true;
      if (str.includes(needles.output)) output = true;
      if (
        /token|usage/i.test(k) &&
        (v === needles.usage || (typeof v === 'string' && new RegExp(`\\b${needles.usage}\\b`).test(v)))
      )
        usage = true;
    }
  }
  return {
    names: spans.map((s) => s.name),
    attrs: spans.map((s) => Object.keys(s.attributes).length),
    input,
    output,
    usage,
  };
}

function inspectLangSmithBody(body, needles) {
  return {
    names: [...body.matchAll(/"name":"([^"]+)"[^{}]*?"run_type":"([^"]+)"/g)]
      .map((m) => `${m[1]} (${m[2]})`)
      .slice(0, 6),
    input: body.includes(needles.input),
    output: body.includes(needles.output),
    usage: new RegExp(`"(output_tokens|completion_tokens)":\\s*${needles.usage}\\b`).test(body),
  };
}

const defaultNeedles = { input: USER_PROMPT.slice(0, 40), output: COMPLETION_TEXT.slice(0, 60), usage: USAGE.output };

/** One isolated call: what exactly does the tracer emit for it? */
async function sampleCall(setup, call) {
  const sink = setup.sink;
  if (!sink) return null;
  if (setup.counter) setup.counter.lastBody = '';
  await setup.flush();
  sink.reset();
  await call();
  await setup.flush();
  await new Promise((r) => setTimeout(r, 20));
  await setup.flush();
  const needles = setup.needles ?? defaultNeedles;
  const sample =
    setup.unit === 'runs' ? inspectLangSmithBody(setup.counter.lastBody, needles) : inspectSpans(sink.peek(), needles);
  sample.count = sink.take();
  sink.reset();
  return sample;
}

// ----------------------------------------------------------------- helpers ---
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (xs) =>
  pct(
    [...xs].sort((a, b) => a - b),
    50,
  );
const MB = 1024 * 1024;

/**
 * Warm-up. With `steady`, deferred work is not drained at the end: the work of the last warm-up calls (LiteLLM's 1 s
 * merge windows) lands in the first measured blocks as the measured calls' lands after them, as in a running service.
 */
async function warmUp(setup, call, mode, steady = false) {
  const { warmup, warmupMs = 0 } = mode;
  const t0 = Date.now();
  for (let i = 0; i < warmup || Date.now() - t0 < warmupMs; i++) {
    await call();
    await immediate();
    if (setup.sink && i % DRAIN_EVERY === 0) setup.sink.take();
  }
  if (steady) return;
  await setup.flush();
  if (setup.sink) setup.sink.take();
}

// ----------------------------------------------------------------- methods ---
/**
 * CPU time per call. Several configurations of one process alternate block by block (the first of each round of
 * blocks rotates), so a burst of load on the machine hits them alike; a block's CPU time includes the work its calls
 * deferred (exports, background queues), which runs during the `setImmediate` yield after each call.
 */
async function timingAll(setups) {
  const rows = setups.map(({ config, setup }) => ({ config, setup, modes: [] }));
  for (const mode of spec.modes) {
    const { n, blocks } = mode;
    const perBlock = Math.max(1, Math.floor(n / blocks));
    const runs = [];
    for (const row of rows) {
      try {
        const call = callFor(row.setup, mode.name);
        // The content check first: it drains everything, which would break the steady state after the warm-up.
        const sample = mode.sample === false ? undefined : await sampleCall(row.setup, call);
        runs.push({ row, call, sample, samples: [], blockCpu: [], blockWall: [], produced: 0 });
      } catch (err) {
        row.modes.push({ mode: mode.name, error: String(err?.stack ?? err).slice(0, 800) });
      }
    }
    for (const run of runs) await warmUp(run.row.setup, run.call, mode, run.row.setup.mergeWindowMs > 0);
    globalThis.gc();
    for (let b = 0; b < blocks; b++) {
      for (let j = 0; j < runs.length; j++) {
        const run = runs[(b + j) % runs.length];
        if (run.error) continue;
        const { setup } = run.row;
        const sink = setup.sink;
        const before = sink?.total ?? 0;
        try {
          const c0 = cpuMicros();
          const w0 = process.hrtime.bigint();
          for (let i = 0; i < perBlock; i++) {
            const t0 = process.hrtime.bigint();
            await run.call();
            run.samples.push(Number(process.hrtime.bigint() - t0) / 1000);
            await immediate(); // deferred work runs here, inside the block
            if (sink && i % DRAIN_EVERY === DRAIN_EVERY - 1) sink.take();
          }
          run.blockCpu.push((cpuMicros() - c0) / perBlock);
          run.blockWall.push(Number(process.hrtime.bigint() - w0) / 1000 / perBlock);
          if (sink && runs.length > 1) {
            // A shared sink: what this block's calls exported (the next row's block must not see them).
            await setup.flush();
            sink.take();
          }
          if (sink) run.produced += sink.total - before;
        } catch (err) {
          run.error = String(err?.stack ?? err).slice(0, 800);
        }
      }
    }
    for (const run of runs) {
      const { setup } = run.row;
      const before = setup.sink?.total ?? 0;
      await setup.flush();
      setup.sink?.take();
      // In steady state (merge windows) the spans ended during the blocks are the count; the final flush only ends
      // the last second's calls, whose warm-up counterparts were counted in the first blocks.
      if (setup.sink && !(setup.mergeWindowMs > 0)) run.produced += setup.sink.total - before;
      if (run.error) {
        run.row.modes.push({ mode: mode.name, error: run.error });
        continue;
      }
      const sorted = run.samples.sort((a, b) => a - b);
      run.row.modes.push({
        mode: mode.name,
        n: sorted.length,
        wall_median_us: pct(sorted, 50),
        wall_p99_us: pct(sorted, 99),
        cpu_us: median(run.blockCpu),
        cpu_blocks_us: run.blockCpu.map((x) => Math.round(x * 10) / 10),
        block_wall_us: median(run.blockWall),
        produced: setup.sink ? run.produced : undefined,
        ...(run.sample && { sample: run.sample }),
      });
    }
  }
  return rows;
}

/** Closes one callgrind interval: callgrind dumps the counts gathered since the previous marker. */
const labels = [];
function marker(label) {
  labels.push(label);
  process.resourceUsage();
}

/**
 * The configurations of one process (the orchestrator gives each its own; several must not register anything
 * globally that changes the others): each is warmed up, then the phases run round-robin over the configurations, each
 * phase between two markers, after a young-generation GC.
 */
async function callgrindAll(setups) {
  const out = [];
  const spans = {};
  for (const mode of spec.modes) {
    if (mode.name === 'chunks') {
      out.push(await callgrindChunks(setups, mode));
      continue;
    }
    const calls = setups.map(({ setup }) => callFor(setup, mode.name));
    for (let c = 0; c < setups.length; c++) await warmUp(setups[c].setup, calls[c], mode);
    // A full GC makes V8 drop optimized code whose embedded objects it cleared, and the phases after it re-tiered:
    // a floor alone fell from 199 k to 112 k instructions a call over its first five phases. Warming up again after
    // the GC starts the phases in steady state (the same floor: 117 k, then 112 k to 114 k).
    globalThis.gc();
    for (let c = 0; c < setups.length; c++) await warmUp(setups[c].setup, calls[c], mode);
    for (let p = 0; p < mode.phases; p++) {
      for (let c = 0; c < setups.length; c++) {
        const { setup, config } = setups[c];
        await setup.flush();
        setup.sink?.take();
        globalThis.gc({ type: 'minor' });
        marker('gap');
        const before = setup.sink?.total ?? 0;
        for (let i = 0; i < mode.n; i++) {
          await calls[c]();
          await immediate();
          if (setup.sink && i % DRAIN_EVERY === DRAIN_EVERY - 1) setup.sink.take();
        }
        // The phase's deferred work (exports, LiteLLM's merge windows) belongs to it, not to the next row's phase;
        // so does collecting its garbage: a young-generation GC closes every phase, which therefore starts with an
        // empty nursery too (a full GC costs ~100 M instructions under callgrind; one runs per mode, before it).
        await setup.flush();
        globalThis.gc({ type: 'minor' });
        marker(`${config}|${mode.name}|${p}`);
        if (setup.sink) {
          await setup.flush();
          setup.sink.take();
          spans[`${config}|${mode.name}`] = (spans[`${config}|${mode.name}`] ?? 0) + (setup.sink.total - before);
        }
      }
    }
    out.push({
      mode: mode.name,
      n: mode.n,
      phases: mode.phases,
      spans_per_call: Object.fromEntries(
        Object.entries(spans)
          .filter(([k]) => k.endsWith(`|${mode.name}`))
          .map(([k, v]) => [k.split('|')[0], v / (mode.n * mode.phases)]),
      ),
    });
  }
  return out;
}

/**
 * Per-chunk instructions: one long stream per configuration, a marker every `n` chunks. The first `warmupPhases`
 * intervals warm up; the next `phases` are measured. Nothing but chunks runs between two markers.
 */
async function callgrindChunks(setups, mode) {
  const total = (mode.warmupPhases + mode.phases) * mode.n;
  for (const { config, setup } of setups) {
    if (!setup.chunks) throw new Error(`${config} has no chunk runner`);
    await setup.chunks(mode.n, mode.n, () => {}); // a first, short stream: JIT the per-call path
    await setup.flush();
    setup.sink?.take();
    globalThis.gc();
    marker('gap');
    await setup.chunks(total, mode.n, (b) => {
      globalThis.gc({ type: 'minor' }); // each phase collects its own garbage (see callgrindAll)
      marker(b <= mode.warmupPhases ? 'gap' : `${config}|chunks|${b - mode.warmupPhases - 1}`);
    });
  }
  return { mode: 'chunks', n: mode.n, phases: mode.phases };
}

async function heap(setup, call, mode) {
  const checkpoints = [];
  const every = Math.ceil(mode.n / mode.checkpoints);
  const record = async (calls) => {
    const live = setup.stats?.(); // before the flush: what is open while calls keep coming
    await setup.flush();
    if (setup.sink) setup.sink.take();
    globalThis.gc();
    globalThis.gc();
    checkpoints.push({ calls, heap_mb: process.memoryUsage().heapUsed / MB, live, state: setup.stats?.() });
  };
  await record(0);
  const t0 = Date.now();
  for (let i = 1; i <= mode.n; i++) {
    await call();
    // Yield to the event loop only every few calls: a million calls stay fast and timers still run.
    if (i % 16 === 0) await immediate();
    if (setup.sink && i % DRAIN_EVERY === 0) setup.sink.take();
    if (i % every === 0 || i === mode.n) await record(i);
  }
  return { n: mode.n, seconds: (Date.now() - t0) / 1000, checkpoints };
}

/** Runs `fn` under the V8 CPU profiler and writes the profile to `mode.dir`. */
async function profiled(mode, fn) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: mode.intervalUs ?? 250 });
  await session.post('Profiler.start');
  const t0 = Date.now();
  const n = await fn();
  const { profile: cpuProfile } = await session.post('Profiler.stop');
  session.disconnect();
  const level = spec.level === 'hook' ? '-hook' : '';
  const file = path.join(mode.dir, `${spec.env}-${spec.framework}${level}-${spec.config}-${mode.name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(cpuProfile));
  return { n, seconds: (Date.now() - t0) / 1000, file };
}

async function profile(setup, call, mode) {
  return profiled(mode, async () => {
    const t0 = Date.now();
    let i = 0;
    while (i < mode.n || Date.now() - t0 < (mode.minMs ?? 0)) {
      await call();
      await immediate();
      if (setup.sink && i % DRAIN_EVERY === DRAIN_EVERY - 1) setup.sink.take();
      i++;
    }
    await setup.flush();
    return i;
  });
}

// -------------------------------------------------------------------- main ---
const result = {
  env: spec.env,
  framework: spec.framework,
  config: spec.config ?? spec.configs?.join(','),
  method: spec.method,
  node: process.version,
  modes: [],
};
try {
  if (spec.framework === 'bridge') {
    const { runBridge } = await import('./bridge.mjs');
    Object.assign(result, { unit: 'spans' }, await runBridge(spec, { profiled, marker }));
  } else if (spec.method === 'callgrind') {
    const setups = [];
    for (const config of spec.configs) {
      const setup = await loadSetup(config);
      // Hook level: the same setup's hook driven with captured payloads (its sink and flush stay the same).
      const calls = spec.level === 'hook' ? await setup.hookLevel() : setup;
      setups.push({
        config,
        setup: { ...setup, generate: calls.generate, stream: calls.stream, chunks: calls.chunks },
      });
    }
    result.notes = Object.fromEntries(setups.map(({ config, setup }) => [config, setup.note]));
    result.modes = await callgrindAll(setups);
  } else if (spec.method === 'timing') {
    const setups = [];
    for (const config of spec.configs) {
      const setup = await loadSetup(config);
      setups.push({ config, setup, handlers: await describeLangChainHandlers(setup) });
    }
    const rows = await timingAll(setups);
    result.rows = rows.map(({ config, setup, modes }, i) => ({
      config,
      unit: setup.unit,
      reference: setup.reference ?? false,
      note: setup.note,
      capture: setup.capture,
      handlers: setups[i].handlers,
      modes,
      final_state: setup.stats?.(),
    }));
  } else {
    let setup = await loadSetup(spec.config);
    if (spec.level === 'hook') {
      const calls = await setup.hookLevel();
      setup = { ...setup, generate: calls.generate, stream: calls.stream };
    }
    Object.assign(result, { unit: setup.unit, reference: setup.reference ?? false, note: setup.note });
    for (const mode of spec.modes) {
      try {
        const call = callFor(setup, mode.name);
        await warmUp(setup, call, mode);
        const out = await { heap, profile }[spec.method](setup, call, mode);
        result.modes.push({ mode: mode.name, ...out });
      } catch (err) {
        result.modes.push({ mode: mode.name, error: String(err?.stack ?? err).slice(0, 800) });
      }
    }
    result.final_state = setup.stats?.();
  }
} catch (err) {
  result.error = String(err?.stack ?? err).slice(0, 800);
}
result.labels = labels;
result.warnings = [...new Set(warnings)].slice(0, 10);
result.network_attempts = [...new Set(networkAttempts)];
process.stdout.write(`RESULT:${JSON.stringify(result)}\n`);
process.exit(0);

/**
 * For LangChain rows: which handlers a call actually gets, and whether LangChain awaits them or queues them in the
 * background (that decides which no-op handler is the tracer's hook reference).
 */
async function describeLangChainHandlers(setup) {
  if (spec.framework !== 'langchain' || !setup.generate) return undefined;
  const { CallbackManager } = await import('@langchain/core/callbacks/manager');
  const original = CallbackManager.prototype.handleChatModelStart;
  let seen = [];
  CallbackManager.prototype.handleChatModelStart = function probe(...args) {
    seen = this.handlers.map((h) => ({ name: h.name, awaitHandlers: h.awaitHandlers }));
    return original.apply(this, args);
  };
  try {
    await setup.generate();
    await setup.flush();
  } catch (err) {
    seen = [{ error: String(err).slice(0, 200) }];
  } finally {
    CallbackManager.prototype.handleChatModelStart = original;
  }
  return seen;
}

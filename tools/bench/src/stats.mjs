// Pure helpers: statistics, callgrind dump parsing, CPU profile aggregation. No timing, no I/O except reading the
// files they are given.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The p-th percentile (nearest rank, as the peer harness computes it) of numbers. */
export function percentile(xs, p) {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Median (upper median for an even count, like percentile 50). */
export const median = (xs) => percentile(xs, 50);

/** (max − min) / |min| of a set of estimates, as a fraction; undefined for fewer than two. */
export function spread(xs) {
  const finite = xs.filter((x) => Number.isFinite(x));
  if (finite.length < 2) return undefined;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return lo === 0 ? undefined : (hi - lo) / Math.abs(lo);
}

/** Least-squares slope and intercept of y over x. */
export function linearFit(points) {
  const n = points.length;
  if (n < 2) return { slope: 0, intercept: points[0]?.y ?? 0 };
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * V8's JIT entry points, called from generated code: lazy compilation, Sparkplug, Maglev, TurboFan, OSR, and the
 * deoptimizer (a one-off per deopt, followed by re-optimisation).
 */
const JIT_ROOT =
  /^(v8::internal::Runtime_(Compile\w*|Optimize\w*|InstallBaselineCode|\w*OSR\w*|NotifyDeoptimized)\(|Builtins_DeoptimizationEntry_)/;

/**
 * V8's garbage collector and the heap's slow paths (collections, incremental marking steps, sweeping, evacuation,
 * remembered sets), matched on the qualified name before the parameter list: GC functions often have templated
 * return types.
 */
const GC_FUNCTION =
  /(?:^|[ *&])(?:v8::internal::(?:Heap|Scavenger\w*|MarkCompactCollector|MinorMarkSweepCollector|IncrementalMarking\w*|ConcurrentMarking|Sweeper|\w*Evacuat\w*|GCTracer|\w*MarkingVisitor\w*|MarkingWorklists?|MemoryAllocator|PagedSpace\w*|SemiSpace\w*|LargeObjectSpace|ArrayBufferSweeper|RememberedSet\w*|\w*SlotSet|MarkingBarrier|BodyDescriptorBase|FreeList\w*|MemoryChunk\w*|MutablePageMetadata|PageMetadata)|heap::base::\w+)(?:<[^(]*>)?::/;
const isGc = (name) => GC_FUNCTION.test(name.split('(')[0]);

/**
 * Totals of one callgrind dump: all instructions, those spent in V8's JIT compilers (the inclusive cost of calls
 * into the JIT entry points from outside them), and the self cost of the garbage collector's functions (`gc`).
 * Compilation is a one-off per function that lands in whichever phase V8 decides to tier up in; without it, phases
 * of the same code agree.
 */
export function callgrindTotals(text) {
  const summary = /^(?:summary|totals):\s*(\d+)/m.exec(text);
  if (!summary) throw new Error('no instruction total in callgrind dump');
  const names = new Map();
  let fn = '';
  let cfn = '';
  let pendingCall = false;
  let jit = 0;
  let gc = 0;
  let inGc = false;
  for (const line of text.split('\n')) {
    if (pendingCall) {
      pendingCall = false;
      if (JIT_ROOT.test(cfn) && !JIT_ROOT.test(fn)) jit += Number(line.split(' ')[1] ?? 0);
      continue;
    }
    const c = line.charCodeAt(0);
    // A cost line (`position Ir ...`) of a GC function: its self cost. (Inclusive costs of calls into the GC would
    // count twice what GC functions reach through helpers that are not GC functions themselves.)
    if (inGc && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42)) {
      gc += Number(line.split(' ')[1] ?? 0);
      continue;
    }
    if (c === 102 /* f */ || c === 99 /* c */) {
      const m = /^(c?fn)=\((\d+)\)(?: (.*))?$/.exec(line);
      if (m) {
        if (m[3] !== undefined) names.set(m[2], m[3]);
        const name = names.get(m[2]) ?? m[2];
        if (m[1] === 'fn') {
          fn = name;
          inGc = isGc(name);
        } else cfn = name;
      } else if (line.startsWith('calls=')) pendingCall = true;
    }
  }
  return { instructions: Number(summary[1]), jit, gc, events: callgrindEvents(text) };
}

/**
 * Every event a dump counts, by name (`Ir`; with `--cache-sim=yes` also `I1mr`, `D1mr`, `D1mw`, `ILmr`, `DLmr`,
 * `DLmw`, ...), from its `events:` and `summary:` lines; undefined when it counts instructions only.
 */
export function callgrindEvents(text) {
  const names = /^events:\s*(.+)$/m.exec(text)?.[1].trim().split(/\s+/);
  const values = /^(?:summary|totals):\s*(.+)$/m.exec(text)?.[1].trim().split(/\s+/).map(Number);
  if (!names || !values || names.length < 2) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? 0]));
}

/**
 * Instruction counts of a callgrind run made with `--dump-before=<marker>`: dump k (file `<base>.k`) holds what ran
 * since marker k−1, and the worker reports the label of every marker in order.
 */
export function readCallgrindDumps(base, labels) {
  const counts = [];
  for (let k = 1; k <= labels.length; k++) {
    const file = `${base}.${k}`;
    if (!existsSync(file)) throw new Error(`missing callgrind dump ${file} (${labels.length} markers)`);
    const label = labels[k - 1];
    const text = readFileSync(file, 'utf8');
    // Gaps (set-up, warm-up, GC between phases) are not used: only their total is read.
    const totals =
      label === 'gap'
        ? { instructions: callgrindTotals(text.slice(0, 4096)).instructions, jit: 0 }
        : callgrindTotals(text);
    counts.push({ label, ...totals });
  }
  if (existsSync(`${base}.${labels.length + 1}`)) throw new Error('more callgrind dumps than markers');
  return counts;
}

/**
 * Groups `config|mode|phase` counts into per-call figures: the median over phases of the instructions without JIT
 * compilation (`perCall`), of all instructions (`perCallRaw`), and the spread of the phases. `callsPerPhase` maps a
 * mode to the calls (or chunks) in one phase.
 */
export function callgrindPerCall(counts, callsPerPhase, { settle = 1 } = {}) {
  const groups = new Map();
  for (const { label, instructions, jit = 0, gc = 0, events } of counts) {
    const [config, mode, phase] = label.split('|');
    if (phase === undefined) continue;
    const key = `${config}|${mode}`;
    if (!groups.has(key)) groups.set(key, { config, mode, phases: [], rawPhases: [], gcPhases: [], eventPhases: [] });
    const g = groups.get(key);
    g.phases.push((instructions - jit) / callsPerPhase[mode]);
    g.gcPhases.push(gc / callsPerPhase[mode]);
    g.rawPhases.push(instructions / callsPerPhase[mode]);
    if (events) g.eventPhases.push(events);
  }
  // The first `settle` phases are reported but not used: V8 may still be tiering the code up in them.
  return [...groups.values()].map(({ eventPhases, gcPhases, ...g }) => {
    const used = g.phases.length > settle + 1 ? g.phases.slice(settle) : g.phases;
    const mid = median(used);
    const usedEvents = eventPhases.length === g.phases.length ? eventPhases.slice(g.phases.length - used.length) : [];
    return {
      ...g,
      // With --cache-sim: every event (cache misses) per call, median over the same phases, JIT work included.
      events: usedEvents.length
        ? Object.fromEntries(
            Object.keys(usedEvents[0]).map((name) => [
              name,
              median(usedEvents.map((e) => e[name] / callsPerPhase[g.mode])),
            ]),
          )
        : undefined,
      perCall: mid,
      perCallRaw: median(g.rawPhases.slice(g.phases.length - used.length)),
      // Of which the garbage collector's own functions (self cost), median over the same phases.
      perCallGc: median(gcPhases.slice(g.phases.length - used.length)),
      spread: spread(used),
      // Robust noise of the median: 1.4826 × the median absolute deviation (one outlying phase does not move it).
      mad: 1.4826 * median(used.map((x) => Math.abs(x - mid))),
    };
  });
}

// ------------------------------------------------------------ CPU profiles ---
const sourceMaps = new Map();

/** Maps a generated position (0-based line and column) to the original file:line through the file's source map. */
function original(url, line, column) {
  if (!url.startsWith('file://')) return undefined;
  const file = fileURLToPath(url);
  if (!sourceMaps.has(file)) {
    let map;
    try {
      const mapFile = `${file}.map`;
      if (existsSync(mapFile)) map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
    } catch {
      map = undefined;
    }
    sourceMaps.set(file, map);
  }
  const map = sourceMaps.get(file);
  if (!map) return undefined;
  const entry = map.findEntry(line, column);
  if (!entry?.originalSource) return undefined;
  const source = entry.originalSource.startsWith('file://')
    ? fileURLToPath(entry.originalSource)
    : path.resolve(path.dirname(file), entry.originalSource);
  return { file: source, line: entry.originalLine + 1 };
}

/** A short, stable location: repo-relative for our files, `pkg/...` inside node_modules, `node:` for built-ins. */
export function shortLocation(url, root) {
  if (!url) return '(native)';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) return file.slice(nm + 'node_modules/'.length);
  if (root && file.startsWith(root)) return path.relative(root, file);
  return file;
}

/** Which bucket a location belongs to, for the time-by-component summary. */
export function componentOf(location) {
  if (location.startsWith('packages/llm-callback-core/')) return 'our core';
  if (/^packages\/(vercel-ai|langchain|litellm)\//.test(location)) return 'our adapter';
  if (location.startsWith('@agentops/llm-callback-core')) return 'our core';
  if (location.startsWith('@agentops/')) return 'our adapter';
  if (location.startsWith('@opentelemetry/')) return 'OpenTelemetry';
  if (location.startsWith('ai/') || location.startsWith('@ai-sdk/')) return 'AI SDK';
  if (location.startsWith('@langchain/') || location.startsWith('langsmith/')) return 'LangChain';
  if (location.startsWith('tools/bench/')) return 'bench harness';
  if (location === '(native)' || location.startsWith('node:')) return 'V8/Node (GC, builtins, streams)';
  return 'other';
}

/**
 * Self time per function of a V8 CPU profile (`.cpuprofile`), positions mapped through source maps to our sources.
 * Returns the functions sorted by self time, and the self time per component.
 */
export function profileSelfTime(profile, root) {
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < samples.length; i++) {
    const dt = Math.max(0, timeDeltas[i] ?? 0);
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + dt);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const components = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const cf = node?.callFrame ?? {};
    const name = cf.functionName || (cf.url ? '(anonymous)' : `(${cf.functionName || 'program'})`);
    let location = shortLocation(cf.url, root);
    let line = (cf.lineNumber ?? -1) + 1;
    const mapped = cf.url ? original(cf.url, cf.lineNumber ?? 0, cf.columnNumber ?? 0) : undefined;
    if (mapped) {
      location = shortLocation(`file://${mapped.file}`, root);
      line = mapped.line;
    }
    const special = ['(garbage collector)', '(program)', '(idle)', '(root)'].includes(cf.functionName);
    const key = special ? cf.functionName : `${name} ${location}:${line}`;
    const entry = fns.get(key) ?? {
      function: special ? cf.functionName : name,
      location: special ? '' : `${location}:${line}`,
      selfUs: 0,
    };
    entry.selfUs += us;
    fns.set(key, entry);
    const component = special
      ? cf.functionName === '(garbage collector)'
        ? 'GC'
        : 'idle/program'
      : componentOf(location);
    components.set(component, (components.get(component) ?? 0) + us);
  }
  const sorted = [...fns.values()].sort((a, b) => b.selfUs - a.selfUs);
  for (const f of sorted) f.percent = total ? (100 * f.selfUs) / total : 0;
  return {
    totalUs: total,
    functions: sorted,
    components: [...components.entries()]
      .map(([component, us]) => ({ component, selfUs: us, percent: total ? (100 * us) / total : 0 }))
      .sort((a, b) => b.selfUs - a.selfUs),
  };
}

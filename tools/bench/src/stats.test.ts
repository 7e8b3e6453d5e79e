import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluate, renderMarkdown } from './report.mjs';
import {
  callgrindPerCall,
  callgrindTotals,
  componentOf,
  linearFit,
  median,
  percentile,
  profileSelfTime,
  readCallgrindDumps,
  spread,
} from './stats.mjs';

describe('statistics', () => {
  it('takes nearest-rank percentiles and the upper median', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('measures spread as (max - min) / min', () => {
    expect(spread([100, 110, 120])).toBeCloseTo(0.2);
    expect(spread([100])).toBeUndefined();
  });

  it('fits a line', () => {
    const fit = linearFit([
      { x: 0, y: 1 },
      { x: 10, y: 21 },
      { x: 20, y: 41 },
    ]);
    expect(fit.slope).toBeCloseTo(2);
    expect(fit.intercept).toBeCloseTo(1);
  });
});

describe('callgrind dumps', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('maps every dump to the marker that closed it and gives per-call medians after the settling phase', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bench-test-'));
    const base = path.join(dir, 'cg.out');
    const totals = [5_000_000, 9_000_000, 1_000, 2_000_000, 1_000, 2_200_000, 1_000, 2_100_000];
    totals.forEach((t, i) => {
      writeFileSync(
        `${base}.${i + 1}`,
        `version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: ${t}\ntotals: ${t}\n`,
      );
    });
    const labels = [
      'gap',
      'ours|generate|0',
      'gap',
      'ours|generate|1',
      'gap',
      'ours|generate|2',
      'gap',
      'ours|generate|3',
    ];
    const counts = readCallgrindDumps(base, labels);
    expect(counts[3]).toEqual({ label: 'ours|generate|1', instructions: 2_000_000, jit: 0, gc: 0 });
    const [row] = callgrindPerCall(counts, { generate: 100 });
    expect(row).toMatchObject({ config: 'ours', mode: 'generate', perCall: 21_000 });
    expect(row.phases).toEqual([90_000, 20_000, 22_000, 21_000]);
    expect(row.spread).toBeCloseTo(0.1);
  });

  it('subtracts the instructions spent in V8 compilers, called from outside them', () => {
    const dump = [
      'events: Ir',
      'summary: 1000',
      'fn=(1) Builtins_CEntry_Return1_ArgvOnStack_NoBuiltinExit',
      '0 10',
      'cfn=(2) v8::internal::Runtime_OptimizeTurbofanEager(int, unsigned long*, v8::internal::Isolate*)',
      'calls=1 0',
      '0 600',
      'fn=(2)',
      '0 5',
      'cfn=(3) v8::internal::Runtime_CompileLazy(int, unsigned long*, v8::internal::Isolate*)',
      'calls=1 0',
      '0 100',
      'fn=(4) Builtins_Call',
      'cfn=(3)',
      'calls=1 0',
      '0 50',
    ].join('\n');
    // 600 (TurboFan, including a lazy compile nested in it) + 50 (a lazy compile called from JS) = 650.
    expect(callgrindTotals(dump)).toEqual({ instructions: 1000, jit: 650, gc: 0 });
  });

  it('counts the garbage collector by the self cost of its functions, templated return types included', () => {
    const dump = [
      'events: Ir',
      'summary: 1000',
      'fn=(1) Builtins_CEntry_Return1_ArgvOnStack_NoBuiltinExit',
      '0 10',
      'cfn=(2) v8::internal::Heap::CollectGarbage(v8::internal::AllocationSpace, v8::internal::GarbageCollectionReason)',
      'calls=1 0',
      '0 700',
      'fn=(2)',
      '0 20',
      '+3 5',
      'cfn=(3) __memmove_avx_unaligned_erms',
      'calls=1 0',
      '0 100',
      'fn=(3)',
      '0 100',
      'fn=(4) heap::base::SlotCallbackResult v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>(v8::internal::FullHeapObjectSlot)',
      '0 300',
      'fn=(5) v8::internal::JSObject::MigrateToMap(v8::internal::Isolate*, v8::internal::Heap*)',
      '0 40',
    ].join('\n');
    // 20 + 5 (CollectGarbage) + 300 (ScavengeObject); not the memmove it calls, not a function taking a Heap*.
    expect(callgrindTotals(dump).gc).toBe(325);
  });

  it('reads simulated cache misses per call when callgrind counted them', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bench-test-'));
    const base = path.join(dir, 'cg.out');
    const dump = (ir: number, i1: number) =>
      `events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\nsummary: ${ir} 0 0 ${i1} 40 20 3 2 1\n`;
    writeFileSync(`${base}.1`, dump(5000, 0));
    writeFileSync(`${base}.2`, dump(9000, 900));
    writeFileSync(`${base}.3`, dump(5000, 0));
    writeFileSync(`${base}.4`, dump(2000, 100));
    writeFileSync(`${base}.5`, dump(5000, 0));
    writeFileSync(`${base}.6`, dump(2200, 120));
    const counts = readCallgrindDumps(base, ['gap', 'ours|ingest|0', 'gap', 'ours|ingest|1', 'gap', 'ours|ingest|2']);
    expect(counts[1]?.events).toMatchObject({ Ir: 9000, I1mr: 900, D1mr: 40, D1mw: 20 });
    const [row] = callgrindPerCall(counts, { ingest: 10 });
    // The first phase settles: medians of the other two (upper median of two).
    expect(row.perCall).toBe(220);
    expect(row.events).toMatchObject({ Ir: 220, I1mr: 12, D1mr: 4, D1mw: 2 });
    // Instructions only: no events.
    expect(callgrindTotals('events: Ir\nsummary: 10\n').events).toBeUndefined();
  });

  it('refuses dumps that do not match the markers', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bench-test-'));
    const base = path.join(dir, 'cg.out');
    writeFileSync(`${base}.1`, 'summary: 10\n');
    writeFileSync(`${base}.2`, 'summary: 10\n');
    expect(() => readCallgrindDumps(base, ['gap'])).toThrow(/more callgrind dumps/);
    expect(() => readCallgrindDumps(base, ['gap', 'a|b|0', 'a|b|1'])).toThrow(/missing/);
  });
});

describe('CPU profile self time', () => {
  it('sums self time per function and per component', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 } },
        {
          id: 2,
          callFrame: {
            functionName: 'mapLlm',
            url: 'file:///repo/packages/llm-callback-core/src/x.ts',
            lineNumber: 9,
            columnNumber: 0,
          },
        },
        { id: 3, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1, columnNumber: -1 } },
      ],
      samples: [2, 2, 3, 2],
      timeDeltas: [100, 100, 50, 100],
    };
    const result = profileSelfTime(profile, '/repo');
    expect(result.totalUs).toBe(350);
    expect(result.functions[0]).toMatchObject({
      function: 'mapLlm',
      location: 'packages/llm-callback-core/src/x.ts:10',
      selfUs: 300,
    });
    expect(result.components.find((c: { component: string }) => c.component === 'GC')?.selfUs).toBe(50);
    expect(componentOf('@opentelemetry/sdk-trace/dist/index.mjs')).toBe('OpenTelemetry');
    expect(componentOf('packages/vercel-ai/src/map-stream.ts')).toBe('our adapter');
  });
});

describe('targets', () => {
  const timingRow = (config: string, cpu: number, own: number, iqr: number, extra = {}) => ({
    env: 'repo',
    framework: 'ai-sdk',
    mode: 'generate',
    config,
    cpu_us: cpu,
    own_us: own,
    own_noise_us: iqr,
    cpu_p25_us: cpu - iqr / 2,
    cpu_p75_us: cpu + iqr / 2,
    ...extra,
  });

  it('compares capture-off own work with the floor, and flags differences below the noise', () => {
    const results = {
      timing: [
        timingRow('floor', 120, 20, 2),
        timingRow('agentops-nocontent', 150, 50, 2),
        { ...timingRow('floor', 500, 10, 40), mode: 'stream100' },
        { ...timingRow('agentops-nocontent', 505, 15, 40), mode: 'stream100' },
      ],
      callgrind: {
        rows: [
          {
            env: 'repo',
            level: 'hook',
            framework: 'ai-sdk',
            config: 'floor',
            mode: 'generate',
            perCall: 120_000,
            own: 100_000,
          },
          {
            env: 'repo',
            level: 'hook',
            framework: 'ai-sdk',
            config: 'agentops-nocontent',
            mode: 'generate',
            perCall: 140_000,
            own: 120_000,
          },
        ],
        runs: [],
      },
    };
    const { targets } = evaluate(results);
    const off = targets.filter((t: { target: string }) => t.target.startsWith('capture off'));
    const cg = off.find((t: { method: string }) => t.method.startsWith('callgrind'));
    expect(cg).toMatchObject({ mode: 'generate', pass: true });
    expect(cg.value).toBeCloseTo(1.2);
    const cpu = off.find((t: { method: string; mode: string }) => t.method === 'CPU time' && t.mode === 'generate');
    expect(cpu).toMatchObject({ pass: false });
    expect(cpu.value).toBeCloseTo(2.5);
    const noisy = off.find((t: { method: string; mode: string }) => t.method === 'CPU time' && t.mode === 'stream100');
    expect(noisy).toMatchObject({ unresolved: true, pass: undefined });
  });

  it('compares full capture with the best peer, for ours as shipped and ours on the peers’ SDK 2', () => {
    const peerRow = (config: string, own: number) => ({ ...timingRow(config, 300, own, 2), env: 'peers' });
    const results = {
      timing: [
        timingRow('agentops', 200, 40, 2),
        peerRow('agentops-sdk2', 60),
        peerRow('langfuse', 100),
        peerRow('ai-sdk-otel', 150),
      ],
    };
    const full = evaluate(results).targets.filter((t: { target: string }) => t.target.startsWith('full capture'));
    expect(full.map((t: { target: string; value: number }) => [t.target, t.value])).toEqual([
      ['full capture: own work ≤ 0.5× best peer', 0.4],
      ['full capture, on the peers’ SDK 2: own work ≤ 0.5× best peer', 0.6],
    ]);
    // Ours on SDK 2 runs in the peers' environment but is never the best peer.
    expect(full.every((t: { detail: string }) => t.detail.includes('vs langfuse'))).toBe(true);
  });

  it('leaves a whole-call instruction comparison unresolved when it is within the phases’ noise', () => {
    const row = (env: string, config: string, mode: string, own: number, noise: number) => ({
      env,
      level: 'full',
      framework: 'ai-sdk',
      mode,
      config,
      perCall: 500_000 + own,
      own,
      own_noise: noise,
    });
    const results = {
      callgrind: {
        rows: [
          row('repo', 'agentops', 'generate', 150_000, 110_000),
          row('peers', 'ai-sdk-otel', 'generate', 670_000, 210_000),
          row('repo', 'agentops', 'stream100', 380_000, 2_500_000),
          row('peers', 'ai-sdk-otel', 'stream100', 450_000, 2_700_000),
        ],
        runs: [],
      },
    };
    const full = evaluate(results).targets.filter((t: { method: string }) => t.method === 'callgrind, full stack');
    expect(full.find((t: { mode: string }) => t.mode === 'generate')).toMatchObject({ pass: true });
    const stream = full.find((t: { mode: string }) => t.mode === 'stream100');
    expect(stream).toMatchObject({ pass: undefined, unresolved: true });
    expect(stream.detail).toContain('(noise ±2700.0 k)');
  });

  it('renders a report with the targets and the reproduce command', () => {
    const results = {
      meta: {
        date: '2026-11-27T05:00:00.000Z',
        node: 'v24.21.0',
        cpus: 2,
        load_start: [1, 1, 1],
        load_end: [2, 2, 2],
        git_head: 'abc1234',
        preset: 'default',
        plan: { rounds: 2 },
        wall_s: 300,
        command: 'npm run bench',
      },
      bridge: [{ config: 'agentops', payloads_per_cpu_s: 25_000, batch_worst: 21_000, payload_bytes: 4100 }],
      callgrind: {
        rows: [],
        runs: [],
        bridge: [
          { config: 'parse-only', perCall: 100_000, perCallGc: 10_000, spread: 0.01 },
          {
            config: 'floor-same-data',
            perCall: 300_000,
            perCallGc: 80_000,
            spread: 0.01,
            events: { I1mr: 1000, D1mr: 2000, D1mw: 500 },
          },
          {
            config: 'agentops',
            perCall: 360_000,
            perCallGc: 90_000,
            spread: 0.02,
            events: { I1mr: 4000, D1mr: 3000, D1mw: 1000 },
          },
        ],
      },
    };
    const md = renderMarkdown(results);
    expect(md).toContain('Reproduce: `npm run bench`');
    expect(md).toMatch(
      /\| bridge ≥ 20,000 payloads\/s on one core +\| bridge +\| agentops +\| CPU time +\| 25000 +\|.*\| yes +\|/,
    );
    // By instructions: shown beside the CPU-time rows, never counted as meeting a time target.
    expect(md).toMatch(
      /\| bridge: cost per payload ≤ 1\.3× same-data floor +\| bridge +\| agentops +\| callgrind \(instructions\) +\| 1\.20 +\| 360\.0 k vs same-data floor 300\.0 k instructions\/payload; beyond parsing, outside GC 180\.0 k vs 130\.0 k \(1\.38×\); simulated misses 4\.0× \(instruction cache\), 1\.6× \(data cache\) +\| – \(work; the target is time\) +\|/,
    );
    // Beyond parsing, outside GC: (360 − 90) − (100 − 10) = 180 k against the floor's (300 − 80) − 90 = 130 k.
    expect(md).toMatch(
      /\| agentops +\| 360\.0 k +\| 1\.20 +\| 90\.0 k +\| 180\.0 k +\| 1\.38 +\| 4000 +\| 4000 +\| – +\| 2% +\|/,
    );
    expect(md).toMatch(/\| parse-only +\| 100\.0 k +\| 0\.33 +\| 10\.0 k +\| – +\| – +\|/);
  });
});

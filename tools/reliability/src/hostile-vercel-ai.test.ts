import { agentopsMiddleware } from '@agentops/vercel-ai';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS, SEED } from './support/config.ts';
import { watchCrashes } from './support/crash-watch.ts';
import { collectDiag } from './support/diag-collector.ts';
import { FuzzTally } from './support/fuzz-tally.ts';
import {
  anything,
  asCase,
  describeValue,
  EXTREMES,
  type FuzzCase,
  isTrapped,
  junk,
  mutate,
  Unbox,
} from './support/hostile.ts';
import { installOtel } from './support/otel.ts';
import { callOptions, generateResult, generateResultV2, modelInfo, streamParts } from './support/vercel-payloads.ts';
import { waitUntil } from './support/wait.ts';

const otel = installOtel();
const diagLog = collectDiag();
const crashes = watchCrashes();
const tally = new FuzzTally('vercel-ai');

afterAll(async () => {
  tally.notes.invalidJsonAttributes = otel.ledger.invalidJson;
  tally.print();
  crashes.dispose();
  diagLog.dispose();
  await otel.shutdown();
});

/** Short idle timeout: abandoned streams must end (as incomplete) soon after the property stops feeding them. */
const IDLE_MS = 100;
const middleware = agentopsMiddleware({
  tracerProvider: otel.provider,
  streamIdleTimeoutMs: IDLE_MS,
  // The safety net for spans whose end event never comes.
  inFlight: { ttlMs: 1000 },
  semconv: { genaiLatest: true },
});

const params = fc.oneof({ weight: 5, arbitrary: mutate(callOptions()) }, { weight: 1, arbitrary: anything });
const model = fc.oneof({ weight: 5, arbitrary: mutate(modelInfo()) }, { weight: 1, arbitrary: anything });
const result = fc.oneof(
  { weight: 4, arbitrary: mutate(generateResult()) },
  { weight: 2, arbitrary: mutate(generateResultV2()) },
  { weight: 1, arbitrary: anything },
);
/** A stream: the real parts with some replaced by junk, plus junk parts inserted anywhere. */
const parts = fc
  .tuple(mutate({ parts: streamParts() }), fc.array(fc.tuple(fc.nat(20), junk), { maxLength: 3 }))
  .map(([container, extra]) => {
    const list = container.parts as unknown;
    let out: unknown[];
    try {
      out = Array.isArray(list) && !isTrapped(list) ? [...list] : [list];
    } catch {
      out = [list];
    }
    for (const [at, item] of extra) out.splice(at % (out.length + 1), 0, item);
    return new Unbox(out, isTrapped(container));
  });

type Outcome = { kind: 'resolve' } | { kind: 'reject'; error: unknown } | { kind: 'sync-value' };
const generateOutcome = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Outcome>({ kind: 'resolve' }) },
  { weight: 2, arbitrary: anything.map((error): Outcome => ({ kind: 'reject', error })) },
  { weight: 1, arbitrary: fc.constant<Outcome>({ kind: 'sync-value' }) },
);

type StreamMode =
  | { kind: 'read' }
  | { kind: 'cancel'; after: number; reason: unknown }
  | { kind: 'source-error'; after: number; error: unknown }
  | { kind: 'abandon' }
  | { kind: 'reject'; error: unknown }
  | { kind: 'not-a-stream'; stream: unknown };
const streamMode: fc.Arbitrary<StreamMode> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<StreamMode>({ kind: 'read' }) },
  {
    weight: 2,
    arbitrary: fc.record({ after: fc.nat(20), reason: junk }).map((m): StreamMode => ({ kind: 'cancel', ...m })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ after: fc.nat(20), error: anything })
      .map((m): StreamMode => ({ kind: 'source-error', ...m })),
  },
  { weight: 1, arbitrary: fc.constant<StreamMode>({ kind: 'abandon' }) },
  { weight: 1, arbitrary: anything.map((error): StreamMode => ({ kind: 'reject', error })) },
  { weight: 1, arbitrary: junk.map((stream): StreamMode => ({ kind: 'not-a-stream', stream })) },
);

/** A source stream that yields `items` (then errors, when asked) and tells whether it was cancelled. */
function sourceStream(items: unknown[], errorAfter?: { after: number; error: unknown }) {
  let index = 0;
  const state = { cancelled: false };
  const stream = new ReadableStream<unknown>({
    pull(controller) {
      if (errorAfter !== undefined && index >= Math.min(errorAfter.after, items.length)) {
        controller.error(errorAfter.error);
        return;
      }
      if (index >= items.length) {
        controller.close();
        return;
      }
      controller.enqueue(items[index++]);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const SAME = Symbol('resolved');

/** How a promise-returning call settles: its value or its rejection. */
async function settle(
  call: () => PromiseLike<unknown> | unknown,
): Promise<{ kind: 'value' | 'error'; value: unknown }> {
  try {
    return { kind: 'value', value: await call() };
  } catch (error) {
    return { kind: 'error', value: error };
  }
}

describe(`AI SDK middleware: ${FUZZ_RUNS} generated inputs per entry point`, () => {
  it('transformParams never rejects, removes only providerOptions.agentops and leaves the input untouched', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(params, fc.constantFrom('generate', 'stream'), model).map(asCase),
        async (fuzzCase: FuzzCase) => {
          const [input, type, modelValue] = fuzzCase.args;
          const before = fuzzCase.trapped ? undefined : snapshot(input);
          const outcome = await settle(() =>
            tally.time(
              'transformParams',
              fuzzCase,
              () => middleware.transformParams({ type: type as 'generate', params: input, model: modelValue }),
              true,
            ),
          );
          if (fuzzCase.trapped) {
            // An async function that returns a value whose \`then\` lookup throws rejects with that value's own error
            // (promise adoption); anything else would be ours.
            if (outcome.kind === 'error')
              expect(String((outcome.value as Error).message)).toMatch(/^trap: |on a proxy that has been revoked/);
            return;
          }
          expect(outcome.kind).toBe('value');
          const output = outcome.value;
          // "Your objects are not modified."
          expect(snapshot(input)).toBe(before);
          const options = isPlain(input) ? input.providerOptions : undefined;
          if (isPlain(options) && 'agentops' in options) {
            expect(output).not.toBe(input);
            expect(isPlain(output) && isPlain(output.providerOptions) && 'agentops' in output.providerOptions).toBe(
              false,
            );
          } else {
            expect(output).toBe(input);
          }
        },
      ),
      { numRuns: FUZZ_RUNS, seed: SEED + 20, endOnFailure: true },
    );
    expect(tally.calls('transformParams')).toBeGreaterThanOrEqual(FUZZ_RUNS);
  });

  it('wrapGenerate returns exactly what doGenerate returned, or its very rejection, and records one span', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(params, model, result, generateOutcome).map(asCase), async (fuzzCase: FuzzCase) => {
        const [input, modelValue, value, outcome] = fuzzCase.args as [unknown, unknown, unknown, Outcome];
        const started = otel.ledger.started;
        const openBefore = otel.ledger.open();
        const doGenerate = () =>
          outcome.kind === 'reject'
            ? Promise.reject(outcome.error)
            : outcome.kind === 'sync-value'
              ? (value as PromiseLike<unknown>)
              : Promise.resolve(value);
        // What the caller sees without the middleware: the middleware must change none of it.
        const baseline = await settle(doGenerate);
        const observed = await settle(() =>
          tally.time(
            'wrapGenerate',
            fuzzCase,
            () =>
              middleware.wrapGenerate({
                doGenerate,
                doStream: () => Promise.resolve({}),
                params: input,
                model: modelValue,
              }),
            true,
          ),
        );
        // A generate call's span ends when the call settles (with traps in the result it may be left to the TTL:
        // see regressions.test.ts).
        if (!fuzzCase.trapped) expect(otel.ledger.open()).toBe(openBefore);
        expect(observed.kind).toBe(baseline.kind);
        if (observed.kind === 'value' || outcome.kind === 'reject') expect(observed.value).toBe(baseline.value);
        else expect(String(observed.value)).toBe(String(baseline.value));
        const spans = otel.ledger.started - started;
        expect(spans).toBeLessThanOrEqual(1);
        if (!fuzzCase.trapped) expect(spans).toBe(1);
      }),
      { numRuns: FUZZ_RUNS, seed: SEED + 21, endOnFailure: true },
    );
    expect(tally.calls('wrapGenerate')).toBeGreaterThanOrEqual(FUZZ_RUNS);
    await drained();
  });

  it('wrapStream passes every part through untouched, propagates the source error and records one span', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(params, model, parts, streamMode, junk).map(asCase), async (fuzzCase: FuzzCase) => {
        const [input, modelValue, items, mode, extraField] = fuzzCase.args as [
          unknown,
          unknown,
          unknown[],
          StreamMode,
          unknown,
        ];
        const started = otel.ledger.started;
        const source = sourceStream(items, mode.kind === 'source-error' ? mode : undefined);
        const raw =
          mode.kind === 'not-a-stream'
            ? { stream: mode.stream, extra: extraField }
            : { stream: source.stream, request: { body: '{}' }, response: { headers: {} }, extra: extraField };
        const doStream = () => (mode.kind === 'reject' ? Promise.reject(mode.error) : Promise.resolve(raw));
        let returned: { stream: unknown; extra: unknown } | undefined;
        try {
          returned = await tally.time(
            'wrapStream',
            fuzzCase,
            () =>
              middleware.wrapStream({
                doGenerate: () => Promise.resolve({}),
                doStream,
                params: input,
                model: modelValue,
              }),
            true,
          );
        } catch (error) {
          expect(mode.kind).toBe('reject');
          if (mode.kind === 'reject') expect(Object.is(error, mode.error)).toBe(true);
        }
        if (mode.kind === 'reject') {
          expect(returned).toBeUndefined();
        } else if (mode.kind === 'not-a-stream') {
          expect(returned).toBe(raw);
        } else {
          expect(returned?.extra).toBe(extraField);
          const stream = returned?.stream as ReadableStream<unknown>;
          await consume(stream, items, mode);
        }
        const spans = otel.ledger.started - started;
        expect(spans).toBeLessThanOrEqual(1);
        if (!fuzzCase.trapped) expect(spans).toBe(1);
      }),
      { numRuns: FUZZ_RUNS, seed: SEED + 22, endOnFailure: true },
    );
    expect(tally.calls('wrapStream')).toBeGreaterThanOrEqual(FUZZ_RUNS);
    await drained();
  });

  it('survives every extreme value as params, model, result and stream part', async () => {
    let calls = 0;
    for (const extreme of EXTREMES) {
      const cases: [string, () => Promise<unknown>][] = [
        [
          'params',
          () =>
            middleware.wrapGenerate({
              doGenerate: async () => generateResult(),
              doStream: async () => ({}),
              params: extreme,
              model: modelInfo(),
            }),
        ],
        [
          'prompt',
          () =>
            middleware.wrapGenerate({
              doGenerate: async () => generateResult(),
              doStream: async () => ({}),
              params: { ...callOptions(), prompt: extreme },
              model: modelInfo(),
            }),
        ],
        [
          'model',
          () =>
            middleware.wrapGenerate({
              doGenerate: async () => generateResult(),
              doStream: async () => ({}),
              params: callOptions(),
              model: extreme,
            }),
        ],
        [
          'result',
          () =>
            middleware.wrapGenerate({
              doGenerate: async () => extreme,
              doStream: async () => ({}),
              params: callOptions(),
              model: modelInfo(),
            }),
        ],
        [
          'content',
          () =>
            middleware.wrapGenerate({
              doGenerate: async () => ({ ...generateResult(), content: [{ type: 'text', text: extreme }] }),
              doStream: async () => ({}),
              params: callOptions(),
              model: modelInfo(),
            }),
        ],
        [
          'stream part',
          async () => {
            const { stream } = sourceStream([
              ...streamParts().slice(0, 6),
              { type: 'text-delta', id: 't1', delta: extreme },
              extreme,
              ...streamParts().slice(6),
            ]);
            const out = await middleware.wrapStream({
              doGenerate: async () => ({}),
              doStream: async () => ({ stream }),
              params: callOptions(),
              model: modelInfo(),
            });
            const reader = (out as { stream: ReadableStream<unknown> }).stream.getReader();
            while (!(await reader.read()).done) {
              // drain
            }
          },
        ],
      ];
      for (const [where, run] of cases) {
        await tally.time(`extreme: ${where}`, asCase([extreme]), run);
        calls++;
      }
    }
    expect(calls).toBe(EXTREMES.length * 6);
    expect(tally.escapes('extreme')).toEqual([]);
  });

  it('ends every span (abandoned streams by the idle timeout), once, and crashed nothing', async () => {
    await waitUntil(
      () => otel.ledger.open() === 0 && otel.capture.openCount() === 0,
      30_000,
      () => `${otel.ledger.open()} spans still open`,
    );
    expect(crashes.crashes).toEqual([]);
    expect(otel.ledger.duplicateEnds).toEqual([]);
    expect(otel.ledger.invalidJson, 'JSON attributes that do not parse (README defects 2 and 3)').toEqual([]);
    expect(otel.ledger.ended).toBeGreaterThan(2 * FUZZ_RUNS);
  });
});

/** Waits for the idle timeout to end the spans of abandoned streams; fails naming the spans that never end. */
async function drained(): Promise<void> {
  await waitUntil(
    () => otel.ledger.open() === 0,
    IDLE_MS * 50 + 10_000,
    () => `${otel.ledger.open()} spans still open`,
  );
}

/** Reads the middleware's stream as the mode says and checks it carries the source's parts, by reference. */
async function consume(stream: ReadableStream<unknown>, items: unknown[], mode: StreamMode): Promise<void> {
  if (mode.kind === 'abandon') return;
  const reader = stream.getReader();
  const seen: unknown[] = [];
  if (mode.kind === 'cancel') {
    while (seen.length < mode.after) {
      const next = await reader.read();
      if (next.done) break;
      seen.push(next.value);
    }
    await reader.cancel(mode.reason);
    seen.forEach((part, i) => {
      expect(Object.is(part, items[i])).toBe(true);
    });
    return;
  }
  let failure: unknown = SAME;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      seen.push(next.value);
    }
  } catch (error) {
    failure = error;
  }
  const expected = mode.kind === 'source-error' ? items.slice(0, Math.min(mode.after, items.length)) : items;
  expect(seen.length).toBe(expected.length);
  seen.forEach((part, i) => {
    expect(Object.is(part, expected[i])).toBe(true);
  });
  const got = failure === SAME ? 'no error' : describeValue(failure);
  if (mode.kind === 'source-error') expect(Object.is(failure, mode.error), `consumer saw ${got}`).toBe(true);
  else
    expect(
      failure === SAME,
      `consumer saw ${got} (${String((failure as Error)?.stack ?? '')
        .split('\n')
        .slice(0, 4)
        .join(' | ')})`,
    ).toBe(true);
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A comparable fingerprint of a value's own enumerable data (two levels), to see whether it was modified. */
function snapshot(value: unknown, depth = 3): string {
  if (value === null || typeof value !== 'object')
    return typeof value === 'bigint' ? `${value}n` : String(typeof value === 'symbol' ? value.description : value);
  if (depth === 0) return Array.isArray(value) ? `[${value.length}]` : `{${Object.keys(value).length}}`;
  const keys = Object.keys(value);
  return `${Array.isArray(value) ? 'A' : 'O'}(${keys.map((key) => `${key}:${snapshot((value as Record<string, unknown>)[key], depth - 1)}`).join(',')})`;
}

import { AgentOpsLiteLLMHandler, type PayloadIngestSummary } from '@agentops/litellm';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS, SEED } from './support/config.ts';
import { watchCrashes } from './support/crash-watch.ts';
import { collectDiag } from './support/diag-collector.ts';
import { FuzzTally } from './support/fuzz-tally.ts';
import {
  anything,
  asCase,
  EXTREMES,
  type FuzzCase,
  junk,
  malformedJson,
  mutate,
  mutateField,
} from './support/hostile.ts';
import { litellmException, litellmKwargs, litellmResponse, standardPayload } from './support/litellm-payloads.ts';
import { installOtel } from './support/otel.ts';

const otel = installOtel();
const diagLog = collectDiag();
const crashes = watchCrashes();
const tally = new FuzzTally('litellm');
otel.ledger.keep = true;

afterAll(async () => {
  tally.notes.invalidJsonAttributes = otel.ledger.invalidJson;
  tally.print();
  crashes.dispose();
  diagLog.dispose();
  await otel.shutdown();
});

let run = 0;
/** A fresh call id per generated case: the core remembers ended keys, so reuse would only test duplicates. */
const nextId = () => `fuzz-litellm-${++run}`;
const ID = '__ID__';
const TIME_START = '2026-03-02 09:15:01.250000';
const TIME_END = '2026-03-02 09:15:02.750000';

/** Replaces the {@link ID} placeholder (at the top level and in `litellm_params`) with a fresh id. */
function withId(value: unknown, id: string): unknown {
  try {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const record = value as Record<string, unknown>;
    if (record.litellm_call_id === ID) record.litellm_call_id = id;
    const params = record.litellm_params as Record<string, unknown> | undefined;
    if (params && typeof params === 'object' && params.litellm_call_id === ID) params.litellm_call_id = id;
    const payload = record.standard_logging_object as Record<string, unknown> | undefined;
    if (payload && typeof payload === 'object' && payload.litellm_call_id === ID) payload.litellm_call_id = id;
  } catch {
    // A trap: it keeps whatever it has.
  }
  return value;
}

const kwargs = fc.oneof(
  { weight: 6, arbitrary: mutate(litellmKwargs(ID)) },
  { weight: 2, arbitrary: mutate(litellmKwargs(ID, false)) },
  { weight: 1, arbitrary: fc.constant(litellmKwargs(ID)).map((value) => structuredClone(value)) },
  { weight: 2, arbitrary: anything },
);
const response = fc.oneof(
  { weight: 4, arbitrary: mutate(litellmResponse()) },
  { weight: 1, arbitrary: mutate(litellmException()) },
  { weight: 2, arbitrary: anything },
);
const time = fc.oneof(
  anything,
  fc.date({ noInvalidDate: false }),
  fc.double(),
  fc.constantFrom('2026-01-01 00:00:00.5', '1767225600.25', 1767225600, '2026-13-45T99:99:99Z', -1, 1e20),
);

type Method =
  | 'logPreApiCall'
  | 'logPostApiCall'
  | 'logSuccessEvent'
  | 'logFailureEvent'
  | 'asyncLogSuccessEvent'
  | 'asyncLogFailureEvent';

const ARGS: Record<Method, fc.Arbitrary<unknown[]>> = {
  logPreApiCall: fc.tuple(
    fc.oneof(fc.constant('gpt-4o'), anything),
    fc.oneof(mutateField({ m: litellmKwargs(ID).messages }, 'm'), anything),
    kwargs,
  ),
  logPostApiCall: fc.tuple(kwargs, response, time, time),
  logSuccessEvent: fc.tuple(kwargs, response, time, time),
  logFailureEvent: fc.tuple(kwargs, response, time, time),
  asyncLogSuccessEvent: fc.tuple(kwargs, response, time, time),
  asyncLogFailureEvent: fc.tuple(kwargs, response, time, time),
};

/**
 * The call id a case without traps must be recorded under: one of our fresh string ids. A number in an id field is
 * a key too (the adapter reads numbers as strings), but generated numbers repeat, so such cases may be duplicates.
 */
function expectedKey(method: Method, args: unknown[]): string | undefined {
  const source = (method === 'logPreApiCall' ? args[2] : args[0]) as Record<string, unknown> | undefined;
  if (source === null || typeof source !== 'object' || Array.isArray(source)) return undefined;
  const params = source.litellm_params as Record<string, unknown> | undefined;
  const nested =
    params !== null && typeof params === 'object' && !Array.isArray(params) ? params.litellm_call_id : undefined;
  for (const candidate of [source.litellm_call_id, nested]) {
    if (typeof candidate === 'string' && candidate !== '')
      return candidate.startsWith('fuzz-litellm-') ? candidate : undefined;
    if (typeof candidate === 'number' && Number.isFinite(candidate)) return undefined;
  }
  return undefined;
}

const llmSpans = (spans: ReadableSpan[]) => spans.filter((span) => span.kind === SpanKind.CLIENT);

/** One handler per property, replaced every {@link RECYCLE} cases so that calls left open stay few. */
const RECYCLE = 2000;
const OPTIONS = { mergeWindowMs: 0, semconv: { genaiLatest: true }, inFlight: { maxEntries: 100_000 } } as const;

class HandlerPool {
  private handler: AgentOpsLiteLLMHandler | undefined;
  private uses = 0;

  get(): AgentOpsLiteLLMHandler {
    if (this.handler && this.uses >= RECYCLE) this.close();
    this.uses++;
    this.handler ??= new AgentOpsLiteLLMHandler(OPTIONS);
    return this.handler;
  }

  /** Runs the property, then closes the handler whatever happened (a failing property must not leave spans open). */
  async around(property: () => Promise<void>): Promise<void> {
    try {
      await property();
    } finally {
      this.handler?.close('Indeterminate');
    }
    this.close();
  }

  /** Closes the current handler, checking that nothing stays in flight. */
  close(): void {
    if (!this.handler) return;
    this.handler.close('Indeterminate');
    expect(this.handler.stats().inFlight).toBe(0);
    this.handler = undefined;
    this.uses = 0;
  }
}

describe(`LiteLLM handler: ${FUZZ_RUNS} generated inputs per entry point`, () => {
  for (const [index, method] of (Object.keys(ARGS) as Method[]).entries()) {
    it(`${method} never throws, records each call with an id once and leaves nothing open`, async () => {
      const pool = new HandlerPool();
      await pool.around(() =>
        fc.assert(
          fc.asyncProperty(ARGS[method].map(asCase), async (fuzzCase: FuzzCase) => {
            const id = nextId();
            const args = fuzzCase.args.map((arg) => withId(arg, id));
            const handler = pool.get();
            const before = handler.stats().started;
            const warningsBefore = diagLog.counts.warn;
            const fn = handler[method] as (...a: unknown[]) => unknown;
            await tally.time(method, fuzzCase, async () => {
              await fn.apply(handler, args);
            });
            const started = handler.stats().started - before;
            expect(started).toBeLessThanOrEqual(1);
            if (!fuzzCase.trapped) {
              tally.internalFailures(method, fuzzCase, diagLog, warningsBefore);
              // Junk may cost attributes, never the span of a call that has an id.
              if (expectedKey(method, args) !== undefined) expect(started).toBe(1);
            }
          }),
          { numRuns: FUZZ_RUNS, seed: SEED + index, endOnFailure: true },
        ),
      );
      expect(tally.calls(method)).toBeGreaterThanOrEqual(FUZZ_RUNS);
      expect(tally.escapes(method)).toEqual([]);
      otel.ledger.takeKept();
    });
  }

  it('each entry point survives every extreme value (huge strings, deep nesting, big collections) in each argument', async () => {
    const handler = new AgentOpsLiteLLMHandler(OPTIONS);
    const bases: Record<Method, () => unknown[]> = {
      logPreApiCall: () => ['gpt-4o', litellmKwargs(ID).messages, litellmKwargs(ID)],
      logPostApiCall: () => [litellmKwargs(ID), litellmResponse(), TIME_START, TIME_END],
      logSuccessEvent: () => [litellmKwargs(ID), litellmResponse(), TIME_START, TIME_END],
      logFailureEvent: () => [litellmKwargs(ID), litellmException(), TIME_START, TIME_END],
      asyncLogSuccessEvent: () => [litellmKwargs(ID), litellmResponse(), TIME_START, TIME_END],
      asyncLogFailureEvent: () => [litellmKwargs(ID), litellmException(), TIME_START, TIME_END],
    };
    let calls = 0;
    for (const [method, base] of Object.entries(bases) as [Method, () => unknown[]][]) {
      const positions = base().length;
      for (let position = 0; position < positions; position++) {
        for (const extreme of EXTREMES) {
          const id = nextId();
          const args = base().map((arg) => withId(arg, id));
          args[position] = extreme;
          const fn = handler[method] as (...a: unknown[]) => unknown;
          await tally.time(`extreme: ${method}`, asCase(args), async () => {
            await fn.apply(handler, args);
          });
          calls++;
        }
      }
      // Extremes inside the payload: as messages, response and content.
      for (const extreme of EXTREMES) {
        const id = nextId();
        const kwargs = withId(litellmKwargs(ID), id) as Record<string, unknown>;
        kwargs.messages = extreme;
        (kwargs.standard_logging_object as Record<string, unknown>).messages = extreme;
        (kwargs.standard_logging_object as Record<string, unknown>).response = {
          choices: [{ message: { content: extreme } }],
        };
        await tally.time(`extreme: ${method}`, asCase([kwargs]), async () => {
          await (handler[method] as (...a: unknown[]) => unknown).call(
            handler,
            kwargs,
            { choices: [{ message: { content: extreme } }] },
            TIME_START,
            TIME_END,
          );
        });
        calls++;
      }
    }
    for (const extreme of [...EXTREMES, ...EXTREMES.filter((v) => typeof v !== 'string').map(safeStringify)]) {
      await tally.time('extreme: logStandardLoggingPayload', asCase([extreme]), async () =>
        handler.logStandardLoggingPayload(extreme),
      );
      calls++;
    }
    handler.close('Indeterminate');
    expect(handler.stats().inFlight).toBe(0);
    expect(calls).toBeGreaterThan(EXTREMES.length * 20);
    expect(tally.escapes('extreme')).toEqual([]);
    otel.ledger.takeKept();
  });

  it('logStandardLoggingPayload never throws and always returns a summary', async () => {
    const single = mutate(standardPayload(ID));
    const input = fc.oneof(
      { weight: 3, arbitrary: single },
      { weight: 2, arbitrary: fc.array(fc.oneof(single, anything), { maxLength: 6 }) },
      { weight: 2, arbitrary: fc.array(fc.oneof(single, junk), { maxLength: 6 }).map(safeStringify) },
      { weight: 2, arbitrary: ndjson(fc.oneof(single, junk)) },
      { weight: 2, arbitrary: anything },
    );
    const pool = new HandlerPool();
    await pool.around(() =>
      fc.assert(
        fc.asyncProperty(
          input.map((value) => asCase([value])),
          async (fuzzCase: FuzzCase) => {
            const handler = pool.get();
            const warningsBefore = diagLog.counts.warn;
            const payload = replaceIds(fuzzCase.args[0]);
            let summary: PayloadIngestSummary | undefined;
            await tally.time('logStandardLoggingPayload', fuzzCase, async () => {
              summary = handler.logStandardLoggingPayload(payload);
            });
            expect(summary).toEqual({
              accepted: expect.any(Number),
              rejected: expect.any(Number),
              errors: expect.any(Array),
            });
            if (!fuzzCase.trapped)
              tally.internalFailures('logStandardLoggingPayload', fuzzCase, diagLog, warningsBefore);
            otel.ledger.takeKept();
          },
        ),
        { numRuns: FUZZ_RUNS, seed: SEED + 10, endOnFailure: true },
      ),
    );
    expect(tally.calls('logStandardLoggingPayload')).toBeGreaterThanOrEqual(FUZZ_RUNS);
    expect(tally.escapes('logStandardLoggingPayload')).toEqual([]);
  });

  it('logStandardLoggingPayload ingests every valid item of a mixed batch', async () => {
    const batch = fc.record({
      valid: fc.integer({ min: 1, max: 4 }),
      failed: fc.boolean(),
      junkItems: fc.array(junk, { maxLength: 4 }),
      broken: fc.array(fc.oneof(malformedJson, fc.constantFrom('', '   ', '\r', '{', 'not json', ']')), {
        maxLength: 4,
      }),
      format: fc.constantFrom('array', 'json-array', 'ndjson', 'ndjson-crlf'),
      order: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
    });
    let validTotal = 0;
    const pool = new HandlerPool();
    await pool.around(() =>
      fc.assert(
        fc.asyncProperty(batch, async ({ valid, failed, junkItems, broken, format, order }) => {
          const handler = pool.get();
          otel.ledger.takeKept();
          const ids = Array.from({ length: valid }, () => nextId());
          const payloads: unknown[] = ids.map((id, i) => standardPayload(id, failed && i === 0));
          let items: unknown[];
          let body: unknown;
          if (format === 'array') {
            // Traps among in-process items are covered by a regression test (regressions.test.ts).
            items = shuffle([...payloads, ...junkItems], order);
            body = items;
          } else if (format === 'json-array') {
            items = shuffle([...payloads, ...junkItems.filter(isJsonable)], order);
            body = safeStringify(items);
          } else {
            const lines = shuffle(
              [...payloads.map((p) => JSON.stringify(p)), ...junkItems.map(lineOf), ...broken],
              order,
            );
            body = lines.join(format === 'ndjson-crlf' ? '\r\n' : '\n');
          }
          const summary = await tally.time('mixed batch', asCase([body]), async () =>
            handler.logStandardLoggingPayload(body),
          );
          const spans = llmSpans(otel.ledger.takeKept());
          for (const id of ids) {
            // Exactly one span per valid payload, whatever else the batch held.
            expect(spans.filter((span) => span.attributes['litellm.call_id'] === id)).toHaveLength(1);
          }
          expect(summary?.accepted).toBeGreaterThanOrEqual(valid);
          validTotal += valid;
        }),
        { numRuns: FUZZ_RUNS, seed: SEED + 11, endOnFailure: true },
      ),
    );
    expect(validTotal).toBeGreaterThanOrEqual(FUZZ_RUNS);
    expect(tally.escapes('mixed batch')).toEqual([]);
  });

  it('crashed nothing and left no span open', () => {
    expect(crashes.crashes).toEqual([]);
    expect(otel.capture.openCount()).toBe(0);
    expect(otel.ledger.open()).toBe(0);
    expect(otel.ledger.duplicateEnds).toEqual([]);
    expect(otel.ledger.invalidJson, 'JSON attributes that do not parse (README defects 2 and 3)').toEqual([]);
    expect(otel.ledger.ended).toBeGreaterThan(FUZZ_RUNS);
  });
});

function replaceIds(value: unknown): unknown {
  try {
    if (typeof value === 'string') return value.includes(ID) ? value.replaceAll(ID, () => nextId()) : value;
    if (Array.isArray(value)) return value.map((item) => withId(item, nextId()));
  } catch {
    // A trap: passed on as it is.
  }
  return withId(value, nextId());
}

function isJsonable(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}

/** JSON text of `value`, or a broken fragment when it has none (cycles, BigInt). */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return '[{"broken":';
  }
}

function lineOf(value: unknown): string {
  return typeof value === 'string' ? value.replace(/[\r\n]/g, ' ') : safeStringify(value);
}

/** NDJSON text of the items, with broken lines mixed in. */
function ndjson(item: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(item.map(lineOf), malformedJson, fc.constantFrom('', '\r', '{"a":')), { maxLength: 8 })
    .map((lines) => lines.join('\n'));
}

function shuffle<T>(items: T[], order: number[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = (order[i % order.length] ?? 0) % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

import { createTestTracing } from '@agentops/llm-callback-core/testing';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import failureKwargs from './__fixtures__/kwargs-failure-retries.json' with { type: 'json' };
import streamKwargs from './__fixtures__/kwargs-stream-success.json' with { type: 'json' };
import failurePayload from './__fixtures__/slp-rate-limit-failure.json' with { type: 'json' };
import responsesPayload from './__fixtures__/slp-responses-api-quirks.json' with { type: 'json' };
import anthropicPayload from './__fixtures__/slp-stream-anthropic-cache.json' with { type: 'json' };
import toolCallPayload from './__fixtures__/slp-tool-call.json' with { type: 'json' };
import { AgentOpsLiteLLMHandler } from './handler.js';
import type { AgentOpsLiteLLMHandlerOptions } from './handler-options.js';

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());

// Guarded failures are logged through diag; collect them to tell adapter bugs from hostile input.
const warnings: unknown[][] = [];
const collect = (...args: unknown[]) => warnings.push(args);
diag.setLogger(
  { error: collect, warn: collect, info: () => {}, debug: () => {}, verbose: () => {} },
  DiagLogLevel.WARN,
);
afterAll(() => diag.disable());
const isHostile = (args: unknown[]) => args.some((arg) => arg instanceof Error && arg.message.startsWith('hostile'));

/** An object whose every access throws. */
const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error('hostile get');
    },
    ownKeys() {
      throw new Error('hostile keys');
    },
    getOwnPropertyDescriptor() {
      throw new Error('hostile descriptor');
    },
  },
);

const anyValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.anything({ withDate: true, withMap: true, withSet: true, withBigInt: true, withNullPrototype: true }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('MaxDepthExceeded', 'CircularReference Detected', null, hostile, new Error('x')),
  },
);
const time = fc.oneof(
  anyValue,
  fc.date(),
  fc.double(),
  fc.constantFrom('2026-01-01 00:00:00.5', '1767225600.25', 1767225600),
);
const callId = fc.constantFrom('fuzz-a', 'fuzz-b', 'fuzz-c');

/** A real payload with some fields replaced by anything. */
function mutate<T extends object>(bases: T[]) {
  const keys = [...new Set(bases.flatMap((base) => Object.keys(base)))];
  return fc
    .tuple(fc.constantFrom(...bases), fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 4 }))
    .map(([base, patch]) => ({ ...base, ...patch }));
}
const payload = fc.oneof(
  mutate<Record<string, unknown>>([toolCallPayload, anthropicPayload, failurePayload, responsesPayload]),
  anyValue,
);
const kwargs = fc.oneof(
  fc
    .tuple(mutate<Record<string, unknown>>([streamKwargs, failureKwargs]), callId, payload, fc.boolean())
    .map(([base, id, standard, withPayload]) => ({
      ...base,
      litellm_call_id: id,
      standard_logging_object: withPayload ? standard : null,
    })),
  anyValue,
);
const ndjson = fc
  .array(
    fc.oneof(
      payload.map((item) => safeStringify(item)),
      fc.string(),
    ),
    { maxLength: 5 },
  )
  .map((lines) => lines.join('\n'));

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return '{';
  }
}

type Step = (handler: AgentOpsLiteLLMHandler) => unknown;
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.tuple(anyValue, anyValue, kwargs).map(
    ([model, messages, k]): Step =>
      (h) =>
        h.logPreApiCall(model, messages, k),
  ),
  fc.tuple(kwargs, anyValue, time, time).map(
    ([k, r, s, e]): Step =>
      (h) =>
        h.logPostApiCall(k, r, s, e),
  ),
  fc.tuple(kwargs, anyValue, time, time).map(
    ([k, r, s, e]): Step =>
      (h) =>
        h.logSuccessEvent(k, r, s, e),
  ),
  fc.tuple(kwargs, anyValue, time, time).map(
    ([k, r, s, e]): Step =>
      (h) =>
        h.logFailureEvent(k, r, s, e),
  ),
  fc.tuple(kwargs, anyValue, time, time).map(
    ([k, r, s, e]): Step =>
      (h) =>
        h.asyncLogSuccessEvent(k, r, s, e),
  ),
  fc.tuple(kwargs, anyValue, time, time).map(
    ([k, r, s, e]): Step =>
      (h) =>
        h.asyncLogFailureEvent(k, r, s, e),
  ),
  fc.oneof(payload, fc.array(payload, { maxLength: 4 }), ndjson).map(
    (input): Step =>
      (h) =>
        h.logStandardLoggingPayload(input),
  ),
  fc.constant<Step>((h) => h.stats()),
  fc.constantFrom('Success', 'Fail', 'Indeterminate', 'bogus', undefined).map(
    (state): Step =>
      (h) =>
        h.close(state as never),
  ),
);
const options: fc.Arbitrary<AgentOpsLiteLLMHandlerOptions> = fc.record(
  {
    autoSession: fc.oneof(fc.boolean(), anyValue) as fc.Arbitrary<boolean>,
    tags: anyValue as fc.Arbitrary<string[]>,
    mergeWindowMs: fc.oneof(fc.constantFrom(0, 5, 1000), anyValue) as fc.Arbitrary<number>,
    captureContent: fc.constantFrom<AgentOpsLiteLLMHandlerOptions['captureContent']>(
      'all',
      'metadata',
      'none',
      true,
      false,
    ),
    inFlight: fc.record({ maxEntries: fc.integer({ min: 1, max: 3 }) }),
  },
  { requiredKeys: [] },
);

describe('AgentOpsLiteLLMHandler fuzz', () => {
  it('never throws from any public method, and close() leaves nothing in flight', async () => {
    await fc.assert(
      fc.asyncProperty(options, fc.array(step, { maxLength: 12 }), async (handlerOptions, steps) => {
        const handler = new AgentOpsLiteLLMHandler(handlerOptions);
        for (const run of steps) {
          const result = run(handler);
          if (result instanceof Promise) await expect(result).resolves.toBeUndefined();
        }
        handler.close();
        expect(handler.stats().inFlight).toBe(0);
        expect(tracing.capture.openCount()).toBe(0);
      }),
      { numRuns: 150 },
    );
    // The runs did record spans (the property did not pass on empty input).
    expect(tracing.spans().some((span) => span.name.endsWith('.llm'))).toBe(true);
    // Only hostile objects (throwing getters) may make a guarded method give up.
    expect(warnings.filter((args) => !isHostile(args))).toEqual([]);
  });

  it('survives hostile options and arguments', () => {
    const handler = new AgentOpsLiteLLMHandler(hostile as AgentOpsLiteLLMHandlerOptions);
    expect(() => handler.logPreApiCall(hostile, hostile, hostile)).not.toThrow();
    expect(() =>
      handler.logSuccessEvent({ litellm_call_id: 'h1', standard_logging_object: hostile }, hostile, hostile, hostile),
    ).not.toThrow();
    expect(() =>
      handler.logFailureEvent({ litellm_call_id: 'h2', exception: hostile, messages: [hostile] }, null, null, null),
    ).not.toThrow();
    expect(
      handler.logStandardLoggingPayload([hostile, { id: 'h3', messages: [hostile], response: hostile }]),
    ).toMatchObject({
      accepted: expect.any(Number),
    });
    handler.close();
    expect(handler.stats().inFlight).toBe(0);
    expect(tracing.capture.openCount()).toBe(0);
  });
});

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createLlmSpanRecorder, startSession, withSession } from './index.js';
import { getRegistry } from './lifecycle/registry.js';
import { createRedactor } from './redaction/redactor.js';
import { toSafeJson } from './redaction/safe-json.js';
import { setupTracing } from './test-support/otel.js';

const tracing = setupTracing();
afterAll(() => tracing.shutdown());

/** Values that break naive code: cycles, BigInt, symbols, throwing getters and Proxies, huge strings. */
const hostile = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.bigInt(),
  fc.constant(Symbol('s')),
  fc.constant(() => 'fn'),
  fc.constant('x'.repeat(200_000)),
  fc.constant(new Date('invalid')),
  fc.constant(
    new Proxy(
      { [fc.toStringMethod]: () => 'throwingProxy' },
      {
        get(target, property) {
          if (property === fc.toStringMethod) return target[fc.toStringMethod];
          throw new Error('proxy get');
        },
        ownKeys() {
          throw new Error('proxy keys');
        },
      },
    ),
  ),
  fc.constant(
    Object.defineProperty({ [fc.toStringMethod]: () => 'throwingGetter' }, 'key', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    }),
  ),
  fc.constant(
    (() => {
      const cyclic: Record<string, unknown> = { role: 'user' };
      cyclic.parts = [cyclic];
      cyclic.self = cyclic;
      return cyclic;
    })(),
  ),
);

const anything = fc.oneof({ depthSize: 'small' }, fc.anything({ maxDepth: 4 }), hostile);

/** Events that are mostly well-formed, with any field replaced by anything. */
const keyArb = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd'), anything);
const eventArb = fc.record(
  {
    key: keyArb,
    parentKey: keyArb,
    parentContext: anything,
    kind: fc.oneof(fc.constantFrom('chain', 'tool', 'agent', 'retriever', 'workflow', 'task'), anything),
    name: anything,
    model: anything,
    provider: anything,
    operation: anything,
    params: anything,
    stream: anything,
    tools: fc.oneof(fc.array(anything, { maxLength: 3 }), anything),
    messages: fc.oneof(
      fc.array(
        fc.record({
          role: anything,
          parts: fc.oneof(
            fc.array(
              fc.record({
                type: fc.constantFrom('text', 'tool_call', 'tool_call_response', 'reasoning', 'blob', 'file', 'uri'),
                content: anything,
                name: anything,
                arguments: anything,
                response: anything,
                uri: anything,
                fileId: anything,
                modality: anything,
              }),
              { maxLength: 3 },
            ),
            anything,
          ),
        }),
        { maxLength: 3 },
      ),
      anything,
    ),
    outputs: anything,
    usage: fc.oneof(fc.record({ inputTokens: anything, outputTokens: anything, totalTokens: anything }), anything),
    input: anything,
    output: anything,
    error: anything,
    errorInfo: anything,
    retry: anything,
    partial: anything,
    metadata: anything,
    startTime: anything,
    endTime: anything,
    firstChunkTime: anything,
    captureContent: anything,
    idleTimeoutMs: fc.oneof(fc.constant(undefined), fc.integer({ min: -5, max: 50 })),
  },
  { requiredKeys: [] },
);

/** The harness's own read of a key must not throw on hostile events either. */
function keyOf(event: unknown): unknown {
  try {
    return (event as { key?: unknown } | null)?.key;
  } catch {
    return undefined;
  }
}

const methods = [
  'startCall',
  'recordChunk',
  'endCall',
  'failCall',
  'startRun',
  'endRun',
  'failRun',
  'isOpen',
  'hasEnded',
  'contextFor',
] as const;

describe('fuzz: no public entry point throws, whatever it is given', () => {
  it('recorder methods, with any event and any options, in any order', () => {
    const recorder = createLlmSpanRecorder({ semconv: { genaiLatest: true } });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...methods), fc.oneof(eventArb, anything), anything), { maxLength: 12 }),
        (steps) => {
          for (const [method, event, options] of steps) {
            const call = recorder[method] as (event: unknown, options: unknown) => unknown;
            const result = call.call(recorder, method === 'recordChunk' ? keyOf(event) : event, options);
            if (method === 'startCall') {
              const handle = result as { chunk(t?: unknown): void; end(e?: unknown): void; fail(e?: unknown): void };
              handle.chunk(options);
              handle.end(event);
              handle.fail(event);
            }
          }
          recorder.endAll('fuzz');
          expect(recorder.stats().inFlight).toBe(0);
        },
      ),
      { numRuns: 1500 },
    );
    expect(getRegistry().entries.size).toBe(0);
    expect(tracing.capture.openCount()).toBe(0);
    expect(tracing.spans().length).toBeGreaterThan(0);
  });

  it('recorder and session factories accept any options', () => {
    fc.assert(
      fc.property(anything, anything, (options, state) => {
        const recorder = createLlmSpanRecorder(options as never);
        recorder.startCall({ key: 'opt', model: 'm' }).end();
        const session = startSession(options as never);
        session.end(state as never, state as never);
        expect(session.ended).toBe(true);
        expect(() => withSession(options as never, () => 1)).not.toThrow();
      }),
      { numRuns: 300 },
    );
    expect(getRegistry().entries.size).toBe(0);
  });

  it('safe JSON always parses and stays within the limit', () => {
    const redactor = createRedactor({ maxContentLength: 2000, pii: true });
    fc.assert(
      fc.property(anything, (value) => {
        const json = toSafeJson(value, redactor, { attribute: 'fuzz', spanKind: 'llm' });
        expect(() => JSON.parse(json)).not.toThrow();
        expect(json.length).toBeLessThanOrEqual(2100);
      }),
      { numRuns: 1500 },
    );
  });
});

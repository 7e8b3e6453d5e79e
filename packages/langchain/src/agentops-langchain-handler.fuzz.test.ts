import { createTestTracing } from '@agentops/llm-callback-core/testing';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentOpsLangChainHandler } from './index.js';

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());

/** Where each callback takes its run id and parent run id (LangChain's runtime order). */
const METHODS = {
  handleChatModelStart: { runId: 2, parent: 3 },
  handleLLMStart: { runId: 2, parent: 3 },
  handleLLMNewToken: { runId: 2, parent: 3 },
  handleLLMEnd: { runId: 1, parent: 2 },
  handleLLMError: { runId: 1, parent: 2 },
  handleChainStart: { runId: 2, parent: 3 },
  handleChainEnd: { runId: 1, parent: 2 },
  handleChainError: { runId: 1, parent: 2 },
  handleToolStart: { runId: 2, parent: 3 },
  handleToolEnd: { runId: 1, parent: 2 },
  handleToolError: { runId: 1, parent: 2 },
  handleRetrieverStart: { runId: 2, parent: 3 },
  handleRetrieverEnd: { runId: 1, parent: 2 },
  handleRetrieverError: { runId: 1, parent: 2 },
} as const;
type Method = keyof typeof METHODS;
const methodNames = Object.keys(METHODS) as Method[];

/** A value whose every property access and iteration throws (except fast-check's own printing hook). */
const hostile = new Proxy(
  {},
  {
    has: (_target, key) => key === fc.toStringMethod,
    get(_target, key) {
      if (key === fc.toStringMethod) return () => 'hostile';
      throw new Error('hostile get');
    },
    ownKeys() {
      throw new Error('hostile keys');
    },
    getPrototypeOf() {
      throw new Error('hostile prototype');
    },
  },
);

const junk = fc.oneof(
  fc.anything(),
  fc.constant(hostile),
  fc.constant(['langsmith:hidden']),
  fc.constant({ lc: 1, type: 'constructor', id: ['x', 'AIMessage'], kwargs: hostile }),
  fc.constant({ generations: [[{ message: hostile, text: 5 }]], llmOutput: hostile }),
  fc.constant({ chunk: { message: { tool_call_chunks: [hostile] } } }),
);

const call = fc.record({
  method: fc.constantFrom(...methodNames),
  run: fc.integer({ min: -1, max: 3 }),
  parent: fc.integer({ min: -1, max: 2 }),
  args: fc.array(junk, { minLength: 9, maxLength: 9 }),
});

let round = 0;
let startedTotal = 0;

function invoke(handler: AgentOpsLangChainHandler, method: Method, args: unknown[]): unknown {
  const fn = handler[method] as (...a: unknown[]) => unknown;
  return fn.apply(handler, args);
}

describe('malformed callback arguments', () => {
  it('never throw and leave nothing in flight once every run has ended', () => {
    fc.assert(
      fc.property(fc.array(call, { maxLength: 40 }), (calls) => {
        const handler = new AgentOpsLangChainHandler();
        // Unique ids per round: the core remembers ended keys, so reused ids would only test duplicate handling.
        const prefix = `fuzz-${round++}`;
        const id = (n: number): unknown => (n < 0 ? undefined : `${prefix}-${n}`);
        for (const { method, run, parent, args } of calls) {
          const positional = [...args];
          // Run 3 is a junk run id (never a string, so that every started run can be ended below).
          positional[METHODS[method].runId] = run === 3 ? (typeof args[0] === 'string' ? 7 : args[0]) : id(run);
          positional[METHODS[method].parent] = id(parent);
          expect(() => invoke(handler, method, positional)).not.toThrow();
        }
        for (let n = 0; n < 3; n++) {
          for (const end of ['handleChainEnd', 'handleLLMEnd', 'handleToolError'] as const) {
            expect(() => invoke(handler, end, [hostile, id(n)])).not.toThrow();
          }
        }
        const stats = handler.stats();
        startedTotal += stats.started;
        expect(stats.inFlight).toBe(0);
        expect(stats.handlerEntries).toBe(0);
      }),
      { numRuns: 200, endOnFailure: true },
    );
    // The property must have exercised real spans, not only rejected input.
    expect(startedTotal).toBeGreaterThan(50);
  });

  it('accepts hostile constructor options and helper arguments', () => {
    expect(() => new AgentOpsLangChainHandler(hostile as never)).not.toThrow();
    const handler = new AgentOpsLangChainHandler(null as never);
    expect(handler.runInToolContext(hostile, () => 'ran')).toBe('ran');
    expect(handler.contextFor(hostile)).toBeUndefined();
  });
});

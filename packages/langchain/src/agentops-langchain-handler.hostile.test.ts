/*
 * Regressions found by tools/reliability: callbacks never throw into LangChain, and every run ends even when what
 * it reports cannot be read.
 */
import { ATTR } from '@agentops/llm-callback-core';
import { createTestTracing } from '@agentops/llm-callback-core/testing';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentOpsLangChainHandler } from './index.js';

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());

const chain = { lc: 1, type: 'not_implemented', id: ['langchain_core', 'runnables', 'RunnableSequence'] } as never;
let handler: AgentOpsLangChainHandler;

beforeEach(() => {
  tracing.reset();
  handler = new AgentOpsLangChainHandler();
});

afterEach(() => {
  diag.disable();
  // Every case ends its runs: nothing may stay in the core or in the handler.
  expect(handler.stats()).toMatchObject({ inFlight: 0, handlerEntries: 0 });
});

/** A value that cannot become a string: `String(value)` throws. */
const unprintable = (): unknown => Object.create(null);

/** An array whose length cannot be read. */
function unreadableArray(): unknown[] {
  return new Proxy([1, 2], {
    get(target, key) {
      if (key === 'length') throw new Error('unreadable length');
      return Reflect.get(target, key);
    },
  });
}

/** A value whose every read throws something that cannot become a string. */
const trap = new Proxy(
  {},
  {
    get() {
      throw unprintable();
    },
    has() {
      throw unprintable();
    },
    ownKeys() {
      throw unprintable();
    },
    getPrototypeOf() {
      throw unprintable();
    },
    getOwnPropertyDescriptor() {
      throw unprintable();
    },
  },
);

/** The ended spans, by name. */
function spanNamed(name: string) {
  const found = tracing.spans().filter((span) => span.name === name);
  expect(found, `exactly one span named ${name}`).toHaveLength(1);
  return found[0] as (typeof found)[number];
}

describe('values that throw what cannot be turned into a string', () => {
  it('records the chain with the inputs it could read, and does not throw', () => {
    const inputs = {
      topic: 'cats',
      get question(): string {
        throw unprintable();
      },
    };
    expect(() => handler.handleChainStart(chain, inputs, 'run-1')).not.toThrow();
    handler.handleChainEnd({ output: 'done' }, 'run-1');
    const span = spanNamed('RunnableSequence.workflow');
    expect(span.attributes[ATTR.ENTITY_INPUT]).toContain('cats');
    expect(span.attributes[ATTR.ENTITY_OUTPUT]).toBe('done');
  });

  it('survives values that throw unprintable errors while a diag logger that throws is registered', () => {
    const throwing = () => {
      throw new Error('logger broke');
    };
    diag.setLogger(
      { error: throwing, warn: throwing, info: throwing, debug: throwing, verbose: throwing },
      DiagLogLevel.WARN,
    );
    const inputs = {
      get question(): string {
        throw unprintable();
      },
    };
    expect(() => handler.handleChainStart(chain, inputs, 'logged')).not.toThrow();
    expect(() => handler.handleChainEnd(trap, 'logged', trap, trap, trap)).not.toThrow();
    expect(() => handler.contextFor(trap)).not.toThrow();
    expect(() => handler.runInToolContext(trap, () => 1)).not.toThrow();
    expect(spanNamed('RunnableSequence.workflow').attributes[ATTR.ENTITY_OUTPUT]).toBeUndefined();
  });
});

describe('every run ends, whatever its end reports', () => {
  it('ends a chain run whose outputs cannot be read, without the output', () => {
    handler.handleChainStart(chain, { topic: 'cats' }, 'chain-1');
    expect(() => handler.handleChainEnd({ output: unreadableArray() }, 'chain-1')).not.toThrow();
    expect(handler.stats().inFlight).toBe(0);
    expect(spanNamed('RunnableSequence.workflow').attributes[ATTR.ENTITY_OUTPUT]).toBeUndefined();
  });

  it('keeps the readable part of chain outputs', () => {
    handler.handleChainStart(chain, { topic: 'cats' }, 'chain-2');
    const outputs = {
      answer: 'meow',
      get broken(): string {
        throw unprintable();
      },
    };
    handler.handleChainEnd(outputs, 'chain-2', undefined, undefined, { inputs: trap });
    expect(spanNamed('RunnableSequence.workflow').attributes[ATTR.ENTITY_OUTPUT]).toContain('meow');
  });

  it('ends every kind of run when its end or error value is a trap', () => {
    const llm = { lc: 1, type: 'constructor', id: ['langchain', 'chat_models', 'openai', 'ChatOpenAI'] } as never;
    handler.handleChainStart(chain, {}, 'c-end');
    handler.handleChainStart(chain, {}, 'c-err');
    handler.handleToolStart(chain, '{}', 't-end', undefined, undefined, undefined, 'search');
    handler.handleToolStart(chain, '{}', 't-err', undefined, undefined, undefined, 'search');
    handler.handleRetrieverStart(chain, 'q', 'r-end');
    handler.handleRetrieverStart(chain, 'q', 'r-err');
    handler.handleChatModelStart(llm, [[]], 'l-end');
    handler.handleChatModelStart(llm, [[]], 'l-err');
    expect(handler.stats().inFlight).toBe(8);
    const calls = [
      () => handler.handleChainEnd(trap, 'c-end', trap, trap, trap),
      () => handler.handleChainError(trap, 'c-err'),
      () => handler.handleToolEnd(trap, 't-end'),
      () => handler.handleToolError(trap, 't-err'),
      () => handler.handleRetrieverEnd(trap, 'r-end'),
      () => handler.handleRetrieverError(trap, 'r-err'),
      () => handler.handleLLMEnd(trap, 'l-end'),
      () => handler.handleLLMError(trap, 'l-err'),
    ];
    for (const call of calls) expect(call).not.toThrow();
    expect(handler.stats().inFlight).toBe(0);
    expect(tracing.spans()).toHaveLength(8);
  });

  it('starts a span for a run whose start arguments are all traps', () => {
    handler.handleChainStart(trap as never, trap, 'c-trap', undefined, trap, trap, trap, trap, trap);
    handler.handleToolStart(trap as never, trap, 't-trap', undefined, trap, trap, trap, trap);
    handler.handleRetrieverStart(trap as never, trap, 'r-trap', undefined, trap, trap, trap);
    expect(handler.stats().inFlight).toBe(3);
    handler.handleChainEnd({}, 'c-trap');
    handler.handleToolEnd('ok', 't-trap');
    handler.handleRetrieverEnd([], 'r-trap');
    expect(tracing.spans()).toHaveLength(3);
  });

  it('ends a run whose id was first reported as a hidden chain (a reused run id)', () => {
    handler.handleChainStart(chain, {}, 'reused', undefined, ['langsmith:hidden']);
    handler.handleToolStart(chain, '{}', 'reused', undefined, undefined, undefined, 'search');
    handler.handleChainEnd({ output: 'done' }, 'reused');
    expect(handler.stats().inFlight).toBe(0);
    expect(spanNamed('search.tool').attributes).toMatchObject({ 'tool.status': 'succeeded', 'tool.result': 'done' });
  });

  it('still drops a plain hidden chain without a span', () => {
    handler.handleChainStart(chain, {}, 'hidden', undefined, ['langsmith:hidden']);
    handler.handleChainEnd({ output: 'done' }, 'hidden');
    expect(tracing.spans()).toHaveLength(0);
  });
});

import { ATTR } from '@agentops/llm-callback-core';
import { createTestTracing, type SpanTreeNode, spanTree } from '@agentops/llm-callback-core/testing';
import { InMemoryCache } from '@langchain/core/caches';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { awaitAllCallbacks } from '@langchain/core/callbacks/promises';
import { Document } from '@langchain/core/documents';
import { AIMessage, AIMessageChunk, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda, RunnableSequence } from '@langchain/core/runnables';
import { fakeModel } from '@langchain/core/testing';
import { tool } from '@langchain/core/tools';
import { FakeListChatModel, FakeLLM, FakeRetriever, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { createAgent, FakeToolCallingModel } from 'langchain';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AgentOpsLangChainHandler, runInToolContext } from './index.js';

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
const tracer = tracing.tracer;
let handler: AgentOpsLangChainHandler;

beforeEach(() => {
  tracing.reset();
  handler = new AgentOpsLangChainHandler();
});

afterEach(async () => {
  await awaitAllCallbacks();
  // Every scenario ends all of its runs: nothing may stay in the core or in the handler.
  expect(handler.stats()).toMatchObject({ inFlight: 0, handlerEntries: 0 });
});

afterAll(() => tracing.shutdown());

/** Runs `fn` inside an active span named `name`, like a web request handler would. */
function inSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

/** The span tree under the single root (the request span), reduced to names and children. */
function shape(node: SpanTreeNode): unknown {
  return node.children.length > 0 ? { [node.name]: node.children.map(shape) } : node.name;
}

function roots(): SpanTreeNode[] {
  return spanTree(tracing.spans());
}

function find(name: string, nodes: SpanTreeNode[] = roots()): SpanTreeNode[] {
  return nodes.flatMap((node) => [...(node.name === name ? [node] : []), ...find(name, node.children)]);
}

function only(name: string): SpanTreeNode {
  const found = find(name);
  expect(found, `exactly one span named ${name}`).toHaveLength(1);
  return found[0] as SpanTreeNode;
}

const adder = tool(async ({ a, b }: { a: number; b: number }) => String(a + b), {
  name: 'add',
  description: 'Adds two numbers',
  schema: z.object({ a: z.number(), b: z.number() }),
});
const multiplier = tool(async ({ a, b }: { a: number; b: number }) => String(a * b), {
  name: 'mul',
  description: 'Multiplies two numbers',
  schema: z.object({ a: z.number(), b: z.number() }),
});

function sequence(model = new FakeListChatModel({ responses: ['Cats are great'] })) {
  return RunnableSequence.from([
    ChatPromptTemplate.fromMessages([
      ['system', 'Be brief'],
      ['human', 'Tell me about {topic}'],
    ]),
    model,
    new StringOutputParser(),
  ]);
}

describe('chains', () => {
  it('nests a prompt → model → parser sequence under the span active at invoke', async () => {
    const result = await inSpan('request', () => sequence().invoke({ topic: 'cats' }, { callbacks: [handler] }));
    expect(result).toBe('Cats are great');
    expect(roots().map(shape)).toEqual([
      { request: [{ 'RunnableSequence.workflow': ['ChatPromptTemplate.task', 'chat.llm', 'StrOutputParser.task'] }] },
    ]);
    expect(only('RunnableSequence.workflow').attributes).toMatchObject({
      [ATTR.SPAN_KIND]: 'workflow',
      [ATTR.FRAMEWORK]: 'langchain',
      [ATTR.ENTITY_INPUT]: '{"topic":"cats"}',
      [ATTR.ENTITY_OUTPUT]: 'Cats are great',
    });
    expect(only('ChatPromptTemplate.task').attributes[ATTR.ENTITY_OUTPUT]).toBe(
      '[{"role":"system","content":"Be brief"},{"role":"user","content":"Tell me about cats"}]',
    );
    expect(only('chat.llm').attributes).toMatchObject({
      [ATTR.SPAN_KIND]: 'llm',
      [ATTR.OPERATION_NAME]: 'chat',
      [ATTR.PROVIDER_NAME]: 'fakelistchatmodel',
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': 'Be brief',
      'gen_ai.prompt.1.role': 'user',
      'gen_ai.prompt.1.content': 'Tell me about cats',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': 'Cats are great',
    });
    // FakeListChatModel ids are LangChain's synthetic `run-…` ids, not provider response ids.
    expect(only('chat.llm').attributes[ATTR.RESPONSE_ID]).toBeUndefined();
  });

  it('reads handleChainStart in its runtime order, which differs from the type declaration', async () => {
    const calls: unknown[][] = [];
    const recorder = BaseCallbackHandler.fromMethods({
      handleChainStart: (...args: unknown[]) => {
        calls.push(args);
      },
    });
    await sequence().invoke({ topic: 'cats' }, { callbacks: [recorder, handler] });
    const [root, prompt] = calls;
    // (chain, inputs, runId, parentRunId, tags, metadata, runType, runName, extra)
    expect(root?.[3]).toBeUndefined();
    expect(prompt?.[3]).toBe(root?.[2]);
    expect(prompt?.[6]).toBe('prompt');
    expect(prompt?.[7]).toBe('ChatPromptTemplate');
    // The handler read the parent from position 4: the prompt span is a child of the sequence span.
    const sequenceSpan = only('RunnableSequence.workflow');
    expect(sequenceSpan.children.map((child) => child.name)).toContain('ChatPromptTemplate.task');
  });

  it('skips hidden runs and attaches their children to the hidden run’s parent', async () => {
    const model = new FakeListChatModel({ responses: ['ok'] });
    const hidden = RunnableLambda.from(async (input: string, config) => model.invoke(input, config)).withConfig({
      tags: ['langsmith:hidden'],
    });
    const outer = RunnableLambda.from(async (input: string, config) => hidden.invoke(input, config)).withConfig({
      runName: 'outer',
    });
    await inSpan('request', () => outer.invoke('hi', { callbacks: [handler] }));
    expect(roots().map(shape)).toEqual([{ request: [{ 'outer.workflow': ['chat.llm'] }] }]);
  });

  it('records a failing chain step as an error on it and on its ancestors', async () => {
    const failing = RunnableLambda.from(() => {
      throw new TypeError('bad step');
    }).withConfig({ runName: 'step' });
    const chain = RunnableSequence.from([RunnableLambda.from((x: string) => x), failing]);
    await expect(inSpan('request', () => chain.invoke('x', { callbacks: [handler] }))).rejects.toThrow('bad step');
    for (const name of ['step.task', 'RunnableSequence.workflow']) {
      const span = only(name);
      expect(span.status).toBe('ERROR');
      expect(span.attributes[ATTR.ERROR_TYPE]).toBe('TypeError');
    }
  });
});

describe('chat models and LLMs', () => {
  it('maps usage, response id, response model and finish reason from the result message', async () => {
    const model = fakeModel().respond(
      new AIMessage({
        content: 'Paris',
        id: 'chatcmpl-42',
        usage_metadata: {
          input_tokens: 20,
          output_tokens: 5,
          total_tokens: 25,
          input_token_details: { cache_read: 8 },
          output_token_details: { reasoning: 2 },
        },
        response_metadata: { finish_reason: 'stop', model_name: 'gpt-4o-2024-08-06' },
      }),
    );
    await inSpan('request', () => model.invoke('Capital of France?', { callbacks: [handler] }));
    const [request] = roots();
    const llm = request?.children[0];
    expect(llm?.attributes).toMatchObject({
      [ATTR.RESPONSE_ID]: 'chatcmpl-42',
      [ATTR.RESPONSE_MODEL]: 'gpt-4o-2024-08-06',
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.USAGE_INPUT_TOKENS]: 20,
      [ATTR.USAGE_OUTPUT_TOKENS]: 5,
      [ATTR.USAGE_CACHE_READ_INPUT_TOKENS]: 8,
      [ATTR.USAGE_REASONING_OUTPUT_TOKENS]: 2,
      'gen_ai.completion.0.content': 'Paris',
    });
    expect(llm?.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeUndefined();
  });

  it('records streaming chunks and time to first chunk', async () => {
    const model = new FakeListChatModel({ responses: ['abc'] });
    let text = '';
    await inSpan('request', async () => {
      for await (const chunk of await model.stream('hi', { callbacks: [handler] })) text += String(chunk.content);
    });
    expect(text).toBe('abc');
    const llm = only('chat.llm');
    expect(llm.attributes[ATTR.STREAMING_CHUNK_COUNT]).toBe(3);
    expect(llm.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeTypeOf('number');
  });

  it('records chunks that carry message chunks, including a streamed tool call', async () => {
    const model = new FakeStreamingChatModel({
      sleep: 0,
      chunks: [
        new AIMessageChunk({ content: 'Let me ' }),
        new AIMessageChunk({ content: 'check.' }),
        new AIMessageChunk({
          content: '',
          tool_call_chunks: [{ name: 'lookup', args: '{"id":7}', id: 'call_s', index: 0, type: 'tool_call_chunk' }],
        }),
      ],
    });
    await inSpan('request', async () => {
      for await (const _chunk of await model.stream('hi', { callbacks: [handler] })) {
        // consume the whole stream
      }
    });
    expect(only('chat.llm').attributes).toMatchObject({
      [ATTR.STREAMING_CHUNK_COUNT]: 3,
      'gen_ai.completion.0.content': 'Let me check.',
      'gen_ai.completion.0.tool_calls.0.name': 'lookup',
      'gen_ai.completion.0.tool_calls.0.id': 'call_s',
    });
    expect(only('chat.llm').attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeTypeOf('number');
  });

  it('traces a chain streamed to the end', async () => {
    let text = '';
    await inSpan('request', async () => {
      const stream = await sequence(new FakeListChatModel({ responses: ['streamed'] })).stream(
        { topic: 'cats' },
        { callbacks: [handler] },
      );
      for await (const chunk of stream) text += chunk;
    });
    expect(text).toBe('streamed');
    expect(roots().map(shape)).toEqual([
      { request: [{ 'RunnableSequence.workflow': ['ChatPromptTemplate.task', 'chat.llm', 'StrOutputParser.task'] }] },
    ]);
    expect(only('chat.llm').attributes[ATTR.STREAMING_CHUNK_COUNT]).toBe('streamed'.length);
    expect(only('chat.llm').attributes[ATTR.REQUEST_STREAM]).toBe(true);
    expect(only('RunnableSequence.workflow').attributes).toMatchObject({
      [ATTR.ENTITY_INPUT]: '{"topic":"cats"}',
      [ATTR.ENTITY_OUTPUT]: 'streamed',
    });
    // A streamed step starts with a placeholder input; its real input arrives with the end event.
    expect(only('StrOutputParser.task').attributes[ATTR.ENTITY_INPUT]).toBe(
      '{"role":"assistant","content":"streamed"}',
    );
  });

  it('records what streamed before a model fails mid-stream', () => {
    const chunk = (text: string) => ({ chunk: { text, message: new AIMessageChunk({ content: text }) } });
    handler.handleChatModelStart({ lc: 1, type: 'not_implemented', id: ['x', 'Model'] }, [[]], 'run-fail');
    handler.handleLLMNewToken('Hel', { prompt: 0, completion: 0 }, 'run-fail', undefined, undefined, chunk('Hel'));
    handler.handleLLMNewToken('lo', { prompt: 0, completion: 0 }, 'run-fail', undefined, undefined, chunk('lo'));
    handler.handleLLMError(new Error('connection reset'), 'run-fail');
    expect(only('chat.llm')).toMatchObject({
      status: 'ERROR',
      attributes: {
        [ATTR.ERROR_MESSAGE]: 'connection reset',
        [ATTR.STREAMING_CHUNK_COUNT]: 2,
        'gen_ai.completion.0.content': 'Hello',
      },
    });
  });

  it('does not count a cache hit or a whole output reported as one token as a stream', async () => {
    const cached = new FakeListChatModel({ responses: ['first', 'second'], cache: new InMemoryCache() });
    await cached.invoke('same', { callbacks: [handler] });
    await cached.invoke('same', { callbacks: [handler] });
    await new FakeLLM({ response: 'whole' }).invoke('q', { callbacks: [handler] });
    const spans = tracing.spans();
    expect(spans.map((span) => span.name)).toEqual(['chat.llm', 'chat.llm', 'text_completion.llm']);
    for (const span of spans) {
      expect(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeUndefined();
      expect(span.attributes[ATTR.STREAMING_CHUNK_COUNT]).toBeUndefined();
    }
    // The cache hit still records its (cached) output.
    expect(spans[1]?.attributes['gen_ai.completion.0.content']).toBe('first');
    expect(spans[2]?.attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: 'text_completion',
      'gen_ai.prompt.0.content': 'q',
    });
  });

  it('records a model error with its type and status', async () => {
    const model = new FakeListChatModel({ responses: ['x'] });
    await expect(
      inSpan('request', () => model.invoke('hi', { callbacks: [handler], thrownErrorString: 'model down' } as never)),
    ).rejects.toThrow('model down');
    const llm = only('chat.llm');
    expect(llm.status).toBe('ERROR');
    expect(llm.attributes[ATTR.ERROR_TYPE]).toBe('Error');
    expect(llm.attributes[ATTR.ERROR_MESSAGE]).toBe('model down');
  });

  it('marks usage LangChain estimated, and whether a failed call may be retried', () => {
    const llm = { lc: 1, type: 'not_implemented' as const, id: ['x', 'Legacy'] };
    handler.handleLLMStart(llm, ['q'], 'estimated');
    handler.handleLLMEnd(
      { generations: [[{ text: 'a' }]], llmOutput: { estimatedTokenUsage: { promptTokens: 3, completionTokens: 1 } } },
      'estimated',
    );
    handler.handleLLMStart(llm, ['q'], 'limited');
    handler.handleLLMError(Object.assign(new Error('slow down'), { lc_error_code: 'MODEL_RATE_LIMIT' }), 'limited');
    const [estimated, limited] = tracing.spans();
    expect(estimated?.attributes).toMatchObject({
      [ATTR.USAGE_INPUT_TOKENS]: 3,
      [ATTR.USAGE_OUTPUT_TOKENS]: 1,
      [ATTR.USAGE_ESTIMATED]: true,
    });
    expect(limited?.attributes).toMatchObject({ [ATTR.ERROR_CODE]: 'MODEL_RATE_LIMIT', [ATTR.ERROR_RETRYABLE]: true });
  });

  it('parents a model with constructor callbacks inside an untraced chain to the active span', async () => {
    const model = new FakeListChatModel({ responses: ['ok'], callbacks: [handler] });
    const chain = RunnableLambda.from(async (input: string, config) => model.invoke(input, config));
    await inSpan('request', () => chain.invoke('hi'));
    expect(roots().map(shape)).toEqual([{ request: ['chat.llm'] }]);
  });
});

describe('agents, tools and retrievers', () => {
  it('traces a createAgent agent that calls two tools', async () => {
    const model = new FakeToolCallingModel({
      toolCalls: [
        [
          { name: 'add', args: { a: 1, b: 2 }, id: 'call_1' },
          { name: 'mul', args: { a: 3, b: 4 }, id: 'call_2' },
        ],
        [],
      ],
    });
    const agent = createAgent({ model, tools: [adder, multiplier], name: 'calculator' });
    const result = await inSpan('request', () =>
      agent.invoke({ messages: [{ role: 'user', content: 'compute' }] }, { callbacks: [handler] }),
    );
    expect(result.messages.at(-1)?.content).toBe('compute-compute-3-12');
    expect(roots().map(shape)).toEqual([
      {
        request: [
          {
            'calculator.agent': [
              { 'model_request.task': ['chat.llm', 'RunnableLambda.task'] },
              { 'tools.task': ['add.tool'] },
              { 'tools.task': ['mul.tool'] },
              { 'model_request.task': ['chat.llm', 'RunnableLambda.task'] },
            ],
          },
        ],
      },
    ]);
    expect(only('calculator.agent').attributes).toMatchObject({
      [ATTR.SPAN_KIND]: 'agent',
      [ATTR.AGENT_NAME]: 'calculator',
      [ATTR.ENTITY_INPUT]: '{"messages":[{"role":"user","content":"compute"}]}',
    });
    expect(only('add.tool').attributes).toMatchObject({
      [ATTR.TOOL_NAME]: 'add',
      [ATTR.TOOL_ID]: 'call_1',
      [ATTR.TOOL_PARAMETERS]: '{"a":1,"b":2}',
      [ATTR.TOOL_RESULT]: '3',
      [ATTR.TOOL_STATUS]: 'succeeded',
    });
    expect(only('mul.tool').attributes).toMatchObject({ [ATTR.TOOL_ID]: 'call_2', [ATTR.TOOL_RESULT]: '12' });
    const [first, second] = find('chat.llm');
    expect(first?.attributes).toMatchObject({
      'gen_ai.completion.0.tool_calls.0.name': 'add',
      'gen_ai.completion.0.tool_calls.0.id': 'call_1',
      'gen_ai.completion.0.tool_calls.1.name': 'mul',
    });
    // The second model call sees both tool results, with their call ids.
    expect(second?.attributes).toMatchObject({
      'gen_ai.prompt.2.role': 'tool',
      'gen_ai.prompt.2.content': '3',
      'gen_ai.prompt.2.tool_call_id': 'call_1',
      'gen_ai.prompt.3.content': '12',
      'gen_ai.prompt.3.tool_call_id': 'call_2',
    });
  });

  it('records a tool that throws as an error on the tool span and every ancestor', async () => {
    const broken = tool(
      async () => {
        throw new RangeError('out of range');
      },
      { name: 'broken', description: 'Always fails', schema: z.object({}) },
    );
    const chain = RunnableLambda.from(async (_input: string, config) => broken.invoke({}, config)).withConfig({
      runName: 'uses_tool',
    });
    await expect(inSpan('request', () => chain.invoke('go', { callbacks: [handler] }))).rejects.toThrow('out of range');
    expect(roots().map(shape)).toEqual([{ request: [{ 'uses_tool.workflow': ['broken.tool'] }] }]);
    expect(only('broken.tool')).toMatchObject({
      status: 'ERROR',
      attributes: { [ATTR.ERROR_TYPE]: 'RangeError', [ATTR.TOOL_STATUS]: 'failed' },
    });
    expect(only('uses_tool.workflow').status).toBe('ERROR');
  });

  it('records a tool that reports an error message as failed', async () => {
    const quota = tool(
      async (_args, config) =>
        new ToolMessage({ content: 'quota exceeded', tool_call_id: String(config.toolCall?.id), status: 'error' }),
      { name: 'quota', description: 'Fails softly', schema: z.object({}) },
    );
    await quota.invoke({ name: 'quota', args: {}, id: 'call_q', type: 'tool_call' }, { callbacks: [handler] });
    expect(only('quota.tool')).toMatchObject({
      status: 'ERROR',
      attributes: {
        [ATTR.ERROR_TYPE]: 'ToolError',
        [ATTR.ERROR_MESSAGE]: 'quota exceeded',
        [ATTR.TOOL_STATUS]: 'failed',
      },
    });
  });

  it('keeps a tool that yields values alive and records its result', async () => {
    // Keep-alive only moves the idle deadline, so it is observed on the (private) recorder.
    // biome-ignore lint/complexity/useLiteralKeys: bracket access reaches the private member
    const touch = vi.spyOn(handler['recorder'], 'touch');
    const progress = tool(
      async function* ({ steps }: { steps: number }) {
        for (let step = 1; step <= steps; step++) yield `step ${step}`;
        return 'finished';
      },
      { name: 'progress', description: 'Reports progress', schema: z.object({ steps: z.number() }) },
    );
    const result = await inSpan('request', () => progress.invoke({ steps: 2 }, { callbacks: [handler] }));
    expect(result).toBe('finished');
    expect(only('progress.tool').attributes).toMatchObject({
      [ATTR.TOOL_PARAMETERS]: '{"steps":2}',
      [ATTR.TOOL_RESULT]: 'finished',
      [ATTR.TOOL_STATUS]: 'succeeded',
    });
    expect(touch).toHaveBeenCalledTimes(2);
  });

  it('traces a retriever with its query and documents', async () => {
    const retriever = new FakeRetriever({
      output: [
        new Document({ pageContent: 'Cats sleep a lot.', metadata: { source: 'cats.md' } }),
        new Document({ pageContent: 'Cats purr.', metadata: { source: 'purr.md' } }),
      ],
    });
    const docs = await inSpan('request', () => retriever.invoke('cat facts', { callbacks: [handler] }));
    expect(docs).toHaveLength(2);
    const span = only('FakeRetriever.operation');
    expect(span.attributes[ATTR.ENTITY_INPUT]).toBe('cat facts');
    expect(JSON.parse(String(span.attributes[ATTR.ENTITY_OUTPUT]))).toEqual([
      { content: 'Cats sleep a lot.', metadata: { source: 'cats.md' } },
      { content: 'Cats purr.', metadata: { source: 'purr.md' } },
    ]);
  });
});

describe('context', () => {
  it('keeps three concurrent invokes under their own parent spans', async () => {
    const model = new FakeListChatModel({ responses: ['r'], sleep: 5 });
    const chain = sequence(model);
    await Promise.all(
      ['A', 'B', 'C'].map((name) =>
        inSpan(`request ${name}`, () => chain.invoke({ topic: name }, { callbacks: [handler] })),
      ),
    );
    const trees = roots();
    expect(trees.map((node) => node.name).sort()).toEqual(['request A', 'request B', 'request C']);
    for (const request of trees) {
      const topic = request.name.slice(-1);
      expect(shape(request)).toEqual({
        [request.name]: [
          { 'RunnableSequence.workflow': ['ChatPromptTemplate.task', 'chat.llm', 'StrOutputParser.task'] },
        ],
      });
      const llm = find('chat.llm', [request])[0];
      expect(llm?.attributes['gen_ai.prompt.1.content']).toBe(`Tell me about ${topic}`);
    }
  });

  it('runs tool code with the tool span active through runInToolContext', async () => {
    const fetchLike = (name: string) =>
      tracer.startActiveSpan(name, (span) => {
        span.end();
        return name;
      });
    const search = tool(
      async ({ q }: { q: string }, config) => {
        const viaHandler = handler.runInToolContext(config, () => fetchLike(`GET ${q} (method)`));
        const viaFunction = runInToolContext(config, () => fetchLike(`GET ${q} (function)`));
        const plain = fetchLike(`GET ${q} (no helper)`);
        return [viaHandler, viaFunction, plain].join(',');
      },
      { name: 'search', description: 'Searches', schema: z.object({ q: z.string() }) },
    );
    await inSpan('request', () =>
      search.invoke({ name: 'search', args: { q: 'cats' }, id: 'call_9', type: 'tool_call' }, { callbacks: [handler] }),
    );
    const toolSpan = only('search.tool');
    expect(toolSpan.attributes[ATTR.TOOL_ID]).toBe('call_9');
    expect(toolSpan.children.map((child) => child.name).sort()).toEqual(['GET cats (function)', 'GET cats (method)']);
    // Without the helper, the span lands beside the tool span: LangChain never makes a run's span active.
    expect(
      only('request')
        .children.map((child) => child.name)
        .sort(),
    ).toEqual(['GET cats (no helper)', 'search.tool']);
  });

  it('runs the function unchanged when there is no traced run', () => {
    expect(runInToolContext(undefined, () => 42)).toBe(42);
    expect(handler.runInToolContext({ callbacks: {} }, () => 'x')).toBe('x');
    expect(() =>
      handler.runInToolContext('unknown-run', () => {
        throw new Error('user error');
      }),
    ).toThrow('user error');
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('abandoned runs', () => {
  it('ends a model stream abandoned with break when the enclosing root run ends', async () => {
    const model = new FakeListChatModel({ responses: ['abcdef'] });
    const consumer = RunnableLambda.from(async (input: string, config) => {
      for await (const _chunk of await model.stream(input, config)) break;
      return 'stopped early';
    }).withConfig({ runName: 'consumer' });
    await inSpan('request', () => consumer.invoke('hi', { callbacks: [handler] }));
    expect(roots().map(shape)).toEqual([{ request: [{ 'consumer.workflow': ['chat.llm'] }] }]);
    const llm = only('chat.llm');
    expect(llm.attributes).toMatchObject({ [ATTR.INCOMPLETE]: true, [ATTR.INCOMPLETE_REASON]: 'parent_ended' });
    // The incomplete span shows what had streamed before the break.
    const partial = String(llm.attributes['gen_ai.completion.0.content']);
    expect(partial.length).toBeGreaterThan(0);
    expect('abcdef'.startsWith(partial)).toBe(true);
    expect(only('consumer.workflow').attributes[ATTR.INCOMPLETE]).toBeUndefined();
  });

  it('keeps nothing for an abandoned stream whose spans are not sampled', async () => {
    const unsampled = new TracerProvider({ sampler: new AlwaysOffSampler() });
    handler = new AgentOpsLangChainHandler({ tracerProvider: unsampled });
    const model = new FakeListChatModel({ responses: ['abcdef'] });
    const consumer = RunnableLambda.from(async (input: string, config) => {
      for await (const _chunk of await model.stream(input, config)) break;
      return 'stopped early';
    });
    await consumer.invoke('hi', { callbacks: [handler] });
    // The model's stream state is dropped when the core ends its (unrecorded) entry with the root run.
    expect(handler.stats()).toMatchObject({ started: 2, ended: 2, inFlight: 0, handlerEntries: 0 });
    expect(tracing.spans()).toHaveLength(0);
  });

  it('expires the runs of a chain stream abandoned with break through the TTL', async () => {
    handler = new AgentOpsLangChainHandler({ inFlight: { ttlMs: 50 } });
    const chain = sequence(new FakeListChatModel({ responses: ['a long answer'] }));
    await inSpan('request', async () => {
      for await (const _chunk of await chain.stream({ topic: 'cats' }, { callbacks: [handler] })) break;
    });
    expect(handler.stats().inFlight).toBeGreaterThan(0);
    await vi.waitFor(() => expect(handler.stats().inFlight).toBe(0), { timeout: 5_000, interval: 20 });
    const workflow = only('RunnableSequence.workflow');
    expect(workflow.attributes).toMatchObject({ [ATTR.INCOMPLETE]: true, [ATTR.INCOMPLETE_REASON]: 'expired' });
    expect(handler.stats().expired).toBeGreaterThan(0);
  });
});

describe('handler object', () => {
  it('is configured to run inline, never to raise, and with a stable name', () => {
    expect(handler.awaitHandlers).toBe(true);
    expect(handler.raiseError).toBe(false);
    expect(handler.name).toBe('agentops_langchain');
    expect(handler.copy()).toBe(handler);
  });

  it('ends open runs with endAll', async () => {
    await handler.handleChainStart({ lc: 1, type: 'not_implemented', id: ['x', 'Manual'] }, {}, 'manual-run');
    expect(handler.stats().inFlight).toBe(1);
    handler.endAll('shutdown');
    expect(handler.stats().inFlight).toBe(0);
    expect(only('Manual.workflow').attributes[ATTR.INCOMPLETE_REASON]).toBe('shutdown');
  });

  it('honours the core options it is given', async () => {
    handler = new AgentOpsLangChainHandler({ captureContent: false });
    await sequence().invoke({ topic: 'secret' }, { callbacks: [handler] });
    const llm = only('chat.llm');
    expect(llm.attributes['gen_ai.prompt.1.content']).toBeUndefined();
    expect(only('RunnableSequence.workflow').attributes[ATTR.ENTITY_INPUT]).toBeUndefined();
  });

  it.each([
    ['captureContent: false', { captureContent: false }, undefined],
    ['AGENTOPS_CAPTURE_CONTENT=false', {}, 'false'],
  ] as const)('%s: tool schemas and request messages are never read', (name, options, env) => {
    if (env) vi.stubEnv('AGENTOPS_CAPTURE_CONTENT', env);
    handler = new AgentOpsLangChainHandler(options);
    vi.unstubAllEnvs();
    const reads: string[] = [];
    const watched = <T extends object>(label: string, value: T): T =>
      new Proxy(value, {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads.push(label);
          return Reflect.get(target, key, receiver);
        },
      });
    const tools = watched('tools', [{ type: 'function', function: { name: 'get_weather', parameters: {} } }]);
    const messages = watched('messages', [new AIMessage('earlier answer')]);
    handler.handleChatModelStart(
      { lc: 1, type: 'not_implemented', id: ['x', 'Model'] },
      [messages],
      `run-off ${name}`,
      undefined,
      {
        invocation_params: { model: 'gpt-4o', tools },
      },
    );
    handler.handleLLMEnd({ generations: [[{ text: 'ok' }]] }, `run-off ${name}`);
    expect(reads).toEqual([]);
    const attributes = only('gpt-4o.llm').attributes;
    expect(attributes[ATTR.REQUEST_MODEL]).toBe('gpt-4o');
    expect(
      Object.keys(attributes).filter((key) => /^gen_ai\.(prompt|completion|request\.functions)\./.test(key)),
    ).toEqual([]);
  });

  it('records the same call details without content when content capture is off', async () => {
    const answer = () =>
      fakeModel().respond(
        new AIMessage({
          content: 'Paris',
          id: 'chatcmpl-7',
          usage_metadata: { input_tokens: 9, output_tokens: 1, total_tokens: 10 },
          response_metadata: { finish_reason: 'stop', model_name: 'gpt-4o-2024-08-06' },
        }),
      );
    await answer().invoke('Capital of France?', { callbacks: [handler] });
    const full = only('chat.llm').attributes;
    tracing.reset();
    handler = new AgentOpsLangChainHandler({ captureContent: false });
    await answer().invoke('Capital of France?', { callbacks: [handler] });
    const off = only('chat.llm').attributes;
    expect(off).toMatchObject({
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.RESPONSE_ID]: 'chatcmpl-7',
      [ATTR.USAGE_TOTAL_TOKENS]: 10,
    });
    const content = /^gen_ai\.(prompt|completion)\.|^gen_ai\.(input|output)\.messages$/;
    expect(Object.keys(full).filter((key) => content.test(key)).length).toBeGreaterThan(0);
    expect(off).toEqual(Object.fromEntries(Object.entries(full).filter(([key]) => !content.test(key))));
  });

  it('records the message list a model received, whatever the message class', async () => {
    const messages: BaseMessage[] = [new AIMessage('earlier answer')];
    await new FakeListChatModel({ responses: ['ok'] }).invoke(messages, { callbacks: [handler] });
    expect(only('chat.llm').attributes['gen_ai.prompt.0.role']).toBe('assistant');
  });
});

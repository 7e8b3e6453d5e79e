import { ATTR } from '@agentops/llm-callback-core';
import { describe, expect, it } from 'vitest';
import {
  embeddingMessages,
  mapModelCallRequest,
  mapPerformance,
  promptOf,
  readRunContext,
  readToolCall,
  readToolOutcome,
  rerankOutputs,
  runKind,
  runName,
  toolDescriptions,
} from './map-telemetry.js';
import { CHUNK_GAP_PREFIX, RUNTIME_CONTEXT_PREFIX } from './telemetry-keys.js';

const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error('trap');
    },
    ownKeys() {
      throw new Error('trap');
    },
  },
);

describe('readRunContext', () => {
  it('reads metadata from runtimeContext.agentops and providerOptions.agentops over the base', () => {
    const context = readRunContext(
      {
        functionId: 'bot',
        operationId: 'ai.streamText',
        runtimeContext: {
          agentops: { userId: 'u', tags: ['a'], captureContent: false },
          plan: 'pro',
          limits: [1, 2],
          account: { id: 7 },
          callback: () => 1,
        },
        providerOptions: { agentops: { tags: ['b'], sessionId: 's' }, openai: { user: 'x' } },
      },
      { tags: ['base'], attributes: { team: 'core' } },
    );
    expect(context).toEqual({
      metadata: { userId: 'u', sessionId: 's', tags: ['base', 'a', 'b'], attributes: { team: 'core' } },
      captureContent: false,
      attributes: {
        [ATTR.AI_SDK_FUNCTION_ID]: 'bot',
        [ATTR.AI_SDK_OPERATION]: 'ai.streamText',
        [`${RUNTIME_CONTEXT_PREFIX}plan`]: 'pro',
        [`${RUNTIME_CONTEXT_PREFIX}limits`]: [1, 2],
        [`${RUNTIME_CONTEXT_PREFIX}account`]: '{"id":7}',
      },
    });
  });

  it('providerOptions.agentops.captureContent wins over the runtime context', () => {
    const context = readRunContext(
      {
        runtimeContext: { agentops: { captureContent: false } },
        providerOptions: { agentops: { captureContent: true } },
      },
      undefined,
    );
    expect(context.captureContent).toBe(true);
  });

  it('survives hostile and cyclic values', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(readRunContext(hostile, undefined)).toEqual({ attributes: {} });
    expect(readRunContext({ runtimeContext: { cyclic, bad: hostile } }, undefined)).toEqual({ attributes: {} });
    expect(readRunContext({ runtimeContext: hostile, providerOptions: hostile }, undefined)).toEqual({
      attributes: {},
    });
  });
});

describe('run naming', () => {
  it('names the run after its function id, else the operation', () => {
    expect(runName({ functionId: 'bot', operationId: 'ai.generateText' })).toBe('bot');
    expect(runName({ operationId: 'ai.streamText' })).toBe('streamText');
    expect(runName(undefined)).toBe('generateText');
  });

  it('is an agent with tools, else a workflow, unless told', () => {
    expect(runKind({ tools: { search: {} } }, undefined)).toBe('agent');
    expect(runKind({ tools: {} }, undefined)).toBe('workflow');
    expect(runKind({ tools: { search: {} } }, 'workflow')).toBe('workflow');
    expect(runKind(hostile, undefined)).toBe('workflow');
  });
});

describe('prompt and request', () => {
  it('puts instructions (string, message or list) before the messages', () => {
    const messages = [{ role: 'user', content: 'Hi' }];
    expect(promptOf({ instructions: 'Be brief.', messages })).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    const system = { role: 'system', content: 'A' };
    expect(promptOf({ instructions: system, messages })).toEqual([system, messages[0]]);
    expect(promptOf({ instructions: [system, system], messages: [] })).toEqual([system, system]);
    expect(promptOf(hostile)).toEqual([]);
  });

  it("maps the SDK's ModelMessages, settings, prepared tools and the step's tool choice", () => {
    const image = new Uint8Array([1, 2]);
    const mapped = mapModelCallRequest(
      {
        instructions: 'Be brief.',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', image },
              { type: 'image', image: new URL('https://x.test/a.png'), mediaType: 'image/png' },
              { type: 'file', data: { openai: 'file-1' }, mediaType: 'application/pdf' },
            ],
          },
        ],
        temperature: 0.3,
        maxOutputTokens: 50,
        stopSequences: ['END'],
        tools: [{ type: 'function', name: 'search', description: 'Search', inputSchema: { type: 'object' } }],
        providerOptions: { openai: {} },
      },
      { type: 'required' },
    );
    expect(mapped).toEqual({
      params: { temperature: 0.3, maxTokens: 50, stopSequences: ['END'], toolChoice: 'required' },
      tools: [{ name: 'search', type: 'function', description: 'Search', parameters: { type: 'object' } }],
      messages: [
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'What is this?' },
            { type: 'blob', modality: 'image', content: image },
            { type: 'uri', modality: 'image', mimeType: 'image/png', uri: 'https://x.test/a.png' },
            { type: 'file', modality: 'application', mimeType: 'application/pdf', fileId: 'file-1' },
          ],
        },
      ],
    });
  });
});

describe('mapPerformance', () => {
  it('turns milliseconds into seconds and keeps rates; drops what is missing or not finite', () => {
    expect(
      mapPerformance({
        responseTimeMs: 1500,
        timeToFirstOutputMs: 250,
        effectiveOutputTokensPerSecond: 40,
        effectiveTotalTokensPerSecond: Number.POSITIVE_INFINITY,
        outputTokensPerSecond: undefined,
        inputTokensPerSecond: Number.NaN,
        timeBetweenOutputChunksMs: { min: 1, p10: 2, median: 5, avg: 6, p90: 10, max: 20 },
      }),
    ).toEqual({
      [ATTR.PERFORMANCE_RESPONSE_TIME]: 1.5,
      [ATTR.PERFORMANCE_TIME_TO_FIRST_OUTPUT]: 0.25,
      [ATTR.PERFORMANCE_EFFECTIVE_OUTPUT_TOKENS_PER_SECOND]: 40,
      [`${CHUNK_GAP_PREFIX}min`]: 0.001,
      [`${CHUNK_GAP_PREFIX}p10`]: 0.002,
      [`${CHUNK_GAP_PREFIX}median`]: 0.005,
      [`${CHUNK_GAP_PREFIX}avg`]: 0.006,
      [`${CHUNK_GAP_PREFIX}p90`]: 0.01,
      [`${CHUNK_GAP_PREFIX}max`]: 0.02,
    });
    expect(mapPerformance(hostile)).toEqual({});
    expect(mapPerformance({ responseTimeMs: -1 })).toEqual({});
  });
});

describe('tools', () => {
  it('reads the tool call, its outcome and the tool descriptions', () => {
    const call = { toolCall: { toolCallId: 'c1', toolName: 'search', input: { q: 'x' }, dynamic: true } };
    expect(readToolCall(call)).toEqual({ name: 'search', callId: 'c1', input: { q: 'x' }, dynamic: true });
    expect(readToolCall({ toolCallId: 'c2' })).toEqual({
      name: 'tool',
      callId: 'c2',
      input: undefined,
      dynamic: false,
    });
    expect(readToolOutcome({ toolOutput: { type: 'tool-result', output: 3 } })).toEqual({ failed: false, output: 3 });
    const error = new Error('x');
    expect(readToolOutcome({ toolOutput: { type: 'tool-error', error } })).toEqual({ failed: true, error });
    expect(toolDescriptions({ tools: { a: { description: 'A' }, b: {} } })).toEqual(new Map([['a', 'A']]));
    expect(toolDescriptions(hostile)).toEqual(new Map());
  });
});

describe('embeddings and rerank', () => {
  it('one user message per embedded value; the ranking as JSON', () => {
    expect(embeddingMessages({ values: ['a', 3, 'b'] })).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'a' }] },
      { role: 'user', parts: [{ type: 'text', content: 'b' }] },
    ]);
    expect(rerankOutputs({ ranking: [{ index: 2, relevanceScore: 0.5 }, { index: 'x' }] })).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: '[{"index":2,"relevanceScore":0.5}]' }] },
    ]);
    expect(rerankOutputs({ ranking: [] })).toBeUndefined();
    expect(embeddingMessages(hostile)).toEqual([]);
  });
});

/*
 * The real `@ai-sdk/openai` provider over HTTP (JSON and SSE) against the deterministic mock server, through ai@7.
 * (`@ai-sdk/openai@4` is a V4 provider; the ai@5 and ai@6 paths are covered with their own mock models.)
 */
import { ATTR } from '@agentops/llm-callback-core';
import { createTestTracing, type SpanTreeNode, spanTree } from '@agentops/llm-callback-core/testing';
import { type MockLlm, startMockLlm } from '@agentops-internal/mock-llm';
import { createOpenAI } from '@ai-sdk/openai';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { generateText, isStepCount, jsonSchema, streamText, tool, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { agentopsMiddleware } from './index.js';

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
let mock: MockLlm;
let openai: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  mock = await startMockLlm();
  openai = createOpenAI({ baseURL: mock.url, apiKey: 'sk-test-not-a-real-key-0000000000' });
});
afterAll(async () => {
  await mock.close();
  await tracing.shutdown();
});
beforeEach(() => {
  mock.reset();
  tracing.reset();
});

function roots(keys: readonly string[]): SpanTreeNode[] {
  return spanTree(tracing.spans(), { attributes: keys });
}

const weather = tool({
  description: 'Weather for a city',
  inputSchema: jsonSchema<{ city: string }>({
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  }),
  execute: async ({ city }) => `Sunny in ${city}`,
});

describe('@ai-sdk/openai chat completions (openai.chat)', () => {
  it('generateText: provider, server, usage with cached tokens, response id and model', async () => {
    const model = wrapLanguageModel({ model: openai.chat('mock-cached-3'), middleware: agentopsMiddleware() });
    const result = await generateText({ model, prompt: 'hello there', temperature: 0 });
    expect(result.text).toBe('Echo: hello there');
    expect(roots([])).toHaveLength(1);
    expect(tracing.spans()[0]?.attributes).toMatchObject({
      [ATTR.PROVIDER_NAME]: 'openai',
      [ATTR.SYSTEM]: 'openai',
      [ATTR.REQUEST_MODEL]: 'mock-cached-3',
      [ATTR.REQUEST_TEMPERATURE]: 0,
      [ATTR.SERVER_ADDRESS]: '127.0.0.1',
      [ATTR.SERVER_PORT]: mock.port,
      [ATTR.RESPONSE_ID]: 'chatcmpl-mock-1',
      [ATTR.USAGE_INPUT_TOKENS]: 5,
      [ATTR.USAGE_CACHE_READ_INPUT_TOKENS]: 3,
      [ATTR.USAGE_OUTPUT_TOKENS]: 3,
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      'gen_ai.completion.0.content': 'Echo: hello there',
    });
    expect(JSON.stringify(tracing.spans()[0]?.attributes)).not.toContain('sk-test');
  });

  it('streamText over SSE: deltas pass through; timing, reasoning tokens and usage land on the span', async () => {
    const model = wrapLanguageModel({ model: openai.chat('mock-reasoning-2'), middleware: agentopsMiddleware() });
    const result = streamText({ model, prompt: 'one two three' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.join('')).toBe('Echo: one two three');
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(1));
    const attributes = tracing.spans()[0]?.attributes ?? {};
    expect(attributes).toMatchObject({
      [ATTR.REQUEST_STREAM]: true,
      [ATTR.USAGE_INPUT_TOKENS]: 3,
      [ATTR.USAGE_OUTPUT_TOKENS]: 6,
      [ATTR.USAGE_REASONING_OUTPUT_TOKENS]: 2,
      'gen_ai.completion.0.content': 'Echo: one two three',
    });
    expect(attributes[ATTR.STREAMING_CHUNK_COUNT]).toBeGreaterThanOrEqual(4);
    expect(attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeTypeOf('number');
  });

  it('a tool loop: two LLM spans, the second with the tool result in its prompt', async () => {
    const model = wrapLanguageModel({ model: openai.chat('mock-model'), middleware: agentopsMiddleware() });
    const result = await generateText({ model, prompt: 'weather?', tools: { weather }, stopWhen: isStepCount(3) });
    expect(result.text).toBe('Tool result: Sunny in mock');
    const [first, second] = roots([
      'gen_ai.completion.0.tool_calls.0.name',
      'gen_ai.completion.0.tool_calls.0.arguments',
      'gen_ai.prompt.2.role',
      'gen_ai.prompt.2.content',
      'gen_ai.request.functions.0.name',
    ]);
    expect(first?.attributes).toEqual({
      'gen_ai.completion.0.tool_calls.0.name': 'weather',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"mock"}',
      'gen_ai.request.functions.0.name': 'weather',
    });
    expect(second?.attributes).toMatchObject({
      'gen_ai.prompt.2.role': 'tool',
      'gen_ai.prompt.2.content': 'Sunny in mock',
    });
  });

  it('429 twice, then success: three spans, each failed attempt with its status', async () => {
    const model = wrapLanguageModel({ model: openai.chat('mock-flaky-2'), middleware: agentopsMiddleware() });
    const result = await generateText({ model, prompt: 'hi', maxRetries: 2 });
    expect(result.text).toBe('Echo: hi');
    expect(mock.requests.map((request) => request.status)).toEqual([429, 429, 200]);
    const spans = roots([ATTR.HTTP_STATUS_CODE, ATTR.RETRY_ATTEMPT, ATTR.ERROR_TYPE, 'agentops.error.retryable']);
    expect(spans.map((span) => [span.status, span.attributes])).toEqual([
      [
        'ERROR',
        {
          [ATTR.HTTP_STATUS_CODE]: 429,
          [ATTR.ERROR_TYPE]: 'AI_APICallError',
          'agentops.error.retryable': true,
        },
      ],
      [
        'ERROR',
        {
          [ATTR.HTTP_STATUS_CODE]: 429,
          [ATTR.RETRY_ATTEMPT]: 1,
          [ATTR.ERROR_TYPE]: 'AI_APICallError',
          'agentops.error.retryable': true,
        },
      ],
      ['UNSET', { [ATTR.RETRY_ATTEMPT]: 2 }],
    ]);
  });

  it('a connection cut mid-stream ends the span as an error, with the text so far', async () => {
    const model = wrapLanguageModel({ model: openai.chat('mock-cut-2'), middleware: agentopsMiddleware() });
    const result = streamText({ model, prompt: 'one two three four', onError: () => {} });
    const texts: string[] = [];
    // ai@7 rethrows the stream's error from fullStream.
    const thrown = await (async () => {
      for await (const part of result.fullStream) if (part.type === 'text-delta') texts.push(part.text);
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(Error);
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(1));
    const [span] = roots([ATTR.ERROR_TYPE, ATTR.ERROR_MESSAGE, 'gen_ai.completion.0.content']);
    expect(span?.status).toBe('ERROR');
    expect(span?.attributes[ATTR.ERROR_MESSAGE]).toBe((thrown as Error).message);
    expect(span?.attributes['gen_ai.completion.0.content']).toBe(texts.join(''));
  });

  it('aborting a hung stream ends the span as an AbortError', async () => {
    const model = wrapLanguageModel({ model: openai.chat('mock-hang-2'), middleware: agentopsMiddleware() });
    const controller = new AbortController();
    const result = streamText({ model, prompt: 'one two three', abortSignal: controller.signal, onError: () => {} });
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') controller.abort();
    }
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(1));
    const [span] = roots([ATTR.ERROR_TYPE]);
    expect(span).toMatchObject({ status: 'ERROR', attributes: { [ATTR.ERROR_TYPE]: 'AbortError' } });
  });
});

describe('@ai-sdk/openai Responses API (openai())', () => {
  it('generateText and streamText record the same call the same way', async () => {
    const model = wrapLanguageModel({ model: openai('mock-cached-1'), middleware: agentopsMiddleware() });
    await generateText({ model, system: 'Be brief.', prompt: 'hello' });
    await streamText({ model, system: 'Be brief.', prompt: 'hello' }).text;
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(2));
    const keys = [
      ATTR.REQUEST_MODEL,
      ATTR.RESPONSE_ID,
      ATTR.USAGE_INPUT_TOKENS,
      ATTR.USAGE_CACHE_READ_INPUT_TOKENS,
      ATTR.USAGE_OUTPUT_TOKENS,
      'gen_ai.prompt.0.role',
      'gen_ai.prompt.0.content',
      'gen_ai.completion.0.content',
    ];
    const [generated, streamed] = roots(keys);
    expect(generated?.attributes).toEqual({
      [ATTR.REQUEST_MODEL]: 'mock-cached-1',
      [ATTR.RESPONSE_ID]: 'resp_mock_1',
      [ATTR.USAGE_INPUT_TOKENS]: 4,
      [ATTR.USAGE_CACHE_READ_INPUT_TOKENS]: 1,
      [ATTR.USAGE_OUTPUT_TOKENS]: 2,
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': 'Be brief.',
      'gen_ai.completion.0.content': 'Echo: hello',
    });
    expect(streamed?.attributes).toEqual({ ...generated?.attributes, [ATTR.RESPONSE_ID]: 'resp_mock_2' });
  });
});

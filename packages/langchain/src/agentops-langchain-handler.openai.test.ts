import { ATTR } from '@agentops/llm-callback-core';
import { createTestTracing, type ReadableSpanLike } from '@agentops/llm-callback-core/testing';
import { type MockLlm, startMockLlm } from '@agentops-internal/mock-llm';
import { ChatOpenAI } from '@langchain/openai';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentOpsLangChainHandler } from './index.js';

// The real ChatOpenAI talking HTTP to the local mock LLM server.
const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
let mock: MockLlm;
let handler: AgentOpsLangChainHandler;

beforeAll(async () => {
  mock = await startMockLlm();
});
afterAll(async () => {
  await mock.close();
  await tracing.shutdown();
});
beforeEach(() => {
  mock.reset();
  tracing.reset();
  handler = new AgentOpsLangChainHandler();
});

function chat(model: string): ChatOpenAI {
  return new ChatOpenAI({ model, apiKey: 'sk-test', maxRetries: 0, configuration: { baseURL: mock.url } });
}

function onlySpan(): ReadableSpanLike {
  const spans = tracing.spans();
  expect(spans).toHaveLength(1);
  return spans[0] as ReadableSpanLike;
}

describe('ChatOpenAI over HTTP', () => {
  it('streams with usage in the last chunk', async () => {
    let text = '';
    for await (const chunk of await chat('mock-model-chunks-4').stream('one two', { callbacks: [handler] })) {
      text += String(chunk.content);
    }
    expect(text.length).toBeGreaterThan(0);
    const span = onlySpan();
    expect(span.name).toBe('mock-model-chunks-4.llm');
    expect(span.attributes).toMatchObject({
      [ATTR.PROVIDER_NAME]: 'openai',
      [ATTR.SYSTEM]: 'openai',
      [ATTR.REQUEST_MODEL]: 'mock-model-chunks-4',
      [ATTR.RESPONSE_MODEL]: 'mock-model-chunks-4',
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.STREAMING_CHUNK_COUNT]: 4,
      'gen_ai.prompt.0.content': 'one two',
      'gen_ai.completion.0.content': text,
    });
    expect(span.attributes[ATTR.RESPONSE_ID]).toMatch(/^chatcmpl-/);
    expect(span.attributes[ATTR.USAGE_INPUT_TOKENS]).toBeGreaterThan(0);
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBeGreaterThan(0);
    expect(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeTypeOf('number');
    expect(handler.stats()).toMatchObject({ inFlight: 0, handlerEntries: 0 });
  });

  it('records request parameters, cache and reasoning usage on a non-streamed call', async () => {
    const model = new ChatOpenAI({
      model: 'mock-cached-2-reasoning-3',
      apiKey: 'sk-test',
      maxRetries: 0,
      temperature: 0.3,
      topP: 0.8,
      maxTokens: 50,
      configuration: { baseURL: mock.url },
    });
    await model.invoke(
      [
        { role: 'system', content: 'Be exact' },
        { role: 'user', content: 'hello world' },
      ],
      {
        callbacks: [handler],
      },
    );
    const span = onlySpan();
    expect(span.attributes).toMatchObject({
      [ATTR.REQUEST_TEMPERATURE]: 0.3,
      [ATTR.REQUEST_TOP_P]: 0.8,
      [ATTR.REQUEST_MAX_TOKENS]: 50,
      [ATTR.USAGE_CACHE_READ_INPUT_TOKENS]: 2,
      [ATTR.USAGE_REASONING_OUTPUT_TOKENS]: 3,
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.1.role': 'user',
    });
    expect(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeUndefined();
  });

  it('records tool definitions and the tool call the model makes', async () => {
    const model = chat('mock-model').bindTools([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ]);
    await model.invoke('weather?', { callbacks: [handler] });
    expect(onlySpan().attributes).toMatchObject({
      'gen_ai.request.functions.0.name': 'get_weather',
      'gen_ai.request.functions.0.description': 'Weather for a city',
      'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
      'gen_ai.completion.0.tool_calls.0.id': 'call_mock_1',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"mock"}',
      [ATTR.RESPONSE_FINISH_REASONS]: ['tool_call'],
    });
  });

  it('records a provider error with its type and HTTP status', async () => {
    await expect(chat('mock-error-429').invoke('hi', { callbacks: [handler] })).rejects.toThrow();
    const span = onlySpan();
    expect(span.status.code).toBe(2);
    expect(span.attributes).toMatchObject({
      [ATTR.ERROR_TYPE]: 'RateLimitError',
      [ATTR.HTTP_STATUS_CODE]: 429,
    });
    expect(handler.stats()).toMatchObject({ inFlight: 0, handlerEntries: 0 });
  });
});

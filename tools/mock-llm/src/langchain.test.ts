import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockLlm, startMockLlm } from './server.ts';
import { isRecord } from './text.ts';

let mock: MockLlm;

beforeAll(async () => {
  mock = await startMockLlm();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

function chat(model: string, maxRetries = 2): ChatOpenAI {
  return new ChatOpenAI({ model, configuration: { baseURL: mock.url }, apiKey: 'test', streamUsage: true, maxRetries });
}

describe('@langchain/openai ChatOpenAI against the mock', () => {
  it('invoke: content, usage_metadata with cache reads, response metadata', async () => {
    const message = await chat('mock-cached-2').invoke('hello world');
    expect(message.content).toBe('Echo: hello world');
    expect(message.usage_metadata).toMatchObject({
      input_tokens: 4,
      output_tokens: 3,
      total_tokens: 7,
      input_token_details: { cache_read: 2 },
      output_token_details: { reasoning: 0 },
    });
    expect(message.response_metadata).toMatchObject({ model_name: 'mock-cached-2', finish_reason: 'stop' });
    expect(message.id).toBe('chatcmpl-mock-1');
    expect(mock.requests[0]?.path).toBe('/v1/chat/completions');
  });

  it('stream: content chunks, usage in the last chunk', async () => {
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await chat('mock-model').stream('one two')) chunks.push(chunk);
    expect(chunks.map((c) => c.content).join('')).toBe('Echo: one two');
    const last = chunks.at(-1);
    expect(last?.content).toBe('');
    expect(last?.usage_metadata).toMatchObject({ input_tokens: 2, output_tokens: 3, total_tokens: 5 });
    const body = mock.requests[0]?.body;
    expect(isRecord(body) && body.stream_options).toEqual({ include_usage: true });
  });

  it('bindTools: the model answers with a tool call', async () => {
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
    const message = await model.invoke('weather?');
    expect(message.tool_calls).toEqual([
      { name: 'get_weather', args: { city: 'mock' }, id: 'call_mock_1', type: 'tool_call' },
    ]);
  });

  it('streams a tool call as tool_call_chunks', async () => {
    const model = chat('mock-model').bindTools([
      { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } },
    ]);
    let merged: AIMessageChunk | undefined;
    for await (const chunk of await model.stream('x')) merged = merged ? merged.concat(chunk) : chunk;
    expect(merged?.tool_calls?.map((c) => [c.name, c.args])).toEqual([['lookup', {}]]);
  });

  it('raises the 429 of mock-error-429 when retries are off', async () => {
    const error = await chat('mock-error-429', 0)
      .invoke('hi')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isRecord(error) && error.status).toBe(429);
    expect(mock.requests).toHaveLength(1);
  });

  it('retries mock-flaky-1 through the LangChain AsyncCaller (its own ~1 s backoff)', async () => {
    const message = await chat('mock-flaky-1').invoke('hi');
    expect(message.content).toBe('Echo: hi');
    expect(mock.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('OpenAIEmbeddings decodes the base64 vectors', async () => {
    const embeddings = new OpenAIEmbeddings({
      model: 'text-embedding-3-small',
      dimensions: 4,
      apiKey: 'test',
      configuration: { baseURL: mock.url },
    });
    const [vector] = await embeddings.embedDocuments(['a b']);
    expect(vector).toHaveLength(4);
    expect(Math.hypot(...(vector ?? []))).toBeCloseTo(1, 5);
  });
});

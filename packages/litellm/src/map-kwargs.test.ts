import { describe, expect, it } from 'vitest';
import failureKwargs from './__fixtures__/kwargs-failure-retries.json' with { type: 'json' };
import streamKwargs from './__fixtures__/kwargs-stream-success.json' with { type: 'json' };
import {
  callKeyOf,
  firstChunk,
  mapKwargsCall,
  mapOperation,
  mapParams,
  mapServer,
  mapTags,
  startFromKwargs,
} from './map-kwargs.js';
import { resolveStart } from './test-support/resolve-start.js';

const ISO = (text: string) => Date.parse(text);
/** The start event as the core sees it for a span that records content (the messages built). */
const startOf = (...args: Parameters<typeof startFromKwargs>) => resolveStart(startFromKwargs(...args));

describe('mapParams', () => {
  it.each<[string, unknown, unknown]>([
    [
      'every OpenAI parameter',
      {
        temperature: 0.2,
        max_tokens: 512,
        top_p: 1,
        top_k: 40,
        frequency_penalty: 0,
        presence_penalty: 0.5,
        stop: ['END', 3],
        seed: 7,
        n: 2,
        response_format: { type: 'json_schema', json_schema: {} },
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      },
      {
        temperature: 0.2,
        maxTokens: 512,
        topP: 1,
        topK: 40,
        frequencyPenalty: 0,
        presencePenalty: 0.5,
        stopSequences: ['END'],
        seed: 7,
        choiceCount: 2,
        responseFormat: 'json',
        toolChoice: 'get_weather',
      },
    ],
    [
      'max_completion_tokens and a stop string',
      { max_completion_tokens: 300, stop: '###', tool_choice: 'auto' },
      {
        maxTokens: 300,
        stopSequences: ['###'],
        toolChoice: 'auto',
      },
    ],
    [
      'Responses-API max_output_tokens',
      { max_output_tokens: 400, response_format: 'text' },
      { maxTokens: 400, responseFormat: 'text' },
    ],
    ['null numbers are dropped', { temperature: null, max_tokens: null, top_p: 'x', seed: Number.NaN }, undefined],
    ['"MaxDepthExceeded"', 'MaxDepthExceeded', undefined],
  ])('maps %s', (_name, input, expected) => {
    expect(mapParams(input)).toEqual(expected);
  });
});

describe('small readers', () => {
  it.each([
    ['acompletion', 'chat'],
    ['aresponses', 'chat'],
    ['anthropic_messages', 'chat'],
    ['atext_completion', 'text_completion'],
    ['aembedding', 'embeddings'],
    ['arerank', 'rerank'],
    ['pass_through_endpoint', undefined],
    ['toString', undefined],
    [null, undefined],
  ])('operation of call_type %s is %s', (callType, operation) => {
    expect(mapOperation(callType)).toBe(operation);
  });

  it.each<[unknown, unknown]>([
    ['https://api.openai.com/v1', { serverAddress: 'api.openai.com', serverPort: 443 }],
    ['http://localhost:4000/', { serverAddress: 'localhost', serverPort: 4000 }],
    ['http://10.0.0.5/v1', { serverAddress: '10.0.0.5', serverPort: 80 }],
    ['not a url', {}],
    [null, {}],
  ])('server of %s', (apiBase, expected) => {
    expect(mapServer(apiBase)).toEqual(expected);
  });

  it('drops the User-Agent tags LiteLLM adds, and non-strings', () => {
    expect(mapTags(['planner', 'User-Agent: OpenAI', 5, null])).toEqual(['planner']);
    expect(mapTags(['User-Agent: OpenAI'])).toBeUndefined();
  });

  it('reads the call id from the top level or litellm_params', () => {
    expect(callKeyOf({ litellm_call_id: 'a' })).toBe('a');
    expect(callKeyOf({ litellm_params: { litellm_call_id: 'b' } })).toBe('b');
    expect(callKeyOf({ litellm_call_id: '' })).toBeUndefined();
    expect(callKeyOf('MaxDepthExceeded')).toBeUndefined();
  });

  it('takes a first-chunk time only for streams, and only before the end', () => {
    const end = 1767225602_000;
    expect(firstChunk(true, 1767225600.5, end)).toBe(1767225600_500);
    expect(firstChunk(true, 1767225602, end)).toBeUndefined();
    expect(firstChunk(false, 1767225600, end)).toBeUndefined();
    expect(firstChunk(undefined, 1767225600, undefined)).toBeUndefined();
    expect(firstChunk(true, null, end)).toBeUndefined();
    // A time before 2000 is not a real time (the core's toEpochMillis rejects it).
    expect(firstChunk(true, 1000.5, end)).toBeUndefined();
  });
});

describe('startFromKwargs', () => {
  it('maps a streamed SDK call, reading optional_params and litellm_params', () => {
    expect(startOf(streamKwargs, 'gpt-4o-mini', streamKwargs.messages)).toEqual({
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o-mini',
      params: {
        temperature: 0.3,
        maxTokens: 300,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        stopSequences: ['###'],
        choiceCount: 1,
      },
      stream: true,
      tools: [
        {
          name: 'get_weather',
          type: 'function',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are a weather bot.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Porto?' }] },
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', id: 'call_a1', name: 'get_weather', arguments: '{"city":"Porto"}' }],
        },
        {
          role: 'tool',
          parts: [{ type: 'tool_call_response', id: 'call_a1', response: '{"temp_c":19,"sky":"clear"}' }],
        },
      ],
      serverAddress: 'api.openai.com',
      serverPort: 443,
      metadata: {
        tags: ['weather'],
        userId: 'u_42',
        attributes: {
          'litellm.call_id': '0b5b1f7e-93c2-4a8e-9b51-3c3f1d2a4e10',
          'litellm.trace_id': 'trace-8e21',
          'litellm.call_type': 'acompletion',
        },
      },
      // Python datetimes carry microseconds; the core keeps whole milliseconds.
      startTime: ISO('2026-03-02T09:15:01.123Z'),
    });
  });

  it('never reads secrets: no api_key, headers or dynamic params in the event', () => {
    const text = JSON.stringify(startOf(streamKwargs));
    expect(text).not.toContain('DO-NOT-EXPORT');
    expect(text).toContain('gpt-4o-mini');
  });

  it('uses the router model group as the requested model, and top-level params without optional_params', () => {
    const start = startOf({
      model: 'gpt-4o-mini',
      temperature: 0.1,
      litellm_params: { metadata: { model_group: 'fast-chat', agentops_session_id: 'sess_9' } },
    });
    expect(start).toEqual({
      model: 'fast-chat',
      params: { temperature: 0.1 },
      metadata: { sessionId: 'sess_9' },
    });
  });

  it('reads /v1/responses metadata from litellm_metadata and the input as messages', () => {
    const start = startOf({
      call_type: 'aresponses',
      input: 'Hello',
      litellm_params: { litellm_metadata: { tags: ['r'] }, litellm_session_id: 'sess-lite' },
    });
    expect(start.messages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Hello' }] }]);
    expect(start.metadata).toEqual({
      tags: ['r'],
      attributes: { 'litellm.trace_id': 'sess-lite', 'litellm.call_type': 'aresponses' },
    });
  });

  it('survives garbage everywhere (a number where a string belongs is read as text)', () => {
    expect(
      startOf({
        model: 5,
        messages: 'MaxDepthExceeded',
        optional_params: 'MaxDepthExceeded',
        litellm_params: 'MaxDepthExceeded',
        stream: null,
        start_time: 'never',
      }),
    ).toEqual({ model: '5' });
  });
});

describe('mapKwargsCall (LiteLLM versions without a standard_logging_object)', () => {
  it('maps a streamed success from its assembled response', () => {
    const mapped = mapKwargsCall(streamKwargs, undefined);
    expect(mapped.key).toBe('0b5b1f7e-93c2-4a8e-9b51-3c3f1d2a4e10');
    expect(mapped.end()).toEqual({
      outputs: [
        {
          role: 'assistant',
          finishReason: 'stop',
          parts: [{ type: 'text', content: 'It is 19°C and clear in Porto.' }],
        },
      ],
      finishReasons: ['stop'],
      usage: { inputTokens: 96, outputTokens: 12, totalTokens: 108, cacheReadInputTokens: 0, reasoningTokens: 0 },
      responseId: 'chatcmpl-stream-77',
      responseModel: 'gpt-4o-mini-2024-07-18',
      responseCreated: 1772442903000,
      firstChunkTime: ISO('2026-03-02T09:15:01.623Z'),
      endTime: ISO('2026-03-02T09:15:03.923Z'),
    });
    expect(mapped.error()).toEqual({});
  });

  it('maps a failure with the retry count from the exception string and router history', () => {
    const mapped = mapKwargsCall(failureKwargs, null);
    expect(resolveStart(mapped.start()).model).toBe('fast-chat');
    expect(mapped.end().cost).toBeUndefined();
    expect(mapped.end().responseModel).toBe('gpt-4o-mini');
    expect(mapped.error()).toEqual({
      errorInfo: {
        type: 'RateLimitError',
        message: failureKwargs.exception,
        statusCode: 429,
      },
      retry: { attempt: 2, retryCount: 2, maxRetries: 2 },
    });
  });

  it('prefers the callback response object and keeps a positive cost', () => {
    const mapped = mapKwargsCall(
      { litellm_call_id: 'k', response_cost: 0.25, cache_hit: true },
      { id: 'r', choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] },
    );
    expect(mapped.end()).toMatchObject({ responseId: 'r', cost: 0.25, attributes: { 'litellm.cache_hit': true } });
  });
});

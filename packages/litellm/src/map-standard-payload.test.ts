import { describe, expect, it } from 'vitest';
import failure from './__fixtures__/slp-rate-limit-failure.json' with { type: 'json' };
import responses from './__fixtures__/slp-responses-api-quirks.json' with { type: 'json' };
import anthropic from './__fixtures__/slp-stream-anthropic-cache.json' with { type: 'json' };
import toolCall from './__fixtures__/slp-tool-call.json' with { type: 'json' };
import type { MappedCall } from './map-kwargs.js';
import {
  mapStandardPayload,
  type ParsedPayloads,
  parseStandardLoggingPayloads,
  payloadKeyOf,
} from './map-standard-payload.js';
import { resolveStart } from './test-support/resolve-start.js';

const SECONDS = (seconds: number) => Math.round(seconds * 1e6) / 1e3;
/** The start event as the core sees it for a span that records content (the messages built). */
const startOf = (mapped: MappedCall) => resolveStart(mapped.start());

describe('mapStandardPayload', () => {
  it('maps a non-streaming tool call (reference 11.1) field by field', () => {
    const mapped = mapStandardPayload(toolCall);
    expect(mapped.key).toBe('chatcmpl-9f3c2a7e51b04d2c');
    expect(mapped.failed).toBe(false);
    expect(startOf(mapped)).toEqual({
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o',
      params: {
        temperature: 0.2,
        maxTokens: 512,
        topP: 1,
        frequencyPenalty: 0,
        presencePenalty: 0,
        stopSequences: ['END'],
        seed: 7,
        toolChoice: 'auto',
      },
      tools: [
        {
          name: 'get_weather',
          type: 'function',
          description: 'Forecast lookup',
          parameters: toolCall.model_parameters.tools[0]?.function.parameters,
        },
      ],
      messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are a travel planning agent.' }] },
        { role: 'user', parts: [{ type: 'text', content: "What's the weather in Lisbon tomorrow?" }] },
      ],
      serverAddress: 'api.openai.com',
      serverPort: 443,
      metadata: {
        tags: ['planner'],
        sessionId: 'sess_01HX',
        attributes: {
          'litellm.call_id': 'chatcmpl-9f3c2a7e51b04d2c',
          'litellm.trace_id': '4b8e0d52-6c1f-4f7a-9a53-2e6f0c1d7b90',
          'litellm.call_type': 'acompletion',
        },
      },
      startTime: SECONDS(1767225600.112),
    });
    expect(mapped.end()).toEqual({
      outputs: [
        {
          role: 'assistant',
          finishReason: 'tool_calls',
          parts: [
            {
              type: 'tool_call',
              id: 'call_Q7w2',
              name: 'get_weather',
              arguments: '{"city":"Lisbon","day":"tomorrow"}',
            },
          ],
        },
      ],
      finishReasons: ['tool_calls'],
      usage: { inputTokens: 383, outputTokens: 45, totalTokens: 428, cacheReadInputTokens: 256, reasoningTokens: 0 },
      responseId: 'chatcmpl-9f3c2a7e51b04d2c',
      responseModel: 'gpt-4o-2024-08-06',
      responseCreated: 1767225601000,
      cost: 0.0016325,
      attributes: {
        'litellm.trace_id': '4b8e0d52-6c1f-4f7a-9a53-2e6f0c1d7b90',
        'litellm.model_id': 'dep-7f2e1c',
        'litellm.cache_hit': false,
      },
      // completionStartTime equals endTime: not a stream, so no first-chunk time.
      endTime: SECONDS(1767225601.487),
    });
    expect(mapped.error()).toEqual({});
  });

  it('maps a streamed Anthropic call with cache and reasoning tokens (reference 11.2)', () => {
    const mapped = mapStandardPayload(anthropic);
    expect(startOf(mapped)).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet',
      stream: true,
      params: { maxTokens: 1024 },
    });
    expect(startOf(mapped).messages?.[0]).toEqual({
      role: 'system',
      parts: [{ type: 'text', content: 'Incident report follows. <long document>' }],
    });
    expect(mapped.end().usage).toEqual({
      inputTokens: 2261,
      outputTokens: 236,
      totalTokens: 2497,
      cacheReadInputTokens: 2048,
      cacheCreationInputTokens: 0,
      reasoningTokens: 64,
    });
    expect(mapped.end().firstChunkTime).toBe(SECONDS(1767225700.64));
    expect(mapped.end().outputs).toEqual([
      {
        role: 'assistant',
        finishReason: 'stop',
        parts: [
          { type: 'reasoning', content: 'The report lists five phases.' },
          { type: 'text', content: '- Outage began at 09:12 UTC...\n- ...' },
        ],
      },
    ]);
    expect(mapped.end().responseModel).toBe('claude-sonnet-4-20250514');
  });

  it('maps a rate-limit failure after retries (reference 11.3)', () => {
    const mapped = mapStandardPayload(failure);
    expect(mapped.failed).toBe(true);
    expect(mapped.key).toBe('6a0f3b1e-5d2c-4c8b-9e7a-1f2d3c4b5a69');
    expect(startOf(mapped)).toMatchObject({ model: 'fast-chat', params: { temperature: 0, maxTokens: 256 } });
    expect(startOf(mapped).metadata?.attributes?.['litellm.trace_id']).toBe('0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b');
    expect(mapped.error()).toEqual({
      errorInfo: { type: 'RateLimitError', message: failure.error_information.error_message, statusCode: 429 },
      retry: { retryCount: 2, maxRetries: 2 },
    });
    // Zero cost and zero tokens on a failure carry no information.
    expect(mapped.end().cost).toBeUndefined();
    expect(mapped.end().usage).toBeUndefined();
    expect(mapped.end().outputs).toBeUndefined();
  });

  it('tolerates the quirks: null numbers, stream null, string metadata, Responses API, MaxDepthExceeded', () => {
    const mapped = mapStandardPayload(responses);
    expect(mapped.key).toBe('7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f');
    expect(startOf(mapped)).toMatchObject({
      operation: 'chat',
      model: 'o4-mini',
      params: { maxTokens: 400 },
      tools: [
        { name: 'lookup', type: 'function', description: 'Search an atlas' },
        { name: 'web_search_preview', type: 'web_search_preview' },
      ],
      serverAddress: 'localhost',
      serverPort: 4000,
    });
    expect(startOf(mapped).stream).toBeUndefined();
    expect(startOf(mapped).messages?.map((message) => message.role)).toEqual([
      'developer',
      'user',
      'assistant',
      'tool',
    ]);
    expect(startOf(mapped).messages?.[1]?.parts[1]).toEqual({
      type: 'blob',
      modality: 'image',
      mimeType: 'image/png',
      content: 'iVBORw0KGgo=',
    });
    expect(mapped.end()).toMatchObject({
      outputs: [
        {
          role: 'assistant',
          finishReason: 'stop',
          parts: [
            { type: 'reasoning', content: 'Lookup says Lisbon.' },
            { type: 'text', content: 'Lisbon' },
          ],
        },
      ],
      usage: { inputTokens: 52, outputTokens: 140, totalTokens: 192, cacheReadInputTokens: 0, reasoningTokens: 128 },
      responseModel: 'o4-mini-2025-04-16',
      responseCreated: 1767226003000,
      // response_cost is null; the hidden params carry it as a string.
      cost: 0.000672,
    });
  });

  it('prefers the callback objects over redacted or truncated payload strings', () => {
    const mapped = mapStandardPayload(
      { status: 'success', messages: '[{"role":"user","content":"cut', response: 'redacted-by-litellm' },
      { messages: [{ role: 'user', content: 'full' }], response: { choices: [{ message: { content: 'whole' } }] } },
    );
    expect(startOf(mapped).messages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'full' }] }]);
    expect(mapped.end().outputs).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'whole' }] }]);
  });

  it('falls back to the top-level token counts', () => {
    expect(mapStandardPayload({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }).end().usage).toEqual({
      inputTokens: 3,
      outputTokens: 4,
      totalTokens: 7,
    });
  });

  it('maps an empty object to empty events', () => {
    const mapped = mapStandardPayload({});
    expect({ ...mapped, start: startOf(mapped), end: mapped.end(), error: mapped.error() }).toEqual({
      key: undefined,
      failed: false,
      start: {},
      end: {},
      error: {},
    });
  });
});

describe('payloadKeyOf', () => {
  it('prefers litellm_call_id, then call_id, then id', () => {
    expect(payloadKeyOf({ litellm_call_id: 'a', call_id: 'b', id: 'c' })).toBe('a');
    expect(payloadKeyOf({ call_id: 'b', id: 'c' })).toBe('b');
    expect(payloadKeyOf({ id: 'c' })).toBe('c');
    expect(payloadKeyOf({ id: 5 })).toBe('5');
    expect(payloadKeyOf({ id: '' })).toBeUndefined();
  });
});

describe('parseStandardLoggingPayloads', () => {
  it.each<[string, unknown, ParsedPayloads]>([
    ['one object', { id: 'a' }, { payloads: [{ id: 'a' }], errors: [], rejected: 0 }],
    [
      'an array (json_array) with an item that is not an object',
      [{ id: 'a' }, 1],
      { payloads: [{ id: 'a' }], errors: ['item 1: not a payload object'], rejected: 1 },
    ],
    [
      'a JSON array as text',
      ' [{"id":"a"},{"id":"b"}] ',
      { payloads: [{ id: 'a' }, { id: 'b' }], errors: [], rejected: 0 },
    ],
    [
      'one pretty-printed object as text (single)',
      '{\n  "id": "a",\n  "model": "m"\n}\n',
      { payloads: [{ id: 'a', model: 'm' }], errors: [], rejected: 0 },
    ],
    [
      'NDJSON with a broken line and blank lines',
      '{"id":"a"}\n{"id":\n\r\n{"id":"c"}\r\n',
      { payloads: [{ id: 'a' }, { id: 'c' }], errors: ['line 2: invalid JSON'], rejected: 1 },
    ],
    [
      'objects that are not LiteLLM payloads',
      '[{"id":"a"},{"hello":"world"},{"id":""}]',
      {
        payloads: [{ id: 'a' }],
        errors: [
          'item 1: not a LiteLLM payload (no id, model or call_type)',
          'item 2: not a LiteLLM payload (no id, model or call_type)',
        ],
        rejected: 2,
      },
    ],
    ['a broken JSON array', '[{"id":"a"}', { payloads: [], errors: ['line 1: invalid JSON'], rejected: 1 }],
    ['an empty string', '', { payloads: [], errors: ['empty body'], rejected: 1 }],
    ['a number', 42, { payloads: [], errors: ['input is not a payload'], rejected: 1 }],
    ['null', null, { payloads: [], errors: ['input is not a payload'], rejected: 1 }],
  ])('reads %s', (_name, input, expected) => {
    expect(parseStandardLoggingPayloads(input)).toEqual(expected);
  });

  it('reports at most 20 errors but counts every rejected line', () => {
    const result = parseStandardLoggingPayloads(Array.from({ length: 30 }, () => '{').join('\n'));
    expect(result.rejected).toBe(30);
    expect(result.errors).toHaveLength(20);
  });
});

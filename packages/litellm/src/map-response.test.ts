import type { Usage } from '@agentops/llm-callback-core';
import { describe, expect, it } from 'vitest';
import { mapResponse, mapUsage, type ResponseFields } from './map-response.js';

describe('mapResponse', () => {
  it.each<[string, unknown, ResponseFields]>([
    [
      'a chat completion with a tool call',
      {
        id: 'chatcmpl-1',
        created: 1767225601,
        model: 'gpt-4o-2024-08-06',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_Q', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
            },
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      },
      {
        outputs: [
          {
            role: 'assistant',
            finishReason: 'tool_calls',
            parts: [{ type: 'tool_call', id: 'call_Q', name: 'get_weather', arguments: '{}' }],
          },
        ],
        finishReasons: ['tool_calls'],
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
        responseId: 'chatcmpl-1',
        responseModel: 'gpt-4o-2024-08-06',
        responseCreated: 1767225601000,
      },
    ],
    [
      'several choices (n=2)',
      {
        choices: [
          { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'A' } },
          { index: 1, finish_reason: 'length', message: { role: 'assistant', content: 'B' } },
        ],
      },
      {
        outputs: [
          { role: 'assistant', finishReason: 'stop', parts: [{ type: 'text', content: 'A' }] },
          { role: 'assistant', finishReason: 'length', parts: [{ type: 'text', content: 'B' }] },
        ],
        finishReasons: ['stop', 'length'],
      },
    ],
    [
      'a text completion',
      { object: 'text_completion', choices: [{ text: 'Once upon', finish_reason: 'length' }] },
      {
        outputs: [{ role: 'assistant', finishReason: 'length', parts: [{ type: 'text', content: 'Once upon' }] }],
        finishReasons: ['length'],
      },
    ],
    [
      'a choice with only a finish reason (content filter)',
      { choices: [{ finish_reason: 'content_filter', message: { role: 'assistant', content: null } }] },
      {
        outputs: [{ role: 'assistant', parts: [], finishReason: 'content_filter' }],
        finishReasons: ['content_filter'],
      },
    ],
    [
      'a Responses-API response that calls a function',
      {
        id: 'resp_1',
        object: 'response',
        created_at: 1767226003,
        model: 'o4-mini',
        status: 'completed',
        output: [{ type: 'function_call', call_id: 'fc_1', name: 'book', arguments: '{}' }],
        usage: { input_tokens: 20, output_tokens: 8, output_tokens_details: { reasoning_tokens: 4 } },
      },
      {
        outputs: [
          {
            role: 'assistant',
            finishReason: 'tool_calls',
            parts: [{ type: 'tool_call', id: 'fc_1', name: 'book', arguments: '{}' }],
          },
        ],
        finishReasons: ['tool_calls'],
        usage: { inputTokens: 20, outputTokens: 8, totalTokens: 28, reasoningTokens: 4 },
        responseId: 'resp_1',
        responseModel: 'o4-mini',
        responseCreated: 1767226003000,
      },
    ],
    [
      'an incomplete Responses-API response',
      {
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Lis' }] }],
      },
      {
        outputs: [{ role: 'assistant', finishReason: 'max_output_tokens', parts: [{ type: 'text', content: 'Lis' }] }],
        finishReasons: ['max_output_tokens'],
      },
    ],
    [
      'an Anthropic message (/v1/messages)',
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-20250514',
        stop_reason: 'end_turn',
        content: [{ type: 'text', text: 'Hi' }],
        usage: { input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 },
      },
      {
        outputs: [{ role: 'assistant', finishReason: 'end_turn', parts: [{ type: 'text', content: 'Hi' }] }],
        finishReasons: ['end_turn'],
        usage: {
          inputTokens: 130,
          outputTokens: 3,
          totalTokens: 133,
          cacheReadInputTokens: 100,
          cacheCreationInputTokens: 20,
        },
        responseId: 'msg_1',
        responseModel: 'claude-sonnet-4-20250514',
      },
    ],
    [
      'an embedding response (usage only)',
      {
        object: 'list',
        data: [{ embedding: [0.1] }],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 4, total_tokens: 4 },
      },
      { usage: { inputTokens: 4, totalTokens: 4 }, responseModel: 'text-embedding-3-small' },
    ],
    [
      'a serialized response string',
      '{"id":"x","choices":[{"message":{"content":"ok"}}]}',
      { outputs: [{ role: 'assistant', parts: [{ type: 'text', content: 'ok' }] }], responseId: 'x' },
    ],
    [
      'a redacted response string',
      'redacted-by-litellm',
      { outputs: [{ role: 'assistant', parts: [{ type: 'text', content: 'redacted-by-litellm' }] }] },
    ],
    ['an empty failure response', {}, {}],
    ['null', null, {}],
    ['"MaxDepthExceeded"', 'MaxDepthExceeded', {}],
    [
      'null numbers and ids',
      { id: null, created: null, model: null, choices: null, usage: { prompt_tokens: null, completion_tokens: null } },
      {},
    ],
  ])('maps %s', (_name, input, expected) => {
    expect(mapResponse(input)).toEqual(expected);
    // Without content: the same, less the output messages (finish reasons are still read).
    const { outputs: _outputs, ...withoutOutputs } = expected;
    expect(mapResponse(input, false)).toEqual(withoutOutputs);
  });
});

describe('mapUsage', () => {
  it.each<[string, unknown, Usage | undefined]>([
    [
      "LiteLLM's Usage with cached and reasoning tokens",
      {
        prompt_tokens: 383,
        completion_tokens: 45,
        total_tokens: 428,
        prompt_tokens_details: { cached_tokens: 256 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
      { inputTokens: 383, outputTokens: 45, totalTokens: 428, cacheReadInputTokens: 256, reasoningTokens: 12 },
    ],
    [
      "LiteLLM's Usage for Anthropic (prompt_tokens already include the cache)",
      { prompt_tokens: 2261, completion_tokens: 236, cache_read_input_tokens: 2048, cache_creation_input_tokens: 100 },
      {
        inputTokens: 2261,
        outputTokens: 236,
        totalTokens: 2497,
        cacheReadInputTokens: 2048,
        cacheCreationInputTokens: 100,
      },
    ],
    [
      'Responses-API usage',
      {
        input_tokens: 52,
        output_tokens: 140,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 128 },
      },
      { inputTokens: 52, outputTokens: 140, totalTokens: 192, cacheReadInputTokens: 0, reasoningTokens: 128 },
    ],
    [
      'numeric strings (v1 payloads)',
      { prompt_tokens: '7', completion_tokens: '3' },
      { inputTokens: 7, outputTokens: 3, totalTokens: 10 },
    ],
    ['all zeros (a failure)', { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }, undefined],
    [
      'negative and fractional counts are dropped or rounded',
      { prompt_tokens: -1, completion_tokens: 2.7 },
      { outputTokens: 3 },
    ],
    ['"MaxDepthExceeded"', 'MaxDepthExceeded', undefined],
    ['null', null, undefined],
  ])('maps %s', (_name, input, expected) => {
    expect(mapUsage(input)).toEqual(expected);
  });
});

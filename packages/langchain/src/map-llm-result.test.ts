import { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import {
  finishReasonOf,
  isContentToken,
  mapGeneration,
  mapLlmResult,
  mapUsage,
  responseIdOf,
  responseModelOf,
} from './map-llm-result.js';

const chat = (message: unknown, generationInfo?: unknown) => ({ text: '', message, generationInfo });

describe('mapUsage', () => {
  it.each([
    [
      'usage_metadata with cache and reasoning details',
      {
        generations: [
          [
            chat(
              new AIMessage({
                content: 'x',
                usage_metadata: {
                  input_tokens: 100,
                  output_tokens: 20,
                  total_tokens: 120,
                  input_token_details: { cache_read: 40, cache_creation: 5 },
                  output_token_details: { reasoning: 8 },
                },
              }),
            ),
          ],
        ],
        llmOutput: { tokenUsage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } },
      },
      {
        inputTokens: 100,
        outputTokens: 20,
        totalTokens: 120,
        cacheReadInputTokens: 40,
        cacheCreationInputTokens: 5,
        reasoningTokens: 8,
      },
    ],
    [
      'llmOutput.tokenUsage when the message has none',
      {
        generations: [[{ text: 'x' }]],
        llmOutput: { tokenUsage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 } },
      },
      { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
    ],
    [
      'raw llmOutput.usage (OpenAI shape with details)',
      {
        generations: [[{ text: 'x' }]],
        llmOutput: {
          usage: {
            prompt_tokens: 10,
            completion_tokens: 5,
            total_tokens: 15,
            prompt_tokens_details: { cached_tokens: 6 },
            completion_tokens_details: { reasoning_tokens: 2 },
          },
        },
      },
      { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 6, reasoningTokens: 2 },
    ],
    [
      'raw llmOutput.usage (Anthropic shape)',
      {
        generations: [],
        llmOutput: {
          usage: { input_tokens: 9, output_tokens: 1, cache_read_input_tokens: 4, cache_creation_input_tokens: 2 },
        },
      },
      { inputTokens: 9, outputTokens: 1, cacheReadInputTokens: 4, cacheCreationInputTokens: 2 },
    ],
    [
      'estimated usage is flagged',
      {
        generations: [[{ text: 'x' }]],
        llmOutput: { estimatedTokenUsage: { promptTokens: 5, completionTokens: 1, totalTokens: 6 } },
      },
      { inputTokens: 5, outputTokens: 1, totalTokens: 6, estimated: true },
    ],
    [
      'cache hit: zeroed usage is still usage',
      {
        generations: [
          [
            chat(
              new AIMessage({ content: 'x', usage_metadata: { input_tokens: 0, output_tokens: 0, total_tokens: 0 } }),
            ),
          ],
        ],
      },
      { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    ],
    ['no usage anywhere', { generations: [[{ text: 'x' }]], llmOutput: { tokenUsage: {} } }, undefined],
    [
      'negative and non-numeric counts are dropped',
      { generations: [], llmOutput: { tokenUsage: { promptTokens: -1, completionTokens: 'x', totalTokens: 2 } } },
      { totalTokens: 2 },
    ],
    ['not an object', 'garbage', undefined],
  ])('%s', (_name, output, expected) => {
    expect(mapUsage(output)).toEqual(expected);
  });
});

describe('finishReasonOf', () => {
  it.each([
    [
      'OpenAI response_metadata',
      chat(new AIMessage({ content: '', response_metadata: { finish_reason: 'tool_calls' } })),
      'tool_calls',
    ],
    ['generationInfo', { text: 'x', generationInfo: { finish_reason: 'length' } }, 'length'],
    [
      'Anthropic stop_reason',
      chat(new AIMessage({ content: '', response_metadata: { stop_reason: 'end_turn' } })),
      'end_turn',
    ],
    ['Ollama done_reason', chat(new AIMessage({ content: '', response_metadata: { done_reason: 'stop' } })), 'stop'],
    ['Google finishReason', chat(new AIMessage({ content: '', response_metadata: { finishReason: 'STOP' } })), 'STOP'],
    ['none', { text: 'x' }, undefined],
  ])('%s', (_name, generation, reason) => {
    expect(finishReasonOf(generation)).toBe(reason);
  });
});

describe('responseIdOf / responseModelOf', () => {
  it.each([
    ['message id', { generations: [[chat(new AIMessage({ content: '', id: 'chatcmpl-1' }))]] }, 'chatcmpl-1'],
    [
      'synthetic run- id is ignored',
      { generations: [[chat(new AIMessage({ content: '', id: 'run-0190' }))]] },
      undefined,
    ],
    [
      'synthetic lc_run- id is ignored',
      { generations: [[chat(new AIMessage({ content: '', id: 'lc_run-0190' }))]] },
      undefined,
    ],
    [
      'an id that only contains run- is kept',
      { generations: [[chat(new AIMessage({ content: '', id: 'msg_run-1' }))]] },
      'msg_run-1',
    ],
    [
      'response_metadata.id after a synthetic id',
      { generations: [[chat(new AIMessage({ content: '', id: 'run-1', response_metadata: { id: 'resp_1' } }))]] },
      'resp_1',
    ],
    ['llmOutput.id', { generations: [[{ text: 'x' }]], llmOutput: { id: 'cmpl-7' } }, 'cmpl-7'],
  ])('id: %s', (_name, output, id) => {
    expect(responseIdOf(output)).toBe(id);
  });

  it.each([
    [
      'model_name',
      { generations: [[chat(new AIMessage({ content: '', response_metadata: { model_name: 'gpt-4o-2024' } }))]] },
      'gpt-4o-2024',
    ],
    [
      'model',
      { generations: [[chat(new AIMessage({ content: '', response_metadata: { model: 'claude-x' } }))]] },
      'claude-x',
    ],
    ['generationInfo', { generations: [[{ text: 'x', generationInfo: { model_name: 'm1' } }]] }, 'm1'],
    ['llmOutput', { generations: [[{ text: 'x' }]], llmOutput: { model_name: 'm2' } }, 'm2'],
    ['none', { generations: [] }, undefined],
  ])('model: %s', (_name, output, model) => {
    expect(responseModelOf(output)).toBe(model);
  });
});

describe('mapGeneration', () => {
  it('maps a streamed chunk with tool calls and the finish reason', () => {
    const message = new AIMessageChunk({
      content: 'Let me search.',
      tool_call_chunks: [{ name: 'web_search', args: '{"q":"w"}', id: 'call_1', index: 0, type: 'tool_call_chunk' }],
      response_metadata: { finish_reason: 'tool_calls' },
    });
    expect(mapGeneration({ text: 'Let me search.', message })).toEqual({
      role: 'assistant',
      parts: [
        { type: 'text', content: 'Let me search.' },
        { type: 'tool_call', id: 'call_1', name: 'web_search', arguments: { q: 'w' } },
      ],
      finishReason: 'tool_calls',
    });
  });

  it('maps a text generation', () => {
    expect(mapGeneration({ text: 'done', generationInfo: { finish_reason: 'stop' } })).toEqual({
      role: 'assistant',
      parts: [{ type: 'text', content: 'done' }],
      finishReason: 'stop',
    });
  });

  it('returns nothing for an empty generation', () => {
    expect(mapGeneration({})).toBeUndefined();
  });
});

describe('mapLlmResult', () => {
  it('maps a full non-streaming chat result', () => {
    const message = new AIMessage({
      content: 'Hi!',
      id: 'chatcmpl-abc',
      usage_metadata: { input_tokens: 12, output_tokens: 3, total_tokens: 15 },
      response_metadata: { finish_reason: 'stop', model_name: 'gpt-4o-mini-2024-07-18' },
    });
    expect(mapLlmResult({ generations: [[{ text: 'Hi!', message }]], llmOutput: {} })).toEqual({
      outputs: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hi!' }], finishReason: 'stop' }],
      finishReasons: ['stop'],
      usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15 },
      responseId: 'chatcmpl-abc',
      responseModel: 'gpt-4o-mini-2024-07-18',
    });
  });

  it('keeps one output and finish reason per choice', () => {
    const result = mapLlmResult({
      generations: [
        [
          { text: 'a', generationInfo: { finish_reason: 'stop' } },
          { text: 'b', generationInfo: { finish_reason: 'length' } },
        ],
      ],
    });
    expect(result.outputs?.map((m) => m.parts)).toEqual([
      [{ type: 'text', content: 'a' }],
      [{ type: 'text', content: 'b' }],
    ]);
    expect(result.finishReasons).toEqual(['stop', 'length']);
  });

  it('marks usage that is only LangChain’s estimate as estimated', () => {
    const result = mapLlmResult({
      generations: [[{ text: 'x' }]],
      llmOutput: { estimatedTokenUsage: { totalTokens: 4 } },
    });
    expect(result.usage).toEqual({ totalTokens: 4, estimated: true });
    expect(result.warnings).toBeUndefined();
  });

  it.each([null, undefined, 42, 'x', { generations: 'nope' }, { generations: [[null, 5]] }])(
    'returns an empty result for %j',
    (output) => {
      expect(mapLlmResult(output)).toEqual({});
    },
  );

  it('without outputs (no content recorded) reads the same finish reasons, usage, id and model', () => {
    const outputs: unknown[] = [
      {
        generations: [
          [
            {
              text: 'Hi!',
              message: new AIMessage({
                content: 'Hi!',
                id: 'chatcmpl-abc',
                response_metadata: { finish_reason: 'stop', model_name: 'm' },
              }),
            },
          ],
        ],
        llmOutput: { tokenUsage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 } },
      },
      {
        generations: [
          [
            { text: 'a', generationInfo: { finish_reason: 'stop' } },
            { text: '', generationInfo: { finish_reason: 'dropped: no output' } },
            { text: 'b', generationInfo: { finish_reason: 'length' } },
          ],
          [{ text: 'c', generationInfo: { done_reason: 'stop' } }],
        ],
      },
      { generations: [[chat({ role: 'nobody knows' }, { finish_reason: 'dropped' })]] },
      { generations: [[chat(new AIMessage({ content: '' }), { finishReason: 'STOP' })]] },
      { generations: [[null, 5]] },
    ];
    for (const output of outputs) {
      const full = mapLlmResult(output);
      const lean = mapLlmResult(output, false);
      expect(lean.outputs).toBeUndefined();
      expect(lean).toEqual({ ...full, outputs: undefined });
    }
    expect(mapLlmResult(outputs[1], false).finishReasons).toEqual(['stop', 'length', 'stop']);
  });

  it.each([true, false])('asks a message its type once a generation (outputs: %s)', (withOutputs) => {
    const message = new AIMessage({
      content: 'Hi!',
      id: 'chatcmpl-abc',
      usage_metadata: { input_tokens: 12, output_tokens: 3, total_tokens: 15 },
      response_metadata: { finish_reason: 'stop', model_name: 'm' },
    });
    let asked = 0;
    const getType = message.getType.bind(message);
    message.getType = () => {
      asked += 1;
      return getType();
    };
    const result = mapLlmResult({ generations: [[{ text: 'Hi!', message }]] }, withOutputs);
    expect(result).toMatchObject({ finishReasons: ['stop'], responseId: 'chatcmpl-abc', responseModel: 'm' });
    expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 3, totalTokens: 15 });
    expect(asked).toBe(1);
  });

  it('survives getters that throw', () => {
    const hostile = {
      get generations() {
        throw new Error('boom');
      },
    };
    expect(mapLlmResult(hostile)).toEqual({});
  });
});

describe('isContentToken', () => {
  it.each([
    ['text token', 'Hel', undefined, true],
    ['empty token without chunk', '', undefined, false],
    ['empty role / finish / usage chunk', '', { message: new AIMessageChunk({ content: '' }) }, false],
    [
      'empty token with a tool-call chunk',
      '',
      {
        message: new AIMessageChunk({
          content: '',
          tool_call_chunks: [{ name: 'f', args: '{', id: 'c', index: 0, type: 'tool_call_chunk' }],
        }),
      },
      true,
    ],
    [
      'empty token with content blocks',
      '',
      { message: new AIMessageChunk({ content: [{ type: 'thinking', thinking: 'x' }] }) },
      true,
    ],
    [
      'empty token with parsed tool calls',
      '',
      { message: { tool_calls: [{ name: 'f', args: {}, id: 'c', type: 'tool_call' }], content: '' } },
      true,
    ],
    ['not a string', 42, undefined, false],
  ])('%s', (_name, token, chunk, expected) => {
    expect(isContentToken(token, chunk)).toBe(expected);
  });
});

import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import {
  mapLlmStart,
  mapRequestParams,
  mapToolDefinition,
  mapToolDefinitions,
  providerOf,
  requestModelOf,
} from './map-llm-start.js';

const chatOpenAI = {
  lc: 1,
  type: 'constructor',
  id: ['langchain', 'chat_models', 'openai', 'ChatOpenAI'],
  kwargs: { model: 'gpt-4o-mini', openai_api_key: { lc: 1, type: 'secret', id: ['OPENAI_API_KEY'] } },
};

describe('providerOf', () => {
  it.each([
    ['ls_provider', chatOpenAI, { ls_provider: 'openai' }, 'openai'],
    ['LangChain name normalized', {}, { ls_provider: 'google_genai' }, 'gemini'],
    ['bedrock', {}, { ls_provider: 'amazon_bedrock' }, 'bedrock'],
    ['class path when no metadata', chatOpenAI, undefined, 'openai'],
    [
      'fake model class name',
      { id: ['langchain', 'chat_models', 'fake-list', 'FakeListChatModel'] },
      { ls_provider: 'FakeListChatModel' },
      'FakeListChatModel',
    ],
    ['short class path', { id: ['x', 'Y'] }, {}, undefined],
  ])('%s', (_name, serialized, metadata, provider) => {
    expect(providerOf(serialized, metadata)).toBe(provider);
  });
});

describe('requestModelOf', () => {
  it.each([
    ['invocation model', { model: 'a' }, { ls_model_name: 'b' }, {}, 'a'],
    ['model_name', { model_name: 'c' }, {}, {}, 'c'],
    ['modelName', { modelName: 'd' }, {}, {}, 'd'],
    ['Bedrock model_id', { model_id: 'anthropic.claude' }, {}, {}, 'anthropic.claude'],
    ['ls_model_name', {}, { ls_model_name: 'e' }, {}, 'e'],
    ['serialized kwargs', {}, {}, chatOpenAI, 'gpt-4o-mini'],
    ['nothing', {}, {}, {}, undefined],
  ])('%s', (_name, invocation, metadata, serialized, model) => {
    expect(requestModelOf(serialized, invocation, metadata)).toBe(model);
  });
});

describe('mapRequestParams', () => {
  it.each([
    [
      'OpenAI invocation params',
      {
        model: 'gpt-4o',
        temperature: 0.2,
        top_p: 0.9,
        frequency_penalty: 0.1,
        presence_penalty: 0.3,
        max_completion_tokens: 256,
        stop: ['END'],
        seed: 7,
        n: 2,
        response_format: { type: 'json_schema', json_schema: {} },
        tool_choice: { type: 'function', function: { name: 'search' } },
      },
      {},
      {
        temperature: 0.2,
        topP: 0.9,
        frequencyPenalty: 0.1,
        presencePenalty: 0.3,
        maxTokens: 256,
        stopSequences: ['END'],
        seed: 7,
        choiceCount: 2,
        responseFormat: 'json',
        toolChoice: 'search',
      },
    ],
    [
      'camelCase and a string stop',
      { maxOutputTokens: 100, topK: 40, stopSequences: 'X', tool_choice: 'auto' },
      {},
      { maxTokens: 100, topK: 40, stopSequences: ['X'], toolChoice: 'auto' },
    ],
    [
      'ls_* fallbacks',
      {},
      { ls_temperature: 0.5, ls_max_tokens: 64, ls_stop: ['S'] },
      { temperature: 0.5, maxTokens: 64, stopSequences: ['S'] },
    ],
    ['Anthropic tool_choice', { tool_choice: { type: 'tool', name: 'calc' } }, {}, { toolChoice: 'calc' }],
    ['nothing readable', { temperature: 'hot', n: -1 }, {}, undefined],
  ])('%s', (_name, invocation, metadata, params) => {
    expect(mapRequestParams(invocation, metadata)).toEqual(params);
  });
});

describe('mapToolDefinition(s)', () => {
  const parameters = { type: 'object', properties: { q: { type: 'string' } } };
  it.each([
    [
      'OpenAI',
      { type: 'function', function: { name: 'search', description: 'Search', parameters } },
      { name: 'search', description: 'Search', parameters, type: 'function' },
    ],
    [
      'Anthropic',
      { name: 'calc', description: 'Calc', input_schema: parameters },
      { name: 'calc', description: 'Calc', parameters },
    ],
    [
      'server tool keeps its type',
      { type: 'web_search_20250305', name: 'web_search' },
      { name: 'web_search', type: 'web_search_20250305' },
    ],
    ['zod schema is not a JSON schema', { name: 't', schema: { _def: {}, parse() {} } }, { name: 't' }],
    ['no name', { description: 'x' }, undefined],
  ])('%s', (_name, tool, definition) => {
    expect(mapToolDefinition(tool)).toEqual(definition);
  });

  it('reads invocation tools, Google declarations, then call-option tools', () => {
    expect(
      mapToolDefinitions({ tools: [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }] }] }, undefined),
    ).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(mapToolDefinitions({}, { tools: [{ name: 'c', description: 'C' }] })).toEqual([
      { name: 'c', description: 'C' },
    ]);
    expect(mapToolDefinitions({ tools: [] }, {})).toBeUndefined();
  });
});

/** The event without its message builder, and the messages the builder makes. */
function built(event: ReturnType<typeof mapLlmStart>) {
  const { buildMessages, ...rest } = event;
  return { ...rest, messages: buildMessages?.() };
}

const run = { key: 'run-1' };

describe('mapLlmStart', () => {
  it('maps a ChatOpenAI start', () => {
    const fields = mapLlmStart(
      {
        operation: 'chat',
        serialized: chatOpenAI,
        input: [[new SystemMessage('be brief'), new HumanMessage('hi')]],
        extraParams: {
          invocation_params: {
            model: 'gpt-4o-mini',
            temperature: 0,
            stream: false,
            tools: [{ type: 'function', function: { name: 'search', parameters: { type: 'object' } } }],
          },
          options: { signal: {}, executionInfo: { checkpointId: 'x' } },
          batch_size: 1,
        },
        tags: ['user-tag'],
        metadata: { ls_provider: 'openai', ls_model_name: 'gpt-4o-mini', ls_temperature: 0 },
      },
      run,
    );
    expect(built(fields)).toEqual({
      key: 'run-1',
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o-mini',
      params: { temperature: 0 },
      tools: [{ name: 'search', parameters: { type: 'object' }, type: 'function' }],
      messages: [
        { role: 'system', parts: [{ type: 'text', content: 'be brief' }] },
        { role: 'user', parts: [{ type: 'text', content: 'hi' }] },
      ],
      metadata: { tags: ['user-tag'] },
    });
  });

  it('marks a stream only when the model was built with streaming on', () => {
    const start = (invocation_params: unknown) =>
      mapLlmStart(
        {
          operation: 'chat',
          serialized: {},
          input: [],
          extraParams: { invocation_params },
          tags: [],
          metadata: {},
        },
        run,
      );
    expect(start({ stream: true }).stream).toBe(true);
    expect(start({ stream: false }).stream).toBeUndefined();
  });

  it('maps a text LLM start and survives garbage', () => {
    expect(
      built(
        mapLlmStart(
          {
            operation: 'text_completion',
            serialized: null,
            input: ['Q?'],
            extraParams: 7,
            tags: 'x',
            metadata: [],
          },
          run,
        ),
      ),
    ).toEqual({
      key: 'run-1',
      operation: 'text_completion',
      messages: [{ role: 'user', parts: [{ type: 'text', content: 'Q?' }] }],
      metadata: { tags: ['x'] },
    });
    expect(
      built(
        mapLlmStart(
          {
            operation: 'chat',
            serialized: undefined,
            input: undefined,
            extraParams: undefined,
            tags: undefined,
            metadata: undefined,
          },
          run,
        ),
      ),
    ).toEqual({
      key: 'run-1',
      operation: 'chat',
      messages: [],
    });
  });
});

describe('providerOf with a provider named like an Object.prototype member', () => {
  it('passes the name through instead of reading the prototype', () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      expect(providerOf(undefined, { ls_provider: name })).toBe(name);
    }
  });
});

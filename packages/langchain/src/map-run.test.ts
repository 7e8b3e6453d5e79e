import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { ChatPromptValue } from '@langchain/core/prompt_values';
import { describe, expect, it } from 'vitest';
import {
  isAgentRun,
  isHiddenRun,
  mapChainInput,
  mapChainOutput,
  mapChainStart,
  mapDocuments,
  mapErrorInfo,
  mapLlmStart,
  mapRequestParams,
  mapRetrieverStart,
  mapRunMetadata,
  mapRunValue,
  mapToolDefinition,
  mapToolDefinitions,
  mapToolInput,
  mapToolOutput,
  mapToolStart,
  providerOf,
  requestModelOf,
  runNameOf,
} from './map-run.js';

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

describe('mapRunMetadata', () => {
  it.each([
    [
      'user tags without LangChain plumbing tags; thread and user ids',
      { thread_id: 't-1', user_id: 'u-1', ls_provider: 'openai' },
      ['seq:step:1', 'graph:step:2', 'langsmith:hidden', 'nostream', 'prod'],
      { tags: ['prod'], conversationId: 't-1', userId: 'u-1' },
    ],
    ['conversation_id', { conversation_id: 'c-1' }, [], { conversationId: 'c-1' }],
    ['nothing', {}, ['seq:step:1'], undefined],
  ])('%s', (_name, metadata, tags, expected) => {
    expect(mapRunMetadata(metadata, tags)).toEqual(expected);
  });
});

describe('mapLlmStart', () => {
  it('maps a ChatOpenAI start', () => {
    const fields = mapLlmStart({
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
    });
    expect(fields).toEqual({
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
      mapLlmStart({
        operation: 'chat',
        serialized: {},
        input: [],
        extraParams: { invocation_params },
        tags: [],
        metadata: {},
      });
    expect(start({ stream: true }).stream).toBe(true);
    expect(start({ stream: false }).stream).toBeUndefined();
  });

  it('maps a text LLM start and survives garbage', () => {
    expect(
      mapLlmStart({
        operation: 'text_completion',
        serialized: null,
        input: ['Q?'],
        extraParams: 7,
        tags: 'x',
        metadata: [],
      }),
    ).toEqual({
      operation: 'text_completion',
      messages: [{ role: 'user', parts: [{ type: 'text', content: 'Q?' }] }],
      metadata: { tags: ['x'] },
    });
    expect(
      mapLlmStart({
        operation: 'chat',
        serialized: undefined,
        input: undefined,
        extraParams: undefined,
        tags: undefined,
        metadata: undefined,
      }),
    ).toEqual({
      operation: 'chat',
      messages: [],
    });
  });
});

describe('chain runs', () => {
  const graph = { lc: 1, type: 'not_implemented', id: ['langgraph', 'pregel', 'CompiledStateGraph'] };
  const sequence = { lc: 1, type: 'not_implemented', id: ['langchain_core', 'runnables', 'RunnableSequence'] };
  const agentMetadata = { ls_integration: 'langchain_create_agent', lc_agent_name: 'helper' };

  it.each([
    ['createAgent graph', graph, agentMetadata, true],
    ['createAgent graph without a name', graph, { ls_integration: 'langchain_create_agent' }, true],
    [
      'node of the agent inherits the metadata but is not the agent',
      sequence,
      { ...agentMetadata, langgraph_node: 'tools' },
      false,
    ],
    ['plain LangGraph graph', graph, {}, false],
    ['legacy AgentExecutor', { id: ['langchain', 'agents', 'AgentExecutor'] }, {}, true],
    ['sequence', sequence, {}, false],
  ])('isAgentRun: %s', (_name, serialized, metadata, agent) => {
    expect(isAgentRun(serialized, metadata)).toBe(agent);
  });

  it.each([
    [
      'agent root',
      { serialized: graph, parentRunId: undefined, metadata: agentMetadata, runName: 'LangGraph' },
      { kind: 'agent', name: 'helper' },
    ],
    [
      'workflow root',
      { serialized: sequence, parentRunId: undefined, metadata: {}, runName: undefined },
      { kind: 'workflow', name: 'RunnableSequence' },
    ],
    [
      'nested chain uses runName',
      { serialized: sequence, parentRunId: 'p', metadata: {}, runName: 'model_request' },
      { kind: 'chain', name: 'model_request' },
    ],
    [
      'nothing readable',
      { serialized: 5, parentRunId: 7, metadata: null, runName: null },
      { kind: 'workflow', name: 'chain' },
    ],
  ])('mapChainStart: %s', (_name, args, expected) => {
    expect(mapChainStart({ inputs: {}, tags: [], extra: undefined, ...args })).toMatchObject(expected);
  });

  it('records the inputs and the user tags', () => {
    expect(
      mapChainStart({
        serialized: sequence,
        inputs: { topic: 'cats' },
        parentRunId: 'p',
        tags: ['seq:step:1', 'mine'],
        metadata: {},
        runName: 'ChatPromptTemplate',
        extra: undefined,
      }),
    ).toEqual({ kind: 'chain', name: 'ChatPromptTemplate', input: { topic: 'cats' }, metadata: { tags: ['mine'] } });
  });

  it.each([
    ['lone input unwrapped', { input: 'hi' }, undefined, 'hi'],
    ['dict kept', { a: 1, input: 2 }, undefined, { a: 1, input: 2 }],
    ['deferred inputs dropped', { input: '' }, { lc_defers_inputs: true }, undefined],
  ])('mapChainInput: %s', (_name, inputs, extra, expected) => {
    expect(mapChainInput(inputs, extra)).toEqual(expected);
  });

  it('unwraps scalar outputs', () => {
    expect(mapChainOutput({ output: 'x' })).toBe('x');
    expect(mapChainOutput({ messages: [] })).toEqual({ messages: [] });
    expect(mapChainOutput('raw')).toBe('raw');
  });

  it('recognizes hidden runs', () => {
    expect(isHiddenRun(['graph:step:0', 'langsmith:hidden'])).toBe(true);
    expect(isHiddenRun(['graph:step:0'])).toBe(false);
    expect(isHiddenRun('langsmith:hidden')).toBe(true);
    expect(isHiddenRun(undefined)).toBe(false);
  });

  it('names runs by runName, serialized name, then class', () => {
    expect(runNameOf(sequence, 'mine', 'x')).toBe('mine');
    expect(runNameOf({ name: 'n', id: ['A'] }, undefined, 'x')).toBe('n');
    expect(runNameOf(sequence, undefined, 'x')).toBe('RunnableSequence');
    expect(runNameOf(null, '', 'x')).toBe('x');
  });
});

describe('tool and retriever runs', () => {
  const dynamicTool = { lc: 1, type: 'not_implemented', id: ['langchain', 'tools', 'DynamicStructuredTool'] };

  it('names a tool by its run name and keeps its call id and parsed arguments', () => {
    expect(
      mapToolStart({
        serialized: dynamicTool,
        input: '{"a":1,"b":2}',
        tags: [],
        metadata: {},
        runName: 'add',
        toolCallId: 'c1',
      }),
    ).toEqual({
      kind: 'tool',
      name: 'add',
      input: { a: 1, b: 2 },
      tool: { callId: 'c1' },
    });
  });

  it.each([
    ['JSON object', '{"a":1}', { a: 1 }],
    ['plain string', 'weather in Paris', 'weather in Paris'],
    ['broken JSON stays a string', '{"a":', '{"a":'],
    ['object as given', { a: 1 }, { a: 1 }],
  ])('mapToolInput: %s', (_name, input, expected) => {
    expect(mapToolInput(input)).toEqual(expected);
  });

  it.each([
    ['string', 'ok', { output: 'ok', isError: false }],
    [
      'ToolMessage',
      new ToolMessage({ content: '3', tool_call_id: 'c1', name: 'add' }),
      { output: '3', isError: false },
    ],
    [
      'ToolMessage with error status',
      new ToolMessage({ content: 'bad input', tool_call_id: 'c1', status: 'error' }),
      { output: 'bad input', isError: true },
    ],
    [
      'LangGraph Command with a ToolMessage',
      { lg_name: 'Command', update: { messages: [new ToolMessage({ content: 'done', tool_call_id: 'c1' })] } },
      { output: 'done', isError: false },
    ],
  ])('mapToolOutput: %s', (_name, output, expected) => {
    expect(mapToolOutput(output)).toEqual(expected);
  });

  it('maps a retriever start and its documents', () => {
    expect(
      mapRetrieverStart({
        serialized: { id: ['x', 'FakeRetriever'] },
        query: 'cats',
        tags: [],
        metadata: {},
        runName: undefined,
      }),
    ).toEqual({
      kind: 'retriever',
      name: 'FakeRetriever',
      input: 'cats',
    });
    expect(
      mapDocuments([{ pageContent: 'a', metadata: { source: 's' }, id: 'd1' }, { pageContent: 'b', metadata: {} }, 3]),
    ).toEqual([{ id: 'd1', content: 'a', metadata: { source: 's' } }, { content: 'b', metadata: {} }, {}]);
  });
});

describe('mapErrorInfo', () => {
  it.each([
    [
      'provider code',
      Object.assign(new Error('x'), { status: 429, code: 'rate_limit_exceeded' }),
      { code: 'rate_limit_exceeded' },
    ],
    [
      'nested code',
      Object.assign(new Error('x'), { error: { code: 'context_length_exceeded' } }),
      { code: 'context_length_exceeded' },
    ],
    [
      'LangChain code',
      Object.assign(new Error('x'), { lc_error_code: 'MODEL_RATE_LIMIT' }),
      { code: 'MODEL_RATE_LIMIT' },
    ],
    ['plain error', new Error('x'), undefined],
    ['not an error', 'boom', undefined],
  ])('%s', (_name, error, info) => {
    expect(mapErrorInfo(error)).toEqual(info);
  });
});

describe('mapRunValue', () => {
  const date = new Date(0);
  it.each([
    ['a message', new HumanMessage('hi'), { role: 'user', content: 'hi' }],
    [
      'agent state with tool calls and results',
      {
        messages: [
          new AIMessage({
            content: '',
            name: 'bot',
            tool_calls: [{ name: 'f', args: { x: 1 }, id: 'c1', type: 'tool_call' }],
          }),
          new ToolMessage({ content: 'ok', tool_call_id: 'c1' }),
        ],
        step: 2,
      },
      {
        messages: [
          {
            role: 'assistant',
            name: 'bot',
            content: '',
            tool_calls: [{ name: 'f', args: { x: 1 }, id: 'c1', type: 'tool_call' }],
          },
          { role: 'tool', content: 'ok', tool_call_id: 'c1' },
        ],
        step: 2,
      },
    ],
    [
      'a prompt value',
      new ChatPromptValue([new SystemMessage('s'), new HumanMessage('h')]),
      [
        { role: 'system', content: 's' },
        { role: 'user', content: 'h' },
      ],
    ],
    [
      'a serialized prompt value',
      {
        lc: 1,
        type: 'constructor',
        id: ['x', 'ChatPromptValue'],
        kwargs: { messages: [{ lc: 1, type: 'constructor', id: ['x', 'HumanMessage'], kwargs: { content: 'h' } }] },
      },
      [{ role: 'user', content: 'h' }],
    ],
    [
      'a LangGraph command',
      { lg_name: 'Command', update: { messages: [new HumanMessage('u')] } },
      { lg_name: 'Command', update: { messages: [{ role: 'user', content: 'u' }] } },
    ],
    ['other class instances are left as they are', { at: date }, { at: date }],
    ['scalars', 'text', 'text'],
  ])('%s', (_name, value, expected) => {
    expect(mapRunValue(value)).toEqual(expected);
  });

  it('stops walking at a bounded depth', () => {
    const deep = { a: { b: { c: { d: { e: { f: new HumanMessage('deep') } } } } } };
    const mapped = mapRunValue(deep) as typeof deep;
    expect(mapped.a.b.c.d.e.f).toBeInstanceOf(HumanMessage);
  });
});

import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { ChatPromptValue } from '@langchain/core/prompt_values';
import { describe, expect, it } from 'vitest';
import { isAgentRun, isHiddenRun, mapChainInput, mapChainOutput, mapChainStart, mapRunValue } from './map-chain.js';

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

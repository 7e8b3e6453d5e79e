import { ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { mapToolInput, mapToolOutput, mapToolStart } from './map-tool.js';

describe('tool runs', () => {
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
});

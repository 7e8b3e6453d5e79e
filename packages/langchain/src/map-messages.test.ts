import {
  AIMessage,
  AIMessageChunk,
  ChatMessage,
  FunctionMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import {
  mapContent,
  mapContentBlock,
  mapMessage,
  mapMessages,
  mapPrompts,
  mapToolCalls,
  messageRole,
  readToolMessage,
} from './map-messages.js';

describe('messageRole', () => {
  it.each([
    ['HumanMessage', new HumanMessage('hi'), 'user'],
    ['AIMessage', new AIMessage('hi'), 'assistant'],
    ['AIMessageChunk', new AIMessageChunk('hi'), 'assistant'],
    ['SystemMessage', new SystemMessage('be brief'), 'system'],
    ['ToolMessage', new ToolMessage({ content: 'x', tool_call_id: 'c1' }), 'tool'],
    ['FunctionMessage', new FunctionMessage({ content: 'x', name: 'f' }), 'tool'],
    ['ChatMessage keeps its role', new ChatMessage({ content: 'x', role: 'critic' }), 'critic'],
    [
      'serialized HumanMessage',
      { lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'HumanMessage'], kwargs: { content: 'hi' } },
      'user',
    ],
    [
      'serialized AIMessageChunk',
      { lc: 1, type: 'constructor', id: ['x', 'AIMessageChunk'], kwargs: { content: 'hi' } },
      'assistant',
    ],
    ['plain {role}', { role: 'user', content: 'hi' }, 'user'],
    ['plain {type: ai}', { type: 'ai', content: 'hi' }, 'assistant'],
    ['developer', { type: 'developer', content: 'rules' }, 'developer'],
    [
      'getType that throws falls back to type',
      {
        getType: () => {
          throw new Error('x');
        },
        type: 'human',
      },
      'user',
    ],
    ['nothing', { content: 'hi' }, undefined],
    ['null', null, undefined],
    ['a string', 'hello', undefined],
  ])('%s', (_name, message, role) => {
    expect(messageRole(message)).toBe(role);
  });
});

describe('mapContentBlock', () => {
  it.each([
    ['text', { type: 'text', text: 'hi' }, { type: 'text', content: 'hi' }],
    ['empty text', { type: 'text', text: '' }, undefined],
    ['bare string', 'hi', { type: 'text', content: 'hi' }],
    [
      'image_url data URL',
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      { type: 'blob', modality: 'image', mimeType: 'image/png', content: 'AAAA' },
    ],
    [
      'image_url string URL',
      { type: 'image_url', image_url: 'https://x.test/a.png' },
      { type: 'uri', modality: 'image', mimeType: undefined, uri: 'https://x.test/a.png' },
    ],
    [
      'v1 image with data',
      { type: 'image', data: 'BBBB', mimeType: 'image/jpeg' },
      { type: 'blob', modality: 'image', mimeType: 'image/jpeg', content: 'BBBB' },
    ],
    [
      'v0 file by id',
      { type: 'file', source_type: 'id', id: 'file-1', mime_type: 'application/pdf' },
      { type: 'file', modality: 'document', mimeType: 'application/pdf', fileId: 'file-1' },
    ],
    [
      'anthropic base64 image',
      { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'CCCC' } },
      { type: 'blob', modality: 'image', mimeType: 'image/gif', content: 'CCCC' },
    ],
    [
      'input_audio',
      { type: 'input_audio', input_audio: { data: 'DDDD', format: 'wav' } },
      { type: 'blob', modality: 'audio', mimeType: 'audio/wav', content: 'DDDD' },
    ],
    ['thinking', { type: 'thinking', thinking: 'hmm' }, { type: 'reasoning', content: 'hmm' }],
    ['v1 reasoning', { type: 'reasoning', reasoning: 'so' }, { type: 'reasoning', content: 'so' }],
    [
      'responses reasoning summary',
      {
        type: 'reasoning',
        summary: [
          { type: 'summary_text', text: 'a' },
          { type: 'summary_text', text: 'b' },
        ],
      },
      { type: 'reasoning', content: 'a\nb' },
    ],
    [
      'anthropic tool_result',
      { type: 'tool_result', tool_use_id: 'tu1', content: 'ok' },
      { type: 'tool_call_response', id: 'tu1', response: 'ok' },
    ],
    ['tool_use duplicates tool_calls', { type: 'tool_use', id: 'tu1', name: 'f', input: {} }, undefined],
    ['unknown with text', { type: 'custom', text: 'x' }, { type: 'text', content: 'x' }],
    ['unknown without text', { type: 'custom' }, undefined],
    ['image without source', { type: 'image' }, undefined],
    ['number', 42, undefined],
  ])('%s', (_name, block, part) => {
    expect(mapContentBlock(block)).toEqual(part);
  });

  it('keeps only readable blocks of a list and reads nothing from non-lists', () => {
    expect(mapContent([{ type: 'text', text: 'a' }, null, { type: 'tool_use' }, 'b'])).toEqual([
      { type: 'text', content: 'a' },
      { type: 'text', content: 'b' },
    ]);
    expect(mapContent('')).toEqual([]);
    expect(mapContent({ not: 'a list' })).toEqual([]);
  });
});

describe('mapToolCalls', () => {
  it('reads parsed tool calls and invalid ones', () => {
    const message = new AIMessage({
      content: '',
      tool_calls: [{ name: 'add', args: { a: 1 }, id: 'c1', type: 'tool_call' }],
      invalid_tool_calls: [{ name: 'mul', args: '{bad', id: 'c2', error: 'parse', type: 'invalid_tool_call' }],
    });
    expect(mapToolCalls(message)).toEqual([
      { type: 'tool_call', id: 'c1', name: 'add', arguments: { a: 1 } },
      { type: 'tool_call', id: 'c2', name: 'mul', arguments: '{bad' },
    ]);
  });

  it('falls back to the raw OpenAI tool calls', () => {
    const message = {
      type: 'ai',
      content: '',
      additional_kwargs: {
        tool_calls: [{ id: 'c9', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
      },
    };
    expect(mapToolCalls(message)).toEqual([{ type: 'tool_call', id: 'c9', name: 'f', arguments: '{"x":1}' }]);
  });
});

describe('mapMessage', () => {
  it.each([
    ['human text', new HumanMessage('hello'), { role: 'user', parts: [{ type: 'text', content: 'hello' }] }],
    [
      'system with name',
      new SystemMessage({ content: 'be brief', name: 'rules' }),
      { role: 'system', parts: [{ type: 'text', content: 'be brief' }], name: 'rules' },
    ],
    [
      'AI with reasoning, text and a tool call',
      new AIMessage({
        content: 'let me add',
        additional_kwargs: { reasoning_content: 'think' },
        tool_calls: [{ name: 'add', args: { a: 1, b: 2 }, id: 'c1', type: 'tool_call' }],
      }),
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'think' },
          { type: 'text', content: 'let me add' },
          { type: 'tool_call', id: 'c1', name: 'add', arguments: { a: 1, b: 2 } },
        ],
      },
    ],
    [
      'tool result',
      new ToolMessage({ content: '3', tool_call_id: 'c1', name: 'add' }),
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: '3' }] },
    ],
    [
      'tool result with text blocks is joined',
      new ToolMessage({
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
        tool_call_id: 'c2',
      }),
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c2', response: 'ab' }] },
    ],
    [
      'serialized human',
      { lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'HumanMessage'], kwargs: { content: 'yo' } },
      { role: 'user', parts: [{ type: 'text', content: 'yo' }] },
    ],
    ['no role', { content: 'x' }, undefined],
  ])('%s', (_name, message, expected) => {
    expect(mapMessage(message)).toEqual(expected);
  });

  it('maps a list and skips what it cannot read', () => {
    expect(mapMessages([new HumanMessage('a'), 7, { role: 'assistant', content: 'b' }])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'a' }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'b' }] },
    ]);
    expect(mapMessages('not a list')).toEqual([]);
  });

  it('maps text prompts to user messages', () => {
    expect(mapPrompts(['Q: 1+1?', 3])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Q: 1+1?' }] }]);
  });
});

describe('readToolMessage', () => {
  it.each([
    ['success', new ToolMessage({ content: '3', tool_call_id: 'c1' }), { result: '3', isError: false }],
    [
      'error status',
      new ToolMessage({ content: 'boom', tool_call_id: 'c1', status: 'error' }),
      { result: 'boom', isError: true },
    ],
    ['a string', 'plain output', undefined],
    ['an AI message', new AIMessage('x'), undefined],
  ])('%s', (_name, value, expected) => {
    expect(readToolMessage(value)).toEqual(expected);
  });
});

describe('messageRole with a type named like an Object.prototype member', () => {
  it('passes the type through instead of reading the prototype', () => {
    expect(messageRole({ type: 'constructor', content: 'x' })).toBe('constructor');
    expect(messageRole({ type: 'toString', content: 'x' })).toBe('toString');
    // A serialized message whose class is not a message class has no type.
    expect(messageRole({ lc: 1, type: 'constructor', id: ['x', 'constructor'], kwargs: { content: 'x' } })).toBe(
      undefined,
    );
  });
});

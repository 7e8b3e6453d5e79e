import { describe, expect, it } from 'vitest';
import {
  fromOpenAIChatMessages,
  fromOpenAIContent,
  fromOpenAIMessage,
  fromOpenAIResponseOutput,
  fromOpenAITools,
} from './adapter-kit.js';
import type { Message, MessagePart } from './types.js';

describe('fromOpenAIChatMessages', () => {
  it.each<[string, unknown, Message[] | undefined]>([
    [
      'OpenAI chat messages with a tool call and its result',
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Porto?', name: 'ana' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Porto"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c":19}' },
      ],
      [
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Porto?' }], name: 'ana' },
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Porto"}' }],
        },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '{"temp_c":19}' }] },
      ],
    ],
    [
      'legacy function_call and function results (the function name is the result id)',
      [
        { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{}' } },
        { role: 'function', name: 'lookup', content: 'found' },
      ],
      [
        { role: 'assistant', parts: [{ type: 'tool_call', id: undefined, name: 'lookup', arguments: '{}' }] },
        { role: 'function', parts: [{ type: 'tool_call_response', id: 'lookup', response: 'found' }] },
      ],
    ],
    [
      'content parts: text, image URL, data URL, audio, file id; unknown kinds skipped',
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe' },
            { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } },
            { type: 'file', file: { file_id: 'file-9' } },
            { type: 'unknown_kind', value: 1 },
          ],
        },
      ],
      [
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'Describe' },
            { type: 'uri', modality: 'image', uri: 'https://x.test/a.png' },
            { type: 'blob', modality: 'image', mimeType: 'image/jpeg', content: '/9j/4AAQ' },
            { type: 'blob', modality: 'audio', mimeType: 'audio/wav', content: 'UklGR' },
            { type: 'file', modality: 'file', fileId: 'file-9' },
          ],
        },
      ],
    ],
    [
      'Anthropic content blocks (thinking, tool_use, tool_result, base64 image, document URL)',
      [
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Need the weather.', signature: 'x' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Porto' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '19C' }] },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            { type: 'document', source: { type: 'url', url: 'https://x.test/doc.pdf' } },
          ],
        },
      ],
      [
        {
          role: 'assistant',
          parts: [
            { type: 'reasoning', content: 'Need the weather.' },
            { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Porto' } },
          ],
        },
        {
          role: 'user',
          parts: [
            { type: 'tool_call_response', id: 'toolu_1', response: '19C' },
            { type: 'blob', modality: 'image', mimeType: 'image/png', content: 'iVBOR' },
            { type: 'uri', modality: 'document', uri: 'https://x.test/doc.pdf' },
          ],
        },
      ],
    ],
    [
      'Responses-API input items',
      [
        { role: 'user', content: [{ type: 'input_text', text: 'Capital?' }] },
        { type: 'input_image', image_url: 'https://x.test/map.png' },
        { type: 'function_call', call_id: 'fc_1', name: 'lookup', arguments: '{"q":"PT"}' },
        { type: 'function_call_output', call_id: 'fc_1', output: 'Lisbon' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Looked it up.' }] },
      ],
      [
        { role: 'user', parts: [{ type: 'text', content: 'Capital?' }] },
        { role: 'user', parts: [{ type: 'uri', modality: 'image', uri: 'https://x.test/map.png' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'fc_1', name: 'lookup', arguments: '{"q":"PT"}' }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'fc_1', response: 'Lisbon' }] },
        { role: 'assistant', parts: [{ type: 'reasoning', content: 'Looked it up.' }] },
      ],
    ],
    [
      'a tool result of text parts is joined; one with an image stays as given',
      [
        {
          role: 'tool',
          tool_call_id: 'c',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
        { role: 'tool', tool_call_id: 'd', content: [{ type: 'image_url', image_url: { url: 'https://x.test/i' } }] },
      ],
      [
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c', response: 'ab' }] },
        {
          role: 'tool',
          parts: [
            {
              type: 'tool_call_response',
              id: 'd',
              response: [{ type: 'image_url', image_url: { url: 'https://x.test/i' } }],
            },
          ],
        },
      ],
    ],
    ['a prompt string is one user message', 'Say hi', [{ role: 'user', parts: [{ type: 'text', content: 'Say hi' }] }]],
    [
      'one message object',
      { role: 'user', content: 'hi' },
      [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
    ],
    [
      'unreadable entries are skipped, strings kept as user text',
      [null, 5, { role: 'user', content: null }, { role: 'user', content: [] }, 'hi', ''],
      [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
    ],
    ['null', null, undefined],
    ['an empty array', [], undefined],
    ['an empty string', '', undefined],
    ['a number', 42, undefined],
  ])('maps %s', (_name, input, expected) => {
    expect(fromOpenAIChatMessages(input)).toEqual(expected);
  });

  it('keeps reasoning_content of an assistant message before its text', () => {
    expect(fromOpenAIChatMessages([{ role: 'assistant', content: 'Five.', reasoning_content: 'Counted.' }])).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Counted.' },
          { type: 'text', content: 'Five.' },
        ],
      },
    ]);
  });

  it('never throws on hostile input: throwing getters, a throwing Proxy, a cycle', () => {
    const throwing = {
      get role(): string {
        throw new Error('getter');
      },
      content: 'still read',
    };
    const proxy = new Proxy([], {
      get() {
        throw new Error('proxy');
      },
    });
    const cyclic: Record<string, unknown> = { role: 'user' };
    cyclic.content = [cyclic, { type: 'text', text: 'ok' }];
    expect(fromOpenAIChatMessages([throwing])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'still read' }] },
    ]);
    expect(fromOpenAIChatMessages(proxy)).toBeUndefined();
    expect(fromOpenAIChatMessages([{ role: 'user', content: proxy }])).toBeUndefined();
    expect(fromOpenAIChatMessages([cyclic])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'ok' }] }]);
  });

  it('a field that throws costs that field only: a tool call keeps its name and arguments without its id', () => {
    const call = {
      get id(): string {
        throw new Error('getter');
      },
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    };
    const message = {
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [call],
      get name(): string {
        throw new Error('getter');
      },
    };
    expect(fromOpenAIChatMessages([message])).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Checking.' },
          { type: 'tool_call', id: undefined, name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
      },
    ]);
  });
});

describe('fromOpenAIMessage', () => {
  it.each<[string, unknown, string | undefined, Message | undefined]>([
    [
      'a string with the default role',
      'Done.',
      'assistant',
      { role: 'assistant', parts: [{ type: 'text', content: 'Done.' }] },
    ],
    [
      'an output message keeps its name',
      { role: 'assistant', name: 'bot', content: 'x' },
      undefined,
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'x' }],
        name: 'bot',
      },
    ],
    ['a message with nothing readable', { role: 'assistant', content: '' }, undefined, undefined],
    [
      'a tool call without a name',
      { role: 'assistant', tool_calls: [{ id: 'x', function: {} }] },
      undefined,
      undefined,
    ],
  ])('maps %s', (_name, input, role, expected) => {
    expect(fromOpenAIMessage(input, role)).toEqual(expected);
  });
});

describe('fromOpenAIContent', () => {
  it.each<[string, unknown, MessagePart[]]>([
    ['a string', 'hello', [{ type: 'text', content: 'hello' }]],
    [
      'a refusal is text; empty parts are skipped; raw strings are text',
      [{ type: 'refusal', refusal: 'No.' }, { type: 'text', text: '' }, 'raw', { type: 'refusal' }],
      [
        { type: 'text', content: 'No.' },
        { type: 'text', content: 'raw' },
      ],
    ],
    [
      'a data URL without a media type keeps the part modality',
      [{ type: 'image_url', image_url: 'data:;base64,AAAA' }],
      [{ type: 'blob', modality: 'image', mimeType: undefined, content: 'AAAA' }],
    ],
    [
      'a PDF file as a data URL; a file URL',
      [
        { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBER' } },
        { type: 'input_file', file_url: 'https://x.test/f.pdf' },
      ],
      [
        { type: 'blob', modality: 'file', mimeType: 'application/pdf', content: 'JVBER' },
        { type: 'uri', modality: 'file', uri: 'https://x.test/f.pdf' },
      ],
    ],
    ['audio without data is skipped', [{ type: 'input_audio', input_audio: { format: 'mp3' } }], []],
    ['not content', 17, []],
  ])('maps %s', (_name, input, expected) => {
    expect(fromOpenAIContent(input)).toEqual(expected);
  });
});

describe('fromOpenAIResponseOutput', () => {
  it('joins Responses-API output items into one assistant message', () => {
    const output = fromOpenAIResponseOutput(
      [
        { type: 'reasoning', summary: [{ text: 'a' }, { text: 'b' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Lisbon' }] },
        { type: 'function_call', call_id: 'fc_2', name: 'book', arguments: '{}' },
      ],
      'tool_calls',
    );
    expect(output).toEqual({
      role: 'assistant',
      finishReason: 'tool_calls',
      parts: [
        { type: 'reasoning', content: 'a\nb' },
        { type: 'text', content: 'Lisbon' },
        { type: 'tool_call', id: 'fc_2', name: 'book', arguments: '{}' },
      ],
    });
  });

  it('joins Anthropic content blocks, without a finish reason when none is given', () => {
    expect(
      fromOpenAIResponseOutput([
        { type: 'text', text: 'Calling.' },
        { type: 'tool_use', id: 't1', name: 'f', input: {} },
      ]),
    ).toEqual({
      role: 'assistant',
      parts: [
        { type: 'text', content: 'Calling.' },
        { type: 'tool_call', id: 't1', name: 'f', arguments: {} },
      ],
    });
  });

  it.each([
    ['placeholders and empty items', ['MaxDepthExceeded', {}]],
    ['not a list', 'MaxDepthExceeded'],
    ['null', null],
  ])('is undefined for %s', (_name, input) => {
    expect(fromOpenAIResponseOutput(input, 'stop')).toBeUndefined();
  });
});

describe('fromOpenAITools', () => {
  it.each<[string, unknown, unknown]>([
    [
      'OpenAI tools',
      [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' } } }],
      [{ name: 'f', type: 'function', description: 'd', parameters: { type: 'object' } }],
    ],
    [
      'legacy functions',
      [{ name: 'g', parameters: { type: 'object' } }],
      [{ name: 'g', type: 'function', parameters: { type: 'object' } }],
    ],
    [
      'Responses-API function tools',
      [{ type: 'function', name: 'h', description: 'x', parameters: { type: 'object' } }],
      [{ name: 'h', type: 'function', description: 'x', parameters: { type: 'object' } }],
    ],
    [
      'Anthropic tools',
      [{ name: 'k', input_schema: { type: 'object' } }],
      [{ name: 'k', type: 'function', parameters: { type: 'object' } }],
    ],
    [
      'provider tools are named by type',
      [{ type: 'web_search_preview' }],
      [{ name: 'web_search_preview', type: 'web_search_preview' }],
    ],
    [
      'a schema that is not an object is dropped, the tool kept',
      [{ type: 'function', function: { name: 'deep', parameters: 'MaxDepthExceeded' } }, 'MaxDepthExceeded'],
      [{ name: 'deep', type: 'function' }],
    ],
    ['tools without a name are skipped', [{ type: 'function', function: {} }], undefined],
    ['not a list', 'MaxDepthExceeded', undefined],
  ])('maps %s', (_name, input, expected) => {
    expect(fromOpenAITools(input)).toEqual(expected);
  });
});

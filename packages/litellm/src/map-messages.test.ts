import type { Message } from '@agentops/llm-callback-core';
import { describe, expect, it } from 'vitest';
import { mapMessages } from './map-messages.js';

// The message shapes themselves are tested in the core (openai-messages.test.ts); these are LiteLLM's quirks.
describe('mapMessages', () => {
  it.each<[string, unknown, Message[] | undefined]>([
    [
      'OpenAI chat messages (the core maps them)',
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'tool', tool_call_id: 'call_1', content: '19C' },
      ],
      [
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '19C' }] },
      ],
    ],
    [
      'a plain prompt string (text completion, or redacted)',
      'redacted-by-litellm',
      [{ role: 'user', parts: [{ type: 'text', content: 'redacted-by-litellm' }] }],
    ],
    [
      'messages serialized as a JSON string',
      '[{"role":"user","content":"hi"}]',
      [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
    ],
    [
      'one message serialized as a JSON string',
      ' {"role":"assistant","content":"ok"} ',
      [{ role: 'assistant', parts: [{ type: 'text', content: 'ok' }] }],
    ],
    [
      'a truncated JSON string stays text',
      '[{"role":"us',
      [{ role: 'user', parts: [{ type: 'text', content: '[{"role":"us' }] }],
    ],
    [
      '"MaxDepthExceeded" / "CircularReference Detected" items and unreadable entries are skipped',
      ['MaxDepthExceeded', 'CircularReference Detected', null, 5, { role: 'user', content: null }, 'hi'],
      [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
    ],
    ['messages replaced by "MaxDepthExceeded"', 'MaxDepthExceeded', undefined],
    ['messages replaced by "CircularReference Detected"', 'CircularReference Detected', undefined],
    ['null', null, undefined],
    ['an empty array', [], undefined],
    ['an empty string', '', undefined],
    ['a number', 42, undefined],
  ])('maps %s', (_name, input, expected) => {
    expect(mapMessages(input)).toEqual(expected);
  });
});

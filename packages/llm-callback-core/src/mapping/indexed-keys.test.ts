import { describe, expect, it } from 'vitest';
import { indexedKeys } from './indexed-keys.js';

describe('indexedKeys', () => {
  it('gives the same key strings for the same index on every call', () => {
    const first = indexedKeys('gen_ai.prompt.', 3);
    expect(first.key('content')).toBe('gen_ai.prompt.3.content');
    expect(first.toolCall(1).key('arguments')).toBe('gen_ai.prompt.3.tool_calls.1.arguments');
    const again = indexedKeys('gen_ai.prompt.', 3);
    expect(again).toBe(first);
    expect(again.key('content')).toBe(first.key('content'));
    expect(again.toolCall(1)).toBe(first.toolCall(1));
    expect(indexedKeys('gen_ai.completion.', 3).key('content')).toBe('gen_ai.completion.3.content');
  });

  it('builds keys per call past the kept indices, and for indices that are not counts', () => {
    for (const i of [256, 10_000, -1, 1.5]) {
      expect(indexedKeys('gen_ai.prompt.', i).key('role')).toBe(`gen_ai.prompt.${i}.role`);
      expect(indexedKeys('gen_ai.prompt.', i).toolCall(0).key('id')).toBe(`gen_ai.prompt.${i}.tool_calls.0.id`);
    }
  });
});

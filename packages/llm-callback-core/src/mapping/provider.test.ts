import { describe, expect, it } from 'vitest';
import { genaiProviderName, normalizeFinishReason, shortProviderName } from './provider.js';

describe('provider and finish reason names', () => {
  it('give the same answer whatever came before (each remembers its last one)', () => {
    const cases: [(value: string) => string, string, string][] = [
      [shortProviderName, 'openai.chat', 'openai'],
      [shortProviderName, ' Anthropic ', 'anthropic'],
      [genaiProviderName, 'azure', 'azure.ai.openai'],
      [genaiProviderName, 'bedrock.converse', 'aws.bedrock'],
      [genaiProviderName, 'my-gateway', 'my-gateway'],
      [normalizeFinishReason, 'end_turn', 'stop'],
      [normalizeFinishReason, 'tool_calls', 'tool_call'],
      [normalizeFinishReason, 'constructor', 'constructor'],
      [normalizeFinishReason, 'MAX_TOKENS', 'length'],
    ];
    // Each input in turn, then again in reverse and interleaved: a stale remembered answer would show.
    for (const order of [cases, [...cases].reverse(), [...cases, ...cases]]) {
      for (const [map, input, expected] of order) expect(map(input)).toBe(expected);
    }
    expect(shortProviderName('openai.chat')).toBe('openai');
    expect(genaiProviderName('openai.chat')).toBe('openai');
  });
});

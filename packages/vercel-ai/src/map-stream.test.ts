import { describe, expect, it } from 'vitest';
import { v2StreamParts, v3StreamParts, v4StreamParts } from './__fixtures__/model-results.js';
import { MAX_STREAMED_CHARS, StreamAccumulator } from './map-stream.js';

function accumulate(parts: readonly unknown[]): { accumulator: StreamAccumulator; outputParts: number } {
  const accumulator = new StreamAccumulator();
  let outputParts = 0;
  for (const part of parts) if (accumulator.add(part)) outputParts++;
  return { accumulator, outputParts };
}

const expectedOutput = [
  {
    role: 'assistant',
    parts: [
      { type: 'reasoning', content: 'Hmm.' },
      { type: 'text', content: 'Hello' },
      { type: 'tool_call', id: 'call-1', name: 'weather', arguments: '{"city":"Paris"}' },
    ],
    finishReason: 'stop',
  },
];

describe('StreamAccumulator', () => {
  it.each([
    [
      'V2',
      v2StreamParts(),
      { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 2, reasoningTokens: 1 },
    ],
    [
      'V3',
      v3StreamParts(),
      { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 2, reasoningTokens: 1 },
    ],
    [
      'V4',
      v4StreamParts(),
      { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 2, reasoningTokens: 1 },
    ],
  ])('assembles a %s stream', (_version, parts, usage) => {
    const { accumulator, outputParts } = accumulate(parts);
    // reasoning-delta, 2 text-delta, tool-input-start, 2 tool-input-delta, tool-call
    expect(outputParts).toBe(7);
    expect(accumulator.finished).toBe(true);
    expect(accumulator.result()).toEqual({
      warnings: ['other: beta'],
      responseId: 'resp-s',
      responseModel: 'model-2024',
      responseCreated: new Date('2026-01-02T03:04:05.000Z'),
      outputs: expectedOutput,
      finishReasons: ['stop'],
      usage,
    });
  });

  it('without content, counts the same parts and keeps everything but the output', () => {
    const accumulator = new StreamAccumulator(false);
    let outputParts = 0;
    for (const part of v4StreamParts()) if (accumulator.add(part)) outputParts++;
    expect(outputParts).toBe(7);
    expect(accumulator.result()).toEqual({
      warnings: ['other: beta'],
      responseId: 'resp-s',
      responseModel: 'model-2024',
      responseCreated: new Date('2026-01-02T03:04:05.000Z'),
      finishReasons: ['stop'],
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 2, reasoningTokens: 1 },
    });
  });

  it('keeps what a cut-off stream produced: partial text and tool input, no finish', () => {
    const { accumulator } = accumulate(v4StreamParts().slice(0, 11));
    expect(accumulator.finished).toBe(false);
    expect(accumulator.result().outputs).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Hmm.' },
          { type: 'text', content: 'Hello' },
          { type: 'tool_call', id: 'call-1', name: 'weather', arguments: '{"city":' },
        ],
      },
    ]);
    expect(accumulator.result().usage).toBeUndefined();
  });

  it('keeps separate text blocks in order and deltas without a start part', () => {
    const { accumulator } = accumulate([
      { type: 'text-delta', id: 'a', delta: 'one' },
      { type: 'file', mediaType: 'image/png', data: 'AAAA' },
      { type: 'text-start', id: 'b' },
      { type: 'text-delta', id: 'b', delta: 'two' },
      { type: 'text-delta', id: 'a', delta: '!' },
    ]);
    expect(accumulator.result().outputs?.[0]?.parts).toEqual([
      { type: 'text', content: 'one!' },
      { type: 'blob', modality: 'image', mimeType: 'image/png', content: 'AAAA' },
      { type: 'text', content: 'two' },
    ]);
  });

  it('remembers the first in-stream error part', () => {
    const { accumulator } = accumulate([
      { type: 'error', error: new Error('first') },
      { type: 'error', error: new Error('second') },
    ]);
    expect(accumulator.hasError).toBe(true);
    expect((accumulator.error as Error).message).toBe('first');
  });

  it('stops storing text past the cap and marks it', () => {
    const big = 'x'.repeat(MAX_STREAMED_CHARS);
    const { accumulator } = accumulate([
      { type: 'text-delta', id: 't', delta: big },
      { type: 'text-delta', id: 't', delta: 'dropped' },
    ]);
    const text = accumulator.result().outputs?.[0]?.parts[0];
    expect(text?.type === 'text' && text.content.endsWith('…[truncated by agentops]')).toBe(true);
    expect(text?.type === 'text' && text.content.includes('dropped')).toBe(false);
  });

  it('ignores framing and malformed parts', () => {
    const { accumulator, outputParts } = accumulate([
      null,
      'text',
      { type: 'text-delta' },
      { type: 'ping' },
      { type: 'raw', rawValue: 1 },
      { type: 'finish', usage: 'x', finishReason: 9 },
    ]);
    expect(outputParts).toBe(1);
    expect(accumulator.result()).toEqual({});
  });
});

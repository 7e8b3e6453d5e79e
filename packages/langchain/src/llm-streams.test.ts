import type { CallHandle } from '@agentops/llm-callback-core';
import { AIMessageChunk } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { LlmStreams } from './llm-streams.js';

/** A call handle that records what it is told. */
function fakeHandle(key: string) {
  const chunks: number[] = [];
  let touches = 0;
  const handle: CallHandle = {
    key,
    recordsContent: true,
    chunk: (time) => chunks.push(time ?? -1),
    touch: () => {
      touches++;
    },
    end() {},
    fail() {},
  };
  return { handle, chunks, touches: () => touches };
}

function openCall(streams: LlmStreams, key: string) {
  const snapshot = streams.open(key);
  const fake = fakeHandle(key);
  streams.attach(key, fake.handle, true);
  return { snapshot, ...fake };
}

const messageChunk = (text: string) => ({ text, message: new AIMessageChunk({ content: text }) });

describe('LlmStreams', () => {
  it('holds a lone chunk-less token (a cache hit) and counts it once a second token proves a stream', () => {
    const streams = new LlmStreams();
    const cached = openCall(streams, 'cached');
    streams.token('cached', 'whole answer', undefined, 10);
    expect(cached.chunks).toEqual([]);
    const streamed = openCall(streams, 'streamed');
    streams.token('streamed', 'a', undefined, 10);
    streams.token('streamed', 'b', undefined, 12);
    streams.token('streamed', 'c', undefined, 15);
    expect(streamed.chunks).toEqual([10, 12, 15]);
    expect(streamed.snapshot()).toEqual({
      outputs: [{ role: 'assistant', parts: [{ type: 'text', content: 'abc' }] }],
    });
  });

  it('counts a token that carries a message chunk at once, and only touches for empty ones', () => {
    const streams = new LlmStreams();
    const call = openCall(streams, 'k');
    streams.token('k', '', messageChunk(''), 1); // OpenAI's role chunk
    streams.token('k', 'Hi', messageChunk('Hi'), 2);
    streams.token('k', '', messageChunk(''), 3); // usage chunk
    expect(call.chunks).toEqual([2]);
    expect(call.touches()).toBe(2);
    expect(streams.snapshot('k')).toEqual({
      outputs: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hi' }] }],
    });
  });

  it('has no snapshot before any text streamed', () => {
    const streams = new LlmStreams();
    expect(openCall(streams, 'k').snapshot()).toBeUndefined();
    expect(streams.snapshot('unknown')).toBeUndefined();
  });

  it('drops calls the core did not open, and ignores their tokens', () => {
    const streams = new LlmStreams();
    streams.open('dead');
    const fake = fakeHandle('dead');
    streams.attach('dead', fake.handle, false);
    streams.token('dead', 'x', messageChunk('x'), 1);
    expect(streams.size).toBe(0);
    expect(fake.chunks).toEqual([]);
  });

  it('hands back the call handle once at the end and stops tracking the call', () => {
    const streams = new LlmStreams();
    const call = openCall(streams, 'k');
    expect(streams.take('k')).toBe(call.handle);
    expect(streams.size).toBe(0);
    expect(streams.take('k')).toBeUndefined();
  });

  it('prunes calls that are no longer open only once the map has grown', () => {
    const streams = new LlmStreams();
    for (let i = 0; i < 63; i++) openCall(streams, `k${i}`);
    streams.prune(() => false);
    expect(streams.size).toBe(63);
    openCall(streams, 'k63');
    streams.prune((key) => key === 'k63');
    expect(streams.size).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { v2Prompt, v3Prompt, v4Prompt } from './__fixtures__/model-results.js';
import { extractCallOptions, mapCallOptions, mapTools, mergeMetadata, readCallMetadata } from './map-call-options.js';

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } } };

describe('mapCallOptions', () => {
  it('maps every call setting, tools and tool choice', () => {
    const mapped = mapCallOptions({
      prompt: [],
      temperature: 0.2,
      maxOutputTokens: 100,
      topP: 0.9,
      topK: 40,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
      seed: 7,
      stopSequences: ['END', 5, {}],
      responseFormat: { type: 'json', schema: weatherSchema },
      toolChoice: { type: 'tool', toolName: 'weather' },
      tools: [
        { type: 'function', name: 'weather', description: 'Weather', inputSchema: weatherSchema },
        { type: 'provider', id: 'openai.web_search', name: 'web_search', args: { size: 'low' } },
        { type: 'provider-defined', id: 'anthropic.bash', name: 'bash', args: {} },
        { type: 'function' },
      ],
      abortSignal: new AbortController().signal,
      headers: { authorization: 'Bearer secret' },
    });
    expect(mapped).toEqual({
      params: {
        temperature: 0.2,
        maxTokens: 100,
        topP: 0.9,
        topK: 40,
        presencePenalty: 0.1,
        frequencyPenalty: 0.3,
        seed: 7,
        stopSequences: ['END', '5'], // numbers read as text, like every string field (the core's readString)
        responseFormat: 'json',
        toolChoice: 'weather',
      },
      tools: [
        { name: 'weather', type: 'function', description: 'Weather', parameters: weatherSchema },
        { name: 'web_search', type: 'openai.web_search', parameters: { size: 'low' } },
        { name: 'bash', type: 'anthropic.bash', parameters: {} },
      ],
      messages: [],
    });
    expect(JSON.stringify(mapped)).not.toContain('secret');
  });

  it('skips settings that are present but undefined', () => {
    expect(mapCallOptions({ prompt: [], temperature: undefined, toolChoice: { type: 'auto' } })).toEqual({
      params: { toolChoice: 'auto' },
      messages: [],
    });
  });

  it('maps a V2 prompt with roles and typed parts', () => {
    expect(mapCallOptions({ prompt: v2Prompt }).messages).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'What is in this image?' },
          { type: 'blob', modality: 'image', mimeType: 'image/png', content: new Uint8Array([1, 2, 3]) },
        ],
      },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call-1', name: 'weather', arguments: { city: 'Paris' } }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call-1', response: 21 }] },
    ]);
  });

  it('maps a V3 prompt, skipping approval responses', () => {
    const messages = mapCallOptions({ prompt: v3Prompt }).messages;
    expect(messages?.[3]).toEqual({
      role: 'tool',
      parts: [{ type: 'tool_call_response', id: 'call-1', response: 21 }],
    });
  });

  it('maps a V4 prompt: tagged file data, reasoning and content tool output without bytes', () => {
    const messages = mapCallOptions({ prompt: v4Prompt }).messages;
    expect(messages?.[1]?.parts).toEqual([
      { type: 'text', content: 'What is in this image?' },
      { type: 'uri', modality: 'image', mimeType: 'image/png', uri: 'https://example.com/cat.png' },
      { type: 'file', modality: 'application', mimeType: 'application/pdf', fileId: 'file-123' },
    ]);
    expect(messages?.[2]?.parts[0]).toEqual({ type: 'reasoning', content: 'Need the weather.' });
    expect(messages?.[3]?.parts).toEqual([
      {
        type: 'tool_call_response',
        id: 'call-1',
        response: [
          { type: 'text', text: 'sunny' },
          { type: 'file', mediaType: 'image/png' },
        ],
      },
    ]);
  });

  it('maps text, error and denied tool outputs', () => {
    const tool = (output: unknown) => ({
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'c', toolName: 't', output }],
    });
    const messages = mapCallOptions({
      prompt: [
        tool({ type: 'text', value: 'ok' }),
        tool({ type: 'error-text', value: 'boom' }),
        tool({ type: 'execution-denied', reason: 'user said no' }),
      ],
    }).messages;
    expect(messages?.map((m) => m.parts[0])).toEqual([
      { type: 'tool_call_response', id: 'c', response: 'ok' },
      { type: 'tool_call_response', id: 'c', response: 'boom' },
      { type: 'tool_call_response', id: 'c', response: { type: 'execution-denied', reason: 'user said no' } },
    ]);
  });

  it('never throws on malformed input', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(mapCallOptions(hostile)).toEqual({ params: {} });
    expect(mapCallOptions({ prompt: [null, { role: true }, { role: 'user', content: hostile }] }).messages).toEqual([
      { role: 'user', parts: [] },
    ]);
    expect(mapTools('x')).toBeUndefined();
  });
});

describe('extractCallOptions', () => {
  it('removes providerOptions.agentops without touching the caller’s objects', () => {
    const providerOptions = { agentops: { sessionId: 's-1', userId: 'u-1', tags: ['a'] }, openai: { user: 'x' } };
    const params = { prompt: [], providerOptions };
    const extracted = extractCallOptions(params);
    expect(extracted.params).toEqual({ prompt: [], providerOptions: { openai: { user: 'x' } } });
    expect(extracted.metadata).toEqual({ sessionId: 's-1', userId: 'u-1', tags: ['a'] });
    expect(params.providerOptions).toBe(providerOptions);
    expect(providerOptions.agentops).toBeDefined();
  });

  it('drops providerOptions when agentops was its only namespace', () => {
    const extracted = extractCallOptions({ prompt: [], providerOptions: { agentops: { captureContent: false } } });
    expect(extracted.params).toEqual({ prompt: [], providerOptions: undefined });
    expect(extracted.captureContent).toBe(false);
    expect(extracted.metadata).toBeUndefined();
  });

  it('returns the same object when there is nothing to remove', () => {
    const params = { prompt: [], providerOptions: { openai: {} } };
    expect(extractCallOptions(params).params).toBe(params);
    expect(extractCallOptions(undefined).params).toBeUndefined();
  });
});

describe('readCallMetadata', () => {
  it('keeps well-typed fields and attribute values only', () => {
    expect(
      readCallMetadata({
        sessionId: 's',
        conversationId: 'c',
        userId: {},
        tags: ['x', false, 1],
        attributes: {
          plan: 'pro',
          n: 2,
          ok: true,
          list: ['a', 'b'],
          mixed: ['a', 1],
          nested: { a: 1 },
          nan: Number.NaN,
        },
      }),
    ).toEqual({
      sessionId: 's',
      conversationId: 'c',
      tags: ['x', '1'],
      attributes: { plan: 'pro', n: 2, ok: true, list: ['a', 'b'] },
    });
    expect(readCallMetadata('nope')).toBeUndefined();
  });

  it('merges call metadata over the middleware’s', () => {
    expect(
      mergeMetadata(
        { userId: 'a', tags: ['x'], attributes: { team: 'core' } },
        { userId: 'b', tags: ['x', 'y'], attributes: { plan: 'pro' } },
      ),
    ).toEqual({ userId: 'b', tags: ['x', 'y'], attributes: { team: 'core', plan: 'pro' } });
    expect(mergeMetadata(undefined, { userId: 'b' })).toEqual({ userId: 'b' });
    expect(mergeMetadata({ userId: 'a' }, undefined)).toEqual({ userId: 'a' });
  });
});

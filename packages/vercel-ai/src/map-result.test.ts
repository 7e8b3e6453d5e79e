import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { v2Generate, v3Generate, v4Generate } from './__fixtures__/model-results.js';
import { mapError, mapGenerateResult, mapServer } from './map-result.js';

const parts = [
  { type: 'reasoning', content: 'Think.' },
  { type: 'text', content: 'Hello' },
  { type: 'tool_call', id: 'call-1', name: 'weather', arguments: '{"city":"Paris"}' },
];
const response = {
  responseId: 'resp-1',
  responseModel: 'model-2024',
  responseCreated: new Date('2026-01-02T03:04:05.000Z'),
};

describe('mapGenerateResult', () => {
  it('maps a V2 result', () => {
    expect(mapGenerateResult(v2Generate)).toEqual({
      outputs: [{ role: 'assistant', parts, finishReason: 'tool-calls' }],
      finishReasons: ['tool-calls'],
      usage: { inputTokens: 10, outputTokens: 7, totalTokens: 17, cacheReadInputTokens: 4, reasoningTokens: 3 },
      ...response,
      warnings: ['unsupported-setting: topK'],
    });
  });

  it('maps a V3 result', () => {
    expect(mapGenerateResult(v3Generate)).toEqual({
      outputs: [{ role: 'assistant', parts, finishReason: 'tool-calls' }],
      finishReasons: ['tool-calls'],
      usage: {
        inputTokens: 10,
        outputTokens: 7,
        totalTokens: 17,
        cacheReadInputTokens: 4,
        cacheCreationInputTokens: 2,
        reasoningTokens: 3,
      },
      ...response,
      warnings: ['unsupported: topK'],
    });
  });

  it('maps a V4 result, with its tagged file content', () => {
    const end = mapGenerateResult(v4Generate);
    expect(end.outputs?.[0]?.parts).toEqual([
      ...parts,
      { type: 'blob', modality: 'image', mimeType: 'image/png', content: 'iVBORw0K' },
    ]);
    expect(end.warnings).toEqual(['deprecated: topK: use reasoning']);
  });

  it('maps provider-executed tool results and skips sources', () => {
    const end = mapGenerateResult({
      content: [
        { type: 'tool-result', toolCallId: 'ws-1', toolName: 'web_search', result: { hits: 2 } },
        { type: 'source', sourceType: 'url', id: 's', url: 'https://x.test' },
      ],
      finishReason: { unified: 'stop', raw: undefined },
      usage: {},
    });
    expect(end.outputs).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call_response', id: 'ws-1', response: { hits: 2 } }],
        finishReason: 'stop',
      },
    ]);
    expect(end.usage).toBeUndefined();
  });

  it('never throws on malformed results', () => {
    for (const bad of [undefined, null, 'x', 5, { content: 'x', usage: 'y', response: 3, warnings: {} }]) {
      expect(() => mapGenerateResult(bad)).not.toThrow();
    }
    expect(mapGenerateResult({ content: [{ type: 'text' }, null] })).toEqual({});
  });

  it('a field that throws when read costs that field only (result, response, finish reason, usage counts)', () => {
    // The mapping reads each object's fields directly and, when one throws, again one by one.
    const throwingOn = <T extends object>(target: T, key: string): T =>
      new Proxy(target, {
        get(object, property, receiver) {
          if (property === key) throw new Error(`reading ${key}`);
          return Reflect.get(object, property, receiver);
        },
      });
    const full = mapGenerateResult(v3Generate, false);
    expect(full).toMatchObject({ responseId: expect.any(String), warnings: ['unsupported: topK'] });
    const { warnings: _warnings, ...withoutWarnings } = full;
    expect(mapGenerateResult(throwingOn(v3Generate, 'warnings'), false)).toEqual(withoutWarnings);
    const { responseModel: _model, ...withoutModel } = full;
    expect(mapGenerateResult({ ...v3Generate, response: throwingOn(v3Generate.response, 'modelId') }, false)).toEqual(
      withoutModel,
    );
    const finishReason = throwingOn(v3Generate.finishReason, 'raw');
    expect(mapGenerateResult({ ...v3Generate, finishReason }, false)).toEqual(full);
    const usage = { ...v3Generate.usage, outputTokens: throwingOn(v3Generate.usage.outputTokens, 'reasoning') };
    const { reasoningTokens: _reasoning, ...usageWithoutReasoning } = full.usage ?? {};
    expect(mapGenerateResult({ ...v3Generate, usage }, false)).toEqual({ ...full, usage: usageWithoutReasoning });
  });
});

describe('mapServer', () => {
  it('reads host and port from the request URL', () => {
    expect(mapServer(v4Generate.request)).toEqual({ address: 'api.example.com', port: 8443 });
    expect(mapServer({ url: 'https://api.openai.com/v1/chat/completions' })).toEqual({ address: 'api.openai.com' });
    expect(mapServer({ url: 'not a url' })).toBeUndefined();
    expect(mapServer(undefined)).toBeUndefined();
  });
});

describe('mapError', () => {
  it('reads status and the provider code of an APICallError, never its bodies', () => {
    const error = new APICallError({
      message: 'Rate limit reached',
      url: 'https://api.openai.com/v1/chat/completions',
      requestBodyValues: { messages: [{ role: 'user', content: 'secret prompt' }] },
      statusCode: 429,
      responseBody: '{"error":{"code":"rate_limit_exceeded"}}',
      isRetryable: true,
      data: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
    });
    const info = mapError(error);
    // `isRetryable` is the core's to read (ErrorInfo.retryable); the adapter adds only what the core cannot know.
    expect(info).toEqual({ type: 'AI_APICallError', statusCode: 429, code: 'rate_limit_exceeded' });
    expect(JSON.stringify(info)).not.toContain('secret');
  });

  it('reads plain errors and non-errors', () => {
    expect(mapError(new TypeError('x'))).toEqual({ type: 'TypeError' });
    expect(mapError('boom')).toEqual({});
    expect(mapError({ data: { code: 42 } })).toEqual({ code: '42' });
  });
});

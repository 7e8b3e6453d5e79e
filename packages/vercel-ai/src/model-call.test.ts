import type { CallHandle } from '@agentops/llm-callback-core';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { pullStream, streamParts } from './__fixtures__/ai-versions.js';
import { testTracing } from './__fixtures__/telemetry-harness.js';
import { agentopsMiddleware } from './agentops-middleware.js';
import { StreamAccumulator } from './map-stream.js';
import { isRecordedCall, type ModelCall, RECORDED_CALL_KEY, runModelCall } from './model-call.js';

function fakeCall() {
  const handle = {
    key: 'k',
    recordsContent: true,
    chunk: vi.fn(),
    touch: vi.fn(),
    end: vi.fn(),
    fail: vi.fn(),
  } satisfies CallHandle;
  const call: ModelCall = {
    handle,
    context: undefined,
    attempt: 0,
    accumulator: new StreamAccumulator(),
    request: undefined,
    complete: (end) => handle.end(end),
  };
  return { call, handle };
}

async function drain(stream: ReadableStream<unknown>): Promise<unknown[]> {
  const parts: unknown[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

describe('runModelCall', () => {
  it('counts output parts as chunks and keeps the call alive on framing and keep-alive parts', async () => {
    const parts = streamParts('v4', { text: 'abcdefghi' });
    // A V4 `ping` between the metadata and the text: keep-alive, not output.
    parts.splice(2, 0, { type: 'ping' }, { type: 'ping' });
    const { call, handle } = fakeCall();
    const result = await runModelCall(call, async () => ({ stream: pullStream(parts) }));
    expect(await drain(result.stream)).toEqual(parts);
    expect(handle.chunk).toHaveBeenCalledTimes(3);
    // stream-start, response-metadata, 2 pings, text-start, text-end and finish.
    expect(handle.touch).toHaveBeenCalledTimes(7);
    expect(handle.end).toHaveBeenCalledTimes(1);
    expect(handle.end.mock.calls[0]?.[0]).toMatchObject({
      outputs: [{ role: 'assistant', parts: [{ type: 'text', content: 'abcdefghi' }] }],
      finishReasons: ['stop'],
    });
  });

  it('ends a generate result at once, through `complete`, with `shape` applied', async () => {
    const { call, handle } = fakeCall();
    call.shape = (end) => ({ ...end, warnings: ['shaped'] });
    const result = { content: [{ type: 'text', text: 'hi' }], finishReason: { unified: 'stop' }, warnings: [] };
    expect(await runModelCall(call, async () => result)).toBe(result);
    expect(handle.end).toHaveBeenCalledWith(expect.objectContaining({ warnings: ['shaped'] }));
  });

  it('records a rejection and rethrows it unchanged', async () => {
    const { call, handle } = fakeCall();
    const error = new Error('nope');
    await expect(runModelCall(call, async () => Promise.reject(error))).rejects.toBe(error);
    expect(handle.fail).toHaveBeenCalledWith(expect.objectContaining({ error, errorInfo: { type: 'Error' } }));
    expect(handle.end).not.toHaveBeenCalled();
  });
});

/** An array whose `length` throws: mapping it fails. */
function unreadableArray(): unknown[] {
  return new Proxy([1, 2], {
    get(target, key) {
      if (key === 'length') throw new Error('unreadable length');
      return Reflect.get(target, key);
    },
  });
}

describe('runModelCall when recording fails', () => {
  it('ends a generate span once, without the unreadable data, and returns the model result', async () => {
    const tracing = testTracing();
    const middleware = agentopsMiddleware({ tracerProvider: tracing.provider });
    const result = { content: [{ type: 'text', text: 'ok' }], finishReason: 'stop', warnings: unreadableArray() };
    const returned = await middleware.wrapGenerate?.({
      doGenerate: async () => result,
      doStream: async () => ({}),
      params: { prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
      model: { provider: 'openai.chat', modelId: 'gpt-4o' },
    } as never);
    expect(returned).toBe(result);
    expect(tracing.capture.openCount()).toBe(0);
    const spans = tracing.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes['gen_ai.request.model']).toBe('gpt-4o');
    await tracing.shutdown();
  });

  it('ends the handle directly when `complete` throws', async () => {
    const { call, handle } = fakeCall();
    call.complete = () => {
      throw new Error('broken complete');
    };
    const result = { content: [{ type: 'text', text: 'hi' }], finishReason: 'stop' };
    expect(await runModelCall(call, async () => result)).toBe(result);
    expect(handle.end).toHaveBeenCalledTimes(1);
    expect(handle.fail).not.toHaveBeenCalled();
  });

  it('ends with the server details when the mapping throws', async () => {
    const { call, handle } = fakeCall();
    const result = { content: unreadableArray(), request: { url: 'https://api.example.com:8443/v1' } };
    expect(await runModelCall(call, async () => result)).toBe(result);
    expect(handle.end).toHaveBeenCalledTimes(1);
    expect(handle.end.mock.calls[0]?.[0]).toEqual({
      attributes: { 'server.address': 'api.example.com', 'server.port': 8443 },
    });
  });
});

describe('isRecordedCall', () => {
  it('is true only inside a context marked by AgentOpsTelemetry', () => {
    const tracing = testTracing();
    expect(isRecordedCall()).toBe(false);
    expect(context.with(ROOT_CONTEXT.setValue(RECORDED_CALL_KEY, 'key'), isRecordedCall)).toBe(true);
    expect(context.with(ROOT_CONTEXT, isRecordedCall)).toBe(false);
    return tracing.shutdown();
  });
});

describe('content capture off', () => {
  it('does not even map the prompt when no content is recorded', async () => {
    const tracing = testTracing();
    let promptReads = 0;
    const prompt = new Proxy([{ role: 'user', content: [{ type: 'text', text: 'secret plan' }] }], {
      get(target, key) {
        if (key === 'length') promptReads++;
        return Reflect.get(target, key);
      },
    });
    const generate = (captureContent: boolean) =>
      agentopsMiddleware({ tracerProvider: tracing.provider, captureContent }).wrapGenerate?.({
        doGenerate: async () => ({ content: [{ type: 'text', text: 'ok' }], finishReason: 'stop' }),
        doStream: async () => ({}),
        params: { prompt },
        model: { provider: 'openai.chat', modelId: 'gpt-4o' },
      } as never);
    await generate(false);
    expect(promptReads).toBe(0);
    await generate(true);
    expect(promptReads).toBeGreaterThan(0);
    const [off, on] = tracing.spans();
    expect(off?.attributes['gen_ai.prompt.0.role']).toBeUndefined();
    expect(on?.attributes['gen_ai.prompt.0.content']).toBe('secret plan');
    await tracing.shutdown();
  });
});

/*
 * Minimal regression tests for the defects this suite found. Each one fails until the defect is fixed in the
 * package it names; the README's "Defects found" table points at the suspected cause.
 */
import { AgentOpsLangChainHandler } from '@agentops/langchain';
import { AgentOpsLiteLLMHandler } from '@agentops/litellm';
import { createLlmSpanRecorder } from '@agentops/llm-callback-core';
import { createTestTracing } from '@agentops/llm-callback-core/testing';
import { BufferedBatchSpanProcessor, RetryingSpanExporter } from '@agentops/tracing';
import { agentopsMiddleware } from '@agentops/vercel-ai';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { chainInputs, serializedChain } from './support/langchain-payloads.ts';
import { standardPayload } from './support/litellm-payloads.ts';

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

const text = (content: string) => [{ type: 'text' as const, content }];

describe('core: attributes under the SDK attribute-count limit', () => {
  it('keeps the completion of a call with a long conversation (100 messages)', () => {
    const recorder = createLlmSpanRecorder({});
    const messages = Array.from({ length: 100 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      parts: text(`message ${i}`),
    }));
    recorder.startCall({ key: 'long-conversation', model: 'gpt-4o', messages });
    recorder.endCall({
      key: 'long-conversation',
      outputs: [{ role: 'assistant', parts: text('the answer'), finishReason: 'stop' }],
      usage: { inputTokens: 900, outputTokens: 3 },
    });
    const [span] = tracing.spans();
    // The SDK keeps 128 attributes by default; the model's answer must not be what gets dropped.
    expect(span?.attributes['gen_ai.completion.0.content']).toBe('the answer');
  });
});

describe('core: GenAI JSON attributes stay valid JSON', () => {
  it('writes a valid gen_ai.output.messages when the finish reason is "constructor"', () => {
    const recorder = createLlmSpanRecorder({ semconv: { genaiLatest: true } });
    recorder.startCall({ key: 'odd-finish-reason', model: 'gpt-4o', messages: [{ role: 'user', parts: text('hi') }] });
    recorder.endCall({
      key: 'odd-finish-reason',
      outputs: [{ role: 'assistant', parts: text('hello'), finishReason: 'constructor' }],
    });
    const value = tracing.spans()[0]?.attributes['gen_ai.output.messages'];
    expect(typeof value).toBe('string');
    expect(() => JSON.parse(String(value))).not.toThrow();
  });
});

/** An array whose `length` cannot be read (an in-process value a framework or a user hook could hand over). */
function unreadableArray(): unknown[] {
  return new Proxy([1, 2], {
    get(target, key) {
      if (key === 'length') throw new Error('unreadable length');
      return Reflect.get(target, key);
    },
  });
}

describe('core: JSON serialization of unreadable values', () => {
  it('keeps gen_ai.output.messages valid JSON when tool-call arguments are an array that cannot be read', () => {
    const recorder = createLlmSpanRecorder({ semconv: { genaiLatest: true } });
    recorder.startCall({
      key: 'unreadable-arguments',
      model: 'gpt-4o',
      messages: [{ role: 'user', parts: text('hi') }],
    });
    recorder.endCall({
      key: 'unreadable-arguments',
      outputs: [
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: unreadableArray() }] },
      ],
    });
    const value = tracing.spans()[0]?.attributes['gen_ai.output.messages'];
    expect(typeof value).toBe('string');
    expect(() => JSON.parse(String(value))).not.toThrow();
  });
});

describe('vercel-ai: the span of a generate call ends when the call settles', () => {
  it('ends the span even when the result cannot be mapped (its warnings cannot be read)', async () => {
    const middleware = agentopsMiddleware({ tracerProvider: tracing.provider });
    const result = { content: [{ type: 'text', text: 'ok' }], finishReason: 'stop', warnings: unreadableArray() };
    const returned = await middleware.wrapGenerate({
      doGenerate: async () => result,
      doStream: async () => ({}),
      params: { prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
      model: { provider: 'openai.chat', modelId: 'gpt-4o' },
    });
    expect(returned).toBe(result);
    // Without an end the span waits for the in-flight TTL (15 minutes by default).
    expect(tracing.capture.openCount()).toBe(0);
    expect(tracing.spans()).toHaveLength(1);
  });
});

describe('litellm: logStandardLoggingPayload ingests the valid items of a mixed batch', () => {
  it('records a valid payload that follows an item whose getter throws', () => {
    const handler = new AgentOpsLiteLLMHandler({ autoSession: false });
    const broken = {
      litellm_call_id: 'broken-item',
      get metadata(): unknown {
        throw new Error('unreadable');
      },
    };
    handler.logStandardLoggingPayload([broken, standardPayload('valid-after-broken')]);
    handler.close();
    const ids = tracing.spans().map((span) => span.attributes['litellm.call_id']);
    expect(ids).toContain('valid-after-broken');
  });
});

describe('langchain: callbacks never throw and always end their run', () => {
  const chain = serializedChain() as never;

  it('does not throw when a value in the inputs throws something that cannot be turned into a string', () => {
    const handler = new AgentOpsLangChainHandler({ tracerProvider: tracing.provider });
    const inputs = {
      get question(): string {
        throw Object.create(null);
      },
    };
    expect(() => handler.handleChainStart(chain, inputs, 'unprintable-throw')).not.toThrow();
    handler.endAll();
  });

  it('ends a chain run whose outputs cannot be read', () => {
    const handler = new AgentOpsLangChainHandler({ tracerProvider: tracing.provider });
    handler.handleChainStart(chain, chainInputs(), 'unreadable-outputs');
    handler.handleChainEnd({ output: unreadableArray() }, 'unreadable-outputs');
    // Without an end the span waits for the in-flight TTL (15 minutes by default).
    expect(handler.stats().inFlight).toBe(0);
    handler.endAll();
  });

  it('ends a run whose id was first reported as a hidden chain', () => {
    const handler = new AgentOpsLangChainHandler({ tracerProvider: tracing.provider });
    handler.handleChainStart(chain, chainInputs(), 'reused-id', undefined, ['langsmith:hidden']);
    handler.handleToolStart(chain, '{}', 'reused-id');
    handler.handleChainEnd({ output: 'done' }, 'reused-id');
    expect(handler.stats().inFlight).toBe(0);
    handler.endAll();
  });
});

describe('tracing: spans lost in a burst are counted', () => {
  it('counts the spans a burst pushes past the batch queue (exported + dropped = ended)', async () => {
    const memory = new InMemorySpanExporter();
    const processor = new BufferedBatchSpanProcessor(new RetryingSpanExporter(memory), {
      maxQueueSize: 10,
      maxExportBatchSize: 5,
      scheduledDelayMillis: 50,
    });
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('burst');
    // One synchronous burst, as a core sweep, endAll() or a 5,000-payload bridge batch ends spans.
    for (let i = 0; i < 50; i++) tracer.startSpan(`burst-${i}`).end();
    await processor.forceFlush();
    const stats = processor.exportStats();
    expect(memory.getFinishedSpans().length + stats.dropped).toBe(50);
    await provider.shutdown();
  });
});

describe('core: redaction covers every exported value', () => {
  it('redacts PII and secrets in user.id, session.id and agentops.tags', () => {
    const recorder = createLlmSpanRecorder({ redaction: { pii: true } });
    recorder.startCall({
      key: 'metadata-pii',
      model: 'gpt-4o',
      metadata: {
        userId: 'jane.doe@example.com',
        sessionId: 'sk-proj-Ab3Cd5Ef7Gh9Jk2Mn4Pq6Rs8Tu0Vw1XyAb3Cd5Ef',
        tags: ['ssn 123-45-6789'],
      },
    });
    recorder.endCall({ key: 'metadata-pii' });
    const exported = JSON.stringify(tracing.spans()[0]?.attributes);
    expect(exported).not.toContain('jane.doe@example.com');
    expect(exported).not.toContain('sk-proj-Ab3Cd5Ef7Gh9Jk2Mn4Pq6Rs8Tu0Vw1XyAb3Cd5Ef');
    expect(exported).not.toContain('123-45-6789');
  });

  it('redacts PII inside a percent-encoded URL (a file part given as a URL object)', () => {
    const recorder = createLlmSpanRecorder({ redaction: { pii: true } });
    const url = new URL('https://files.example.com/scan of 123-45-6789.png').href; // ".../scan%20of%20123-45-6789.png"
    recorder.startCall({
      key: 'encoded-url',
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'read this' },
            { type: 'uri', modality: 'image', uri: url },
          ],
        },
      ],
    });
    recorder.endCall({ key: 'encoded-url' });
    expect(JSON.stringify(tracing.spans()[0]?.attributes)).not.toContain('123-45-6789');
  });
});
